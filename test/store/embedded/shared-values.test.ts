import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EJSON, ObjectId } from 'bson';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedStore, type EmbeddedStore } from '../../../src/store/embedded/index.js';
import type { Doc } from '../../../src/store/embedded/values.js';

// The store holds equal values once (shared-values.ts): the same status, the same cohort id, the
// same planned time in thousands of documents. What a reader sees must not change because of it.

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sputnik-shared-'));
  tempDirs.push(dir);
  return dir;
}

async function withStore<T>(
  dataDir: string,
  run: (store: EmbeddedStore, client: MongoClient) => Promise<T>,
): Promise<T> {
  const store = await startEmbeddedStore({ dataDir });
  const client = await MongoClient.connect(store.uri, { serverSelectionTimeoutMS: 5_000 });
  try {
    return await run(store, client);
  } finally {
    await client.close();
    await store.close();
  }
}

const cohortId = new ObjectId();
const teachers = [new ObjectId(), new ObjectId(), new ObjectId()];
const due = new Date('2025-10-06T04:00:00Z');

/** Sends as the scheduler writes them: one planned time, one cohort, the same few words. */
function sends(): Doc[] {
  return teachers.flatMap((recipientId, i) =>
    ['exit', 'entry'].map((occasion, k) => ({
      _id: new ObjectId(),
      key: `${cohortId.toHexString()}|invite|${occasion}|${recipientId.toHexString()}`,
      cohortId,
      kind: 'invite',
      occasion,
      recipientId,
      status: 'sent',
      dueAt: due,
      attemptedAt: new Date(due.getTime() + i * 1000 + k),
      sentAt: new Date(due.getTime() + i * 1000 + k),
      attempts: 1,
      answers: [{ _id: new ObjectId(), questionId: 'q1', value: 'yes', at: due }],
      meta: { channel: 'telegram', tags: ['a', 'b', 'a'], when: [due, due] },
    })),
  );
}

const dump = (docs: Doc[]): string => EJSON.stringify(docs, { relaxed: false });

describe('values many documents share', () => {
  it('a reader in the process cannot change a date other documents share', async () => {
    const dir = tempDir();
    await withStore(dir, async (_store, client) => {
      await client.db('app').collection('sends').insertMany(sends());
    });
    // After a restart the documents come from the journal, where sharing happens as they are read.
    await withStore(dir, async (store, client) => {
      const read = [...store.find('app', 'sends', {}, { sort: { _id: 1 } })];
      expect(read).toHaveLength(6);
      const dueAt = read[1]?.dueAt as Date;
      expect(dueAt.getTime()).toBe(due.getTime());
      expect(() => dueAt.setTime(0)).toThrow(TypeError);
      expect(() => dueAt.setUTCHours(0)).toThrow(TypeError);
      expect(() => dueAt.setFullYear(2000)).toThrow(TypeError);
      for (const doc of store.find('app', 'sends', {})) {
        expect((doc.dueAt as Date).getTime()).toBe(due.getTime());
        expect(((doc.meta as Doc).when as Date[]).map((d) => d.getTime())).toEqual([due.getTime(), due.getTime()]);
      }
      // Through the driver a reader gets its own copies, to change as it likes.
      const wire = await client.db('app').collection('sends').find({}).toArray();
      const copy = wire[1]?.dueAt as Date;
      copy.setTime(0);
      const again = await client.db('app').collection('sends').find({ dueAt: due }).toArray();
      expect(again).toHaveLength(6);
      expect(again.every((d) => d.dueAt instanceof Date && d.dueAt.getTime() === due.getTime())).toBe(true);
    });
  });

  it('documents read back are the documents written, live, after updates and after a restart', async () => {
    const dir = tempDir();
    const written = sends();
    const expected = (await withStore(dir, async (_store, client) => {
      const coll = client.db('app').collection('sends');
      await coll.insertMany(written);
      // Updates journaled as deltas bring values of their own: a repeated status, a repeated time.
      await coll.updateMany({ occasion: 'exit' }, { $set: { status: 'failed', attemptedAt: due } });
      await coll.updateOne(
        { occasion: 'entry' },
        { $set: { 'answers.1': { _id: new ObjectId(), questionId: 'q2', value: 'yes', at: due } } },
      );
      const live = await coll.find({}).sort({ _id: 1 }).toArray();
      expect(live.filter((d) => d.status === 'failed')).toHaveLength(3);
      return dump(live);
    })) as string;
    const replayed = await withStore(dir, async (store, client) => {
      const wire = await client.db('app').collection('sends').find({}).sort({ _id: 1 }).toArray();
      const inProcess = [...store.find('app', 'sends', {}, { sort: { _id: 1 } })];
      // Dates read in the process are real Dates, whether shared or not.
      expect(inProcess.every((d) => d.dueAt instanceof Date && d.attemptedAt instanceof Date)).toBe(true);
      expect(dump(inProcess)).toBe(dump(wire));
      expect(
        await client.db('app').collection('sends').countDocuments({ recipientId: teachers[1], status: 'failed' }),
      ).toBe(1);
      return dump(wire);
    });
    expect(replayed).toBe(expected);
  });
});
