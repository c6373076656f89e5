// The «Повод» column names an occasion for people: the plan's title for it, else when it comes
// after the course; the id stays where scripts read it (the rows' `occasion`, `stats --json`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stagePlanProblems } from '../../src/domain/post-course-plan.js';
import { DEFAULT_STAGE_PLAN } from '../../src/domain/stage-plan.js';
import type { StagePlan } from '../../src/domain/stage.js';
import { computeAggregates, responseRate } from '../../src/monitoring/aggregates.js';
import { summaryTables } from '../../src/monitoring/tables.js';
import type { Store } from '../../src/store/index.js';
import { readFileSync } from 'node:fs';
import { loadQuestionnaires } from '../../src/questionnaires/index.js';
import { parseSupportModel } from '../../src/support-models/load.js';
import { occasionName, occasionNames } from '../../src/support-models/names.js';
import { planFromModel } from '../../src/support-models/plan.js';
import { openTestStore } from '../support/store.js';
import { seedMonitoringFixture, type MonitoringFixture } from './fixture.js';

const plan = (questionnaires: StagePlan['questionnaires']): StagePlan => ({ ...DEFAULT_STAGE_PLAN, questionnaires });

describe('an occasion’s name', () => {
  it('is the plan’s title for it, in the reader’s language', () => {
    const titled = plan([
      {
        questionnaireId: 'exit',
        offset: '+1d',
        occasion: 'exit',
        title: { ru: 'в последний день курса', kk: 'курстың соңғы күні', en: 'on the last day of the course' },
      },
    ]);
    expect(['ru', 'kk', 'en'].map((l) => occasionName(l as 'ru', titled, 'exit'))).toEqual([
      'в последний день курса',
      'курстың соңғы күні',
      'on the last day of the course',
    ]);
  });

  it('is otherwise when it comes after the course, in days, weeks or months', () => {
    const p = plan([
      { questionnaireId: 'exit', offset: '+1d', occasion: 'exit' },
      { questionnaireId: 'entry', offset: '+3d', occasion: 'entry' },
      { questionnaireId: 'difficulties', offset: '+2w', occasion: 'difficulties-2w' },
      { questionnaireId: 'impact', offset: '+6m', occasion: 'impact-6m' },
      { questionnaireId: 'impact', offset: '+11m', occasion: 'impact-11m' },
      { questionnaireId: 'impact', offset: '+21m', occasion: 'impact-21m' },
    ]);
    const ids = ['exit', 'entry', 'difficulties-2w', 'impact-6m', 'impact-11m', 'impact-21m'];
    expect(ids.map((o) => occasionName('ru', p, o))).toEqual([
      'через 1 день после курса',
      'через 3 дня после курса',
      'через 2 недели после курса',
      'через 6 месяцев после курса',
      'через 11 месяцев после курса',
      'через 21 месяц после курса',
    ]);
    expect(occasionName('kk', p, 'impact-6m')).toBe('курстан 6 ай өткен соң');
    expect(occasionName('kk', p, 'difficulties-2w')).toBe('курстан 2 апта өткен соң');
    expect(occasionName('en', p, 'exit')).toBe('1 day after the course');
    expect(occasionName('en', p, 'impact-6m')).toBe('6 months after the course');
  });

  it('names a sample’s survey by its sample; an occasion no plan has keeps its id', () => {
    expect(occasionName('ru', DEFAULT_STAGE_PLAN, 'sample-65f1c0ffee0000000000abcd')).toBe(
      'выборочный опрос 65f1c0ffee0000000000abcd',
    );
    expect(occasionName('kk', undefined, 'sample-65f1c0ffee0000000000abcd')).toBe(
      '65f1c0ffee0000000000abcd іріктемесі бойынша сауалнама',
    );
    expect(occasionName('ru', DEFAULT_STAGE_PLAN, 'spring-poll')).toBe('spring-poll');
  });

  it('over several cohorts’ plans: the one name they agree on, or each of theirs where they moved it', () => {
    const a = plan([{ questionnaireId: 'difficulties', offset: '+2m', occasion: 'difficulties' }]);
    const b = plan([{ questionnaireId: 'difficulties', offset: '+3m', occasion: 'difficulties' }]);
    expect(occasionNames([a, a], 'ru')('difficulties')).toBe('через 2 месяца после курса');
    expect(occasionNames([a, b], 'ru')('difficulties')).toBe('через 2 месяца после курса / через 3 месяца после курса');
    expect(occasionNames([a], 'ru')('other')).toBe('other');
  });
});

describe('a support model’s title for a run of a questionnaire', () => {
  const source = 'flows/models/kz-three-stage.yaml';
  const shipped = readFileSync(source, 'utf8');
  const { catalog } = loadQuestionnaires('questionnaires');
  const line = '{ questionnaireId: difficulties, offset: "+2m", occasion: difficulties-2m }';

  it('is optional, and names the run in every plan made from the model', () => {
    expect(shipped).toContain(line);
    const titled = shipped.replace(
      line,
      '{ questionnaireId: difficulties, offset: "+2m", occasion: difficulties-2m, title: { ru: "затруднения в начале пути", kk: "жол басындағы қиындықтар", en: "early difficulties" } }',
    );
    const { model, errors } = parseSupportModel(source, titled, catalog);
    expect(errors).toEqual([]);
    const p = planFromModel(model!);
    expect(occasionName('ru', p, 'difficulties-2m')).toBe('затруднения в начале пути');
    expect(occasionName('kk', p, 'difficulties-2m')).toBe('жол басындағы қиындықтар');
    // The runs without one are named by their offset.
    expect(occasionName('ru', p, 'impact-6m')).toBe('через 6 месяцев после курса');
    // The scheduler and `cohort import` check the plan again: a title must not make it unusable.
    expect(stagePlanProblems(p)).toEqual([]);
  });

  it('needs all three languages', () => {
    const { errors } = parseSupportModel(
      source,
      shipped.replace(line, line.replace(' }', ', title: { ru: "затруднения" } }')),
      catalog,
    );
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.line === 57)).toBe(true);
  });
});

describe('the response-rate rows and the stats table', () => {
  let store: Store;
  let fx: MonitoringFixture;

  beforeAll(async () => {
    store = await openTestStore();
    fx = await seedMonitoringFixture(store, 'Методика');
    // NAT25A's plan names its exit survey; HUM25A runs the default plan (exit the day after the course).
    const repos = store.repositories;
    const c1 = fx.cohorts.c1;
    await repos.cohorts.upsertByCode({
      code: c1.code,
      programmeId: c1.programmeId,
      title: c1.title,
      courseStart: c1.courseStart,
      courseEnd: c1.courseEnd,
      timeZone: c1.timeZone,
      locale: c1.locale,
      curatorIds: c1.curatorIds,
      tutorIds: c1.tutorIds,
      stagePlan: plan([
        {
          questionnaireId: 'exit',
          offset: '+1d',
          occasion: 'exit',
          title: { ru: 'итоговая анкета курса', kk: 'курстың қорытынды сауалнамасы', en: 'end-of-course survey' },
        },
      ]),
    });
  });
  afterAll(() => store.close());

  it('keep the id and name it per cohort, in Russian, Kazakh and English', async () => {
    const deps = { models: store.models, catalog: fx.catalog };
    const ru = await responseRate(deps, { cohortIds: [fx.cohorts.c1.id] }, 'ru');
    expect(ru.map((r) => [r.occasion, r.occasionLabel, r.enrolled, r.completed])).toEqual([
      ['exit', 'итоговая анкета курса', 5, 3],
    ]);
    const kk = await responseRate(deps, { cohortIds: [fx.cohorts.c2.id] }, 'kk');
    expect(kk.map((r) => [r.occasion, r.occasionLabel])).toEqual([['exit', 'курстан 1 күн өткен соң']]);
    // Both cohorts in one row: each cohort's name for it.
    const both = await responseRate(deps, {}, 'en');
    expect(both.map((r) => [r.occasion, r.occasionLabel])).toEqual([
      ['exit', 'end-of-course survey / 1 day after the course'],
    ]);
    const c1 = { cohortIds: [fx.cohorts.c1.id] };
    const table = summaryTables(await computeAggregates(deps, c1, 'ru'), 'ru');
    expect(table[0]!.headers.slice(0, 2)).toEqual(['Анкета', 'Повод']);
    expect(table[0]!.rows).toEqual([['Обратная связь по курсу', 'итоговая анкета курса', 'Всего', 5, 4, 3, 60]]);
  });
});
