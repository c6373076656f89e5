import { Schema, type Connection, type Model } from 'mongoose';
import type { ObjectIdType } from './common.js';

/** The definition each questionnaire version had when first seen: answers are tied to it. */
export interface QuestionnaireVersionDoc {
  _id: ObjectIdType;
  questionnaireId: string;
  version: number;
  hash: string;
  source: string;
  firstSeenAt: Date;
}

const schema = new Schema<QuestionnaireVersionDoc>(
  {
    questionnaireId: { type: String, required: true },
    version: { type: Number, required: true },
    hash: { type: String, required: true },
    source: { type: String, required: true },
    firstSeenAt: { type: Date, required: true },
  },
  { collection: 'questionnaire_versions', strict: true, strictQuery: 'throw', timestamps: false },
);
schema.index({ questionnaireId: 1, version: 1 }, { unique: true });

export function defineQuestionnaireVersionModel(connection: Connection): Model<QuestionnaireVersionDoc> {
  return connection.model<QuestionnaireVersionDoc>('QuestionnaireVersion', schema);
}
