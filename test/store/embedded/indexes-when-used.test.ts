import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EJSON, ObjectId } from 'bson';
import { type Document, MongoClient, MongoServerError } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedStore } from '../../../src/store/embedded/index.js';

// A CLI command that opens the data directory itself builds each index when it first needs it
// (`indexesWhenUsed`), not while the journal is read. What it reads and what it may write must be
// exactly what a store that built every index at start answers.

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

const cohorts = [new ObjectId(), new ObjectId()];
const teachers = Array.from({ length: 12 }, () => new ObjectId());
const newId = new ObjectId();

/** A journal with indexes (unique, compound, sparse, on an array) and documents written, changed and removed. */
async function writeData(dataDir: string): Promise<void> {
  const store = await startEmbeddedStore({ dataDir });
  const client = await MongoClient.connect(store.uri, { serverSelectionTimeoutMS: 5_000 });
  try {
    const sends = client.db('t').collection('sends');
    await sends.createIndex({ key: 1 }, { unique: true });
    await sends.createIndex({ cohortId: 1, recipientId: 1 });
    await sends.createIndex({ status: 1, attemptedAt: 1 });
    await sends.createIndex({ tag: 1 }, { sparse: true });
    await sends.createIndex({ labels: 1 });
    let n = 0;
    for (const cohortId of cohorts)
      for (const recipientId of teachers)
        for (const occasion of ['entry', 'exit', 'stage-1']) {
          n++;
          await sends.insertOne({
            key: `${cohortId.toHexString()}|${occasion}|${recipientId.toHexString()}`,
            cohortId,
            recipientId,
            status: n % 3 === 0 ? 'queued' : 'sent',
            attemptedAt: new Date(Date.UTC(2025, 9, 1, 0, 0, n)),
            ...(n % 4 === 0 ? { tag: `t${n % 8}` } : {}),
            labels: n % 5 === 0 ? ['a', 'b'] : n % 5 === 1 ? [] : 'a',
          });
        }
    // Changes after the index was made: keys moved, a key kept, documents removed.
    await sends.updateMany({ status: 'queued', recipientId: teachers[1] }, { $set: { status: 'sent' } });
    await sends.updateMany({ recipientId: teachers[2] }, { $set: { note: 'changed, keys kept' } });
    await sends.deleteMany({ recipientId: teachers[3] });
    await sends.updateOne({ recipientId: teachers[4] }, { $set: { labels: ['c', 'a'] } });
  } finally {
    await client.close();
    await store.close();
  }
}

const queries = [
  { key: `${cohorts[0]?.toHexString()}|exit|${teachers[5]?.toHexString()}` },
  { cohortId: cohorts[1] },
  { cohortId: cohorts[0], recipientId: teachers[2] },
  { status: 'queued' },
  { status: 'sent', attemptedAt: { $gte: new Date(Date.UTC(2025, 9, 1, 0, 0, 20)) } },
  { tag: 't4' },
  { tag: null },
  { labels: 'a' },
  { labels: [] },
];

/**
 * A write's outcome, every query's documents, then the queries again after writes. Each query's
 * documents are compared by `_id`: documents with equal keys come from an index built when used
 * in natural order (as MongoDB gives them), from one built while the journal was read in the
 * order of their last write.
 */
async function readAndWrite(dataDir: string, indexesWhenUsed: boolean): Promise<string> {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'sputnik-when-used-'));
  tempDirs.push(copy);
  fs.copyFileSync(path.join(dataDir, 'embedded-store.journal'), path.join(copy, 'embedded-store.journal'));
  const store = await startEmbeddedStore({ dataDir: copy, indexesWhenUsed });
  const client = await MongoClient.connect(store.uri, { serverSelectionTimeoutMS: 5_000 });
  const seen: unknown[] = [];
  try {
    const sends = client.db('t').collection('sends');
    // A write before any read: the unique index it is checked against must hold every document.
    const duplicate = await sends
      .insertOne({ key: queries[0]?.key, cohortId: cohorts[0] })
      .then(() => 'inserted')
      .catch((err: unknown) => (err instanceof MongoServerError ? `E${String(err.code)}` : String(err)));
    seen.push(duplicate);
    await sends.insertOne({
      _id: newId,
      key: 'new',
      cohortId: cohorts[1],
      recipientId: teachers[0],
      status: 'queued',
      labels: 'a',
    });
    for (const filter of queries) seen.push(byId(await sends.find(filter).toArray()));
    await sends.updateMany({ cohortId: cohorts[1], status: 'queued' }, { $set: { status: 'sent' } });
    await sends.deleteOne({ key: 'new' });
    for (const filter of queries) seen.push(byId(await sends.find(filter).toArray()));
    seen.push(await sends.indexes());
  } finally {
    await client.close();
    await store.close();
  }
  return EJSON.stringify(seen, { relaxed: false });
}

function byId(docs: Document[]): Document[] {
  return docs.sort((a, b) => String(a._id).localeCompare(String(b._id)));
}

describe('indexes built when first used', () => {
  it('reads and writes exactly what a store that built every index at start does', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sputnik-when-used-'));
    tempDirs.push(dataDir);
    await writeData(dataDir);
    const atStart = await readAndWrite(dataDir, false);
    const whenUsed = await readAndWrite(dataDir, true);
    expect(atStart.startsWith('["E11000"')).toBe(true);
    expect(atStart.length).toBeGreaterThan(1000);
    expect(whenUsed).toBe(atStart);
  });
});
