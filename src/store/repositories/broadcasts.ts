import type { Model } from 'mongoose';
import type { BroadcastRepository } from '../../domain/repositories.js';
import { toBroadcast, type BroadcastDoc } from '../models/broadcast.js';
import { AFTER_UPDATE, requireObjectId, toObjectId } from './ids.js';

export function createBroadcastRepository(model: Model<BroadcastDoc>): BroadcastRepository {
  const update = async (filter: Record<string, unknown>, change: Record<string, unknown>, options: object = {}) => {
    const doc = await model.findOneAndUpdate(filter, change, { ...AFTER_UPDATE, ...options }).lean<BroadcastDoc>();
    return doc ? toBroadcast(doc) : undefined;
  };
  const byId = async (id: string) => {
    const _id = toObjectId(id);
    if (!_id) return undefined;
    const doc = await model.findById(_id).lean<BroadcastDoc>();
    return doc ? toBroadcast(doc) : undefined;
  };

  return {
    async create(input) {
      const doc = await model.create({
        ...input,
        cohortId: requireObjectId(input.cohortId, 'cohortId'),
        authorId: requireObjectId(input.authorId, 'authorId'),
        status: 'draft',
        deliveries: [],
      });
      return toBroadcast(doc.toObject<BroadcastDoc>());
    },
    findById: byId,
    async startSending(id, deliveries) {
      const _id = toObjectId(id);
      if (!_id) return undefined;
      const started = await update(
        { _id, status: 'draft' },
        {
          $set: {
            status: 'sending',
            deliveries: deliveries.map((d) => ({
              ...d,
              participantId: d.participantId ? requireObjectId(d.participantId, 'participantId') : undefined,
              status: 'pending',
            })),
          },
        },
      );
      return started ?? byId(id);
    },
    async recordDelivery(id, channel, chatId, outcome) {
      const _id = toObjectId(id);
      if (!_id) return;
      // An update that returns nothing: reading the whole broadcast back after each of its
      // thousands of deliveries made a broadcast cost the square of its size.
      await model.updateOne(
        { _id },
        {
          $set: {
            'deliveries.$[d].status': outcome.status,
            'deliveries.$[d].at': outcome.at,
            ...(outcome.reason ? { 'deliveries.$[d].reason': outcome.reason } : {}),
          },
        },
        { arrayFilters: [{ 'd.channel': channel, 'd.chatId': chatId }] },
      );
    },
    async finish(id, at) {
      const _id = toObjectId(id);
      if (!_id) return undefined;
      return update({ _id }, { $set: { status: 'done', sentAt: at } });
    },
    async listSending() {
      const docs = await model.find({ status: 'sending' }).sort({ createdAt: 1 }).lean<BroadcastDoc[]>();
      return docs.map(toBroadcast);
    },
    async listByCohort(cohortId, limit = 20) {
      const c = toObjectId(cohortId);
      if (!c) return [];
      const docs = await model.find({ cohortId: c }).sort({ createdAt: -1 }).limit(limit).lean<BroadcastDoc[]>();
      return docs.map(toBroadcast);
    },
  };
}
