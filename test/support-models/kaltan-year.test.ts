// A cohort of the Kaltan tutor model (seed 003) through its year on a fixed clock, to both half-year
// reports: the entry questionnaire with the diagnosis on the first day, every teacher given the
// cohort's tutor on joining, stages by the model's rules (the third closed by the curator), and the
// tutoring table and the plan against what was accepted — against counts made by hand.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMonitoring } from '../../src/monitoring/service.js';
import { reevaluateStages, setStageByHand } from '../../src/progress/service.js';
import type { Store } from '../../src/store/index.js';
import type { CohortFixture } from '../support/cohort-fixture.js';
import { content } from '../support/engine-harness.js';
import { openTestStore } from '../support/store.js';
import { completeQuestionnaire, modelCohort, MOSCOW } from './model-year.js';
import type { Rig } from '../scheduler/rig.js';

let store: Store;
let rig: Rig;
let cohort: CohortFixture;

const complete = (
  participantId: string,
  questionnaireId: string,
  occasion: string,
  version: number,
  answers: Record<string, number | string | string[]>,
  at: Date,
) => completeQuestionnaire(store, cohort.cohortId, { participantId, questionnaireId, occasion, version, answers, at });

describe('a Kaltan-model cohort through its year', () => {
  beforeEach(async () => {
    store = await openTestStore();
    // The course ends on Friday 20 March 2026: stage 1 and the entry from Monday 23 March, stage 2 from 20 April, stage 3 from 20 January 2027.
    ({ cohort, rig } = await modelCohort(store, 'kaltan-tutor'));
  });
  afterEach(async () => {
    await store.close();
  });

  it('runs the year: the diagnosis in the entry, a tutor for each, three stages, and both reports', async () => {
    const repos = store.repositories;
    const runner = rig.postCourse();
    // Joined without a tutor named: each gets the cohort's only tutor.
    const anna = await rig.teacher(cohort.cohortId, 'Алексеева Анна Сергеевна');
    const boris = await rig.teacher(cohort.cohortId, 'Борисов Борис Борисович');
    for (const p of [anna, boris])
      expect((await repos.enrollments.find(p.id, cohort.cohortId))?.tutorId).toBe(cohort.tutorId);

    await rig.runUntil(runner, [cohort.cohortId], new Date('2026-03-24T12:00:00Z'));
    const invites = (await repos.scheduledSends.listByCohort(cohort.cohortId))
      .filter((s) => s.kind === 'invite' && s.recipientId === anna.id)
      .map((s) => s.occasion);
    expect(invites).toContain('entry');
    expect(invites).not.toContain('diagnosis');
    // Anna's entry: competences 3,4,3,4,3,4,3,4 (mean 3.5), readiness 5,4,3 (mean 4); ICT; two motives; individual consultations.
    await complete(
      anna.id,
      'entry',
      'entry',
      2,
      {
        experience: 12,
        c_design: 3,
        c_active_methods: 4,
        c_digital: 3,
        c_assessment: 4,
        c_reflection: 3,
        c_sharing: 4,
        c_publishing: 3,
        c_planning: 4,
        direction: 'ict',
        motives: ['difficulties', 'new_tech'],
        r_self_study: 5,
        r_try_new: 4,
        r_open_lesson: 3,
        forms: ['individual'],
      },
      new Date('2026-03-24T10:00:00Z'),
    );
    expect((await repos.enrollments.find(anna.id, cohort.cohortId))?.stages[0]?.status).toBe('in_progress');
    // Her trajectory (the plan questionnaire at two weeks) completes stage 1; she plans a master class in May and a webinar in November.
    await rig.runUntil(runner, [cohort.cohortId], new Date('2026-04-06T12:00:00Z'));
    await complete(anna.id, 'stage-1-plan', 'trajectory', 2, {}, new Date('2026-04-06T10:00:00Z'));
    const annaEnrollment = (await repos.enrollments.find(anna.id, cohort.cohortId))!;
    expect(annaEnrollment.stages[0]?.status).toBe('completed');
    await repos.enrollments.setPlanItems(
      annaEnrollment.id,
      [
        { id: 'a', type: 'master_class', level: 'school', month: '2026-05' },
        { id: 'b', type: 'webinar', level: 'district', month: '2026-11' },
      ],
      new Date('2026-04-06T10:00:00Z'),
    );
    // Her master class, accepted in May: the one activity the model asks for completes stage 2.
    await rig.runUntil(runner, [cohort.cohortId], new Date('2026-05-20T12:00:00Z'));
    const lesson = await repos.activities.submit({
      participantId: anna.id,
      cohortId: cohort.cohortId,
      type: 'master_class',
      level: 'school',
      date: new Date('2026-05-15T10:00:00Z'),
      title: 'Мастер-класс для коллег',
      links: ['https://example.org/m'],
      submittedAt: new Date('2026-05-16T10:00:00Z'),
    });
    await repos.activities.review(lesson.id, {
      reviewerId: cohort.curatorId,
      decision: 'accepted',
      at: new Date('2026-05-20T10:00:00Z'),
    });
    await reevaluateStages(repos, {
      participantId: anna.id,
      cohortId: cohort.cohortId,
      at: new Date('2026-05-20T10:00:00Z'),
      actor: cohort.curatorId,
      kind: 'activity.accepted',
    });
    expect((await repos.enrollments.find(anna.id, cohort.cohortId))?.stages[1]?.status).toBe('completed');

    await rig.runUntil(runner, [cohort.cohortId], new Date('2027-02-01T12:00:00Z'));
    // Stage 3 (analysis and correction) is the tutor's and curator's decision.
    const decided = await setStageByHand(repos, {
      participantId: anna.id,
      cohortId: cohort.cohortId,
      stage: 3,
      status: 'completed',
      comment: 'Траектория проанализирована',
      by: cohort.curatorId,
      at: new Date('2027-02-01T10:00:00Z'),
    });
    expect(decided.ok).toBe(true);
    const stage3 = rig.inbox(anna, MOSCOW).find((m) => m.includes('начинается этап 3'));
    expect(stage3?.slice(0, 10)).toBe('2027-01-20');

    const monitoring = createMonitoring({
      store,
      catalog: content().questionnaires,
      supportModels: content().models,
      now: () => new Date('2027-06-30T00:00:00Z'),
    });
    // First half of 2026 (to 1 June): Anna's diagnosis, Boris not yet; both with the tutor. Plan: May ended (1 due), 1 accepted.
    const june = await monitoring.halfYearReport({ cohortId: cohort.cohortId, half: 1, year: 2026 });
    if (!june.ok) throw new Error('report');
    const md = june.value.markdown;
    expect(md).toContain('Этап 1: диагностика и образовательная траектория');
    expect(md).toContain('Этап 3: анализ и коррекция траектории');
    expect(md).toContain(
      '| Алексеева Анна Сергеевна | FG72-SPRING | Ахметова Айгуль | В каком направлении вы хотите развиваться с тьютором?: Информационно-коммуникационные технологии; ' +
        'Что побуждает вас повышать квалификацию? Выберите всё, что подходит.: Затруднения в работе; Интерес к новым технологиям обучения; ' +
        'Какие формы работы с тьютором вам удобны?: Индивидуальная консультация; ' +
        'профессионально значимые качества (среднее, 1–5): 3,5; готовность к образованию и самообразованию (среднее, 1–5): 4 |',
    );
    expect(md).toContain('| Борисов Борис Борисович | FG72-SPRING | Ахметова Айгуль | не пройдена |');
    expect(md).toContain('| Алексеева Анна Сергеевна | FG72-SPRING | 2 | 1 | 1 | 0 | нет |');
    // Second half (to 1 October): same tutors and diagnosis; plan still 1 due (November ahead), 1 accepted.
    const october = await monitoring.halfYearReport({ cohortId: cohort.cohortId, half: 2, year: 2026 });
    if (!october.ok) throw new Error('report');
    expect(october.value.markdown).toContain(
      '| Борисов Борис Борисович | FG72-SPRING | Ахметова Айгуль | не пройдена |',
    );
    expect(october.value.markdown).toContain('| Алексеева Анна Сергеевна | FG72-SPRING | 2 | 1 | 1 | 0 | нет |');
    // Stages per teacher, as the report counts them: Anna 1 and 2 completed; Boris none.
    const annaRow = october.value.year.teachers.find((t) => t.name === 'Алексеева Анна Сергеевна')!;
    expect(annaRow.stages.map((s) => s.status)).toEqual(['completed', 'completed', 'not_started']);
    const borisRow = october.value.year.teachers.find((t) => t.name === 'Борисов Борис Борисович')!;
    expect(borisRow.stages.map((s) => s.status)).toEqual(['not_started', 'not_started', 'not_started']);
    // By the first half of 2027 (to 1 June), stage 3 was closed by hand in February.
    const spring = await monitoring.halfYearReport({ cohortId: cohort.cohortId, half: 1, year: 2027 });
    if (!spring.ok) throw new Error('report');
    expect(
      spring.value.year.teachers
        .find((t) => t.name === 'Алексеева Анна Сергеевна')!
        .stages.map((s) => [s.status, s.cause ?? null]),
    ).toEqual([
      ['completed', 'rule:questionnaire-completed'],
      ['completed', 'rule:accepted-activities'],
      ['completed', 'manual'],
    ]);
  }, 180_000);
});
