import { Schema, type Connection, type Model } from 'mongoose';
import {
  LOGGED_SEND_KINDS,
  SEND_STATUSES,
  type LoggedSendKind,
  type ScheduledSend,
  type SendStatus,
} from '../../domain/scheduled-send.js';
import { ObjectId, idString, orUndefined, type ObjectIdType } from './common.js';

export interface ScheduledSendDoc {
  _id: ObjectIdType;
  key: string;
  cohortId: ObjectIdType;
  kind: LoggedSendKind;
  occasion: string;
  recipientId: ObjectIdType;
  status: SendStatus;
  dueAt: Date;
  attemptedAt: Date;
  sentAt?: Date | null;
  attempts: number;
  detail?: string | null;
}

const scheduledSendSchema = new Schema<ScheduledSendDoc>(
  {
    key: { type: String, required: true, maxlength: 300 },
    cohortId: { type: ObjectId, ref: 'Cohort', required: true },
    kind: { type: String, enum: LOGGED_SEND_KINDS, required: true },
    occasion: { type: String, required: true, maxlength: 200 },
    recipientId: { type: ObjectId, ref: 'Participant', required: true },
    status: { type: String, enum: SEND_STATUSES, required: true },
    dueAt: { type: Date, required: true },
    attemptedAt: { type: Date, required: true },
    sentAt: Date,
    attempts: { type: Number, required: true, min: 1 },
    detail: { type: String, maxlength: 500 },
  },
  // Times here are the scheduler's clock (injected in tests), not mongoose's timestamps.
  { collection: 'scheduled_sends', strict: true, strictQuery: 'throw', timestamps: false },
);
// The idempotency guarantee itself: one record, hence at most one send, per key.
scheduledSendSchema.index({ key: 1 }, { unique: true });
scheduledSendSchema.index({ cohortId: 1 });
// One teacher's sends in a cohort: planning her alone when something of hers changes.
scheduledSendSchema.index({ cohortId: 1, recipientId: 1 });
scheduledSendSchema.index({ status: 1, attemptedAt: 1 });

export function defineScheduledSendModel(connection: Connection): Model<ScheduledSendDoc> {
  return connection.model<ScheduledSendDoc>('ScheduledSend', scheduledSendSchema);
}

export function toScheduledSend(doc: ScheduledSendDoc): ScheduledSend {
  return {
    key: doc.key,
    cohortId: idString(doc.cohortId),
    kind: doc.kind,
    occasion: doc.occasion,
    recipientId: idString(doc.recipientId),
    status: doc.status,
    dueAt: doc.dueAt,
    attemptedAt: doc.attemptedAt,
    sentAt: orUndefined(doc.sentAt),
    attempts: doc.attempts,
    detail: orUndefined(doc.detail),
  };
}
