import { Schema, type Connection, type Model } from 'mongoose';
import { RESPONSE_STATUSES, type AnswerValue, type Response, type ResponseStatus } from '../../domain/response.js';
import { ObjectId, idString, orUndefined, schemaOptions, text, type ObjectIdType } from './common.js';
import { COLLECTION_NAMES } from './collections.js';

export interface AnswerDoc {
  questionId: string;
  value: AnswerValue | null;
  otherText?: string | null;
  skipped: boolean;
  answeredAt: Date;
}

export interface ResponseDoc {
  _id: ObjectIdType;
  participantId: ObjectIdType;
  cohortId: ObjectIdType;
  questionnaireId: string;
  questionnaireVersion: number;
  occasion: string;
  status: ResponseStatus;
  answers: AnswerDoc[];
  startedAt: Date;
  completedAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Only plain values are stored as answers: an object could smuggle query operators back out. */
export function isAnswerValue(value: unknown): value is AnswerValue | null {
  if (value === null) return true;
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

const answerSchema = new Schema<AnswerDoc>(
  {
    questionId: { type: String, required: true, match: /^[A-Za-z0-9_-]{1,64}$/ },
    value: {
      type: Schema.Types.Mixed,
      validate: { validator: isAnswerValue, message: 'an answer must be text, a number, yes/no or a list of options' },
    },
    otherText: text(4000),
    skipped: { type: Boolean, default: false, required: true },
    answeredAt: { type: Date, required: true },
  },
  { _id: false },
);

const responseSchema = new Schema<ResponseDoc>(
  {
    participantId: { type: ObjectId, ref: 'Participant', required: true },
    cohortId: { type: ObjectId, ref: 'Cohort', required: true },
    questionnaireId: { type: String, required: true, match: /^[a-z0-9][a-z0-9_-]{0,63}$/ },
    questionnaireVersion: { type: Number, required: true, min: 1 },
    occasion: { type: String, required: true, maxlength: 100 },
    status: { type: String, enum: RESPONSE_STATUSES, default: 'in_progress', required: true },
    answers: { type: [answerSchema], default: [] },
    startedAt: { type: Date, required: true },
    completedAt: Date,
  },
  schemaOptions(COLLECTION_NAMES.responses),
);
// One run per participant, cohort, questionnaire and occasion: a repeated invitation resumes it.
responseSchema.index({ participantId: 1, cohortId: 1, questionnaireId: 1, occasion: 1 }, { unique: true });
responseSchema.index({ questionnaireId: 1, questionnaireVersion: 1, cohortId: 1, status: 1 });
responseSchema.index({ cohortId: 1, status: 1, completedAt: 1 });
responseSchema.index({ participantId: 1, status: 1 });

export function defineResponseModel(connection: Connection): Model<ResponseDoc> {
  return connection.model<ResponseDoc>('Response', responseSchema);
}

export function toResponse(doc: ResponseDoc): Response {
  return {
    id: idString(doc._id),
    participantId: idString(doc.participantId),
    cohortId: idString(doc.cohortId),
    questionnaireId: doc.questionnaireId,
    questionnaireVersion: doc.questionnaireVersion,
    occasion: doc.occasion,
    status: doc.status,
    answers: doc.answers.map((a) => ({
      questionId: a.questionId,
      value: a.value ?? null,
      otherText: orUndefined(a.otherText),
      skipped: a.skipped,
      answeredAt: a.answeredAt,
    })),
    startedAt: doc.startedAt,
    completedAt: orUndefined(doc.completedAt),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
