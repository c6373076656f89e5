/**
 * All databases and collections, and the only place that changes them. Every change is applied in
 * memory and queued for the journal in the same synchronous step; the server flushes the queue
 * before replying, so what a client saw acknowledged is on disk. Each change also leaves an undo
 * step: when the journal refuses the write (a full disk), memory is put back as it was, so a
 * refused write is never seen by anyone.
 */
import { Binary, BSON, UUID } from 'bson';
import { Collection, type IndexSpec } from './collection.js';
import { applyDelta, documentDelta, type DeltaOp } from './delta.js';
import { CommandError } from './errors.js';
import type { Journal } from './journal.js';
import { SharedValues } from './shared-values.js';
import { getPathValues, isPlainObject, keyString, type Doc } from './values.js';

export const MAX_BSON_SIZE = 16 * 1024 * 1024;

type JournalRecord =
  | { t: 'put'; d: string; c: string; b: Binary }
  /** What an update changed (see delta.ts), replayed on the document as the journal left it. */
  | { t: 'upd'; d: string; c: string; id: unknown; o: DeltaOp[] }
  | { t: 'del'; d: string; c: string; id: unknown }
  | { t: 'ccoll'; d: string; c: string; o: Doc; u: UUID }
  | { t: 'dcoll'; d: string; c: string }
  | { t: 'cidx'; d: string; c: string; spec: IndexSpec }
  | { t: 'didx'; d: string; c: string; n: string }
  | { t: 'midx'; d: string; c: string; spec: IndexSpec }
  | { t: 'ddb'; d: string }
  | { t: 'ren'; d: string; c: string; td: string; tc: string }
  /** Written only to find out whether the disk takes writes again; changes nothing on replay. */
  | { t: 'nop'; d: string; c: string };

/** Whether the journal takes writes; `since` is the first failure of the current run of them. */
export type WriteHealth = { ok: true } | { ok: false; error: string; since: Date };

function serializeDoc(doc: Doc): Buffer {
  const bytes = BSON.serialize(doc);
  if (bytes.length > MAX_BSON_SIZE) {
    throw new CommandError(
      'BSONObjectTooLarge',
      `object to insert too large. size in bytes: ${bytes.length}, max size: ${MAX_BSON_SIZE}`,
    );
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export class Catalog {
  private readonly dbs = new Map<string, Map<string, Collection>>();
  journal: Journal | undefined;
  private failure: { error: Error; since: Date } | undefined;
  /** How to take back the changes of the command being executed, newest last. */
  private undo: Array<() => void> = [];
  /**
   * Delta bytes journaled per document since its last whole image. Past the document's own size
   * the next update writes the whole document again: replay stays short, and a record lost to
   * damage is healed by the next whole image rather than missing for good.
   */
  private readonly deltaBytes = new WeakMap<Collection, Map<string, number>>();
  /** Repeated values of the stored documents, held once (see shared-values.ts). */
  private readonly shared = new SharedValues();
  /**
   * Whether a secondary index read back from the journal is built when first used rather than
   * while the journal is read (see `EmbeddedStoreOptions.indexesWhenUsed`).
   */
  indexesWhenUsed = false;
  /** Called after records reached the journal (the running compaction check hangs here). */
  afterFlush: (() => void) | undefined;

  get persistent(): boolean {
    return this.journal !== undefined;
  }

  databaseNames(): string[] {
    return [...this.dbs.keys()].filter((d) => (this.dbs.get(d)?.size ?? 0) > 0).sort();
  }

  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  collection(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  documentCount(): number {
    let n = 0;
    for (const colls of this.dbs.values()) for (const c of colls.values()) n += c.docs.size;
    return n;
  }

  collectionCount(): number {
    let n = 0;
    for (const colls of this.dbs.values()) n += colls.size;
    return n;
  }

  private log(record: JournalRecord | Buffer, undo: () => void): void {
    if (!this.journal) return;
    this.journal.append(Buffer.isBuffer(record) ? record : Buffer.from(BSON.serialize(record)));
    this.undo.push(undo);
  }

  /** The journal record of an update: its delta when that is much smaller than the document, else undefined. */
  private deltaRecord(coll: Collection, before: Doc, after: Doc, docBytes: number): Buffer | undefined {
    if (!this.journal) return undefined;
    let perDoc = this.deltaBytes.get(coll);
    if (!perDoc) {
      perDoc = new Map();
      this.deltaBytes.set(coll, perDoc);
    }
    const key = keyString(after._id);
    const ops = documentDelta(before, after);
    const record =
      ops &&
      Buffer.from(
        BSON.serialize({ t: 'upd', d: coll.db, c: coll.name, id: after._id, o: ops } satisfies JournalRecord),
      );
    const since = (perDoc.get(key) ?? 0) + (record?.length ?? 0);
    if (!record || record.length * 2 > docBytes || since > docBytes) {
      perDoc.delete(key);
      return undefined;
    }
    perDoc.set(key, since);
    return record;
  }

  /**
   * Writes the queued journal records. When that fails, every change of the command is taken
   * back in memory and the command fails: what is not on disk is not there at all.
   */
  flush(durable: boolean): void {
    if (!this.journal) return;
    const undo = this.undo;
    this.undo = [];
    const wrote = this.journal.hasPending;
    try {
      this.journal.flush(durable);
    } catch (err) {
      this.journal.discardPending();
      for (let i = undo.length - 1; i >= 0; i--) (undo[i] as () => void)();
      const error = err instanceof Error ? err : new Error(String(err));
      this.failure = { error, since: this.failure?.since ?? new Date() };
      throw new CommandError('InternalError', `journal write failed: ${error.message}; the change was not made`);
    }
    if (wrote) {
      this.failure = undefined;
      this.afterFlush?.();
    }
  }

  /**
   * Whether writes reach the disk. After a failure, each call tries a record that changes
   * nothing, so health recovers as soon as the disk takes writes again, even with no traffic.
   */
  writeHealth(): WriteHealth {
    if (this.failure && this.journal) {
      this.journal.append(Buffer.from(BSON.serialize({ t: 'nop', d: '', c: '' } satisfies JournalRecord)));
      try {
        this.flush(false);
      } catch {
        // Still failing: reported below.
      }
    }
    return this.failure ? { ok: false, error: this.failure.error.message, since: this.failure.since } : { ok: true };
  }

  private dbMap(db: string): Map<string, Collection> {
    let colls = this.dbs.get(db);
    if (!colls) {
      colls = new Map();
      this.dbs.set(db, colls);
    }
    return colls;
  }

  createCollection(db: string, name: string, options: Doc = {}): Collection {
    const colls = this.dbMap(db);
    if (colls.has(name)) throw new CommandError('NamespaceExists', `Collection ${db}.${name} already exists.`);
    const coll = new Collection(db, name, options);
    colls.set(name, coll);
    this.log({ t: 'ccoll', d: db, c: name, o: options, u: coll.uuid }, () => colls.delete(name));
    return coll;
  }

  ensureCollection(db: string, name: string): { coll: Collection; created: boolean } {
    const existing = this.collection(db, name);
    if (existing) return { coll: existing, created: false };
    return { coll: this.createCollection(db, name), created: true };
  }

  dropCollection(db: string, name: string): Collection | undefined {
    const coll = this.collection(db, name);
    if (!coll) return undefined;
    this.dbs.get(db)?.delete(name);
    this.log({ t: 'dcoll', d: db, c: name }, () => this.dbMap(db).set(name, coll));
    return coll;
  }

  dropDatabase(db: string): boolean {
    const colls = this.dbs.get(db);
    const existed = this.dbs.delete(db);
    if (existed && colls) this.log({ t: 'ddb', d: db }, () => this.dbs.set(db, colls));
    return existed;
  }

  renameCollection(db: string, name: string, toDb: string, toName: string): void {
    const coll = this.collection(db, name);
    if (!coll) throw new CommandError('NamespaceNotFound', `Source collection ${db}.${name} does not exist`);
    this.dbs.get(db)?.delete(name);
    coll.db = toDb;
    coll.name = toName;
    this.dbMap(toDb).set(toName, coll);
    this.log({ t: 'ren', d: db, c: name, td: toDb, tc: toName }, () => {
      this.dbs.get(toDb)?.delete(toName);
      coll.db = db;
      coll.name = name;
      this.dbMap(db).set(name, coll);
    });
  }

  /**
   * Inserts after the _id and unique checks. Documents decoded straight from the wire are stored
   * as they are; one built by an upsert (`canonicalize`) is stored as decoded from its bytes so it
   * shares nothing with the request and holds no values BSON would not keep.
   */
  insert(coll: Collection, doc: Doc, canonicalize = false): Doc {
    const bytes = serializeDoc(doc);
    const stored = canonicalize ? BSON.deserialize(bytes) : doc;
    this.shared.shareIn(stored);
    coll.commit(coll.planWrite(undefined, stored));
    this.log({ t: 'put', d: coll.db, c: coll.name, b: new Binary(bytes) }, () => coll.remove(stored));
    return stored;
  }

  /**
   * Replaces `oldDoc` with `next` after the unique checks. Returns false (and changes nothing)
   * when the result is byte-identical. The stored copy is decoded from the serialized bytes so it
   * is exactly what the journal holds and shares nothing with the caller's object.
   */
  replace(coll: Collection, oldDoc: Doc, next: Doc): { modified: boolean; doc: Doc } {
    const bytes = serializeDoc(next);
    if (Buffer.from(BSON.serialize(oldDoc)).equals(bytes)) return { modified: false, doc: oldDoc };
    const stored = BSON.deserialize(bytes);
    this.shared.shareIn(stored);
    coll.commit(coll.planWrite(oldDoc, stored));
    const record = this.deltaRecord(coll, oldDoc, stored, bytes.length);
    this.log(record ?? { t: 'put', d: coll.db, c: coll.name, b: new Binary(bytes) }, () => coll.forcePut(oldDoc));
    return { modified: true, doc: stored };
  }

  remove(coll: Collection, doc: Doc): boolean {
    const current = coll.docs.get(keyString(doc._id));
    const removed = coll.remove(doc);
    this.deltaBytes.get(coll)?.delete(keyString(doc._id));
    if (removed && current) this.log({ t: 'del', d: coll.db, c: coll.name, id: doc._id }, () => coll.forcePut(current));
    return removed;
  }

  /** Builds every index first and commits only if all succeed, as createIndexes does. */
  addIndexes(coll: Collection, specs: IndexSpec[]): void {
    const built = specs.map((spec) => coll.buildIndex(spec, true));
    for (const index of built) {
      const previous = coll.indexes.get(index.name);
      coll.indexes.set(index.name, index);
      this.log({ t: 'cidx', d: coll.db, c: coll.name, spec: index.spec }, () => {
        if (previous) coll.indexes.set(index.name, previous);
        else coll.indexes.delete(index.name);
      });
    }
  }

  dropIndex(coll: Collection, name: string): void {
    const index = coll.indexes.get(name);
    if (index && coll.indexes.delete(name)) {
      this.log({ t: 'didx', d: coll.db, c: coll.name, n: name }, () => coll.indexes.set(name, index));
    }
  }

  modifyIndex(coll: Collection, name: string, spec: IndexSpec): void {
    const index = coll.indexes.get(name);
    if (!index) throw new CommandError('IndexNotFound', `cannot find index ${name} for ns ${coll.ns}`);
    const previous = index.spec;
    index.spec = spec;
    this.log({ t: 'midx', d: coll.db, c: coll.name, spec }, () => (index.spec = previous));
  }

  /** TTL monitor pass: deletes documents whose indexed date is older than expireAfterSeconds. */
  expire(now: number): number {
    let removed = 0;
    for (const colls of this.dbs.values()) {
      for (const coll of colls.values()) {
        for (const index of coll.indexes.values()) {
          const ttl = index.spec.expireAfterSeconds;
          if (ttl === undefined || index.fields.length !== 1) continue;
          const field = index.fields[0] as string;
          const deadline = now - ttl * 1000;
          for (const doc of [...coll.docs.values()]) {
            const dates = getPathValues(doc, field, true).filter((v): v is Date => v instanceof Date);
            if (dates.length && Math.min(...dates.map((d) => d.getTime())) <= deadline) {
              if (this.remove(coll, doc)) removed++;
            }
          }
        }
      }
    }
    return removed;
  }

  /** Re-applies one journal record. Uniqueness is not re-checked: the journal only holds states that passed. */
  applyRecord(payload: Buffer): void {
    const r = BSON.deserialize(payload) as Doc;
    const d = String(r.d);
    const c = String(r.c);
    const colls = (): Map<string, Collection> => {
      let m = this.dbs.get(d);
      if (!m) {
        m = new Map();
        this.dbs.set(d, m);
      }
      return m;
    };
    const coll = (): Collection => {
      const m = colls();
      let x = m.get(c);
      if (!x) {
        x = new Collection(d, c);
        m.set(c, x);
      }
      return x;
    };
    switch (r.t) {
      case 'put': {
        const b = r.b as Binary;
        const doc = BSON.deserialize(b.buffer.subarray(0, b.position));
        this.shared.shareIn(doc);
        coll().forcePut(doc);
        break;
      }
      case 'upd': {
        const target = this.dbs.get(d)?.get(c);
        const current = target?.docs.get(keyString(r.id));
        if (!target || !current) throw new Error(`update of a document the journal does not hold (${d}.${c})`);
        const ops = r.o as DeltaOp[];
        // The values the record brings are new; the rest of the document is shared already.
        for (const op of ops) if ('v' in op) op.v = this.shared.value(op.v);
        target.forcePut(applyDelta(current, ops));
        break;
      }
      case 'del':
        this.dbs.get(d)?.get(c)?.removeById(r.id);
        break;
      case 'ccoll': {
        const m = colls();
        if (!m.has(c))
          // A copy: the record's UUID is a view into the journal file it was read from, and a
          // collection kept holding it would keep the whole file in memory.
          m.set(
            c,
            new Collection(d, c, isPlainObject(r.o) ? r.o : {}, r.u instanceof UUID ? new UUID(r.u) : undefined),
          );
        break;
      }
      case 'dcoll':
        this.dbs.get(d)?.delete(c);
        break;
      case 'cidx': {
        const target = coll();
        const spec = r.spec as IndexSpec;
        target.indexes.set(
          spec.name,
          this.indexesWhenUsed ? target.restoredIndex(spec) : target.buildIndex(spec, false),
        );
        break;
      }
      case 'didx':
        this.dbs.get(d)?.get(c)?.indexes.delete(String(r.n));
        break;
      case 'midx': {
        const spec = r.spec as IndexSpec;
        const index = this.dbs.get(d)?.get(c)?.indexes.get(spec.name);
        if (index) index.spec = spec;
        break;
      }
      case 'ddb':
        this.dbs.delete(d);
        break;
      case 'nop':
        break;
      case 'ren': {
        const source = this.dbs.get(d)?.get(c);
        if (!source) break;
        this.dbs.get(d)?.delete(c);
        const td = String(r.td);
        const tc = String(r.tc);
        let target = this.dbs.get(td);
        if (!target) {
          target = new Map();
          this.dbs.set(td, target);
        }
        source.db = td;
        source.name = tc;
        target.set(tc, source);
        break;
      }
      default:
        throw new Error(`unknown journal record type ${String(r.t)}`);
    }
  }

  /** The whole state as journal records: collections, then their indexes, then their documents. */
  *snapshot(): Generator<Buffer> {
    for (const [d, colls] of this.dbs) {
      for (const [c, coll] of colls) {
        yield Buffer.from(BSON.serialize({ t: 'ccoll', d, c, o: coll.options, u: coll.uuid }));
        for (const index of coll.indexes.values())
          yield Buffer.from(BSON.serialize({ t: 'cidx', d, c, spec: index.spec }));
        for (const doc of coll.docs.values()) {
          yield Buffer.from(BSON.serialize({ t: 'put', d, c, b: new Binary(BSON.serialize(doc)) }));
        }
      }
    }
  }

  liveBytes(): number {
    let n = 0;
    for (const colls of this.dbs.values()) {
      for (const coll of colls.values()) for (const doc of coll.docs.values()) n += BSON.calculateObjectSize(doc) + 40;
    }
    return n;
  }
}
