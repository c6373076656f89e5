import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda, type Job } from 'agenda';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStoreWithClient, uniqueDb, type StoreHandle } from './helpers.js';

let h: StoreHandle;

beforeAll(async () => {
  h = await startStoreWithClient();
});

afterAll(async () => {
  await h.close();
});

async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}

function makeAgenda(db: Db): Agenda {
  // processEvery as a number of milliseconds: strings like '300 milliseconds' are misparsed by Agenda 6.
  return new Agenda({ backend: new MongoBackend({ mongo: db }), processEvery: 200, defaultLockLifetime: 10_000 });
}

describe('embedded store: Agenda 6 with the Mongo backend', () => {
  it('runs a job scheduled "in 1 second" exactly once and clears its lock', async () => {
    const db = h.client.db(uniqueDb('agenda'));
    const agenda = makeAgenda(db);
    const runs: Array<{ at: number; data: unknown }> = [];
    agenda.define('send-reminder', async (job: Job<{ teacher: string }>) => {
      runs.push({ at: Date.now(), data: job.attrs.data });
    });
    await agenda.start();
    const scheduledAt = Date.now();
    await agenda.schedule('in 1 second', 'send-reminder', { teacher: 't-1' });
    await waitFor(() => runs.length === 1, 8_000);
    expect(runs[0]?.at).toBeGreaterThanOrEqual(scheduledAt + 900);
    expect(runs[0]?.data).toEqual({ teacher: 't-1' });
    // Several more polls must not run it again.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(runs).toHaveLength(1);
    await waitFor(async () => {
      const doc = await db.collection('agendaJobs').findOne({ name: 'send-reminder' });
      return doc !== null && doc.lockedAt == null && doc.lastFinishedAt instanceof Date;
    }, 3_000);
    const doc = await db.collection('agendaJobs').findOne({ name: 'send-reminder' });
    expect(doc?.nextRunAt).toBeNull();
    const indexes = await db.collection('agendaJobs').listIndexes().toArray();
    expect(indexes.map((i) => i.name)).toContain('findAndLockNextJobIndex');
    await agenda.stop();
  });

  it('does not duplicate jobs created with every() or unique()', async () => {
    const db = h.client.db(uniqueDb('agenda_unique'));
    const agenda = makeAgenda(db);
    agenda.define('digest', async () => undefined);
    agenda.define('per-cohort', async () => undefined);
    await agenda.start();
    await agenda.every('1 hour', 'digest', { cohort: 'c1' });
    await agenda.every('1 hour', 'digest', { cohort: 'c1' });
    for (let i = 0; i < 3; i++) {
      await agenda
        .create('per-cohort', { cohort: 'c7' })
        .unique({ 'data.cohort': 'c7' })
        .schedule(new Date(Date.now() + 3_600_000))
        .save();
    }
    await agenda
      .create('per-cohort', { cohort: 'c8' })
      .unique({ 'data.cohort': 'c8' }, { insertOnly: true })
      .schedule(new Date(Date.now() + 3_600_000))
      .save();
    await agenda
      .create('per-cohort', { cohort: 'c8' })
      .unique({ 'data.cohort': 'c8' }, { insertOnly: true })
      .schedule(new Date(Date.now() + 3_600_000))
      .save();
    const jobs = db.collection('agendaJobs');
    expect(await jobs.countDocuments({ name: 'digest' })).toBe(1);
    expect(await jobs.countDocuments({ name: 'per-cohort', 'data.cohort': 'c7' })).toBe(1);
    expect(await jobs.countDocuments({ name: 'per-cohort', 'data.cohort': 'c8' })).toBe(1);
    const overview = await agenda.queryJobs({ name: 'digest' });
    expect(overview.total).toBe(1);
    await agenda.stop();
  });

  it('stops and drains while a job is running', async () => {
    const db = h.client.db(uniqueDb('agenda_drain'));
    const agenda = makeAgenda(db);
    let started = 0;
    let finished = 0;
    agenda.define('slow', async () => {
      started++;
      await new Promise((r) => setTimeout(r, 400));
      finished++;
    });
    await agenda.start();
    await agenda.now('slow', { n: 1 });
    // A locked job is not yet a running one: on a loaded machine the gap is long enough to drain before it starts.
    await waitFor(async () => started === 1, 30_000);
    const result = await agenda.drain({ timeout: 5_000 });
    expect(result.timedOut).toBe(false);
    expect(finished).toBe(1);
    const doc = await db.collection('agendaJobs').findOne({ name: 'slow' });
    expect(doc?.lastFinishedAt).toBeInstanceOf(Date);
  });
});
