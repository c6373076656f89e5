// A damaged journal: damage in the middle stops start-up and names the way out; `store repair`
// keeps a copy and brings back every intact record; a torn tail is still cut, with a log line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { runStoreCommand } from '../../../src/cli/commands/store.js';
import { loadConfig } from '../../../src/config.js';
import {
  JournalDamagedError,
  startEmbeddedStore,
  type EmbeddedStoreOptions,
} from '../../../src/store/embedded/index.js';
import { JOURNAL_FILE, scanAll } from '../../../src/store/embedded/journal.js';
import { recordingLogger } from './helpers.js';

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sputnik-damage-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

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

function capture() {
  let out = '';
  let err = '';
  return { io: { out: (t: string) => (out += t), err: (t: string) => (err += t) }, out: () => out, err: () => err };
}

const DOCS = 467;

/** A journal of one collection, one index and 467 acknowledged inserts, each its own record. */
async function journalOf467(): Promise<{ dataDir: string; journal: string }> {
  const dataDir = tempDir();
  await withStore({ dataDir }, async (client) => {
    const c = client.db('d').collection('answers');
    await c.createIndex({ n: 1 }, { unique: true });
    for (let n = 0; n < DOCS; n++) await c.insertOne({ n, text: `ответ ${n}` });
  });
  return { dataDir, journal: path.join(dataDir, JOURNAL_FILE) };
}

/** Flips one byte inside the body of the record that holds document `n`; returns that record's offset. */
function damageRecordOf(journal: string, n: number): number {
  const bytes = fs.readFileSync(journal);
  const marker = Buffer.from(`ответ ${n}\0`);
  const at = bytes.indexOf(marker);
  expect(at).toBeGreaterThan(0);
  bytes[at] = (bytes[at] as number) ^ 0xff;
  fs.writeFileSync(journal, bytes);
  // The record starts before the marker: find it as the scan reports it.
  const damage = scanAll(bytes).damage;
  expect(damage).toHaveLength(1);
  return (damage[0] as { offset: number }).offset;
}

describe('embedded store: a journal damaged in the middle', () => {
  it('refuses to start, names the file, the offset and the repair command, and changes nothing', async () => {
    const { dataDir, journal } = await journalOf467();
    const offset = damageRecordOf(journal, 200);
    const before = fs.readFileSync(journal);

    const error = await startEmbeddedStore({ dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalDamagedError);
    const message = (error as Error).message;
    expect(message).toContain(journal);
    expect(message).toContain(`at byte ${offset}`);
    expect(message).toContain('npm run cli -- store repair');
    // 266 inserts follow the damaged one (201..466).
    expect(message).toContain('with 266 intact records after it');
    expect(fs.readFileSync(journal).equals(before)).toBe(true);
    // The failed start let the directory go: the repair (or a start) can take it.
    expect(fs.existsSync(path.join(dataDir, 'embedded-store.lock'))).toBe(false);
  });

  it('`store repair` keeps a copy of the damaged journal and recovers every record after the damage', async () => {
    const { dataDir, journal } = await journalOf467();
    damageRecordOf(journal, 200);
    const damaged = fs.readFileSync(journal);
    const config = loadConfig({ DATA_DIR: dataDir });

    const check = capture();
    expect(await runStoreCommand(['check'], check.io, config)).toBe(1);
    expect(check.out()).toContain('повреждён');
    expect(check.out()).toContain('npm run cli -- store repair');

    const repair = capture();
    expect(await runStoreCommand(['repair'], repair.io, config), repair.err()).toBe(0);
    expect(repair.out()).toMatch(/восстановлен: сохранено \d+ запис/);
    const backup = /Копия повреждённого журнала: (.+)\n/.exec(repair.out())?.[1] ?? '';
    expect(fs.readFileSync(backup).equals(damaged)).toBe(true);

    const log = recordingLogger();
    await withStore({ dataDir, logger: log.logger }, async (client) => {
      const c = client.db('d').collection('answers');
      const ns = (
        await c
          .find({}, { projection: { _id: 0, n: 1 } })
          .sort({ n: 1 })
          .toArray()
      ).map((d) => d.n as number);
      // Only the insert whose record was damaged is lost: 466 of 467, all of 201..466 among them.
      expect(ns).toHaveLength(DOCS - 1);
      expect(ns).not.toContain(200);
      expect(ns.filter((n) => n > 200)).toHaveLength(266);
      // The unique index came back too.
      expect((await c.insertOne({ n: 5 }).catch((e: unknown) => e)) as { code?: number }).toMatchObject({
        code: 11000,
      });
    });
    expect(log.entries.filter((e) => e.level === 'warn')).toEqual([]);

    const again = capture();
    expect(await runStoreCommand(['repair'], again.io, config)).toBe(0);
    expect(again.out()).toContain('чинить нечего');
  });

  it('`store repair` refuses while a process holds the data directory, naming its pid', async () => {
    const { dataDir } = await journalOf467();
    const store = await startEmbeddedStore({ dataDir });
    try {
      const repair = capture();
      expect(await runStoreCommand(['repair'], repair.io, loadConfig({ DATA_DIR: dataDir }))).toBe(1);
      expect(repair.err()).toContain(`занят процессом ${process.pid}`);
    } finally {
      await store.close();
    }
  });

  it('a damaged first bytes (the magic) with records after them is damage too, and repairable', async () => {
    const { dataDir, journal } = await journalOf467();
    const bytes = fs.readFileSync(journal);
    bytes[2] = 0;
    fs.writeFileSync(journal, bytes);
    await expect(startEmbeddedStore({ dataDir })).rejects.toThrow(/damaged at byte 0 \(bad magic\)/);
    expect(await runStoreCommand(['repair'], capture().io, loadConfig({ DATA_DIR: dataDir }))).toBe(0);
    await withStore({ dataDir }, async (client) => {
      expect(await client.db('d').collection('answers').countDocuments()).toBe(DOCS);
    });
  });

  it('still cuts a torn tail by itself, with a warning in the log', async () => {
    const { dataDir, journal } = await journalOf467();
    const size = fs.statSync(journal).size;
    fs.truncateSync(journal, size - 11);
    const log = recordingLogger();
    await withStore({ dataDir, logger: log.logger }, async (client) => {
      expect(await client.db('d').collection('answers').countDocuments()).toBe(DOCS - 1);
    });
    expect(log.entries.find((e) => e.level === 'warn')?.msg).toContain('torn record');
  });

  it('reads a journal larger than its read chunk, records across chunk ends and one larger than a chunk', async () => {
    // The journal is read 1 MiB at a time: ~3 MiB of records of uneven sizes, one of 1.5 MiB.
    const dataDir = tempDir();
    const texts = Array.from({ length: 300 }, (_, n) => `${n}:`.padEnd(1_000 + ((n * 7_919) % 13_000), 'ж'));
    await withStore({ dataDir }, async (client) => {
      const c = client.db('d').collection('big');
      for (const [n, text] of texts.entries()) await c.insertOne({ n, text });
      await c.insertOne({ n: -1, text: 'я'.repeat(750_000) });
    });
    const journal = path.join(dataDir, JOURNAL_FILE);
    expect(fs.statSync(journal).size).toBeGreaterThan(3 * 1024 * 1024);
    const read = async () =>
      withStore({ dataDir }, async (client) => {
        const docs = await client
          .db('d')
          .collection('big')
          .find({}, { sort: { n: 1 } })
          .toArray();
        return docs.map((d) => [d.n, d.text]);
      });
    const all = [[-1, 'я'.repeat(750_000)], ...texts.map((text, n) => [n, text])];
    expect(await read()).toEqual(all);
    // A torn tail after the chunks: cut, everything before it kept.
    fs.appendFileSync(journal, Buffer.from([200, 1, 0, 0, 9, 9]));
    expect(await read()).toEqual(all);
    // Damage in the second chunk, with records after it: refused, as in one piece.
    const bytes = fs.readFileSync(journal);
    const at = bytes.indexOf(Buffer.from('150:'));
    bytes[at] = 'X'.charCodeAt(0);
    fs.writeFileSync(journal, bytes);
    await expect(startEmbeddedStore({ dataDir })).rejects.toThrow(JournalDamagedError);
  });
});
