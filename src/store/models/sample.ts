// Samples drawn for a survey (monitoring), kept so the draw can be shown again and its
// questionnaire sent.
import { Schema, type Connection, type Model } from 'mongoose';
import type { Stratum } from '../../domain/sample.js';
import { COLLECTION_NAMES } from './collections.js';
import type { ObjectIdType } from './common.js';

export interface SampleMemberDoc {
  participantId: ObjectIdType;
  cohortId: ObjectIdType;
  stratum: string;
  invitedAt?: Date | null;
}

export interface SampleDoc {
  _id: ObjectIdType;
  seed: string;
  size: number;
  population: number;
  cohortIds?: ObjectIdType[] | null;
  strata: Stratum[];
  members: SampleMemberDoc[];
  createdBy: string;
  assignment?: { questionnaireId: string; occasion: string; assignedAt: Date; assignedBy: string } | null;
  createdAt: Date;
  updatedAt: Date;
}

const sampleSchema = new Schema<SampleDoc>(
  {
    seed: { type: String, required: true, maxlength: 200 },
    size: { type: Number, required: true, min: 0 },
    population: { type: Number, required: true, min: 0 },
    cohortIds: { type: [Schema.Types.ObjectId], default: undefined },
    strata: [
      new Schema(
        {
          key: String,
          region: String,
          direction: String,
          settlementType: String,
          population: Number,
          quota: Number,
          sampled: Number,
        },
        { _id: false },
      ),
    ],
    members: [
      new Schema(
        {
          participantId: { type: Schema.Types.ObjectId, required: true },
          cohortId: { type: Schema.Types.ObjectId, required: true },
          stratum: { type: String, required: true },
          invitedAt: Date,
        },
        { _id: false },
      ),
    ],
    createdBy: { type: String, required: true },
    assignment: new Schema(
      {
        questionnaireId: { type: String, required: true, match: /^[a-z0-9][a-z0-9_-]{0,63}$/ },
        occasion: { type: String, required: true, maxlength: 100 },
        assignedAt: { type: Date, required: true },
        assignedBy: { type: String, required: true },
      },
      { _id: false },
    ),
  },
  { collection: COLLECTION_NAMES.samples, timestamps: true, strict: true, strictQuery: 'throw' },
);
sampleSchema.index({ 'assignment.questionnaireId': 1 });

export function defineSampleModel(connection: Connection): Model<SampleDoc> {
  return (
    (connection.models.MonitoringSample as Model<SampleDoc> | undefined) ??
    connection.model<SampleDoc>('MonitoringSample', sampleSchema)
  );
}
