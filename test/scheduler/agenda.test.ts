// Real Agenda on the embedded store, real time: start() plans the cohort, Agenda runs its job, the
// job sends what is due and leaves itself scheduled at the cohort's next due instant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate } from '../../src/domain/calendar.js';
import { nextSendAt, planCohort } from '../../src/domain/post-course-plan.js';
import { startOfLocalDay } from '../../src/domain/sending-window.js';
import { COHORT_JOB, SWEEP_JOB, type PostCourseScheduler } from '../../src/scheduler/post-course.js';
import { loadCohortState, plannerInput } from '../../src/scheduler/state.js';
import type { Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { Clock } from '../support/engine-harness.js';
import { openTestStore } from '../support/store.js';
import { Rig } from './rig.js';
import { waitFor } from '../support/wait.js';

let store: Store;
let rig: Rig;
let runner: PostCourseScheduler;
let cohort: CohortFixture;
// A zone where it is day now, so that the test never straddles a local midnight.
const hour = new Date().getUTCHours();
const zone = hour >= 2 && hour <= 20 ? 'UTC' : 'Asia/Tokyo';

beforeAll(async () => {
  store = await openTestStore();
  const yesterday = addDays(localDate(new Date(), zone), -1);
  cohort = await seedCohort(store, { timeZone: zone, courseEnd: startOfLocalDay(yesterday, zone).toISOString() });
  const seeded = (await store.repositories.cohorts.findById(cohort.cohortId))!;
  await store.repositories.cohorts.upsertByCode({
    ...seeded,
    // Stage 1 today and nothing else due soon; every day, all day, so that the job runs whenever the test does.
    stagePlan: {
      stages: [
        { stage: 1, startOffset: '+1d' },
        { stage: 2, startOffset: '+1m' },
        { stage: 3, startOffset: '+10m' },
      ],
      questionnaires: [],
    },
    sendingWindow: { from: '00:00', to: '23:59', weekdays: [1, 2, 3, 4, 5, 6, 7] },
  });
  rig = new Rig(store, new Clock(new Date()));
  runner = rig.postCourse({ now: () => new Date() });
});
afterAll(async () => {
  await runner?.stop(5_000);
  await rig?.scheduler.stop(5_000);
  await store?.close();
});

describe('the post-course scheduler on Agenda', () => {
  it('runs the cohort job on time, sends once, and leaves the job at the next due instant', async () => {
    const teacher = await rig.teacher(cohort.cohortId, 'Павлова Полина', {
      joinedAt: new Date(Date.now() - 3 * 86_400_000),
    });
    await rig.scheduler.start();
    await runner.start();

    await waitFor(async () => (rig.sent.length > 0 ? true : undefined));
    const jobs = store.connection.db!.collection('agenda_jobs');
    const job = await waitFor(async () => {
      const doc = await jobs.findOne({ name: COHORT_JOB, 'data.cohortId': cohort.cohortId });
      return doc?.lastFinishedAt && !doc.lockedAt ? doc : undefined;
    });
    // A few more poll cycles: a job left due would run again and send again.
    await new Promise((r) => setTimeout(r, 600));

    expect(rig.inbox(teacher, zone)).toHaveLength(1);
    expect(rig.inbox(teacher, zone)[0]).toContain('начинается этап 1');
    const state = await loadCohortState(
      store.repositories,
      (await store.repositories.cohorts.findById(cohort.cohortId))!,
    );
    const next = nextSendAt(planCohort(plannerInput(state, new Date(), undefined)), new Date());
    expect(next).toBeInstanceOf(Date);
    expect((job.nextRunAt as Date).toISOString()).toBe(next!.toISOString());
    expect(await jobs.countDocuments({ name: COHORT_JOB })).toBe(1);
    expect(await jobs.findOne({ name: SWEEP_JOB })).toMatchObject({ repeatInterval: 30 * 60_000 });
    expect(await runner.health()).toMatchObject({ queueDepth: 0, oldestOverdue: null, unconfirmedSends: 0 });
  });
});
