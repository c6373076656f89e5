// One teacher's change (she joins late, she comes back from /stop) is planned for her alone, by the
// same planner and through the same send log: she gets what the whole cohort's plan has for her,
// at once, and the cohort's job afterwards sends her nothing twice.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { idOn, type Participant } from '../../src/domain/participant.js';
import { startOfLocalDay } from '../../src/domain/sending-window.js';
import { planDueAt } from '../../src/scheduler/planning.js';
import { COHORT_JOB, TEACHER_JOB } from '../../src/scheduler/post-course.js';
import { loadCohortState, loadTeacherState } from '../../src/scheduler/state.js';
import type { Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { Clock } from '../support/engine-harness.js';
import { openTestStore } from '../support/store.js';
import { waitFor } from '../support/wait.js';
import { Rig } from './rig.js';

vi.setConfig({ testTimeout: 120_000 });

const MOSCOW = 'Europe/Moscow';
let store: Store;
let rig: Rig;
let cohort: CohortFixture;

beforeEach(async () => {
  store = await openTestStore();
  // The course ends on Friday 20 March 2026.
  cohort = await seedCohort(store, { courseEnd: startOfLocalDay('2026-03-20', MOSCOW).toISOString() });
  rig = new Rig(store, new Clock(new Date('2026-03-20T12:00:00Z')));
});
afterEach(async () => {
  await rig.scheduler.stop(5_000);
  await store.close();
});

const kindAndOccasion = (s: { key: string }) => s.key.split('|').slice(1, 3).join('|');
const inboxOf = (p: Participant) => rig.sent.filter((m) => m.chatId === idOn(p, 'telegram'));

/** What a whole-cohort plan has due now for this teacher: keys and times. */
async function dueInWholePlan(participantId: string) {
  const state = await loadCohortState(
    store.repositories,
    (await store.repositories.cohorts.findById(cohort.cohortId))!,
  );
  const plan = await planDueAt(state, rig.clock.now());
  return plan.due.filter((s) => s.recipientId === participantId).map((s) => ({ key: s.key, at: s.at }));
}

describe('planning one teacher alone', () => {
  it('a late joiner gets now what the whole cohort plan has for her, and the cohort job sends her nothing twice', async () => {
    const runner = rig.postCourse();
    await rig.teacher(cohort.cohortId, 'Алексеева Анна Сергеевна');
    await rig.teacher(cohort.cohortId, 'Борисов Борис Борисович');
    // Two months of the year run for the cohort as it was.
    await rig.runUntil(runner, [cohort.cohortId], new Date('2026-05-20T09:00:00Z'));
    const before = rig.sent.length;

    // Wednesday 20 May 2026, 12:00 in Moscow: Darya joins.
    rig.clock.set(new Date('2026-05-20T09:00:00Z'));
    const darya = await rig.teacher(cohort.cohortId, 'Дмитриева Дарья Денисовна');
    const expected = await dueInWholePlan(darya.id);
    // Her catch-up, counted from the default plan: two months after the course, stage 2 begins and
    // the "difficulties" questionnaire opens today; the earlier ones have closed.
    expect(expected.map(kindAndOccasion)).toEqual(['stage|stage-2', 'invite|difficulties-2m']);
    expect(expected.every((s) => s.at.getTime() === rig.clock.now().getTime())).toBe(true);

    // Planned alone: the same sends at the same times.
    const alone = await planDueAt(
      await loadTeacherState(
        store.repositories,
        (await store.repositories.cohorts.findById(cohort.cohortId))!,
        darya.id,
      ),
      rig.clock.now(),
    );
    expect(alone.due.map((s) => ({ key: s.key, at: s.at }))).toEqual(expected);

    const result = await runner.runTeacher(cohort.cohortId, darya.id);
    expect(result).toMatchObject({ attempted: expected.length, sent: expected.length, skipped: 0 });
    // Only she got messages, one per planned send at least (an invitation is its lead and the first question).
    expect(rig.sent.slice(before).every((m) => m.chatId === idOn(darya, 'telegram'))).toBe(true);
    expect(inboxOf(darya).length).toBeGreaterThanOrEqual(expected.length);
    expect(inboxOf(darya)[0]?.text).toContain('начинается этап');
    const herLog = (await store.repositories.scheduledSends.listByCohort(cohort.cohortId)).filter(
      (s) => s.recipientId === darya.id,
    );
    expect(herLog.map((s) => s.key).sort()).toEqual(expected.map((s) => s.key).sort());
    expect(herLog.every((s) => s.status === 'sent' && s.attempts === 1)).toBe(true);
    // The whole plan has nothing left due for her now.
    expect(await dueInWholePlan(darya.id)).toEqual([]);

    // The cohort job (and the sweep, which schedules it) at the same instant: nothing more to her.
    const herMessages = inboxOf(darya).length;
    const cohortRun = await runner.runCohort(cohort.cohortId);
    expect(inboxOf(darya)).toHaveLength(herMessages);
    expect(cohortRun.skipped).toBe(0);
    await runner.reconcile();
    // Her next send (a reminder) keeps the cohort's job no later than it.
    const next = result.next!;
    expect(next).toBeInstanceOf(Date);
    const job = (await rig.scheduler.agenda.queryJobs({ name: COHORT_JOB, data: { cohortId: cohort.cohortId } }))
      .jobs[0];
    expect(job?.nextRunAt?.getTime()).toBeLessThanOrEqual(next.getTime());

    // The rest of her year from the cohort's job: each of her sends exactly once.
    await rig.runUntil(runner, [cohort.cohortId], new Date('2026-07-01T00:00:00Z'));
    const keys = (await store.repositories.scheduledSends.listByCohort(cohort.cohortId))
      .filter((s) => s.recipientId === darya.id)
      .map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBeGreaterThan(expected.length);
  });

  it('a teacher back from /stop: her job runs on Agenda, once, and sends her what the whole plan has due', async () => {
    const runner = rig.postCourse({ teacherChangeDelayMs: 0 });
    const anna = await rig.teacher(cohort.cohortId, 'Алексеева Анна Сергеевна');
    const galina = await rig.teacher(cohort.cohortId, 'Гусева Галина Геннадьевна', { optedOut: true });
    // Monday 23 March 2026, 10:00 in Moscow: stage 1 and the first invitations go to Anna only.
    rig.clock.set(new Date('2026-03-23T07:00:00Z'));
    await runner.runCohort(cohort.cohortId);
    const annas = inboxOf(anna).length;
    expect(annas).toBeGreaterThan(0);
    expect(inboxOf(galina)).toHaveLength(0);

    // Galina turns reminders back on at 11:00.
    rig.clock.set(new Date('2026-03-23T08:00:00Z'));
    await store.repositories.participants.setRemindersOptOut(galina.id, null);
    const expected = await dueInWholePlan(galina.id);
    // What Anna got at 10:00: the stage-1 prompt and the exit and entry questionnaires.
    expect(expected.map(kindAndOccasion)).toEqual(['stage|stage-1', 'invite|exit', 'invite|entry']);

    await rig.scheduler.start();
    await runner.teacherChanged(galina.id);
    await runner.teacherChanged(galina.id);
    const jobs = store.connection.db!.collection('agenda_jobs');
    await waitFor(async () => {
      const doc = await jobs.findOne({ name: TEACHER_JOB, 'data.participantId': galina.id });
      return doc?.lastFinishedAt && !doc.lockedAt ? doc : undefined;
    });
    // Two changes before it ran are one job.
    expect(await jobs.countDocuments({ name: TEACHER_JOB })).toBe(1);
    const herLog = (await store.repositories.scheduledSends.listByCohort(cohort.cohortId)).filter(
      (s) => s.recipientId === galina.id && s.attemptedAt.getTime() === rig.clock.now().getTime(),
    );
    expect(herLog.map((s) => s.key).sort()).toEqual(expected.map((s) => s.key).sort());
    // Nobody else heard anything from it, and the cohort's job sends her nothing twice.
    expect(inboxOf(anna)).toHaveLength(annas);
    const hers = inboxOf(galina).length;
    await runner.runCohort(cohort.cohortId);
    expect(inboxOf(galina)).toHaveLength(hers);
    expect(await dueInWholePlan(galina.id)).toEqual([]);
  });
});
