import type { Model } from 'mongoose';
import type { ScheduledSendRepository } from '../../domain/repositories.js';
import type { SendRecord } from '../../domain/scheduled-send.js';
import { toScheduledSend, type ScheduledSendDoc } from '../models/scheduled-send.js';
import { duplicateKeyField, op, requireObjectId, toObjectId } from './ids.js';
import type { InProcessReader } from '../index.js';
import { projected, readCooperatively } from './cooperative.js';

type SendRecordDoc = Pick<ScheduledSendDoc, 'key' | 'status' | 'attemptedAt' | 'sentAt' | 'attempts'>;

export function createScheduledSendRepository(
  model: Model<ScheduledSendDoc>,
  reader?: InProcessReader,
): ScheduledSendRepository {
  return {
    async take(send) {
      try {
        await model.create({
          key: send.key,
          cohortId: requireObjectId(send.cohortId, 'cohortId'),
          kind: send.kind,
          occasion: send.occasion,
          recipientId: requireObjectId(send.recipientId, 'recipientId'),
          status: 'sending',
          dueAt: send.dueAt,
          attemptedAt: send.at,
          attempts: 1,
        });
        return 'mine';
      } catch (error) {
        // The unique index decides between two takers: exactly one insert wins.
        if (duplicateKeyField(error) === 'key') return 'taken';
        throw error;
      }
    },
    async retake(key, attempts, at) {
      // Matching on the attempt count makes this a compare-and-set: of two retakers, one wins.
      const result = await model.updateOne(
        { key, status: 'failed', attempts },
        { $set: { status: 'sending', attemptedAt: at }, $inc: { attempts: 1 } },
      );
      return result.modifiedCount === 1;
    },
    async finish(key, outcome) {
      await model.updateOne(
        { key },
        {
          $set: {
            status: outcome.status,
            ...(outcome.status === 'sent' ? { sentAt: outcome.at } : {}),
            ...(outcome.detail ? { detail: outcome.detail.slice(0, 500) } : {}),
          },
        },
      );
    },
    async listByCohort(cohortId) {
      const _id = toObjectId(cohortId);
      if (!_id) return [];
      return readCooperatively(model.find({ cohortId: _id }).lean(), toScheduledSend);
    },
    async recordsByCohort(cohortId, recipientId) {
      const _id = toObjectId(cohortId);
      const recipient = recipientId === undefined ? undefined : toObjectId(recipientId);
      if (!_id || (recipientId !== undefined && !recipient)) return [];
      // Five fields of tens of thousands of records: a 5,000-teacher cohort's log is ~35,000.
      const records = projected<SendRecordDoc>(
        model,
        reader,
        { cohortId: _id, ...(recipient ? { recipientId: recipient } : {}) },
        { _id: 0, key: 1, status: 1, attemptedAt: 1, sentAt: 1, attempts: 1 },
      );
      // Every field in one literal: a field added afterwards (sentAt, on nearly every record) gives
      // the object a second, out-of-line array of fields, ~40 bytes more for each of tens of thousands.
      return readCooperatively(
        records,
        (d: SendRecordDoc): SendRecord => ({
          key: d.key,
          status: d.status,
          attemptedAt: d.attemptedAt,
          sentAt: d.sentAt || undefined,
          attempts: d.attempts,
        }),
      );
    },
    async countUnconfirmed(before) {
      return model.countDocuments({ status: 'sending', attemptedAt: op({ $lt: before }) });
    },
  };
}
