// Opens a store for a test file: the embedded server by default, a real MongoDB when
// TEST_MONGODB_URI is set (the GitHub workflow does that with a mongo:7 service).
import { randomBytes } from 'node:crypto';
import { createLogger } from '../../src/logger.js';
import { openStore, type Store } from '../../src/store/index.js';

export const silentLogger = createLogger({ level: 'silent' });

export const realMongoUri: string | undefined = process.env.TEST_MONGODB_URI || undefined;

export async function openTestStore(): Promise<Store> {
  const dbName = `sputnik_test_${randomBytes(5).toString('hex')}`;
  const store = await openStore({
    config: { mongodbUri: realMongoUri, dbName, embeddedDataDir: undefined },
    logger: silentLogger,
  });
  return {
    ...store,
    health: () => store.health(),
    async close() {
      // A real server keeps test databases forever unless they are dropped.
      if (realMongoUri) await store.connection.dropDatabase();
      await store.close();
    },
  };
}
