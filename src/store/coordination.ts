// Coordination (src/domain/coordination.ts) on the store every instance shares: an update claim
// is a document whose _id is the update (the unique _id index refuses the second instance), a
// lease is a document holding its holder and expiry, taken by a conditional upsert (a live lease
// of another holder makes the upsert collide on _id). Works the same on MongoDB and on the
// embedded store (each of its commands is atomic; in the process serving it, they run there
// without the wire: see ./direct.ts). A claim made for a chat carries the chat and the
// update's number until it is finished, so that chat's later updates on any instance wait for it.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from 'mongodb';
import type { Coordination, LeaseResult } from '../domain/coordination.js';
import { driverDb, type DirectDb } from './direct.js';
import { COLLECTION_NAMES } from './models/collections.js';

/** Telegram keeps an update for 24 hours: a claim kept twice that long covers any redelivery. */
const CLAIM_TTL_SECONDS = 2 * 24 * 3600;
const HEARTBEAT_TTL_MS = 30_000;
const HEARTBEAT_EVERY_MS = 10_000;

interface ClaimDoc {
  _id: string;
  by: string;
  at: Date;
  /** While the update is being handled: its chat (a lease name, no platform id) and number. */
  chat?: string;
  updateId?: number;
}
interface LeaseDoc {
  _id: string;
  holder: string;
  until: Date;
}

const isDuplicate = (error: unknown) => (error as { code?: unknown }).code === 11000;

const isDriverDb = (db: Db | DirectDb): db is Db => typeof (db as Db).command === 'function';

export function createStoreCoordination(
  db: Db | DirectDb,
  options: { instanceId?: string; now?: () => Date } = {},
): Coordination {
  const instanceId = options.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const now = options.now ?? (() => new Date());
  const direct = isDriverDb(db) ? driverDb(db) : db;
  const claims = direct.collection<ClaimDoc>(COLLECTION_NAMES.updateClaims);
  const leases = direct.collection<LeaseDoc>(COLLECTION_NAMES.leases);
  let indexed: Promise<unknown> | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  const ready = () =>
    (indexed ??= Promise.all([
      claims.createIndex({ at: 1 }, { expireAfterSeconds: CLAIM_TTL_SECONDS, name: 'at_ttl' }),
      // By the chat alone: a chat has few updates in hand at once, and an index the embedded store
      // can look up by equality (it narrows by whole keys only, so {chat, updateId} with `$lt` on the
      // number scanned every claim of the last two days, for every update).
      claims.createIndex({ chat: 1 }, { name: 'chat_in_hand', sparse: true }),
      // The index of an earlier version: every write kept it up to date, and no query uses it now.
      claims.dropIndex('chat_update').catch(() => undefined),
    ]));

  const coordination: Coordination = {
    instanceId,
    async claimUpdate(source, updateId, chat) {
      await ready();
      try {
        await claims.insertOne({
          _id: `${source}:${updateId}`,
          by: instanceId,
          at: now(),
          ...(chat === undefined ? {} : { chat: `${source}:${chat}`, updateId }),
        });
        return true;
      } catch (error) {
        if (isDuplicate(error)) return false;
        throw error;
      }
    },
    async finishUpdate(source, updateId) {
      await claims.updateOne({ _id: `${source}:${updateId}` }, { $unset: { chat: '', updateId: '' } });
    },
    async earlierInFlight(source, chat, updateId) {
      await ready();
      const earlier = await claims.find(
        { chat: `${source}:${chat}`, updateId: { $lt: updateId } },
        { projection: { by: 1 }, limit: 20 },
      );
      for (const claim of earlier) if (await coordination.isAlive(claim.by)) return true;
      return false;
    },
    async acquire(name, ttlMs): Promise<LeaseResult> {
      const at = now();
      try {
        await leases.updateOne(
          { _id: name, $or: [{ holder: instanceId }, { until: { $lte: at } }] },
          { $set: { holder: instanceId, until: new Date(at.getTime() + ttlMs) } },
          { upsert: true },
        );
        return { held: true };
      } catch (error) {
        if (!isDuplicate(error)) throw error;
        const doc = await leases.findOne({ _id: name });
        // Released between the two calls: free now, the next attempt takes it.
        return { held: false, holder: doc?.holder ?? 'unknown', until: doc?.until ?? at };
      }
    },
    async release(name) {
      await leases.deleteOne({ _id: name, holder: instanceId });
    },
    async isAlive(id) {
      if (id === instanceId) return true;
      return leases.exists({ _id: `instance:${id}`, until: { $gt: now() } });
    },
    async start() {
      await coordination.acquire(`instance:${instanceId}`, HEARTBEAT_TTL_MS);
      heartbeat ??= setInterval(
        () => void coordination.acquire(`instance:${instanceId}`, HEARTBEAT_TTL_MS).catch(() => undefined),
        HEARTBEAT_EVERY_MS,
      );
      heartbeat.unref();
    },
    async stop() {
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = undefined;
      await coordination.release(`instance:${instanceId}`).catch(() => undefined);
    },
  };
  return coordination;
}
