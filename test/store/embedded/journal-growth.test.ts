import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BSON } from 'bson';
import { MongoClient } from 'mongodb';
import { Types } from 'mongoose';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { startEmbeddedStore } from '../../../src/store/embedded/index.js';
import { JOURNAL_FILE } from '../../../src/store/embedded/journal.js';
import { openStore } from '../../../src/store/index.js';
import { recordingLogger } from './helpers.js';

vi.setConfig({ testTimeout: 120_000 });

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sputnik-journal-growth-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Journal bytes one broadcast's deliveries add, recorded through the app's own repository. */
async function journalPerDelivery(recipients: number): Promise<number> {
  const dir = tempDir();
  const logger = createLogger({ level: 'silent' });
  const config = { mongodbUri: undefined, dbName: 'growth', embeddedDataDir: dir };
  const chats = Array.from({ length: recipients }, (_, i) => ({
    channel: 'telegram' as const,
    chatId: String(700_000 + i),
    participantId: new Types.ObjectId().toHexString(),
  }));
  let id = '';
  const store = await openStore({ config, logger });
  let before = 0;
  try {
    const repos = store.repositories;
    const draft = await repos.broadcasts.create({
      cohortId: new Types.ObjectId().toHexString(),
      authorId: new Types.ObjectId().toHexString(),
      text: 'Уважаемые коллеги! Напоминаем о вебинаре в четверг.',
      toGroups: false,
      toParticipants: true,
    });
    id = draft.id;
    await repos.broadcasts.startSending(id, chats);
    before = fs.statSync(path.join(dir, JOURNAL_FILE)).size;
    for (const [i, c] of chats.entries()) {
      const failed = i % 10 === 0;
      await repos.broadcasts.recordDelivery(id, c.channel, c.chatId, {
        status: failed ? 'failed' : 'sent',
        ...(failed ? { reason: 'blocked by the user' } : {}),
        at: new Date(),
      });
    }
  } finally {
    await store.close();
  }
  const grown = fs.statSync(path.join(dir, JOURNAL_FILE)).size - before;
  // Everything is back after a restart: each delivery with its own outcome.
  const again = await openStore({ config, logger });
  try {
    const done = await again.repositories.broadcasts.findById(id);
    expect(done?.deliveries.filter((d) => d.status === 'sent')).toHaveLength(recipients - Math.ceil(recipients / 10));
    expect(done?.deliveries.filter((d) => d.status === 'failed' && d.reason === 'blocked by the user')).toHaveLength(
      Math.ceil(recipients / 10),
    );
  } finally {
    await again.close();
  }
  return grown / recipients;
}

describe('embedded store: the journal grows with the writes, not with the size of what they change', () => {
  it('a delivery costs the journal the same few hundred bytes in a broadcast of 50 as in one of 400', async () => {
    const small = await journalPerDelivery(50);
    const large = await journalPerDelivery(400);
    // A whole broadcast of 400 deliveries is ~60 KB: rewriting it per delivery would be ~150x this.
    expect(small).toBeLessThan(800);
    expect(large).toBeLessThan(800);
    expect(large).toBeLessThan(small * 1.5);
  });

  it('compacts while running, and a restart after that brings back every document as it was', async () => {
    const dataDir = tempDir();
    const log = recordingLogger();
    const journal = path.join(dataDir, JOURNAL_FILE);
    const floor = 64 * 1024;
    let expected: Buffer[] = [];
    const store = await startEmbeddedStore({ dataDir, logger: log.logger, compactFloorBytes: floor });
    const client = await MongoClient.connect(store.uri);
    try {
      const c = client
        .db('running')
        .collection<{ key: string; v: number; list: number[]; blob?: string; done?: boolean }>('c');
      await c.createIndex({ key: 1 }, { unique: true });
      await c.insertMany(
        Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, v: 0, list: [] as number[], blob: '' })),
      );
      // Overwrites of a large field go to the journal whole; the journal outgrows the live data.
      for (let i = 1; i <= 200; i++) {
        await c.updateOne(
          { key: `k${i % 20}` },
          { $set: { v: i, blob: `${i}:`.repeat(1000).slice(0, 3000) }, $push: { list: i } },
        );
      }
      await new Promise((resolve) => setImmediate(resolve));
      const compactions = log.entries.filter(
        (e) => e.msg?.includes('compacted') && (e.obj as { when?: string }).when === 'running',
      );
      expect(compactions.length).toBeGreaterThan(0);
      // 200 whole 3 KB documents were written; the journal holds about the 20 live ones.
      expect(fs.statSync(journal).size).toBeLessThan(3 * (20 * 3200) + floor);
      // Changes after a compaction land on top of its snapshot.
      await c.updateMany({}, { $unset: { blob: '' }, $set: { done: true } });
      await c.deleteOne({ key: 'k3' });
      await c.updateOne({ key: 'k4' }, { $push: { list: -1 } });
      expected = (await c.find({}).sort({ key: 1 }).toArray()).map((d) => Buffer.from(BSON.serialize(d)));
    } finally {
      await client.close();
      await store.close();
    }
    expect(expected).toHaveLength(19);
    const reopened = await startEmbeddedStore({ dataDir, compactFloorBytes: floor });
    const again = await MongoClient.connect(reopened.uri);
    try {
      const c = again.db('running').collection('c');
      const docs = (await c.find({}).sort({ key: 1 }).toArray()).map((d) => Buffer.from(BSON.serialize(d)));
      expect(docs).toEqual(expected);
      const k4 = await c.findOne({ key: 'k4' });
      expect(k4?.list).toEqual([4, 24, 44, 64, 84, 104, 124, 144, 164, 184, -1]);
      expect(((await c.insertOne({ key: 'k5' }).catch((e: unknown) => e)) as { code?: number }).code).toBe(11000);
    } finally {
      await again.close();
      await reopened.close();
    }
  });
});
