import { Schema, type Connection, type Model } from 'mongoose';
import { LINK_STATUSES, type LinkStatus } from '../../domain/activity.js';
import type { ResultLink } from '../../domain/result-link.js';
import { ObjectId, idString, orUndefined, schemaOptions, type ObjectIdType } from './common.js';
import { COLLECTION_NAMES } from './collections.js';

export interface ResultLinkDoc {
  _id: ObjectIdType;
  participantId: ObjectIdType;
  cohortId: ObjectIdType;
  responseId: ObjectIdType;
  questionnaireId: string;
  questionId: string;
  url: string;
  recordedAt: Date;
  checkedAt?: Date | null;
  reachable?: boolean | null;
  status?: LinkStatus | null;
  httpStatus?: number | null;
  liveSince?: Date | null;
  attempts?: number | null;
  retryAt?: Date | null;
  toldAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const resultLinkSchema = new Schema<ResultLinkDoc>(
  {
    participantId: { type: ObjectId, ref: 'Participant', required: true },
    cohortId: { type: ObjectId, ref: 'Cohort', required: true },
    responseId: { type: ObjectId, ref: 'Response', required: true },
    questionnaireId: { type: String, required: true },
    questionId: { type: String, required: true },
    // Empty once the teacher deleted their data: the verdict stays for the counts, the address goes.
    url: { type: String, maxlength: 2000, default: '' },
    recordedAt: { type: Date, required: true },
    checkedAt: Date,
    reachable: Boolean,
    status: { type: String, enum: LINK_STATUSES },
    httpStatus: Number,
    liveSince: Date,
    attempts: { type: Number, default: 0 },
    retryAt: Date,
    toldAt: Date,
  },
  schemaOptions(COLLECTION_NAMES.resultLinks),
);
resultLinkSchema.index({ responseId: 1, questionId: 1 }, { unique: true });
resultLinkSchema.index({ cohortId: 1, checkedAt: 1 });
resultLinkSchema.index({ participantId: 1 });

export function defineResultLinkModel(connection: Connection): Model<ResultLinkDoc> {
  return connection.model<ResultLinkDoc>('ResultLink', resultLinkSchema);
}

export function toResultLink(doc: ResultLinkDoc): ResultLink {
  const optional = <K extends keyof ResultLink>(key: K, value: ResultLink[K] | null | undefined) =>
    value === null || value === undefined ? {} : { [key]: value };
  return {
    id: idString(doc._id),
    participantId: idString(doc.participantId),
    cohortId: idString(doc.cohortId),
    responseId: idString(doc.responseId),
    questionnaireId: doc.questionnaireId,
    questionId: doc.questionId,
    url: doc.url ?? '',
    recordedAt: doc.recordedAt,
    ...optional('checkedAt', doc.checkedAt),
    ...optional('reachable', doc.reachable),
    ...optional('status', doc.status),
    ...optional('httpStatus', doc.httpStatus),
    ...optional('liveSince', doc.liveSince),
    attempts: orUndefined(doc.attempts) ?? 0,
    ...optional('retryAt', doc.retryAt),
    ...optional('toldAt', doc.toldAt),
  };
}
