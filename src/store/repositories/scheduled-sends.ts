import type { Model } from 'mongoose';
import type { ScheduledSendRepository } from '../../domain/repositories.js';
import { SendRecords } from '../../domain/send-records.js';
import { toScheduledSend, type ScheduledSendDoc } from '../models/scheduled-send.js';
import { duplicateKeyField, op, requireObjectId, toObjectId } from './ids.js';
import type { InProcessReader } from '../index.js';
import { eachCooperatively, projected, readCooperatively } from './cooperative.js';

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
      if (!_id || (recipientId !== undefined && !recipient)) return new SendRecords();
      const filter = { cohortId: _id, ...(recipient ? { recipientId: recipient } : {}) };
      // In this process, the store's own documents, read where they are (never changed): a
      // projected copy of each (35,000 for a 5,000-teacher cohort) lived as long as the read and
      // was promoted. Through the driver, five fields of each.
      const docs: AsyncIterable<unknown> = reader
        ? reader.find(model.collection.collectionName, filter)
        : projected<SendRecordDoc>(model, undefined, filter, {
            _id: 0,
            key: 1,
            status: 1,
            attemptedAt: 1,
            sentAt: 1,
            attempts: 1,
          });
      // Straight into the log's number columns: no object, array or Date kept per record.
      const log = new SendRecords();
      await eachCooperatively(docs, (d: SendRecordDoc) =>
        log.set(d.key, d.status, d.attempts, d.attemptedAt.getTime(), d.sentAt ? d.sentAt.getTime() : Number.NaN),
      );
      log.trim();
      return log;
    },
    async countUnconfirmed(before) {
      return model.countDocuments({ status: 'sending', attemptedAt: op({ $lt: before }) });
    },
  };
}
