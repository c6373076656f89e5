// A channel's outbox on MongoDB (the driver itself, not mongoose: the queue's own indexes, a TTL on
// sent entries, and compare-and-set updates on the status are all it needs). One collection per
// channel, `<channel>_outbox`; each document belongs to one account of that channel.
import type { Collection, Db, Filter } from 'mongodb';
import { ObjectId } from 'mongodb';
import type { OutboxEntry, OutboxRepository, OutboxStatus } from '../../domain/channel-storage.js';

interface OutboxDoc extends Omit<OutboxEntry, 'id'> {
  _id?: ObjectId;
  failedAt?: Date;
  /** The store drops a sent entry at this time (TTL index); failed ones stay until dealt with. */
  purgeAt?: Date;
}

export const outboxCollection = (channel: string): string => `${channel}_outbox`;

const toEntry = ({ _id, failedAt: _failedAt, purgeAt: _purgeAt, ...doc }: OutboxDoc): OutboxEntry => ({
  id: String(_id),
  ...doc,
});

/** An id that is no ObjectId matches nothing (rather than throwing at the caller). */
function byId(id: string): Filter<OutboxDoc> {
  return ObjectId.isValid(id) && id.length === 24 ? { _id: new ObjectId(id) } : { _id: { $exists: false } };
}

const KEPT: OutboxStatus[] = ['failed', 'unconfirmed'];

/**
 * An interrupted entry is settled only while still interrupted; a claimed one belongs to the one
 * process that claimed it (the data directory's lock or one bot per account), so its id suffices.
 */
const settled = (from: 'sending' | 'interrupted'): Filter<OutboxDoc> =>
  from === 'interrupted' ? { status: 'interrupted' } : {};

export function createOutboxRepository(db: Db, channel: string): OutboxRepository {
  const col: Collection<OutboxDoc> = db.collection<OutboxDoc>(outboxCollection(channel));
  let indexed: Promise<unknown> | undefined;
  const ensureIndexes = () =>
    (indexed ??= col.createIndexes([
      { key: { account: 1, status: 1, seq: 1 }, name: 'queue' },
      { key: { account: 1, status: 1, reply: 1, group: 1, notBefore: 1, seq: 1 }, name: 'due' },
      { key: { account: 1, status: 1, reply: 1, chatId: 1, seq: 1 }, name: 'chat' },
      { key: { account: 1, status: 1, sentAt: -1 }, name: 'sent' },
      { key: { purgeAt: 1 }, name: 'purge', expireAfterSeconds: 0 },
    ]));

  return {
    async open(account) {
      await ensureIndexes();
      const interrupted = await col.updateMany({ account, status: 'sending' }, { $set: { status: 'interrupted' } });
      const last = await col.find({ account }).sort({ seq: -1 }).limit(1).next();
      return { interrupted: interrupted.modifiedCount, lastSeq: last?.seq ?? 0 };
    },
    async add(entry) {
      const doc: OutboxDoc = { ...entry, status: 'pending', attempts: 0 };
      const inserted = await col.insertOne(doc);
      return inserted.insertedId.toHexString();
    },
    async findWaiting(account, chatId, text) {
      const doc = await col.findOne(
        { account, chatId, status: 'pending', text, attachment: { $exists: false } },
        { projection: { _id: 1 } },
      );
      return doc?._id?.toHexString();
    },
    async laneHead(account, { reply, group }) {
      const cursor = col.find({ account, status: 'pending', reply, group }).sort({ notBefore: 1, seq: 1 });
      try {
        // Scanned in due order however long the lane: no window leaves a message unseen.
        for await (const doc of cursor) {
          const older = await col.findOne(
            { account, status: 'pending', reply, chatId: doc.chatId, seq: { $lt: doc.seq } },
            { projection: { _id: 1 } },
          );
          if (!older) return toEntry(doc);
        }
        return undefined;
      } finally {
        await cursor.close();
      }
    },
    async lastSentAt(account) {
      const last = await col.find({ account, status: 'sent' }).sort({ sentAt: -1 }).limit(1).next();
      return last?.sentAt;
    },
    async unsolicitedSentSince(account, since) {
      const recent = await col
        .find({ account, status: 'sent', reply: false, sentAt: { $gte: since } })
        .sort({ sentAt: 1 })
        .project<{ sentAt: Date }>({ sentAt: 1 })
        .toArray();
      return recent.map((d) => d.sentAt);
    },
    async listInterrupted(account) {
      return (await col.find({ account, status: 'interrupted' }).sort({ seq: 1 }).toArray()).map(toEntry);
    },
    async claim(id, at) {
      const claimed = await col.findOneAndUpdate(
        { ...byId(id), status: 'pending' },
        { $set: { status: 'sending', claimedAt: at } },
        { returnDocument: 'after' },
      );
      return claimed ? toEntry(claimed) : undefined;
    },
    async markSent(id, from, sentAt, keepUntil) {
      const result = await col.updateOne(
        { ...byId(id), ...settled(from) },
        {
          $set: { status: 'sent', chatId: '', sentAt, purgeAt: keepUntil },
          $unset: { text: '', error: '', attachment: '' },
        },
      );
      return result.modifiedCount === 1;
    },
    async markKept(id, status, { error, at, attempts }) {
      const result = await col.updateOne(
        { ...byId(id), ...settled(status === 'failed' ? 'sending' : 'interrupted') },
        { $set: { status, error, failedAt: at, ...(attempts !== undefined ? { attempts } : {}) } },
      );
      return result.modifiedCount === 1;
    },
    async retryLater(id, attempts, notBefore, error) {
      await col.updateOne(byId(id), { $set: { status: 'pending', attempts, notBefore, error } });
    },
    async counts(account, sentSince) {
      const [pending, sentLater, failed, unconfirmed] = await Promise.all([
        col.countDocuments({ account, status: { $in: ['pending', 'sending', 'interrupted'] } }),
        col.countDocuments({ account, status: 'sent', sentAt: { $gte: sentSince } }),
        col.countDocuments({ account, status: 'failed' }),
        col.countDocuments({ account, status: 'unconfirmed' }),
      ]);
      return { pending, sentSince: sentLater, failed, unconfirmed };
    },
    async listKept(limit, account) {
      const docs = await col
        .find({ ...(account !== undefined ? { account } : {}), status: { $in: KEPT } })
        .sort(account !== undefined ? { seq: 1 } : { createdAt: 1 })
        .limit(limit)
        .toArray();
      return docs.map(toEntry);
    },
    async forget(account, chatId) {
      const filter: Filter<OutboxDoc> = {
        account,
        chatId,
        status: { $in: ['pending', 'interrupted', 'failed', 'unconfirmed'] },
      };
      const files = await col
        .find({ ...filter, attachment: { $exists: true } })
        .project<Pick<OutboxDoc, 'attachment'>>({ attachment: 1 })
        .toArray();
      await col.deleteMany(filter);
      return files.flatMap((d) => (d.attachment ? [d.attachment.fileId] : []));
    },
  };
}
