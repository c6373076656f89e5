import { MongoClient, type MongoClientOptions } from 'mongodb';
import { startEmbeddedStore, type EmbeddedStore, type EmbeddedStoreOptions } from '../../../src/store/embedded/index.js';

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

export async function startStoreWithClient(options: EmbeddedStoreOptions = {}, clientOptions: MongoClientOptions = {}): Promise<StoreHandle> {
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
export function recordingLogger(): { entries: Array<{ level: string; obj: object; msg?: string | undefined }>; logger: EmbeddedStoreOptions['logger'] } {
  const entries: Array<{ level: string; obj: object; msg?: string | undefined }> = [];
  const at = (level: string) => (obj: object, msg?: string) => entries.push({ level, obj, msg });
  return { entries, logger: { info: at('info'), warn: at('warn'), debug: at('debug') } };
}
