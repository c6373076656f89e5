import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient, type MongoServerError } from 'mongodb';
import { afterAll, describe, expect, it, vi } from 'vitest';

// These tests start processes: on a busy two-core machine a start can take tens of seconds.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });
import { startEmbeddedStore, type EmbeddedStoreOptions } from '../../../src/store/embedded/index.js';
import { JOURNAL_FILE } from '../../../src/store/embedded/journal.js';
import { recordingLogger } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const tempDirs: string[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sputnik-embedded-'));
  tempDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/\) [ZX] /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Opens a store on `dataDir`, runs `fn` with a connected client, closes both. */
async function withStore<T>(options: EmbeddedStoreOptions, fn: (client: MongoClient) => Promise<T>): Promise<T> {
  const store = await startEmbeddedStore(options);
  const client = await MongoClient.connect(store.uri);
  try {
    return await fn(client);
  } finally {
    await client.close();
    await store.close();
  }
}

describe('embedded store: persistence', () => {
  it('brings back documents, collections and unique indexes after close and reopen', async () => {
    const dataDir = tempDir();
    const log = recordingLogger();
    await withStore({ dataDir, logger: log.logger }, async (client) => {
      const db = client.db('persist');
      await db.collection('teachers').createIndex({ email: 1 }, { unique: true });
      await db.collection('teachers').insertMany([
        { email: 'a@x.kz', joined: new Date('2024-01-02T03:04:05Z'), n: 1 },
        { email: 'b@x.kz', n: 2 },
      ]);
      await db.collection('teachers').updateOne({ email: 'a@x.kz' }, { $inc: { n: 10 } });
      await db.collection('teachers').deleteOne({ email: 'b@x.kz' });
      await db.createCollection('empty');
      await db.collection('gone').insertOne({ x: 1 });
      await db.collection('gone').drop();
      await db.collection('old_name').insertOne({ renamed: true });
      await client.db('admin').command({ renameCollection: 'persist.old_name', to: 'persist.new_name' });
      await client.db('dropped').collection('x').insertOne({ y: 1 });
      await client.db('dropped').dropDatabase();
    });
    expect(fs.existsSync(path.join(dataDir, JOURNAL_FILE))).toBe(true);

    const reopenLog = recordingLogger();
    await withStore({ dataDir, logger: reopenLog.logger }, async (client) => {
      const db = client.db('persist');
      const docs = await db
        .collection('teachers')
        .find({}, { projection: { _id: 0 } })
        .toArray();
      expect(docs).toEqual([{ email: 'a@x.kz', joined: new Date('2024-01-02T03:04:05Z'), n: 11 }]);
      expect((await db.listCollections().toArray()).map((c) => c.name).sort()).toEqual([
        'empty',
        'new_name',
        'teachers',
      ]);
      expect(await db.collection('new_name').findOne({}, { projection: { _id: 0 } })).toEqual({ renamed: true });
      const dbs = (await client.db('admin').admin().listDatabases()).databases.map((d) => d.name);
      expect(dbs).not.toContain('dropped');
      const err = await db
        .collection('teachers')
        .insertOne({ email: 'a@x.kz' })
        .catch((e: unknown) => e);
      expect((err as MongoServerError).code).toBe(11000);
    });
    const loaded = reopenLog.entries.find((e) => e.msg?.includes('journal loaded'));
    expect(loaded?.obj).toMatchObject({ documents: 2, journal: path.join(dataDir, JOURNAL_FILE) });
  });

  it('cuts off a torn tail (garbage or a half-written record) and keeps the earlier records', async () => {
    const dataDir = tempDir();
    const journal = path.join(dataDir, JOURNAL_FILE);
    await withStore({ dataDir }, async (client) => {
      const c = client.db('torn').collection('c');
      for (let i = 0; i < 10; i++) await c.insertOne({ i });
    });
    const goodSize = fs.statSync(journal).size;

    fs.appendFileSync(journal, Buffer.from('this is not a journal record, just garbage'));
    const log1 = recordingLogger();
    await withStore({ dataDir, logger: log1.logger }, async (client) => {
      expect(await client.db('torn').collection('c').countDocuments()).toBe(10);
    });
    expect(log1.entries.some((e) => e.level === 'warn' && e.msg?.includes('torn'))).toBe(true);
    expect(fs.statSync(journal).size).toBe(goodSize);

    // Cut the last record in half: that insert is lost, the nine before it survive.
    fs.truncateSync(journal, goodSize - 7);
    const log2 = recordingLogger();
    await withStore({ dataDir, logger: log2.logger }, async (client) => {
      const docs = await client.db('torn').collection('c').find().sort({ i: 1 }).toArray();
      expect(docs.map((d) => d.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      await client.db('torn').collection('c').insertOne({ i: 99 });
    });
    expect(log2.entries.some((e) => e.level === 'warn' && e.msg?.includes('torn'))).toBe(true);

    // Flip a byte inside the last record: the CRC catches it.
    const bytes = fs.readFileSync(journal);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 3) ^ 0xff, bytes.length - 3);
    fs.writeFileSync(journal, bytes);
    const log3 = recordingLogger();
    await withStore({ dataDir, logger: log3.logger }, async (client) => {
      expect(await client.db('torn').collection('c').countDocuments()).toBe(9);
    });
    expect(log3.entries.find((e) => e.level === 'warn')?.obj).toMatchObject({ reason: 'checksum mismatch' });

    const log4 = recordingLogger();
    await withStore({ dataDir, logger: log4.logger }, async () => undefined);
    expect(log4.entries.some((e) => e.level === 'warn')).toBe(false);
  });

  it('keeps every acknowledged insert when the process is killed with SIGKILL mid-stream', async () => {
    const dataDir = tempDir();
    const fixture = path.join(here, 'fixtures', 'journal-writer.ts');
    // detached: the child leads its own process group, so SIGKILL reaches the node process under npx/tsx.
    const child = spawn('npx', ['tsx', fixture, dataDir], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const pid = child.pid;
    if (pid === undefined) throw new Error('could not start the writer');
    let lastAck = -1;
    let killed = false;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(() => reject(new Error(`writer did not make progress; stderr: ${stderr}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        buffered += d.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          const m = /^ack (\d+)$/.exec(line);
          if (m) lastAck = Number(m[1]);
        }
        if (lastAck >= 400 && !killed) {
          killed = true;
          clearTimeout(timer);
          process.kill(-pid, 'SIGKILL');
        }
      });
      child.on('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    expect(killed).toBe(true);
    expect(child.signalCode).toBe('SIGKILL');
    // npx exits first; give the killed node process (the lock holder) a moment to disappear.
    const lockOwner = Number.parseInt(fs.readFileSync(path.join(dataDir, 'embedded-store.lock'), 'utf8'), 10);
    for (let i = 0; i < 100 && isRunning(lockOwner); i++) await new Promise((r) => setTimeout(r, 50));
    expect(lastAck).toBeGreaterThanOrEqual(400);

    const log = recordingLogger();
    await withStore({ dataDir, logger: log.logger }, async (client) => {
      const docs = client.db('killtest').collection('docs');
      const count = await docs.countDocuments();
      expect(count).toBeGreaterThanOrEqual(lastAck + 1);
      expect(await docs.countDocuments({ seq: { $lte: lastAck } })).toBe(lastAck + 1);
      const seqs = (
        await docs
          .find({}, { projection: { _id: 0, seq: 1 } })
          .sort({ seq: 1 })
          .toArray()
      ).map((d) => d.seq);
      expect(seqs).toEqual(Array.from({ length: count }, (_, i) => i));
      const err = await docs.insertOne({ seq: 0 }).catch((e: unknown) => e);
      expect((err as MongoServerError).code).toBe(11000);
      const tally = await client
        .db('killtest')
        .collection<{ _id: string; last: number; seen: number[] }>('tally')
        .findOne({ _id: 'tally' });
      expect(tally?.last).toBeGreaterThanOrEqual(lastAck);
      expect(tally?.seen).toEqual(Array.from({ length: (tally?.last ?? 0) + 1 }, (_, i) => i));
    });
    // Whatever the kill left behind was repaired: the next open finds a clean journal.
    const again = recordingLogger();
    await withStore({ dataDir, logger: again.logger }, async () => undefined);
    expect(again.entries.some((e) => e.level === 'warn')).toBe(false);
  }, 60_000);

  it('compacts a journal full of overwrites on open and keeps the data', async () => {
    const dataDir = tempDir();
    const journal = path.join(dataDir, JOURNAL_FILE);
    // Compaction while running is kept out of the way (a floor far above this journal), so the
    // journal is still full of overwrites when the next start-up opens it.
    await withStore({ dataDir, compactFloorBytes: 1024 ** 3 }, async (client) => {
      const c = client.db('compact').collection('c');
      await c.createIndex({ key: 1 }, { unique: true });
      await c.insertMany([
        { key: 'a', v: 0, blob: 'y'.repeat(2000) },
        { key: 'b', v: 0 },
      ]);
      // A new blob each time: the whole document goes to the journal, not a small change record.
      for (let i = 1; i <= 1500; i++)
        await c.updateOne({ key: 'a' }, { $set: { v: i, blob: String(i % 10).repeat(2000) } });
    });
    const before = fs.statSync(journal).size;
    expect(before).toBeGreaterThan(2 * 1024 * 1024);
    const log = recordingLogger();
    await withStore({ dataDir, logger: log.logger }, async (client) => {
      const c = client.db('compact').collection('c');
      expect(await c.findOne({ key: 'a' }, { projection: { _id: 0, key: 1, v: 1 } })).toEqual({ key: 'a', v: 1500 });
      expect(await c.countDocuments()).toBe(2);
      expect(((await c.insertOne({ key: 'b' }).catch((e: unknown) => e)) as MongoServerError).code).toBe(11000);
    });
    const after = fs.statSync(journal).size;
    expect(after).toBeLessThan(before / 20);
    expect(log.entries.some((e) => e.msg?.includes('compacted'))).toBe(true);
    await withStore({ dataDir }, async (client) => {
      expect((await client.db('compact').collection('c').findOne({ key: 'a' }))?.v).toBe(1500);
    });
  });

  it('refuses a data directory that another live store holds, and a file that is not a journal', async () => {
    const dataDir = tempDir();
    const store = await startEmbeddedStore({ dataDir });
    try {
      await expect(startEmbeddedStore({ dataDir })).rejects.toThrow(/in use by process/);
    } finally {
      await store.close();
    }
    const foreign = tempDir();
    fs.writeFileSync(path.join(foreign, JOURNAL_FILE), 'not ours');
    await expect(startEmbeddedStore({ dataDir: foreign })).rejects.toThrow(/not an embedded-store journal/);
    expect(fs.readFileSync(path.join(foreign, JOURNAL_FILE), 'utf8')).toBe('not ours');
  });
});
