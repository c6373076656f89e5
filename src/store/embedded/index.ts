/**
 * An in-process server that speaks the MongoDB wire protocol, so the real `mongodb` driver,
 * mongoose and Agenda's Mongo backend run unchanged where no mongod is available. Queries,
 * projections, updates and aggregation are mingo's; indexes, unique constraints, cursors and
 * persistence (an append-only journal) are ours.
 */
import path from 'node:path';
import { Catalog } from './catalog.js';
import { CursorManager } from './cursors.js';
import { DirLock, Journal, JOURNAL_FILE, type JournalIo } from './journal.js';
import type { WriteHealth } from './catalog.js';
import { silentLogger, type EmbeddedStoreLogger } from './logger.js';
import { WireServer } from './server.js';

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
}

export interface EmbeddedStore {
  /** `mongodb://127.0.0.1:PORT/` (no database name). */
  readonly uri: string;
  readonly port: number;
  readonly persistent: boolean;
  /** Whether writes reach the journal; after a failure each call tries again. */
  writeHealth(): WriteHealth;
  /** Stops listening, closes sockets, flushes and closes the journal. */
  close(): Promise<void>;
}

/** A journal this much larger than the live data (and over the floor) is rewritten on open. */
const COMPACT_RATIO = 2;
const COMPACT_FLOOR_BYTES = 1024 * 1024;
/** MongoDB's TTL monitor also runs once a minute. */
const HOUSEKEEPING_INTERVAL_MS = 60_000;

function openJournal(catalog: Catalog, dataDir: string, logger: EmbeddedStoreLogger, io?: JournalIo): Journal {
  const started = performance.now();
  const { journal, replay } = Journal.open(dataDir, io);
  if (replay.tornAt) {
    // Only a bad record with nothing valid after it gets here (a write cut short by a crash):
    // damage with intact records after it stops start-up in Journal.open instead.
    logger.warn(
      { journal: journal.file, offset: replay.tornAt.offset, reason: replay.tornAt.reason, discardedBytes: replay.fileBytes - replay.validBytes },
      'embedded store: journal ends with a torn record (a write cut short by a crash); cut it off there',
    );
  }
  let skipped = 0;
  for (const payload of replay.payloads) {
    try {
      catalog.applyRecord(payload);
    } catch (err) {
      skipped++;
      logger.warn({ journal: journal.file, err: (err as Error).message }, 'embedded store: skipped a journal record that could not be applied');
    }
  }
  const fileBytes = journal.size;
  if (fileBytes > COMPACT_FLOOR_BYTES) {
    const live = catalog.liveBytes();
    if (fileBytes > COMPACT_RATIO * live + COMPACT_FLOOR_BYTES / 2) {
      const { before, after } = journal.compact(catalog.snapshot());
      logger.info({ journal: journal.file, before, after }, 'embedded store: compacted the journal');
    }
  }
  logger.info(
    {
      journal: journal.file,
      records: replay.payloads.length,
      skipped,
      collections: catalog.collectionCount(),
      documents: catalog.documentCount(),
      bytes: journal.size,
      ms: Math.round(performance.now() - started),
    },
    'embedded store: journal loaded',
  );
  return journal;
}

function formatHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startEmbeddedStore(options: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  const catalog = new Catalog();
  const cursors = new CursorManager();
  let lock: DirLock | undefined;
  if (options.dataDir) {
    const dataDir = path.resolve(options.dataDir);
    lock = DirLock.acquire(dataDir);
    try {
      catalog.journal = openJournal(catalog, dataDir, logger, options.io);
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
  logger.info({ uri, persistent: catalog.persistent, journal: catalog.journal?.file ?? null }, 'embedded store: listening');

  let closing: Promise<void> | undefined;
  return {
    uri,
    port,
    persistent: catalog.persistent,
    writeHealth: () => catalog.writeHealth(),
    close() {
      closing ??= (async () => {
        clearInterval(housekeeping);
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
