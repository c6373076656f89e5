// A two-stage cohort of the school model (seed 002) through its year on a fixed clock: its two
// stage prompts and no third, the self-assessment twice, the rating the teacher sees, and the
// rating tables of both half-year reports against counts made by hand.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Answer } from '../../src/domain/response.js';
import { startOfLocalDay } from '../../src/domain/sending-window.js';
import { createMonitoring } from '../../src/monitoring/service.js';
import { planFromModel } from '../../src/support-models/plan.js';
import { computeRating, describeRating } from '../../src/support-models/rating.js';
import type { Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { Clock, content } from '../support/engine-harness.js';
import { openTestStore } from '../support/store.js';
import { Rig } from '../scheduler/rig.js';

const MOSCOW = 'Europe/Moscow';
const school = content().models.get('school-two-stage')!;
const rating = school.ratings![0]!;
let store: Store;
let rig: Rig;
let cohort: CohortFixture;

const likert = (values: Record<string, number>): Answer[] =>
  Object.entries(values).map(([questionId, value]) => ({
    questionId,
    value,
    skipped: false,
    answeredAt: new Date('2026-08-20T10:00:00Z'),
  }));

async function selfAssess(participantId: string, occasion: string, values: Record<string, number>, at: Date) {
  const responses = store.repositories.responses;
  const { response } = await responses.startOrResume({
    participantId,
    cohortId: cohort.cohortId,
    questionnaireId: 'school-self-assessment',
    occasion,
    questionnaireVersion: 1,
    at,
  });
  for (const a of likert(values)) await responses.saveAnswer(response.id, a);
  await responses.complete(response.id, at);
}

describe('the school model: two stages and a rating', () => {
  it('computes the two indicators and their total, leaving out what was skipped, and says it in the teacher’s language', () => {
    const result = computeRating(
      rating,
      likert({
        c1_conditions: 2,
        c1_resources: 3,
        c2_community: 1,
        c2_publications: 2,
        c2_mentoring: 2,
        c1_participants: 40,
      }),
    );
    expect(result).toEqual({
      ratingId: 'school-rating',
      indicators: [
        { id: 'conditions', value: 5 },
        { id: 'community', value: 5 },
      ],
      total: { id: 'total', value: 10 },
    });
    const skipped = computeRating(rating, [
      ...likert({ c1_conditions: 4 }),
      { questionId: 'c1_resources', value: null, skipped: true, answeredAt: new Date() },
    ]);
    expect(skipped.indicators).toEqual([
      { id: 'conditions', value: 4 },
      { id: 'community', value: null },
    ]);
    expect(skipped.total?.value).toBe(4);
    expect(describeRating(rating, result, 'kk')).toBe(
      'Өзін-өзі бағалау рейтингі\nБілім алушылардың жетістіктері үшін сапалы жағдай және сыртқы ресурстар: 5\nПедагогтың кәсіби қоғамдастықтағы қызметі: 5\nБарлығы: 10',
    );
  });
});

describe('a school-model cohort through its year', () => {
  beforeEach(async () => {
    store = await openTestStore();
    // The course ends on 20 March 2026: stage 1 from 21 March, the self-assessment on 20 August
    // (+5m) and 20 February 2027 (+11m), stage 2 from 20 September (+6m).
    cohort = await seedCohort(store, { courseEnd: startOfLocalDay('2026-03-20', MOSCOW).toISOString() });
    const c = (await store.repositories.cohorts.findById(cohort.cohortId))!;
    await store.repositories.cohorts.upsertByCode({
      code: c.code,
      programmeId: c.programmeId,
      title: c.title,
      courseStart: c.courseStart,
      courseEnd: c.courseEnd,
      timeZone: c.timeZone,
      locale: c.locale,
      curatorIds: c.curatorIds,
      tutorIds: c.tutorIds,
      stagePlan: planFromModel(school),
    });
    rig = new Rig(store, new Clock(new Date('2026-03-20T12:00:00Z')));
  });
  afterEach(async () => {
    await store.close();
  });

  it('runs the year: two stage prompts, the self-assessment twice, ratings in both half-year reports', async () => {
    const runner = rig.postCourse();
    const anna = await rig.teacher(cohort.cohortId, 'Алексеева Анна Сергеевна');
    const boris = await rig.teacher(cohort.cohortId, 'Борисов Борис Борисович');

    await rig.runUntil(runner, [cohort.cohortId], new Date('2026-08-21T12:00:00Z'));
    // Anna: 2+3 and 1+2+2 -> 5 and 5, total 10. Boris: 3+3 and 2+2+2 -> 6 and 6, total 12.
    await selfAssess(
      anna.id,
      'self-assessment-h1',
      { c1_conditions: 2, c1_resources: 3, c2_community: 1, c2_publications: 2, c2_mentoring: 2 },
      new Date('2026-08-21T10:00:00Z'),
    );
    await selfAssess(
      boris.id,
      'self-assessment-h1',
      { c1_conditions: 3, c1_resources: 3, c2_community: 2, c2_publications: 2, c2_mentoring: 2 },
      new Date('2026-08-21T11:00:00Z'),
    );
    await rig.runUntil(runner, [cohort.cohortId], new Date('2027-02-22T12:00:00Z'));
    // Anna again: 4+3 and 3+2+4 -> 7 and 9, total 16 (+6). Boris does not answer the second time.
    await selfAssess(
      anna.id,
      'self-assessment-h2',
      { c1_conditions: 4, c1_resources: 3, c2_community: 3, c2_publications: 2, c2_mentoring: 4 },
      new Date('2027-02-22T10:00:00Z'),
    );
    await rig.runUntil(runner, [cohort.cohortId], new Date('2027-06-30T00:00:00Z'));

    const log = await store.repositories.scheduledSends.listByCohort(cohort.cohortId);
    const stageSends = log
      .filter((s) => s.kind === 'stage' && s.recipientId === anna.id)
      .map((s) => s.occasion)
      .sort();
    expect(stageSends).toEqual(['stage-1', 'stage-2']);
    const annaInbox = rig.inbox(anna, MOSCOW);
    const stage2 = annaInbox.find((m) => m.includes('начинается этап 2'))!;
    expect(stage2.slice(0, 10)).toBe('2026-09-21'); // 20 September 2026 is a Sunday: Monday's window
    expect(stage2).toContain(
      'этап 2 посткурсового сопровождения — профессиональное развитие, обобщение и тиражирование опыта',
    );
    expect(stage2).toContain('Мероприятий за год нужно провести не менее: 1.');
    expect(annaInbox.some((m) => m.includes('этап 3'))).toBe(false);
    const invites = log
      .filter((s) => s.kind === 'invite' && s.recipientId === boris.id && s.occasion.startsWith('self-assessment'))
      .map((s) => s.occasion)
      .sort();
    expect(invites).toEqual(['self-assessment-h1', 'self-assessment-h2']);

    // Anna's individual plan: April (open lesson), June (webinar), November (seminar); her webinar accepted in July.
    const repos = store.repositories;
    const annaEnrollment = (await repos.enrollments.find(anna.id, cohort.cohortId))!;
    await repos.enrollments.setPlanItems(
      annaEnrollment.id,
      [
        { id: 'a', type: 'open_lesson', level: 'school', month: '2026-04' },
        { id: 'b', type: 'webinar', level: 'district', month: '2026-06' },
        { id: 'c', type: 'seminar', level: 'school', month: '2026-11' },
      ],
      new Date('2026-04-01T10:00:00Z'),
    );
    const webinar = await repos.activities.submit({
      participantId: anna.id,
      cohortId: cohort.cohortId,
      type: 'webinar',
      level: 'district',
      date: new Date('2026-07-01T10:00:00Z'),
      title: 'Вебинар для коллег',
      links: ['https://example.org/w'],
      submittedAt: new Date('2026-07-02T10:00:00Z'),
    });
    await repos.activities.review(webinar.id, {
      reviewerId: cohort.curatorId,
      decision: 'accepted',
      at: new Date('2026-07-10T10:00:00Z'),
    });
    // A seminar announced in May: both invited, Anna comes, Boris cannot.
    const seminar = await repos.supportEvents.create({
      cohortId: cohort.cohortId,
      kind: 'seminar',
      date: '2026-05-14',
      time: '15:00',
      createdBy: cohort.curatorId,
      createdAt: new Date('2026-05-04T07:00:00Z'),
    });
    for (const p of [anna, boris]) await repos.supportEvents.markInvited(seminar.id, p.id);
    await repos.supportEvents.answer(seminar.id, anna.id, 'yes', new Date('2026-05-05T07:00:00Z'));
    await repos.supportEvents.answer(seminar.id, boris.id, 'no', new Date('2026-05-05T08:00:00Z'));

    const monitoring = createMonitoring({
      store,
      catalog: content().questionnaires,
      supportModels: content().models,
      now: () => new Date('2027-06-30T00:00:00Z'),
    });
    // Second half of 2026 (June to September): the first self-assessment only.
    const autumn = await monitoring.halfYearReport({ cohortId: cohort.cohortId, half: 2, year: 2026 });
    if (!autumn.ok) throw new Error('report');
    expect(autumn.value.ratings).toEqual([
      {
        ratingId: 'school-rating',
        title: 'Рейтинг по самооценке',
        occasions: ['self-assessment-h1', 'self-assessment-h2'],
        occasionLabels: ['через 5 месяцев после курса', 'через 11 месяцев после курса'],
        rows: [
          { teacher: 'Алексеева Анна Сергеевна', cohort: 'FG72-SPRING', values: [10, null], change: null },
          { teacher: 'Борисов Борис Борисович', cohort: 'FG72-SPRING', values: [12, null], change: null },
        ],
        cohorts: [{ cohort: 'FG72-SPRING', values: [11, null], change: null }],
      },
    ]);
    // As of 1 October 2026: April and June have ended (2 due), November not; 1 accepted: 1 behind, the model's margin is 1.
    expect(autumn.value.markdown).toContain('| Алексеева Анна Сергеевна | FG72-SPRING | 3 | 2 | 1 | 1 | да |');
    expect(autumn.value.markdown).not.toContain('| Борисов Борис Борисович | FG72-SPRING | 0 |');
    expect(autumn.value.markdown).toContain('| FG72-SPRING | 14.05.2026 | 15:00 | Семинар | 2 | 1 | 1 |');
    expect(autumn.value.markdown).toContain('| Алексеева Анна Сергеевна | FG72-SPRING | 1 | 1 |');
    expect(autumn.value.markdown).toContain('| Борисов Борис Борисович | FG72-SPRING | 1 | 0 |');
    // First half of 2027 (due 1 June 2027): both, and the change. Cohort: (10+12)/2 = 11, then 16 (Anna only): +5.
    const spring = await monitoring.halfYearReport({ cohortId: cohort.cohortId, half: 1, year: 2027 });
    if (!spring.ok) throw new Error('report');
    expect(spring.value.ratings[0]!.rows).toEqual([
      { teacher: 'Алексеева Анна Сергеевна', cohort: 'FG72-SPRING', values: [10, 16], change: 6 },
      { teacher: 'Борисов Борис Борисович', cohort: 'FG72-SPRING', values: [12, null], change: null },
    ]);
    expect(spring.value.ratings[0]!.cohorts).toEqual([{ cohort: 'FG72-SPRING', values: [11, 16], change: 5 }]);
    expect(spring.value.markdown).toContain('## Рейтинг по самооценке: по педагогам');
    expect(spring.value.markdown).toContain('| Алексеева Анна Сергеевна | FG72-SPRING | 10 | 16 | +6 |');
    expect(spring.value.markdown).toContain('| FG72-SPRING | 11 | 16 | +5 |');
  }, 180_000);
});
