import type { Model } from 'mongoose';
import type { BroadcastRepository } from '../../domain/repositories.js';
import { toBroadcast, type BroadcastDeliveryDoc, type BroadcastDoc } from '../models/broadcast.js';
import type { ObjectIdType } from '../models/common.js';
import { AFTER_UPDATE, duplicateKeyField, op, requireObjectId, toObjectId } from './ids.js';

/**
 * Broadcasts, with their recipients in `broadcast_deliveries` (one document each): claiming and
 * recording a delivery costs the same whatever the broadcast's size. A broadcast read back gets
 * its deliveries in list order.
 */
export function createBroadcastRepository(
  model: Model<BroadcastDoc>,
  deliveries: Model<BroadcastDeliveryDoc>,
): BroadcastRepository {
  const withDeliveries = async (doc: BroadcastDoc) => {
    const list = await deliveries.find({ broadcastId: doc._id }).sort({ seq: 1 }).lean<BroadcastDeliveryDoc[]>();
    // A broadcast from before the move still holds its list until the start-up migration moved it.
    return toBroadcast({ ...doc, deliveries: list.length > 0 ? list : (doc.deliveries ?? []) });
  };
  const update = async (filter: Record<string, unknown>, change: Record<string, unknown>) => {
    const doc = await model.findOneAndUpdate(filter, change, AFTER_UPDATE).lean<BroadcastDoc>();
    return doc ? withDeliveries(doc) : undefined;
  };
  const byId = async (id: string) => {
    const _id = toObjectId(id);
    if (!_id) return undefined;
    const doc = await model.findById(_id).lean<BroadcastDoc>();
    return doc ? withDeliveries(doc) : undefined;
  };
  const oneDelivery = (broadcastId: ObjectIdType, channel: string, chatId: string) => ({
    broadcastId,
    channel,
    chatId,
  });

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
    async startSending(id, list) {
      const _id = toObjectId(id);
      if (!_id) return undefined;
      const draft = await model.exists({ _id, status: 'draft' });
      if (!draft) return byId(id);
      // The list first, then the status: a crash in between leaves a draft whose list the next
      // attempt completes (the unique place in the list refuses a second copy), never a broadcast
      // "sending" to nobody.
      try {
        await deliveries.insertMany(
          list.map((d, seq) => ({
            broadcastId: _id,
            seq,
            channel: d.channel,
            chatId: d.chatId,
            ...(d.participantId ? { participantId: requireObjectId(d.participantId, 'participantId') } : {}),
            status: 'pending',
          })),
          { ordered: false },
        );
      } catch (error) {
        // Written already by an earlier attempt or another instance starting the same broadcast.
        if (duplicateKeyField(error) !== 'broadcastId' && (error as { code?: unknown }).code !== 11000) throw error;
      }
      return (await update({ _id, status: 'draft' }, { $set: { status: 'sending' } })) ?? byId(id);
    },
    async recordDelivery(id, channel, chatId, outcome) {
      const _id = toObjectId(id);
      if (!_id) return;
      await deliveries.updateOne(oneDelivery(_id, channel, chatId), {
        $set: { status: outcome.status, at: outcome.at, ...(outcome.reason ? { reason: outcome.reason } : {}) },
      });
    },
    async claimDelivery(id, channel, chatId, by, at) {
      const _id = toObjectId(id);
      if (!_id) return false;
      const r = await deliveries.updateOne(
        { ...oneDelivery(_id, channel, chatId), status: 'pending' },
        { $set: { status: 'sending', at, by } },
      );
      return r.modifiedCount === 1;
    },
    async finish(id, at) {
      const _id = toObjectId(id);
      if (!_id) return undefined;
      return update({ _id, status: op({ $ne: 'done' }) }, { $set: { status: 'done', sentAt: at } });
    },
    async listSending() {
      const docs = await model.find({ status: 'sending' }).sort({ createdAt: 1 }).lean<BroadcastDoc[]>();
      return Promise.all(docs.map(withDeliveries));
    },
    async listByCohort(cohortId, limit = 20) {
      const c = toObjectId(cohortId);
      if (!c) return [];
      const docs = await model.find({ cohortId: c }).sort({ createdAt: -1 }).limit(limit).lean<BroadcastDoc[]>();
      return Promise.all(docs.map(withDeliveries));
    },
  };
}

/**
 * Start-up: broadcasts written before deliveries had their own documents get them now, in list
 * order, and lose the embedded copy. Safe to repeat (a list already moved is not copied twice).
 */
export async function migrateBroadcastDeliveries(
  model: Model<BroadcastDoc>,
  deliveries: Model<BroadcastDeliveryDoc>,
): Promise<number> {
  let moved = 0;
  for await (const doc of model.collection.find(
    { 'deliveries.0': { $exists: true } },
    { projection: { deliveries: 1 } },
  )) {
    const list = (doc.deliveries ?? []) as Record<string, unknown>[];
    try {
      await deliveries.collection.insertMany(
        list.map((d, seq) => ({ ...d, broadcastId: doc._id, seq })),
        { ordered: false },
      );
    } catch (error) {
      if ((error as { code?: unknown }).code !== 11000) throw error;
    }
    await model.collection.updateOne({ _id: doc._id }, { $set: { deliveries: [] } });
    moved++;
  }
  return moved;
}
