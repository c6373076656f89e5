import { MongoClient, type MongoClientOptions } from 'mongodb';
import { nodeJournalIo, type JournalIo } from '../../../src/store/embedded/journal.js';
import {
  startEmbeddedStore,
  type EmbeddedStore,
  type EmbeddedStoreOptions,
} from '../../../src/store/embedded/index.js';

let counter = 0;

/** A database name no other test (or parallel test file) uses. */
export function uniqueDb(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}`;
}

export interface StoreHandle {
  store: EmbeddedStore;
  client: MongoClient;
  close(): Promise<void>;
}

export async function startStoreWithClient(
  options: EmbeddedStoreOptions = {},
  clientOptions: MongoClientOptions = {},
): Promise<StoreHandle> {
  const store = await startEmbeddedStore(options);
  const client = await MongoClient.connect(store.uri, { serverSelectionTimeoutMS: 5_000, ...clientOptions });
  return {
    store,
    client,
    async close() {
      await client.close();
      await store.close();
    },
  };
}

/** Collects what the store logs, for assertions on warnings. */
export function recordingLogger(): {
  entries: Array<{ level: string; obj: object; msg?: string | undefined }>;
  logger: EmbeddedStoreOptions['logger'];
} {
  const entries: Array<{ level: string; obj: object; msg?: string | undefined }> = [];
  const at = (level: string) => (obj: object, msg?: string) => entries.push({ level, obj, msg });
  return { entries, logger: { info: at('info'), warn: at('warn'), debug: at('debug') } };
}

/** A disk that, while `full`, takes the first half of a write and then refuses the rest. */
export function fillableDisk(): { io: JournalIo; full: boolean; refused: number } {
  const disk = {
    full: false,
    refused: 0,
    io: {
      write(fd: number, buf: Buffer, offset: number, length: number): number {
        if (!disk.full) return nodeJournalIo.write(fd, buf, offset, length);
        const half = Math.floor(length / 2);
        if (half > 0 && disk.refused % 2 === 0) {
          disk.refused++;
          return nodeJournalIo.write(fd, buf, offset, half);
        }
        disk.refused++;
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
          code: 'ENOSPC',
          errno: -28,
          syscall: 'write',
        });
      },
      fsync: (fd: number) => nodeJournalIo.fsync(fd),
      ftruncate: (fd: number, length: number) => nodeJournalIo.ftruncate(fd, length),
    } satisfies JournalIo,
  };
  return disk;
}
