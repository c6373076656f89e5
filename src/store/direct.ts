// The few collection calls every incoming message makes (the update claim, the chat's order and
// lease, the conversation's session and message claim), on plain documents. In the process that
// serves the embedded store they run there directly (`EmbeddedStore.command`/`find`): each is
// atomic and journaled before it returns, exactly as over the wire, without the driver, the socket
// and BSON both ways, which cost several times the write itself. Anywhere else (MongoDB, another
// process's embedded store) they go through the driver, unchanged.
import { BSON } from 'bson';
import type { Db, Document } from 'mongodb';
import type { EmbeddedStore } from './embedded/index.js';

export interface DirectCollection<T extends Document> {
  /** Throws an error with `code` 11000 (and `keyPattern`) when a unique index refuses it. */
  insertOne(doc: Partial<T> & Document): Promise<void>;
  updateOne(
    filter: Document,
    update: Document,
    options?: { upsert?: boolean },
  ): Promise<{ matchedCount: number; modifiedCount: number; upsertedCount: number }>;
  deleteOne(filter: Document): Promise<void>;
  deleteMany(filter: Document): Promise<void>;
  findOne(filter: Document, options?: { projection?: Document }): Promise<T | null>;
  find(filter: Document, options?: { projection?: Document; limit?: number }): Promise<T[]>;
  /** Whether any document matches. */
  exists(filter: Document): Promise<boolean>;
  createIndex(
    keys: Document,
    options: { name: string; expireAfterSeconds?: number; sparse?: boolean; unique?: boolean },
  ): Promise<void>;
  /** Throws when there is no such index. */
  dropIndex(name: string): Promise<void>;
}

export interface DirectDb {
  collection<T extends Document>(name: string): DirectCollection<T>;
}

/** Through the driver: MongoDB, or the embedded store of another process. */
export function driverDb(db: Db): DirectDb {
  return {
    collection<T extends Document>(name: string): DirectCollection<T> {
      const coll = db.collection(name);
      return {
        async insertOne(doc) {
          await coll.insertOne(doc);
        },
        async updateOne(filter, update, options) {
          const r = await coll.updateOne(filter, update, options ?? {});
          return { matchedCount: r.matchedCount, modifiedCount: r.modifiedCount, upsertedCount: r.upsertedCount };
        },
        async deleteOne(filter) {
          await coll.deleteOne(filter);
        },
        async deleteMany(filter) {
          await coll.deleteMany(filter);
        },
        findOne: (filter, options) => coll.findOne(filter, options ?? {}) as Promise<T | null>,
        find: (filter, options) => {
          const cursor = coll.find(filter, options?.projection ? { projection: options.projection } : {});
          return (options?.limit ? cursor.limit(options.limit) : cursor).toArray() as unknown as Promise<T[]>;
        },
        exists: async (filter) => (await coll.countDocuments(filter, { limit: 1 })) > 0,
        async createIndex(keys, options) {
          await coll.createIndex(keys, options);
        },
        async dropIndex(name) {
          await coll.dropIndex(name);
        },
      };
    },
  };
}

/** A reply's failure as the driver would throw it (code, codeName, keyPattern for a duplicate). */
class StoreReplyError extends Error {
  readonly code: unknown;
  readonly codeName: unknown;
  readonly keyPattern: unknown;
  readonly keyValue: unknown;
  constructor(reply: Document) {
    super(String(reply.errmsg ?? 'the store refused the command'));
    this.name = 'MongoServerError';
    this.code = reply.code;
    this.codeName = reply.codeName;
    this.keyPattern = reply.keyPattern;
    this.keyValue = reply.keyValue;
  }
}

/** In the process that serves the embedded store: no driver, no socket. */
export function embeddedDb(store: EmbeddedStore, dbName: string): DirectDb {
  const run = (cmd: Document): Document => {
    const reply = store.command(dbName, cmd);
    if (reply.ok !== 1) throw new StoreReplyError(reply);
    const writeError = (reply.writeErrors as Document[] | undefined)?.[0];
    if (writeError) throw new StoreReplyError(writeError);
    return reply;
  };
  // The store's own documents are never handed out: the caller gets a copy, as from the wire.
  const read = (name: string, filter: Document, projection: Document | undefined, limit: number): Document[] => {
    const out: Document[] = [];
    for (const doc of store.find(dbName, name, filter, projection ? { projection } : {})) {
      out.push(BSON.deserialize(BSON.serialize(doc)));
      if (limit > 0 && out.length >= limit) break;
    }
    return out;
  };
  return {
    collection<T extends Document>(name: string): DirectCollection<T> {
      return {
        async insertOne(doc) {
          run({ insert: name, documents: [doc], ordered: true });
        },
        async updateOne(filter, update, options) {
          const reply = run({ update: name, updates: [{ q: filter, u: update, upsert: options?.upsert === true }] });
          const upserted = (reply.upserted as unknown[] | undefined)?.length ?? 0;
          return {
            matchedCount: Number(reply.n) - upserted,
            modifiedCount: Number(reply.nModified),
            upsertedCount: upserted,
          };
        },
        async deleteOne(filter) {
          run({ delete: name, deletes: [{ q: filter, limit: 1 }] });
        },
        async deleteMany(filter) {
          run({ delete: name, deletes: [{ q: filter, limit: 0 }] });
        },
        findOne: async (filter, options) => (read(name, filter, options?.projection, 1)[0] as T | undefined) ?? null,
        find: async (filter, options) => read(name, filter, options?.projection, options?.limit ?? 0) as T[],
        exists: async (filter) => read(name, filter, { _id: 1 }, 1).length > 0,
        async createIndex(keys, options) {
          run({ createIndexes: name, indexes: [{ key: keys, ...options }] });
        },
        async dropIndex(index) {
          run({ dropIndexes: name, index });
        },
      };
    },
  };
}
