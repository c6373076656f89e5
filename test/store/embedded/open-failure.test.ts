// A store that opens but cannot be made ready (here: a unique index its data violates) fails the
// caller and leaves nothing open: the data directory can be opened again at once, and the CLI that
// asked is not kept alive by a connection or server nobody will close.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedStore } from '../../../src/store/embedded/index.js';
import { openStore } from '../../../src/store/index.js';
import { silentLogger } from '../../support/store.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sputnik-open-failure-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('opening a store that cannot be made ready', () => {
  it('throws, releases the data directory and closes its server', async () => {
    // Two cohorts with one code, written before the unique index on codes exists.
    const raw = await startEmbeddedStore({ dataDir });
    const client = await MongoClient.connect(raw.uri);
    await client
      .db('sputnik')
      .collection('cohorts')
      .insertMany([{ code: 'TWICE' }, { code: 'TWICE' }]);
    await client.close();
    await raw.close();

    const config = { mongodbUri: undefined, dbName: 'sputnik', embeddedDataDir: dataDir };
    await expect(openStore({ config, logger: silentLogger })).rejects.toThrow(/E11000|duplicate/);

    // Nothing holds the directory: it opens again (a leaked server would hold its lock).
    const again = await startEmbeddedStore({ dataDir });
    const check = await MongoClient.connect(again.uri);
    expect(await check.db('sputnik').collection('cohorts').countDocuments({ code: 'TWICE' })).toBe(2);
    await check.close();
    await again.close();
  });
});
