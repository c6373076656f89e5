import { Schema, type Connection, type Model } from 'mongoose';
import type { Programme } from '../../domain/programme.js';
import { idString, orUndefined, schemaOptions, text, type ObjectIdType } from './common.js';
import { stagePlanSchema, toStagePlan, type StagePlanDoc } from './stage-plan.js';
import { COLLECTION_NAMES } from './collections.js';

export interface ProgrammeDoc {
  _id: ObjectIdType;
  code: string;
  title: string;
  direction: string;
  hours?: number | null;
  stagePlan?: StagePlanDoc | null;
  createdAt: Date;
  updatedAt: Date;
}

const programmeSchema = new Schema<ProgrammeDoc>(
  {
    code: { ...text(64, true), uppercase: true },
    title: text(500, true),
    direction: text(200, true),
    hours: { type: Number, min: 1, max: 10_000 },
    stagePlan: { type: stagePlanSchema, required: false },
  },
  schemaOptions(COLLECTION_NAMES.programmes),
);
programmeSchema.index({ code: 1 }, { unique: true });
programmeSchema.index({ direction: 1 });

export function defineProgrammeModel(connection: Connection): Model<ProgrammeDoc> {
  return connection.model<ProgrammeDoc>('Programme', programmeSchema);
}

export function toProgramme(doc: ProgrammeDoc): Programme {
  return {
    id: idString(doc._id),
    code: doc.code,
    title: doc.title,
    direction: doc.direction,
    hours: orUndefined(doc.hours),
    stagePlan: doc.stagePlan ? toStagePlan(doc.stagePlan) : undefined,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
