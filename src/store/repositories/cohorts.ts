import type { Model } from 'mongoose';
import type { Channel } from '../../domain/channel.js';
import type { CohortGroup } from '../../domain/cohort.js';
import type { CohortInput, CohortRepository } from '../../domain/repositories.js';
import { err, ok } from '../../domain/result.js';
import { toCohort, type CohortDoc } from '../models/cohort.js';
import { AFTER_UPDATE, op, requireObjectId, toObjectId, toObjectIds } from './ids.js';
import { setOrUnset } from './update.js';

export function createCohortRepository(model: Model<CohortDoc>): CohortRepository {
  const byId = async (id: string) => {
    const _id = toObjectId(id);
    if (!_id) return undefined;
    const doc = await model.findById(_id).lean<CohortDoc>();
    return doc ? toCohort(doc) : undefined;
  };

  return {
    async upsertByCode(input: CohortInput) {
      // Callers validate their input (the import does); a backwards course here is a bug.
      if (input.courseEnd < input.courseStart) throw new RangeError('courseEnd must not be before courseStart');
      const code = input.code.trim().toUpperCase();
      const raw = await model
        .findOneAndUpdate(
          { code },
          {
            ...setOrUnset({
              programmeId: requireObjectId(input.programmeId, 'programmeId'),
              title: input.title,
              courseStart: input.courseStart,
              courseEnd: input.courseEnd,
              timeZone: input.timeZone,
              locale: input.locale,
              curatorIds: toObjectIds(input.curatorIds ?? []),
              tutorIds: toObjectIds(input.tutorIds ?? []),
              // A plan is only ever set on purpose: an import that does not mention it keeps it.
              ...(input.stagePlan ? { stagePlan: input.stagePlan } : {}),
              ...(input.sendingWindow ? { sendingWindow: input.sendingWindow } : {}),
              demo: input.demo ? true : undefined,
            }),
            $setOnInsert: { code, status: 'active', groups: [] },
          },
          { ...AFTER_UPDATE, upsert: true, includeResultMetadata: true },
        )
        .lean<{ value: CohortDoc; lastErrorObject?: { updatedExisting?: boolean } }>();
      return { cohort: toCohort(raw.value), created: raw.lastErrorObject?.updatedExisting === false };
    },
    findById: byId,
    async findByCode(code) {
      const doc = await model.findOne({ code: code.trim().toUpperCase() }).lean<CohortDoc>();
      return doc ? toCohort(doc) : undefined;
    },
    async findByGroup(channel: Channel, chatId: string) {
      const doc = await model.findOne({ groups: op({ $elemMatch: { channel, chatId } }) }).lean<CohortDoc>();
      return doc ? toCohort(doc) : undefined;
    },
    async listByProgramme(programmeId) {
      const _id = toObjectId(programmeId);
      if (!_id) return [];
      const docs = await model.find({ programmeId: _id }).sort({ courseEnd: 1 }).lean<CohortDoc[]>();
      return docs.map(toCohort);
    },
    async setStagePlan(cohortId, plan) {
      const _id = toObjectId(cohortId);
      if (!_id) return undefined;
      const doc = await model.findOneAndUpdate({ _id }, { $set: { stagePlan: plan } }, AFTER_UPDATE).lean<CohortDoc>();
      return doc ? toCohort(doc) : undefined;
    },
    async listByStatus(status) {
      const docs = await model.find({ status }).sort({ courseEnd: 1 }).lean<CohortDoc[]>();
      return docs.map(toCohort);
    },
    async listForStaffMember(participantId) {
      const _id = toObjectId(participantId);
      if (!_id) return [];
      const docs = await model
        .find(op({ $or: [{ curatorIds: _id }, { tutorIds: _id }] }))
        .sort({ courseEnd: -1 })
        .lean<CohortDoc[]>();
      return docs.map(toCohort);
    },
    async bindGroup(cohortId: string, group: CohortGroup) {
      const _id = requireObjectId(cohortId, 'cohortId');
      const holder = await model
        .findOne({
          _id: op({ $ne: _id }),
          groups: op({ $elemMatch: { channel: group.channel, chatId: group.chatId } }),
        })
        .lean<CohortDoc>();
      if (holder) return err({ kind: 'bound_to_other_cohort' as const, cohortCode: holder.code });
      // Re-binding the same chat replaces its entry (new title or invite link), never duplicates it.
      await model.updateOne({ _id }, { $pull: { groups: { channel: group.channel, chatId: group.chatId } } });
      const doc = await model
        .findOneAndUpdate(
          { _id },
          {
            $push: {
              groups: {
                ...group,
                boundBy: group.boundBy ? requireObjectId(group.boundBy, 'boundBy') : undefined,
              },
            },
          },
          AFTER_UPDATE,
        )
        .lean<CohortDoc>();
      if (!doc) throw new Error(`cohort ${cohortId} vanished while binding a group`);
      return ok(toCohort(doc));
    },
    async unbindGroup(cohortId, channel, chatId) {
      const _id = toObjectId(cohortId);
      if (!_id) return false;
      // Matching on the group itself: the update also stamps updatedAt, so modifiedCount alone would not tell.
      const result = await model.updateOne(
        { _id, groups: op({ $elemMatch: { channel, chatId } }) },
        { $pull: { groups: { channel, chatId } } },
      );
      return result.matchedCount > 0;
    },
    async setStatus(cohortId, status) {
      const _id = toObjectId(cohortId);
      if (!_id) return undefined;
      const doc = await model.findOneAndUpdate({ _id }, { $set: { status } }, AFTER_UPDATE).lean<CohortDoc>();
      return doc ? toCohort(doc) : undefined;
    },
  };
}
