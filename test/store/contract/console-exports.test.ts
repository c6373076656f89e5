// The console's background exports: a job with its progress and its file in pieces, kept in the
// store so that a finished file outlives a restart and a job cut short is known as such.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/index.js';
import { openTestStore } from '../../support/store.js';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store?.close();
});

const at = (minute: number) => new Date(Date.UTC(2026, 4, 4, 9, minute));
const job = (owner = 'account:1') => ({
  owner,
  filename: 'participants-2026-05-04.csv',
  contentType: 'text/csv; charset=utf-8',
  rows: 3,
  request: 'what=participants&format=csv',
  startedAt: at(0),
  expiresAt: at(0 + 24 * 60),
});

describe('console exports', () => {
  it('run, report progress, and keep their file in order of its pieces, binary-exact', async () => {
    const repo = store.repositories.consoleExports;
    const created = await repo.create(job());
    expect(created).toMatchObject({
      status: 'running',
      rowsDone: 0,
      bytes: 0,
      rows: 3,
      heartbeatAt: at(0),
      request: 'what=participants&format=csv',
    });
    const first = Buffer.from('\uFEFFФИО;Курс\r\n', 'utf8');
    const second = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x80]);
    await repo.appendChunk(created.id, 1, second);
    await repo.appendChunk(created.id, 0, first);
    await repo.progress(created.id, { rowsDone: 2, bytes: first.length + second.length, at: at(1) });
    expect(await repo.findById(created.id)).toMatchObject({
      rowsDone: 2,
      bytes: first.length + second.length,
      heartbeatAt: at(1),
    });
    const done = await repo.finish(created.id, 'done', at(2));
    expect(done).toMatchObject({ status: 'done', finishedAt: at(2) });
    expect((await repo.body(created.id)).equals(Buffer.concat([first, second]))).toBe(true);
    // A finished job takes no more progress and cannot end twice.
    await repo.progress(created.id, { rowsDone: 0, bytes: 0, at: at(3) });
    expect((await repo.findById(created.id))?.rowsDone).toBe(2);
    expect(await repo.finish(created.id, 'failed', at(3))).toBeUndefined();
    expect(await repo.findById('not-an-id')).toBeUndefined();
  });

  it('mark a running job interrupted only once it has been silent long enough, and drop its pieces', async () => {
    const repo = store.repositories.consoleExports;
    const created = await repo.create(job());
    await repo.appendChunk(created.id, 0, Buffer.from('half a file'));
    await repo.progress(created.id, { rowsDone: 1, bytes: 11, at: at(5) });
    // Heard from at 9:05: still alive when asked with a cut-off of 9:04.
    expect((await repo.interruptIfStale(created.id, at(4), at(6)))?.status).toBe('running');
    const cut = await repo.interruptIfStale(created.id, at(6), at(7));
    expect(cut).toMatchObject({ status: 'interrupted', rowsDone: 1, finishedAt: at(7) });
    expect((await repo.body(created.id)).length).toBe(0);
    // A job that ended stays as it ended.
    const finished = await repo.create(job());
    await repo.finish(finished.id, 'done', at(1));
    expect((await repo.interruptIfStale(finished.id, at(30), at(30)))?.status).toBe('done');
  });

  it('drop the pieces of a failed job', async () => {
    const repo = store.repositories.consoleExports;
    const created = await repo.create(job());
    await repo.appendChunk(created.id, 0, Buffer.from('part'));
    expect((await repo.finish(created.id, 'failed', at(1)))?.status).toBe('failed');
    expect((await repo.body(created.id)).length).toBe(0);
  });
});
