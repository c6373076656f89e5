import type { Model } from 'mongoose';
import type { AuditRepository } from '../../domain/repositories.js';
import { toAuditEvent, type AuditEventDoc } from '../models/audit.js';
import { setPresent } from './update.js';

export function createAuditRepository(model: Model<AuditEventDoc>): AuditRepository {
  return {
    async record(event) {
      const doc = await model.create(event);
      return toAuditEvent(doc.toObject<AuditEventDoc>());
    },
    async list({ limit = 100, ...filter }) {
      const docs = await model
        .find(setPresent(filter))
        .sort({ at: -1 })
        .limit(Math.min(Math.max(limit, 1), 1000))
        .lean<AuditEventDoc[]>();
      return docs.map(toAuditEvent);
    },
  };
}
