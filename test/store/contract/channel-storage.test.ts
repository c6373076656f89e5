// The storage channels keep for themselves (domain/channel-storage.ts), held to its contract on
// the test store (embedded, or real MongoDB with TEST_MONGODB_URI): the outbox's lanes, claims and
// crash settling, session archives, and requests the CLI leaves for the running bot.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelStorage, NewOutboxEntry } from '../../../src/domain/channel-storage.js';
import { createScheduler, type Scheduler } from '../../../src/scheduler/agenda.js';
import { createChannelStorage } from '../../../src/store/channel-storage.js';
import type { Store } from '../../../src/store/index.js';
import { openTestStore, silentLogger } from '../../support/store.js';
import { waitFor } from '../../support/wait.js';

let store: Store;
let scheduler: Scheduler;
let storage: ChannelStorage;
beforeAll(async () => {
  store = await openTestStore();
  scheduler = createScheduler({ db: store.connection.db!, logger: silentLogger, processEveryMs: 100 });
  storage = createChannelStorage({ db: store.connection.db!, agenda: scheduler.agenda });
});
afterAll(async () => {
  await scheduler?.stop(5_000);
  await store?.close();
});

const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 9, minute));
const entry = (account: string, seq: number, chatId: string, extra: Partial<NewOutboxEntry> = {}): NewOutboxEntry => ({
  account,
  seq,
  chatId,
  group: chatId.endsWith('@g.us'),
  reply: false,
  text: `text ${seq}`,
  notBefore: at(0),
  createdAt: at(0),
  ...extra,
});

describe('a channel outbox', () => {
  it('keeps each chat in order within a lane, claims once, and drops chat and text once sent', async () => {
    const outbox = storage.outbox('contract-a');
    expect(await outbox.open('acc')).toEqual({ interrupted: 0, lastSeq: 0 });
    const first = await outbox.add(entry('acc', 1, 'anna@c.us', { notBefore: at(5) }));
    await outbox.add(entry('acc', 2, 'anna@c.us', { notBefore: at(1) }));
    const boris = await outbox.add(entry('acc', 3, 'boris@c.us', { notBefore: at(3) }));
    await outbox.add(entry('acc', 4, 'cohort@g.us'));
    await outbox.add(entry('acc', 5, 'vera@c.us', { reply: true }));
    await outbox.add(entry('other', 1, 'anna@c.us'));

    // Anna's second message is due first, but her first still waits: Boris's is the head.
    expect((await outbox.laneHead('acc', { reply: false, group: false }))?.id).toBe(boris);
    expect((await outbox.laneHead('acc', { reply: false, group: true }))?.chatId).toBe('cohort@g.us');
    expect((await outbox.laneHead('acc', { reply: true, group: false }))?.chatId).toBe('vera@c.us');
    expect(await outbox.laneHead('acc', { reply: true, group: true })).toBeUndefined();
    expect(await outbox.findWaiting('acc', 'anna@c.us', 'text 2')).toBeDefined();
    expect(await outbox.findWaiting('acc', 'anna@c.us', 'text 9')).toBeUndefined();

    const claimed = await outbox.claim(boris, at(6));
    expect(claimed).toMatchObject({ status: 'sending', chatId: 'boris@c.us', text: 'text 3', claimedAt: at(6) });
    expect(await outbox.claim(boris, at(6))).toBeUndefined();
    expect(await outbox.markSent(boris, 'sending', at(7), at(60))).toBe(true);
    expect(await outbox.lastSentAt('acc')).toEqual(at(7));
    expect(await outbox.unsolicitedSentSince('acc', at(0))).toEqual([at(7)]);
    expect(await outbox.unsolicitedSentSince('acc', at(8))).toEqual([]);
    expect(await outbox.findWaiting('acc', 'boris@c.us', 'text 3')).toBeUndefined();
    expect((await outbox.laneHead('acc', { reply: false, group: false }))?.id).toBe(first);
    // 4 waiting for "acc" (one sent), 1 for "other": the counts are per account.
    expect(await outbox.counts('acc', at(0))).toEqual({ pending: 4, sentSince: 1, failed: 0, unconfirmed: 0 });
    expect(await outbox.counts('other', at(0))).toEqual({ pending: 1, sentSince: 0, failed: 0, unconfirmed: 0 });
    expect(await outbox.open('acc')).toEqual({ interrupted: 0, lastSeq: 5 });
  });

  it('retries, keeps failures with their text, settles crashed sends once, and forgets a chat', async () => {
    const outbox = storage.outbox('contract-b');
    await outbox.open('acc');
    const a = await outbox.add(entry('acc', 1, 'anna@c.us'));
    const b = await outbox.add(entry('acc', 2, 'boris@c.us'));
    const c = await outbox.add(entry('acc', 3, 'vera@c.us'));
    const d = await outbox.add(entry('acc', 4, 'gleb@c.us'));

    await outbox.claim(a, at(1));
    await outbox.retryLater(a, 1, at(30), 'timeout');
    // Due later now: the others go first.
    expect((await outbox.laneHead('acc', { reply: false, group: false }))?.id).toBe(b);
    expect(await outbox.claim(a, at(31))).toMatchObject({ attempts: 1, notBefore: at(30), error: 'timeout' });
    expect(await outbox.markKept(a, 'failed', { error: 'refused', at: at(32), attempts: 2 })).toBe(true);

    // b and c were being sent when the process died: the next process finds them interrupted.
    await outbox.claim(b, at(2));
    await outbox.claim(c, at(2));
    expect(await outbox.open('acc')).toEqual({ interrupted: 2, lastSeq: 4 });
    expect((await outbox.listInterrupted('acc')).map((e) => [e.id, e.text])).toEqual([
      [b, 'text 2'],
      [c, 'text 3'],
    ]);
    expect(await outbox.markSent(b, 'interrupted', at(2), at(60))).toBe(true);
    expect(await outbox.markSent(b, 'interrupted', at(2), at(60))).toBe(false);
    expect(await outbox.markKept(c, 'unconfirmed', { error: 'not found in the chat', at: at(40) })).toBe(true);
    expect(await outbox.markKept(c, 'unconfirmed', { error: 'again', at: at(41) })).toBe(false);
    expect(await outbox.listInterrupted('acc')).toEqual([]);

    expect(await outbox.counts('acc', at(0))).toEqual({ pending: 1, sentSince: 1, failed: 1, unconfirmed: 1 });
    const kept = await outbox.listKept(10, 'acc');
    expect(kept.map((e) => [e.chatId, e.text, e.status, e.attempts, e.error])).toEqual([
      ['anna@c.us', 'text 1', 'failed', 2, 'refused'],
      ['vera@c.us', 'text 3', 'unconfirmed', 0, 'not found in the chat'],
    ]);
    expect((await outbox.listKept(10)).map((e) => e.account)).toEqual(['acc', 'acc']);

    await outbox.forget('acc', 'vera@c.us');
    await outbox.forget('acc', 'gleb@c.us');
    expect((await outbox.listKept(10, 'acc')).map((e) => e.chatId)).toEqual(['anna@c.us']);
    expect(await outbox.claim(d, at(50))).toBeUndefined();
    expect(await outbox.claim('not-an-id', at(50))).toBeUndefined();
  });
});

describe('channel files', () => {
  it('keep a file until deleted, per channel; forgetting a chat names the files its entries held', async () => {
    const files = storage.files('contract');
    const id = await files.put('report.xlsx', new Uint8Array([1, 2, 3]));
    expect(await files.get(id)).toEqual(new Uint8Array([1, 2, 3]));
    expect(await storage.files('other').get(id)).toBeUndefined();
    const outbox = storage.outbox('contract-c');
    await outbox.open('acc');
    await outbox.add({
      ...entry('acc', 1, 'anna@c.us'),
      attachment: { fileId: id, filename: 'report.xlsx', mimetype: 'application/octet-stream', picture: false },
    });
    await outbox.add(entry('acc', 2, 'anna@c.us', { text: 'report caption' }));
    // The same caption as a plain text is not taken for the file.
    expect(await outbox.findWaiting('acc', 'anna@c.us', 'text 1')).toBeUndefined();
    expect(await outbox.forget('acc', 'anna@c.us')).toEqual([id]);
    await files.delete(id);
    await files.delete(id);
    expect(await files.get(id)).toBeUndefined();
    expect(await files.get('not-an-id')).toBeUndefined();
  });
});

describe('session archives', () => {
  it('save, find, extract the latest, replace and delete a session, per channel', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contract-archive-'));
    try {
      const archives = storage.sessionArchives('contract');
      expect(await archives.exists('RemoteAuth-x')).toBe(false);
      writeFileSync(join(dir, 'one.zip'), Buffer.alloc(300_000, 7));
      await archives.save('RemoteAuth-x', join(dir, 'one.zip'));
      writeFileSync(join(dir, 'two.zip'), 'newer session');
      await archives.save('RemoteAuth-x', join(dir, 'two.zip'));
      expect(await archives.exists('RemoteAuth-x')).toBe(true);
      expect(await storage.sessionArchives('other').exists('RemoteAuth-x')).toBe(false);
      expect(await store.connection.db!.collection('contract-RemoteAuth-x.files').countDocuments()).toBe(1);
      await archives.extract('RemoteAuth-x', join(dir, 'restored.zip'));
      expect(readFileSync(join(dir, 'restored.zip'), 'utf8')).toBe('newer session');
      await archives.delete('RemoteAuth-x');
      expect(await archives.exists('RemoteAuth-x')).toBe(false);
      await expect(archives.extract('RemoteAuth-x', join(dir, 'none.zip'))).rejects.toThrow(/RemoteAuth-x/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('channel requests', () => {
  it('are carried out by the process that handles them, retried after a failure with the delay asked', async () => {
    const seen: { data: unknown; at: number }[] = [];
    const delays: number[] = [];
    storage.requests.handle<{ code: string }>(
      'contract.request',
      async (data) => {
        seen.push({ data, at: Date.now() });
        if (seen.length === 1) throw new Error('not connected yet');
      },
      {
        concurrency: 1,
        retryDelayMs: (attempt) => {
          delays.push(attempt);
          return 300;
        },
      },
    );
    const id = await storage.requests.submit('contract.request', { code: 'SPRING26' });
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    await scheduler.start();
    await waitFor(async () => (seen.length >= 2 ? true : undefined));
    expect(seen.map((s) => s.data)).toEqual([{ code: 'SPRING26' }, { code: 'SPRING26' }]);
    expect(delays).toEqual([1]);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(250);
  });
});
