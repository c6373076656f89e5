// Opens the store: real MongoDB when MONGODB_URI is set, otherwise the embedded wire-protocol
// server, with the same mongoose code path either way.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BSON } from 'bson';
import { createConnection, type Connection } from 'mongoose';
import { redactUri, type Config } from '../config.js';
import type { Coordination } from '../domain/coordination.js';
import type { Repositories } from '../domain/repositories.js';
import type { SessionStore } from '../engine/sessions.js';
import type { Logger } from '../logger.js';
import { createStoreCoordination } from './coordination.js';
import { driverDb, embeddedDb, type DirectDb } from './direct.js';
import { startEmbeddedStore, type EmbeddedStore, type JournalIo } from './embedded/index.js';
import { migrateParticipantAddresses } from './migrate-addresses.js';
import { defineModels, type Models } from './models/index.js';
import { migrateBroadcastDeliveries } from './repositories/broadcasts.js';
import { embeddedStoreInThisProcess } from '../memory/young-generation.js';
import { collectReplayGarbage, heapInUse, replayGarbage } from './replay-garbage.js';
import { createRepositories } from './repositories/index.js';
import { createSessionStore } from './sessions.js';

export type StoreKind = 'embedded' | 'mongodb';

const ADDRESS_FILE = 'embedded-store.address';
const HEALTH_PING_MS = 2_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The URI of the embedded store another live process serves from this data directory, if any. */
function runningStoreAddress(dataDir: string): string | undefined {
  try {
    const { pid, uri } = JSON.parse(readFileSync(join(dataDir, ADDRESS_FILE), 'utf8')) as { pid: number; uri: string };
    return pid !== process.pid && isAlive(pid) && /^mongodb:\/\/127\.0\.0\.1:\d+\/$/.test(uri) ? uri : undefined;
  } catch {
    return undefined;
  }
}

function publishAddress(dataDir: string, uri: string): void {
  writeFileSync(join(dataDir, ADDRESS_FILE), JSON.stringify({ pid: process.pid, uri }));
}

function withdrawAddress(dataDir: string): void {
  rmSync(join(dataDir, ADDRESS_FILE), { force: true });
}

export interface StoreHealth {
  kind: StoreKind | 'unknown';
  /** `read-only`: reads are served but the embedded store's journal refuses writes (a full disk). */
  state: 'up' | 'down' | 'read-only';
  persistent: boolean;
  error?: string;
}

export interface Store {
  readonly kind: StoreKind;
  readonly connection: Connection;
  readonly models: Models;
  readonly repositories: Repositories;
  readonly sessions: SessionStore;
  /** How instances sharing this store divide the work (claims and leases). */
  readonly coordination: Coordination;
  /** The calls every incoming message makes, in this process when it serves the embedded store (./direct.ts). */
  readonly direct: DirectDb;
  /**
   * Present when this process serves the embedded store itself: bulk reads without the wire.
   * Absent with MongoDB, and for a CLI talking to a running bot's store.
   */
  readonly inProcess?: InProcessReader;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

/** Reads straight from the embedded store in this process (see `EmbeddedStore.find`). */
export interface InProcessReader {
  /**
   * A find on a collection of this database, as the driver would send it, yielding to the event
   * loop every few hundred documents. The documents are the store's own: read them, never change them.
   */
  find(
    collection: string,
    filter: Record<string, unknown>,
    options?: { sort?: Record<string, 1 | -1>; projection?: Record<string, 0 | 1> },
  ): AsyncIterable<Record<string, unknown>>;
  /**
   * The same find answered at once: the matching documents in one array, sorted, without a copy
   * each (read them, never change them). The scan and sort hold the event loop as `find`'s do;
   * for a reader that goes through them in batches of its own (an export).
   */
  findAll(
    collection: string,
    filter: Record<string, unknown>,
    options?: { sort?: Record<string, 1 | -1> },
  ): readonly Record<string, unknown>[];
  /**
   * The first document matching `filter` (by index where one fits), as a copy the caller may keep
   * and change, as the driver would return it: for the look-ups every incoming message makes.
   */
  findOne(collection: string, filter: Record<string, unknown>): Record<string, unknown> | undefined;
  /**
   * An aggregate answered at once, without BSON and the driver's cursor: the pipeline as the driver
   * would send it, the result documents as the store made them (a grouped value may be a stored
   * document's own array: read them, never change them).
   */
  aggregate(collection: string, pipeline: readonly Record<string, unknown>[]): readonly Record<string, unknown>[];
  /**
   * The same text while no document of the collection is written or removed: what a reader made
   * of the documents it read (an export's teachers' profiles) is good until this changes.
   */
  stamp(collection: string): string;
}

/**
 * Documents an in-process read hands out between two event-loop turns. Planning reads a cohort's
 * enrolments, answers and send log at once: four readers each taking 500 in a turn kept the loop
 * ~60 ms; 200 each keep it to a few.
 */
const YIELD_EVERY = 200;

function inProcessReader(embedded: EmbeddedStore, dbName: string): InProcessReader {
  return {
    async *find(collection, filter, options) {
      let n = 0;
      for (const doc of embedded.find(dbName, collection, filter, options)) {
        yield doc;
        // A long export must not hold the bot's event loop: other chats are answered in between.
        if (++n % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    },
    findAll(collection, filter, options) {
      const docs = embedded.find(dbName, collection, filter, options);
      return Array.isArray(docs) ? docs : [...docs];
    },
    findOne(collection, filter) {
      for (const doc of embedded.find(dbName, collection, filter)) return BSON.deserialize(BSON.serialize(doc));
      return undefined;
    },
    aggregate: (collection, pipeline) => embedded.aggregate(dbName, collection, pipeline),
    stamp: (collection) => embedded.stamp(dbName, collection),
  };
}

export interface OpenStoreOptions {
  config: Config['store'];
  logger: Logger;
  /** Tests pass false to skip syncIndexes when they share a database they already indexed. */
  syncIndexes?: boolean;
  /** How long to look for a MongoDB server before giving up (the CLI waits less than the bot). */
  serverSelectionTimeoutMs?: number;
  /**
   * The CLI passes true: when a running Sputnik serves this data directory, talk to its store. The
   * bot itself never does: a second bot on one data directory is refused (the directory lock).
   */
  attachToRunning?: boolean;
  /** The embedded journal's system calls; tests pass one that fails like a full disk. */
  journalIo?: JournalIo;
}

export async function openStore({
  config,
  logger,
  syncIndexes = true,
  attachToRunning = false,
  journalIo,
  serverSelectionTimeoutMs = 10_000,
}: OpenStoreOptions): Promise<Store> {
  let embedded: EmbeddedStore | undefined;
  let uri = config.mongodbUri;
  const heapBefore = heapInUse();
  if (uri === undefined) {
    const shared = attachToRunning && config.embeddedDataDir ? runningStoreAddress(config.embeddedDataDir) : undefined;
    if (shared) {
      // The bot already serves this data directory: the CLI talks to its store instead of a copy.
      uri = shared;
      logger.info({ store: 'embedded (shared)' }, 'using the embedded store of the running Sputnik');
    } else {
      embedded = await startEmbeddedStore({
        dataDir: config.embeddedDataDir,
        // The CLI opening the data directory itself (no bot running): a command reads a few
        // collections and ends, so it builds only the indexes it uses.
        indexesWhenUsed: attachToRunning,
        // Replay's garbage collected three quarters of the way through, where it lowers the peak.
        onReplayed: replayGarbage(),
        logger: logger.child({ component: 'embedded-store' }),
        ...(journalIo ? { io: journalIo } : {}),
      });
      uri = embedded.uri;
      if (config.embeddedDataDir) publishAddress(config.embeddedDataDir, embedded.uri);
      logger.warn(
        { store: 'embedded', port: embedded.port, persistent: embedded.persistent },
        'embedded in-memory store; set MONGODB_URI for real use',
      );
    }
  }

  const connection = createConnection(uri, {
    dbName: config.dbName,
    sanitizeFilter: true,
    // Indexes are synced once below, explicitly, so start-up fails loudly if one cannot be built.
    autoIndex: false,
    serverSelectionTimeoutMS: serverSelectionTimeoutMs,
  });
  try {
    await connection.asPromise();
  } catch (error) {
    await embedded?.close();
    throw new Error(`cannot connect to MongoDB at ${redactUri(uri)}: ${(error as Error).message}`, { cause: error });
  }
  const models = defineModels(connection);
  try {
    // Before the indexes: the old per-channel unique indexes go once their fields are gone.
    const migrated = await migrateParticipantAddresses(models.participant);
    if (migrated > 0) logger.info({ participants: migrated }, 'participants moved to channel addresses');
    const movedBroadcasts = await migrateBroadcastDeliveries(models.broadcast, models.broadcastDelivery);
    if (movedBroadcasts > 0)
      logger.info({ broadcasts: movedBroadcasts }, 'broadcast deliveries moved to their own documents');
    if (syncIndexes) {
      for (const model of Object.values(models)) await model.syncIndexes();
    }
  } catch (error) {
    // Whoever asked gets the error and nothing left open: an open connection or server would keep a
    // CLI command from ever exiting, and the data directory's lock would refuse the next attempt.
    await connection.close().catch(() => undefined);
    if (embedded) {
      if (config.embeddedDataDir) withdrawAddress(config.embeddedDataDir);
      await embedded.close();
    }
    throw error;
  }
  logger.info({ store: embedded ? 'embedded' : redactUri(uri), db: config.dbName }, 'store ready');
  // What replaying the journal left in the heap goes now, not on top of the first large piece of work.
  if (embedded && (await collectReplayGarbage(heapBefore)))
    logger.debug({ store: 'embedded' }, 'replay garbage collected');

  // The documents are in this process: what the scheduler reads of them survives anyway, so it may
  // plan with V8's young generation held at its size (src/memory/young-generation.ts).
  if (embedded) embeddedStoreInThisProcess(true);
  const kind: StoreKind = embedded ? 'embedded' : 'mongodb';
  const db = connection.db;
  if (!db) throw new Error('store connection has no database handle');
  const direct = embedded ? embeddedDb(embedded, config.dbName) : driverDb(db);
  const coordination = createStoreCoordination(direct);
  const inProcess = embedded ? inProcessReader(embedded, config.dbName) : undefined;
  return {
    kind,
    connection,
    models,
    repositories: createRepositories(models, inProcess),
    sessions: createSessionStore(direct),
    coordination,
    direct,
    ...(inProcess ? { inProcess } : {}),
    async health() {
      const persistent = embedded ? embedded.persistent : true;
      try {
        const db = connection.db;
        if (!db) throw new Error('no database connection');
        // A store that is gone would hold the driver for its whole server selection timeout.
        await db.command({ ping: 1 }, { timeoutMS: HEALTH_PING_MS });
      } catch (error) {
        return { kind, state: 'down', persistent, error: (error as Error).message };
      }
      const writes = embedded?.writeHealth();
      if (writes && !writes.ok) {
        return {
          kind,
          state: 'read-only',
          persistent,
          error: `writes fail since ${writes.since.toISOString()}: ${writes.error}`,
        };
      }
      return { kind, state: 'up', persistent };
    },
    async close() {
      await coordination.stop();
      await connection.close();
      if (embedded) {
        embeddedStoreInThisProcess(false);
        if (config.embeddedDataDir) withdrawAddress(config.embeddedDataDir);
        await embedded.close();
      }
    },
  };
}
