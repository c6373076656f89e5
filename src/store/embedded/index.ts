/**
 * An in-process server that speaks the MongoDB wire protocol, so the real `mongodb` driver,
 * mongoose and Agenda's Mongo backend run unchanged where no mongod is available. Queries,
 * projections, updates and aggregation are mingo's; indexes, unique constraints, cursors and
 * persistence (an append-only journal) are ours.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BSON } from 'bson';
import { Catalog } from './catalog.js';
import { CursorManager, RawReply } from './cursors.js';
import { DirLock, Journal, JOURNAL_FILE, type JournalIo } from './journal.js';
import type { WriteHealth } from './catalog.js';
import { silentLogger, type EmbeddedStoreLogger } from './logger.js';
import { executeCommand, WireServer } from './server.js';
import { aggregateDocs } from './commands/aggregate.js';
import { eachMatch, matchDocs } from './commands/scan.js';
import { toCommandError } from './errors.js';
import { compileFilter, compileProjection, parseSort, sortDocs } from './query.js';
import type { Doc } from './values.js';

export type { EmbeddedStoreLogger } from './logger.js';
export { SUPPORTED_COMMANDS } from './commands/index.js';

export interface EmbeddedStoreOptions {
  /** Directory for the journal; without it the store is purely in memory. */
  dataDir?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a random free port. */
  port?: number;
  logger?: EmbeddedStoreLogger;
  /** The journal's system calls; tests pass one that fails like a full disk. */
  io?: JournalIo;
  /** Journals smaller than this are never compacted (default 1 MiB; tests make it small). */
  compactFloorBytes?: number;
  /**
   * Build each secondary index read back from the journal when a query or a write first needs it,
   * not while the journal is read. For a short-lived process reading a few collections (a CLI
   * command opening the data directory itself): it holds only the indexes it uses (all of them
   * were ~18 MB of heap and ~0.9 s of the replay's CPU for a 5,000-teacher cohort). Not for the
   * bot: a first use builds the whole index in one piece (~50–85 ms of CPU for 35,000 sends), a
   * stall a running server must not have, and its writes soon need every unique index anyway.
   */
  indexesWhenUsed?: boolean;
  /**
   * Called after each journal record is applied while the journal is read on open, with the
   * record's size and the journal's in bytes (the bot and the CLI time a collection of replay's
   * garbage by them).
   */
  onReplayed?: (recordBytes: number, journalBytes: number) => void;
}

export interface EmbeddedStore {
  /** `mongodb://127.0.0.1:PORT/` (no database name). */
  readonly uri: string;
  readonly port: number;
  readonly persistent: boolean;
  /** Whether writes reach the journal; after a failure each call tries again. */
  writeHealth(): WriteHealth;
  /**
   * A find in this process, without the wire: the same filter, sort and projection as the `find`
   * command, the matching documents returned as they are stored. For bulk reads (exports), where
   * encoding every document to BSON and parsing it back costs more than the rest of the work.
   * The documents are the store's own: never change them.
   */
  find(db: string, collection: string, filter: Doc, options?: { sort?: Doc; projection?: Doc }): Iterable<Doc>;
  /**
   * A command in this process, without the wire: the same command document the driver would
   * send (written through BSON once, so it means the same and the store never holds the caller's
   * objects), run and journaled exactly as the server runs it, before this returns; the reply as
   * a document (`ok: 0` and `writeErrors` as on the wire). For the small writes every incoming
   * message makes, where the driver, the socket and BSON both ways cost more than the write.
   * Commands that answer with a cursor are refused: reads go through `find`.
   */
  command(db: string, cmd: Doc): Doc;
  /**
   * An aggregate in this process, without the wire: the same pipeline as the `aggregate` command
   * (written through BSON once, so it means the same), its result documents at once. For the
   * monitoring counts, whose result went through BSON both ways and the driver's cursor for
   * nothing. The documents may hold the stored documents' own values: never change them.
   */
  aggregate(db: string, collection: string, pipeline: readonly Doc[]): Doc[];
  /**
   * Text that stays the same while no document of the collection is written or removed (and
   * differs for a dropped and recreated one): a reader may keep what it made of the documents
   * it read until this changes.
   */
  stamp(db: string, collection: string): string;
  /** Stops listening, closes sockets, flushes and closes the journal. */
  close(): Promise<void>;
}

/** A journal this much larger than the live data (and over the floor) is rewritten. */
const COMPACT_RATIO = 2;
const COMPACT_FLOOR_BYTES = 1024 * 1024;

interface CompactPolicy {
  floor: number;
  logger: EmbeddedStoreLogger;
}
/** MongoDB's TTL monitor also runs once a minute. */
const HOUSEKEEPING_INTERVAL_MS = 60_000;

/**
 * Rewrites the journal as a snapshot of the live data when it has grown past COMPACT_RATIO times
 * that (and past the floor). Returns the journal size at which the next look is due: one live
 * data size further on, so the cost of looking (a pass over every document) and of compacting
 * stays in proportion to the bytes written.
 */
function compactIfOutgrown(catalog: Catalog, journal: Journal, { floor, logger }: CompactPolicy, when: string): number {
  const fileBytes = journal.size;
  if (fileBytes <= floor) return floor;
  const live = catalog.liveBytes();
  if (fileBytes > COMPACT_RATIO * live + floor / 2) {
    const started = performance.now();
    const { before, after } = journal.compact(catalog.snapshot());
    logger.info(
      { journal: journal.file, before, after, when, ms: Math.round(performance.now() - started) },
      'embedded store: compacted the journal',
    );
  }
  return Math.max(floor, journal.size + Math.max(live, floor / 2));
}

/**
 * Compaction while running: checked after each write that reached the journal, done between
 * commands (never inside one, so the snapshot is of acknowledged state only). A failure (a full
 * disk) leaves the old journal in place and waits for the next growth step to try again.
 */
function compactWhileRunning(
  catalog: Catalog,
  journal: Journal,
  policy: CompactPolicy,
  firstLook: number,
): { stop(): void } {
  let nextLook = firstLook;
  let pending: NodeJS.Immediate | undefined;
  let stopped = false;
  catalog.afterFlush = () => {
    if (pending || stopped || journal.size <= nextLook) return;
    pending = setImmediate(() => {
      pending = undefined;
      if (stopped) return;
      try {
        nextLook = compactIfOutgrown(catalog, journal, policy, 'running');
      } catch (err) {
        nextLook = journal.size + Math.max(catalog.liveBytes(), policy.floor / 2);
        policy.logger.warn(
          { journal: journal.file, err: (err as Error).message },
          'embedded store: compaction failed; the journal is kept as it was',
        );
      }
    });
  };
  return {
    stop() {
      stopped = true;
      if (pending) clearImmediate(pending);
      catalog.afterFlush = undefined;
    },
  };
}

/** The journal's size before it is read (0 when there is none yet). */
function journalFileBytes(dataDir: string): number {
  try {
    return fs.statSync(path.join(dataDir, JOURNAL_FILE)).size;
  } catch {
    return 0;
  }
}

function openJournal(
  catalog: Catalog,
  dataDir: string,
  policy: CompactPolicy,
  io?: JournalIo,
  onReplayed?: (recordBytes: number, journalBytes: number) => void,
): { journal: Journal; nextLook: number } {
  const { logger } = policy;
  const started = performance.now();
  let skipped = 0;
  const journalBytes = onReplayed ? journalFileBytes(dataDir) : 0;
  const { journal, replay } = Journal.open(
    dataDir,
    (payload) => {
      try {
        catalog.applyRecord(payload);
      } catch (err) {
        skipped++;
        logger.warn(
          { journal: path.join(dataDir, JOURNAL_FILE), err: (err as Error).message },
          'embedded store: skipped a journal record that could not be applied',
        );
      }
      onReplayed?.(payload.length, journalBytes);
    },
    io,
  );
  if (replay.tornAt) {
    // Only a bad record with nothing valid after it gets here (a write cut short by a crash):
    // damage with intact records after it stops start-up in Journal.open instead.
    logger.warn(
      {
        journal: journal.file,
        offset: replay.tornAt.offset,
        reason: replay.tornAt.reason,
        discardedBytes: replay.fileBytes - replay.validBytes,
      },
      'embedded store: journal ends with a torn record (a write cut short by a crash); cut it off there',
    );
  }
  const nextLook = compactIfOutgrown(catalog, journal, policy, 'start-up');
  logger.info(
    {
      journal: journal.file,
      records: replay.records,
      skipped,
      collections: catalog.collectionCount(),
      documents: catalog.documentCount(),
      bytes: journal.size,
      ms: Math.round(performance.now() - started),
    },
    'embedded store: journal loaded',
  );
  return { journal, nextLook };
}

function formatHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startEmbeddedStore(options: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  const catalog = new Catalog();
  catalog.indexesWhenUsed = options.indexesWhenUsed === true;
  const cursors = new CursorManager();
  let lock: DirLock | undefined;
  const policy: CompactPolicy = { floor: options.compactFloorBytes ?? COMPACT_FLOOR_BYTES, logger };
  let compaction: { stop(): void } | undefined;
  if (options.dataDir) {
    const dataDir = path.resolve(options.dataDir);
    lock = DirLock.acquire(dataDir);
    try {
      const { journal, nextLook } = openJournal(catalog, dataDir, policy, options.io, options.onReplayed);
      catalog.journal = journal;
      compaction = compactWhileRunning(catalog, journal, policy, nextLook);
    } catch (err) {
      lock.release();
      throw err;
    }
  } else {
    logger.info({}, 'embedded store: in-memory only (no dataDir), nothing will survive a restart');
  }

  const server = new WireServer(catalog, cursors, logger);
  let port: number;
  try {
    port = await server.listen(host, options.port ?? 0);
  } catch (err) {
    compaction?.stop();
    catalog.journal?.close();
    lock?.release();
    throw err;
  }

  const housekeeping = setInterval(() => {
    cursors.sweep();
    try {
      const expired = catalog.expire(Date.now());
      catalog.flush(false);
      if (expired) logger.debug({ expired }, 'embedded store: TTL monitor removed expired documents');
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'embedded store: TTL pass failed');
    }
  }, HOUSEKEEPING_INTERVAL_MS);
  housekeeping.unref();

  const uri = `mongodb://${formatHost(host)}:${port}/`;
  logger.info(
    { uri, persistent: catalog.persistent, journal: catalog.journal?.file ?? null },
    'embedded store: listening',
  );

  let closing: Promise<void> | undefined;
  return {
    uri,
    port,
    persistent: catalog.persistent,
    writeHealth: () => catalog.writeHealth(),
    find(db, collection, filter, options = {}) {
      // Through BSON once, so the filter means exactly what it means when the driver sends it.
      const sent = BSON.deserialize(BSON.serialize({ filter, ...options })) as {
        filter: Doc;
        sort?: Doc;
        projection?: Doc;
      };
      const compiled = compileFilter(sent.filter);
      const sort = parseSort(sent.sort);
      const project = compileProjection(sent.projection, compiled);
      const coll = catalog.collection(db, collection);
      // Unsorted, the documents are matched as they are read, so a reader taking them in turns
      // never waits for the whole collection to be tested; sorted, all must be matched first.
      const docs = sort ? sortDocs(matchDocs(coll, compiled), sort) : eachMatch(coll, compiled);
      if (!project) return docs;
      // Projected a slice at a time: the copies live as long as the reader needs them, not all at once.
      return (function* () {
        let slice: Doc[] = [];
        for (const doc of docs) {
          slice.push(doc);
          if (slice.length === 256) {
            yield* project(slice);
            slice = [];
          }
        }
        if (slice.length > 0) yield* project(slice);
      })();
    },
    stamp(db, collection) {
      return catalog.collection(db, collection)?.stamp ?? 'none';
    },
    command(db, cmd) {
      // As the driver writes it: an undefined value is sent as null (the driver's ignoreUndefined: false).
      const sent = BSON.deserialize(BSON.serialize(cmd, { ignoreUndefined: false }));
      const result = executeCommand(catalog, cursors, logger, sent, db, 0);
      if (result instanceof RawReply) throw new Error('a command that answers with a cursor is not run in-process');
      return result;
    },
    aggregate(db, collection, pipeline) {
      const sent = BSON.deserialize(BSON.serialize({ aggregate: collection, pipeline, cursor: {} }));
      try {
        return aggregateDocs(sent, { catalog, cursors, db, connectionId: 0, logger }).docs;
      } catch (err) {
        // As the driver would throw the command's failure: its message and code.
        const error = toCommandError(err);
        throw Object.assign(new Error(error.message), { code: error.code, codeName: error.codeName });
      }
    },
    close() {
      closing ??= (async () => {
        clearInterval(housekeeping);
        compaction?.stop();
        await server.close();
        cursors.clear();
        try {
          catalog.journal?.close();
        } finally {
          lock?.release();
        }
      })();
      return closing;
    },
  };
}

export { JOURNAL_FILE };
export { DataDirInUseError, JournalDamagedError, repairJournal, type JournalIo, type RepairResult } from './journal.js';
