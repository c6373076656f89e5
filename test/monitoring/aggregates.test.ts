// Every aggregate against the hand-computed fixture (see fixture.ts for the raw data).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import {
  activities,
  activityKinds,
  answerStats,
  computeAggregates,
  consultations,
  distributions,
  likert,
  responseRate,
  stages,
} from '../../src/monitoring/aggregates.js';
import type { Scope } from '../../src/monitoring/scope.js';
import { summaryTables } from '../../src/monitoring/tables.js';
import type { Store } from '../../src/store/index.js';
import { openTestStore } from '../support/store.js';
import { REGION_A, REGION_B, seedMonitoringFixture, type MonitoringFixture } from './fixture.js';

let store: Store;
let fx: MonitoringFixture;
const deps = () => ({ models: store.models, catalog: fx.catalog });

beforeAll(async () => {
  store = await openTestStore();
  fx = await seedMonitoringFixture(store, t('kk', 'consultation.topic_methods'));
});
afterAll(() => store.close());

const all: Scope = {};

describe('response rate', () => {
  it('counts completed over enrolled (not withdrawn) teachers per cohort', async () => {
    // c1: t1..t5 enrolled, t1-t4 started, t1-t3 completed; c2: t6-t9 enrolled (t10 withdrawn), t6, t7 completed.
    const rows = await responseRate(deps(), { by: 'cohort' }, 'ru');
    expect(rows.map((r) => [r.group.label, r.occasion, r.enrolled, r.started, r.completed, r.rate])).toEqual([
      ['HUM25A «ЧГ январь 2025»', 'exit', 4, 2, 2, 0.5],
      ['NAT25A «ЕНГ январь 2025»', 'exit', 5, 4, 3, 0.6],
    ]);
    expect(rows[0]!.title).toBe('Обратная связь по курсу');
  });

  it('gives one total row without a breakdown and honours the period', async () => {
    const [total] = await responseRate(deps(), all, 'ru');
    expect([total!.enrolled, total!.started, total!.completed, total!.rate]).toEqual([9, 6, 5, 5 / 9]);
    // t7 completed in September: outside the first half of the year.
    const [period] = await responseRate(deps(), { from: new Date('2025-01-01'), to: new Date('2025-06-01') }, 'ru');
    expect([period!.enrolled, period!.started, period!.completed]).toEqual([9, 6, 4]);
  });

  it('restricts to the cohorts in scope', async () => {
    const rows = await responseRate(deps(), { cohortIds: [fx.cohorts.c2.id] }, 'ru');
    expect(rows.map((r) => [r.enrolled, r.completed])).toEqual([[4, 2]]);
  });
});

describe('Likert', () => {
  it('gives mean, median and top-2-box over completed responses', async () => {
    // useful: 5 4 3 5 2 -> mean 3.8, median 4, top-2 (4 or 5) 3 of 5.
    // clear: 4 2 - 5 4 (t3 skipped) -> mean 3.75, median (4+4)/2, top-2 3 of 4.
    const rows = await likert(deps(), all, 'ru');
    expect(rows.map((r) => [r.questionId, r.count, r.mean, r.median, r.top2, r.top2Share])).toEqual([
      ['useful', 5, 3.8, 4, 3, 0.6],
      ['clear', 4, 3.75, 4, 3, 0.75],
    ]);
    expect(rows[0]!.points).toEqual([
      { value: 2, count: 1, share: 0.2 },
      { value: 3, count: 1, share: 0.2 },
      { value: 4, count: 1, share: 0.2 },
      { value: 5, count: 2, share: 0.4 },
    ]);
  });

  it('breaks down by region with an even-count median', async () => {
    // A: t1, t2, t6 -> useful 5 4 5; B: t3, t7 -> useful 3 2 (median 2.5), clear 4.
    const rows = await likert(deps(), { by: 'region' }, 'ru');
    const pick = (q: string, region: string) => rows.find((r) => r.questionId === q && r.group.key === region)!;
    expect([
      pick('useful', REGION_A).mean,
      pick('useful', REGION_A).median,
      pick('useful', REGION_A).top2Share,
    ]).toEqual([14 / 3, 5, 1]);
    expect([
      pick('useful', REGION_B).mean,
      pick('useful', REGION_B).median,
      pick('useful', REGION_B).top2Share,
    ]).toEqual([2.5, 2.5, 0]);
    expect([pick('clear', REGION_A).mean, pick('clear', REGION_A).median]).toEqual([11 / 3, 4]);
    expect([pick('clear', REGION_B).count, pick('clear', REGION_B).median]).toEqual([1, 4]);
  });

  it('breaks down by programme direction and settlement type', async () => {
    // Естественно-научное = c1: t1 t2 t3 -> 5 4 3; Гуманитарное = c2: t6 t7 -> 5 2.
    const byDirection = await likert(deps(), { by: 'direction', questionnaireId: 'fb' }, 'ru');
    const useful = byDirection.filter((r) => r.questionId === 'useful').map((r) => [r.group.label, r.count, r.mean]);
    expect(useful).toEqual([
      ['Гуманитарное', 2, 3.5],
      ['Естественно-научное', 3, 4],
    ]);
    // urban: t1 t3 t6 -> 5 3 5; rural: t2 t7 -> 4 2.
    const bySettlement = await likert(deps(), { by: 'settlementType' }, 'ru');
    expect(bySettlement.filter((r) => r.questionId === 'useful').map((r) => [r.group.label, r.mean, r.median])).toEqual(
      [
        ['город', 13 / 3, 5],
        ['село', 3, 3],
      ],
    );
  });
});

describe('distributions', () => {
  it('counts every option of a multiple choice and ranks', async () => {
    const rows = await distributions(deps(), all, 'ru');
    const kinds = rows.find((r) => r.questionId === 'kinds')!;
    // kinds: t1 ab, t2 a, t3 bc, t6 c, t7 ac.
    expect(kinds.answered).toBe(5);
    expect(kinds.values.map((v) => [v.value, v.label, v.count, v.share])).toEqual([
      ['a', 'Приёмы оценивания', 3, 0.6],
      ['b', 'Цифровые инструменты', 2, 0.4],
      ['c', 'Проектную работу', 3, 0.6],
    ]);
    const rank = rows.find((r) => r.questionId === 'rank')!;
    // x places 1 2 1 3 1, y 2 1 3 2 2, z 3 3 2 1 3.
    expect(rank.ranks!.map((r) => [r.option, r.meanPlace, r.firstPlaces])).toEqual([
      ['x', 1.6, 3],
      ['y', 2, 1],
      ['z', 2.4, 1],
    ]);
    const n = rows.find((r) => r.questionId === 'n')!;
    expect(n.number).toEqual({ mean: 4, min: 2, max: 6 });
    const useful = rows.find((r) => r.questionId === 'useful')!;
    expect(useful.values.map((v) => [v.value, v.count])).toEqual([
      [2, 1],
      [3, 1],
      [4, 1],
      [5, 2],
    ]);
    expect(rows.some((r) => r.questionId === 'comment')).toBe(false);
  });

  it('breaks down by district', async () => {
    const rows = await distributions(deps(), { by: 'district' }, 'ru');
    const kokshetau = rows.find((r) => r.questionId === 'kinds' && r.group.key === 'Кокшетау')!;
    // Кокшетау: t1 ab, t6 c (t5 did not answer).
    expect(kokshetau.answered).toBe(2);
    expect(kokshetau.values.map((v) => [v.value, v.count])).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
  });
});

describe('one pass for the summary', () => {
  it('gives the same distributions and Likert figures as the separate pipelines', async () => {
    for (const scope of [all, { by: 'region' } as Scope, { by: 'direction' } as Scope]) {
      const both = await answerStats(deps(), scope, 'ru');
      expect(both.distributions).toEqual(await distributions(deps(), scope, 'ru'));
      expect(both.likert).toEqual(await likert(deps(), scope, 'ru'));
    }
  });
});

describe('answer counts read in this process', () => {
  // The bot and a CLI without a running bot take the counts straight from the embedded store; a
  // CLI beside a running bot and MongoDB through the driver. Both must give the same figures.
  it('give what reading them through the driver gives, for every breakdown', async () => {
    expect(store.kind === 'embedded' ? store.inProcess?.aggregate : undefined).toBeDefined();
    if (!store.inProcess) return;
    const inProcess = { ...deps(), reader: store.inProcess };
    const scopes: Scope[] = [
      all,
      ...(['region', 'district', 'settlementType', 'organisation', 'cohort', 'programme', 'direction'] as const).map(
        (by): Scope => ({ by }),
      ),
      { cohortIds: [fx.cohorts.c1.id], by: 'district' },
    ];
    for (const scope of scopes) {
      const through = await answerStats(deps(), scope, 'ru');
      expect(through.distributions.length).toBeGreaterThan(0);
      expect(await answerStats(inProcess, scope, 'ru')).toEqual(through);
      expect(await distributions(inProcess, scope, 'ru')).toEqual(await distributions(deps(), scope, 'ru'));
      expect(await likert(inProcess, scope, 'ru')).toEqual(await likert(deps(), scope, 'ru'));
    }
  });
});

describe('activities', () => {
  it('counts per teacher and the share with at least three accepted', async () => {
    // accepted: t1 3, t2 1, t3 3, t6 4 -> 11 of 14 submitted; >= 3: t1 t3 t6; enrolled 9.
    const [total] = await activities(deps(), all, 'ru');
    expect(total).toMatchObject({
      enrolled: 9,
      teachersReporting: 5,
      teachersWithAccepted: 4,
      teachersWithRequired: 3,
      submitted: 14,
      accepted: 11,
    });
    expect(total!.requiredShare).toBeCloseTo(3 / 9);
    expect(total!.acceptedPerTeacher).toBeCloseTo(11 / 9);
  });

  it('breaks down by programme and organisation', async () => {
    const rows = await activities(deps(), { by: 'programme' }, 'ru');
    expect(
      rows.map((r) => [r.group.label, r.enrolled, r.submitted, r.accepted, r.teachersWithRequired, r.requiredShare]),
    ).toEqual([
      ['DPP-HUM «Читательская грамотность»', 4, 5, 4, 1, 0.25],
      ['DPP-NAT «Естественно-научная грамотность»', 5, 9, 7, 2, 0.4],
    ]);
    const byOrg = await activities(deps(), { by: 'organisation' }, 'ru');
    // Школа-лицей № 1: t1 t5 t6 enrolled; t1 and t6 have >= 3 accepted.
    const lyceum = byOrg.find((r) => r.group.key === 'Школа-лицей № 1')!;
    expect([lyceum.enrolled, lyceum.teachersWithRequired, lyceum.accepted]).toEqual([3, 2, 7]);
  });

  it('counts by type and level', async () => {
    const rows = await activityKinds(deps(), all, 'ru');
    const row = (type: string, level: string) => rows.find((r) => r.type === type && r.level === level)!;
    expect(row('open_lesson', 'school')).toMatchObject({
      submitted: 5,
      accepted: 5,
      returned: 0,
      typeLabel: 'Открытый урок (занятие)',
    });
    expect(row('webinar', 'district')).toMatchObject({ submitted: 2, accepted: 2 });
    expect(row('webinar', 'school')).toMatchObject({ submitted: 1, accepted: 0, returned: 1 });
    expect(row('publication', 'region')).toMatchObject({ submitted: 1, accepted: 0, returned: 0 });
    expect(rows.reduce((s, r) => s + r.submitted, 0)).toBe(14);
  });

  it('filters by the date an activity was held', async () => {
    // Dates run 1-14 April in fixture order: t1's four and t2's two are held 1-6 April.
    const [early] = await activities(
      deps(),
      { from: new Date('2025-04-01T00:00:00Z'), to: new Date('2025-04-07T00:00:00Z') },
      'ru',
    );
    expect([early!.submitted, early!.accepted, early!.teachersWithRequired]).toEqual([6, 4, 1]);
  });
});

describe('stages', () => {
  it('counts completion per stage over enrolled teachers', async () => {
    const rows = await stages(deps(), all, 'ru');
    expect(rows.map((r) => [r.stage, r.teachers, r.completed, r.inProgress, r.notStarted])).toEqual([
      [1, 9, 5, 2, 2],
      [2, 9, 2, 1, 6],
      [3, 9, 1, 1, 7],
    ]);
    expect(rows[0]!.completedShare).toBeCloseTo(5 / 9);
  });

  it('does not count a stage completed after the period end', async () => {
    // Stage 1 completions are dated 1 March, stage 2 1 April, stage 3 1 May.
    const rows = await stages(deps(), { to: new Date('2025-04-15T00:00:00Z') }, 'ru');
    expect(rows.map((r) => r.completed)).toEqual([5, 2, 0]);
  });
});

describe('consultations', () => {
  it('groups topics across languages and measures time to close', async () => {
    const rows = await consultations(deps(), all, 'ru');
    const methods = rows.find((r) => r.topic === 'methods')!;
    expect(methods).toMatchObject({
      label: 'Методика и технологии обучения',
      requests: 3,
      open: 0,
      closed: 3,
      meanHours: 28,
      medianHours: 24,
    });
    expect(rows.find((r) => r.topic === 'digital')).toMatchObject({
      requests: 1,
      open: 1,
      closed: 0,
      meanHours: null,
      medianHours: null,
    });
    expect(rows.find((r) => r.topic === 'assessment')).toMatchObject({ requests: 1, open: 1, closed: 0 });
  });

  it('breaks down by cohort', async () => {
    const rows = await consultations(deps(), { by: 'cohort', cohortIds: [fx.cohorts.c1.id] }, 'ru');
    // c1: t1 (24 h) and t2 (12 h) on methods.
    expect(rows.find((r) => r.topic === 'methods')).toMatchObject({ requests: 2, meanHours: 18, medianHours: 18 });
  });
});

describe('the summary tables staff read (CLI stats, the summary sheet, the report)', () => {
  it('name questionnaires by title and write numbers in text with the decimal comma', async () => {
    const tables = summaryTables(await computeAggregates(deps(), all, 'ru'), 'ru');
    const [, likertTable, distributionTable] = tables;
    // The fixture's one questionnaire, "Обратная связь по курсу": its id is never shown.
    expect(new Set(likertTable!.rows.map((r) => r[0]))).toEqual(new Set(['Обратная связь по курсу']));
    expect(new Set(distributionTable!.rows.map((r) => r[0]))).toEqual(new Set(['Обратная связь по курсу']));
    // rank: x («Практика») places 1 2 1 3 1, mean 1,6; n: 2, 4, 6, mean 4.
    const answers = distributionTable!.rows.map((r) => r[3]);
    expect(answers).toContain('Практика: среднее место 1,6');
    expect(answers).toContain('Среднее 4 (2–6)');
  });
});
