// A small Agenda 6 job on the store's database: it runs once, at the time asked, and lets go of its lock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler, type Scheduler } from '../../../src/scheduler/agenda.js';
import type { Store } from '../../../src/store/index.js';
import { openTestStore, silentLogger } from '../../support/store.js';
import { waitFor } from '../../support/wait.js';

let store: Store;
let scheduler: Scheduler;
beforeAll(async () => {
  store = await openTestStore();
  scheduler = createScheduler({ db: store.connection.db!, logger: silentLogger, processEveryMs: 100 });
});
afterAll(async () => {
  await scheduler?.stop(5_000);
  await store?.close();
});

describe('Agenda on the store', () => {
  it('runs a job scheduled "in 1 second" exactly once, then releases its lock', async () => {
    const runs: { at: number; data: unknown }[] = [];
    scheduler.agenda.define('contract-ping', async (job) => {
      runs.push({ at: Date.now(), data: job.attrs.data });
    });
    await scheduler.start();
    const scheduledAt = Date.now();
    await scheduler.agenda.schedule('in 1 second', 'contract-ping', { cohort: 'SPRING26' });

    await waitFor(async () => (runs.length > 0 ? true : undefined));
    const jobs = store.connection.db!.collection('agenda_jobs');
    const finished = await waitFor(async () => {
      const doc = await jobs.findOne({ name: 'contract-ping' });
      return doc?.lastFinishedAt ? doc : undefined;
    });
    // Wait a few more poll cycles: a job that was not unlocked would run again.
    await new Promise((r) => setTimeout(r, 600));

    expect(runs).toHaveLength(1);
    expect(runs[0]!.data).toEqual({ cohort: 'SPRING26' });
    expect(runs[0]!.at - scheduledAt).toBeGreaterThanOrEqual(900);
    expect(finished.lockedAt ?? null).toBeNull();
    expect(finished.nextRunAt ?? null).toBeNull();
  });

  it('keeps one job for a unique key however often it is saved', async () => {
    scheduler.agenda.define('contract-unique', async () => {});
    for (let i = 0; i < 3; i++) {
      await scheduler.agenda
        .create('contract-unique', { cohort: 'A', kind: 'stage-1' })
        .unique({ 'data.cohort': 'A', 'data.kind': 'stage-1' })
        .schedule(new Date(Date.now() + 3_600_000))
        .save();
    }
    const count = await store.connection.db!.collection('agenda_jobs').countDocuments({ name: 'contract-unique' });
    expect(count).toBe(1);
  });
});
