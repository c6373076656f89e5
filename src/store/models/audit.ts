import { Schema, type Connection, type Model } from 'mongoose';
import type { AuditEvent } from '../../domain/audit.js';
import { idString, orUndefined, type ObjectIdType } from './common.js';

export interface AuditEventDoc {
  _id: ObjectIdType;
  at: Date;
  actor: string;
  action: string;
  subjectType: string;
  subjectId?: string | null;
  cohortId?: string | null;
  details?: Record<string, string | number | boolean | null> | null;
}

const auditSchema = new Schema<AuditEventDoc>(
  {
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    action: { type: String, required: true, match: /^[a-z][a-z0-9_.]{1,63}$/ },
    subjectType: { type: String, required: true },
    subjectId: String,
    cohortId: String,
    details: Schema.Types.Mixed,
  },
  // An audit trail is written once and never updated: no updatedAt.
  { collection: 'audit_events', strict: true, strictQuery: 'throw', timestamps: false },
);
auditSchema.index({ at: -1 });
auditSchema.index({ subjectType: 1, subjectId: 1, at: -1 });
auditSchema.index({ cohortId: 1, at: -1 });
auditSchema.index({ action: 1, at: -1 });

export function defineAuditEventModel(connection: Connection): Model<AuditEventDoc> {
  return connection.model<AuditEventDoc>('AuditEvent', auditSchema);
}

export function toAuditEvent(doc: AuditEventDoc): AuditEvent {
  return {
    id: idString(doc._id),
    at: doc.at,
    actor: doc.actor,
    action: doc.action,
    subjectType: doc.subjectType,
    subjectId: orUndefined(doc.subjectId),
    cohortId: orUndefined(doc.cohortId),
    details: doc.details ?? undefined,
  };
}
