// A cohort of the Tutaev model (seed 000) through its year on a fixed clock, to three half-year
// reports: self-analysis and the individual route (stage 1), at least three independent works in the
// teacher's own post-course year (stage 2), the analysis of growth at eleven months (stage 3) — each
// figure against a count made by hand.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMonitoring } from '../../src/monitoring/service.js';
import { reevaluateStages } from '../../src/progress/service.js';
import type { Store } from '../../src/store/index.js';
import type { Rig } from '../scheduler/rig.js';
import type { CohortFixture } from '../support/cohort-fixture.js';
import { content } from '../support/engine-harness.js';
import { openTestStore } from '../support/store.js';
import { completeQuestionnaire, modelCohort, MOSCOW } from './model-year.js';

let store: Store;
let rig: Rig;
let cohort: CohortFixture;

const complete = (participantId: string, questionnaireId: string, occasion: string, version: number, at: Date) =>
  completeQuestionnaire(store, cohort.cohortId, { participantId, questionnaireId, occasion, version, at });

/** An activity submitted on its day and reviewed five days later, and the teacher's stages re-evaluated. */
async function activity(participantId: string, day: string, decision: 'accepted' | 'returned') {
  const repos = store.repositories;
  const date = new Date(`${day}T10:00:00Z`);
  const reviewedAt = new Date(date.getTime() + 5 * 86_400_000);
  const a = await repos.activities.submit({
    participantId,
    cohortId: cohort.cohortId,
    type: 'open_lesson',
    level: 'school',
    date,
    title: `Открытый урок ${day}`,
    links: [`https://school.example.ru/${day}`],
    submittedAt: date,
  });
  await repos.activities.review(a.id, {
    reviewerId: cohort.curatorId,
    decision,
    at: reviewedAt,
    ...(decision === 'returned' ? { comment: 'Нет ссылки на конспект' } : {}),
  });
  await reevaluateStages(repos, {
    participantId,
    cohortId: cohort.cohortId,
    at: reviewedAt,
    actor: cohort.curatorId,
    kind: `activity.${decision}`,
  });
}

describe('a Tutaev-model cohort through its year', () => {
  beforeEach(async () => {
    store = await openTestStore();
    // The course ends on Friday 20 March 2026: the year of support runs to 20 March 2027.
    ({ cohort, rig } = await modelCohort(store, 'tutaev-route'));
  });
  afterEach(async () => {
    await store.close();
  });

  it("counts three independent works over each teacher's own year and closes the stages by the model's rules", async () => {
    const runner = rig.postCourse();
    const anna = await rig.teacher(cohort.cohortId, 'Алексеева Анна Сергеевна');
    const boris = await rig.teacher(cohort.cohortId, 'Борисов Борис Борисович');
    await rig.runUntil(runner, [cohort.cohortId], new Date('2026-03-24T12:00:00Z'));

    // Stage 1: self-analysis (the entry) puts it in progress; the individual route (two weeks) completes it.
    await complete(anna.id, 'entry', 'entry', 2, new Date('2026-03-24T10:00:00Z'));
    await complete(boris.id, 'entry', 'entry', 2, new Date('2026-03-25T10:00:00Z'));
    await rig.runUntil(runner, [cohort.cohortId], new Date('2026-04-06T12:00:00Z'));
    await complete(anna.id, 'stage-1-plan', 'route', 2, new Date('2026-04-06T10:00:00Z'));

    // Anna: works on 15.05.2026, 10.09.2026 and 10.02.2027, all accepted. Boris: one accepted on
    // 10.07.2026, one returned on 20.07.2026.
    await activity(anna.id, '2026-05-15', 'accepted');
    await activity(boris.id, '2026-07-10', 'accepted');
    await activity(boris.id, '2026-07-20', 'returned');
    await activity(anna.id, '2026-09-10', 'accepted');
    await rig.runUntil(runner, [cohort.cohortId], new Date('2027-02-10T12:00:00Z'));
    await activity(anna.id, '2027-02-10', 'accepted');
    const stages = async (id: string) =>
      (await store.repositories.enrollments.find(id, cohort.cohortId))!.stages.map((s) => s.status);
    expect(await stages(anna.id)).toEqual(['completed', 'completed', 'not_started']);
    expect(await stages(boris.id)).toEqual(['in_progress', 'in_progress', 'not_started']);

    // Stage 3 begins at eleven months: 20.02.2027 is a Saturday, so the message goes on Monday 22.02.
    await rig.runUntil(runner, [cohort.cohortId], new Date('2027-02-24T12:00:00Z'));
    expect(
      rig
        .inbox(anna, MOSCOW)
        .find((m) => m.includes('начинается этап 3'))
        ?.slice(0, 10),
    ).toBe('2027-02-22');
    await complete(anna.id, 'impact', 'impact-11m', 1, new Date('2027-02-24T10:00:00Z'));
    expect(await stages(anna.id)).toEqual(['completed', 'completed', 'completed']);

    const monitoring = createMonitoring({
      store,
      catalog: content().questionnaires,
      supportModels: content().models,
      now: () => new Date('2027-06-30T00:00:00Z'),
    });
    const report = async (half: 1 | 2, year: number) => {
      const r = await monitoring.halfYearReport({ cohortId: cohort.cohortId, half, year });
      if (!r.ok) throw new Error(`report ${half}/${year}`);
      const row = (name: string) => r.value.year.teachers.find((t) => t.name === name)!;
      const figures = (name: string) => {
        const t = row(name);
        return {
          inPeriod: t.acceptedInPeriod,
          toDate: t.acceptedToDate,
          returned: t.returnedToDate,
          required: t.required,
          met: t.metRequired,
        };
      };
      return { md: r.value.markdown, figures, row };
    };

    // To 1 June 2026 (from 1 October 2025): Anna's May work; Boris nothing yet.
    const june = await report(1, 2026);
    expect(june.figures('Алексеева Анна Сергеевна')).toEqual({
      inPeriod: 1,
      toDate: 1,
      returned: 0,
      required: 3,
      met: false,
    });
    expect(june.figures('Борисов Борис Борисович')).toEqual({
      inPeriod: 0,
      toDate: 0,
      returned: 0,
      required: 3,
      met: false,
    });
    expect(june.md).toContain('| Выполнили норму года (не менее 3 принятых) | 0 (0 %) |');
    expect(june.md).toContain('Этап 2: самостоятельные работы и обмен опытом');

    // June to 1 October 2026: Anna's September work (two in her year), Boris's July work and the returned one.
    const october = await report(2, 2026);
    expect(october.figures('Алексеева Анна Сергеевна')).toEqual({
      inPeriod: 1,
      toDate: 2,
      returned: 0,
      required: 3,
      met: false,
    });
    expect(october.figures('Борисов Борис Борисович')).toEqual({
      inPeriod: 1,
      toDate: 1,
      returned: 1,
      required: 3,
      met: false,
    });

    // October 2026 to 1 June 2027, which runs past the year's end on 20 March: Anna's third work in
    // February meets the rule of three; all her stages are completed, Boris's first two in progress.
    const spring = await report(1, 2027);
    expect(spring.figures('Алексеева Анна Сергеевна')).toEqual({
      inPeriod: 1,
      toDate: 3,
      returned: 0,
      required: 3,
      met: true,
    });
    expect(spring.figures('Борисов Борис Борисович')).toEqual({
      inPeriod: 0,
      toDate: 1,
      returned: 1,
      required: 3,
      met: false,
    });
    expect(spring.md).toContain('| Выполнили норму года (не менее 3 принятых) | 1 (50 %) |');
    expect(spring.row('Алексеева Анна Сергеевна').stages.map((s) => [s.status, s.cause ?? null])).toEqual([
      ['completed', 'rule:questionnaire-completed'],
      ['completed', 'rule:accepted-activities'],
      ['completed', 'rule:questionnaire-completed'],
    ]);
    expect(spring.row('Борисов Борис Борисович').stages.map((s) => s.status)).toEqual([
      'in_progress',
      'in_progress',
      'not_started',
    ]);
  }, 180_000);
});
