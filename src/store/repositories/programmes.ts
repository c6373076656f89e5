import type { Model } from 'mongoose';
import type { ProgrammeInput, ProgrammeRepository } from '../../domain/repositories.js';
import { toProgramme, type ProgrammeDoc } from '../models/programme.js';
import { AFTER_UPDATE, toObjectId } from './ids.js';
import { setOrUnset } from './update.js';

export function createProgrammeRepository(model: Model<ProgrammeDoc>): ProgrammeRepository {
  return {
    async upsertByCode(input: ProgrammeInput) {
      const code = input.code.trim().toUpperCase();
      const raw = await model
        .findOneAndUpdate(
          { code },
          {
            ...setOrUnset({
              title: input.title,
              direction: input.direction,
              hours: input.hours,
              // A plan is only ever set on purpose: an import that does not mention it keeps it.
              ...(input.stagePlan ? { stagePlan: input.stagePlan } : {}),
              demo: input.demo ? true : undefined,
            }),
            $setOnInsert: { code },
          },
          { ...AFTER_UPDATE, upsert: true, includeResultMetadata: true },
        )
        .lean<{ value: ProgrammeDoc; lastErrorObject?: { updatedExisting?: boolean } }>();
      return { programme: toProgramme(raw.value), created: raw.lastErrorObject?.updatedExisting === false };
    },
    async findById(id) {
      const _id = toObjectId(id);
      if (!_id) return undefined;
      const doc = await model.findById(_id).lean<ProgrammeDoc>();
      return doc ? toProgramme(doc) : undefined;
    },
    async findByCode(code) {
      const doc = await model.findOne({ code: code.trim().toUpperCase() }).lean<ProgrammeDoc>();
      return doc ? toProgramme(doc) : undefined;
    },
    async list() {
      const docs = await model.find().sort({ code: 1 }).lean<ProgrammeDoc[]>();
      return docs.map(toProgramme);
    },
  };
}
