// A full disk (ENOSPC injected into the journal's system calls): a refused write is never visible,
// not even before a restart; health says so, and recovers when the disk takes writes again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedStore } from '../../../src/store/embedded/index.js';
import { openStore } from '../../../src/store/index.js';
import { silentLogger } from '../../support/store.js';
import { fillableDisk, recordingLogger } from './helpers.js';

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sputnik-enospc-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('embedded store on a full disk', () => {
  it('takes back every refused change at once, reports it, and recovers when there is room again', async () => {
    const dataDir = tempDir();
    const disk = fillableDisk();
    const store = await startEmbeddedStore({ dataDir, io: disk.io });
    const client = await MongoClient.connect(store.uri);
    try {
      const db = client.db('d');
      const c = db.collection('answers');
      await c.createIndex({ n: 1 }, { unique: true });
      await c.insertMany([
        { n: 1, v: 'a' },
        { n: 2, v: 'b' },
      ]);
      expect(store.writeHealth()).toEqual({ ok: true });

      disk.full = true;
      await expect(c.insertOne({ n: 3, v: 'c' })).rejects.toThrow(/ENOSPC/);
      await expect(c.updateOne({ n: 1 }, { $set: { v: 'changed' } })).rejects.toThrow(/ENOSPC/);
      await expect(c.deleteOne({ n: 2 })).rejects.toThrow(/ENOSPC/);
      await expect(c.insertMany([{ n: 4 }, { n: 5 }])).rejects.toThrow(/ENOSPC/);
      await expect(c.findOneAndUpdate({ n: 9 }, { $set: { v: 'upserted' } }, { upsert: true })).rejects.toThrow(
        /ENOSPC/,
      );
      await expect(c.createIndex({ v: 1 })).rejects.toThrow(/ENOSPC/);
      await expect(db.collection('other').insertOne({ x: 1 })).rejects.toThrow(/ENOSPC/);
      await expect(c.drop()).rejects.toThrow(/ENOSPC/);

      // Nothing refused is visible: the same two documents, the same indexes, no new collection.
      expect(
        await c
          .find({}, { projection: { _id: 0 } })
          .sort({ n: 1 })
          .toArray(),
      ).toEqual([
        { n: 1, v: 'a' },
        { n: 2, v: 'b' },
      ]);
      expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'n_1']);
      expect((await db.listCollections().toArray()).map((x) => x.name)).toEqual(['answers']);
      // The unique index still holds n: 3 free (the refused insert left no key behind).
      const health = store.writeHealth();
      expect(health).toMatchObject({ ok: false, error: expect.stringContaining('ENOSPC') });

      disk.full = false;
      expect(store.writeHealth()).toEqual({ ok: true });
      await c.insertOne({ n: 3, v: 'c' });
    } finally {
      await client.close();
      await store.close();
    }

    // The half-written records were cut back: the journal reopens clean, with what was acknowledged.
    const log = recordingLogger();
    const reopened = await startEmbeddedStore({ dataDir, logger: log.logger });
    const again = await MongoClient.connect(reopened.uri);
    try {
      const docs = await again
        .db('d')
        .collection('answers')
        .find({}, { projection: { _id: 0 } })
        .sort({ n: 1 })
        .toArray();
      expect(docs).toEqual([
        { n: 1, v: 'a' },
        { n: 2, v: 'b' },
        { n: 3, v: 'c' },
      ]);
    } finally {
      await again.close();
      await reopened.close();
    }
    expect(log.entries.filter((e) => e.level === 'warn')).toEqual([]);
  });

  it('the store reports read-only while writes fail and up when they succeed again', async () => {
    const dataDir = tempDir();
    const disk = fillableDisk();
    const store = await openStore({
      config: { mongodbUri: undefined, dbName: 'enospc', embeddedDataDir: dataDir },
      logger: silentLogger,
      journalIo: disk.io,
    });
    try {
      expect(await store.health()).toMatchObject({ kind: 'embedded', state: 'up' });
      disk.full = true;
      const created = await store.repositories.participants
        .create({ fullName: 'Иванова Мария', addresses: [{ channel: 'telegram', id: String(777) }], locale: 'ru' })
        .catch((e: unknown) => e);
      expect(created).not.toMatchObject({ ok: true });
      expect(await store.repositories.participants.findByAddress('telegram', String(777))).toBeUndefined();
      expect(await store.health()).toMatchObject({ state: 'read-only', error: expect.stringContaining('ENOSPC') });
      disk.full = false;
      expect(await store.health()).toMatchObject({ state: 'up' });
      expect(
        (
          await store.repositories.participants.create({
            fullName: 'Иванова Мария',
            addresses: [{ channel: 'telegram', id: String(777) }],
            locale: 'ru',
          })
        ).ok,
      ).toBe(true);
    } finally {
      await store.close();
    }
  });
});
