// A cohort file names its support model (and may change parts of it); `cohort import` checks it,
// stores the plan, and a later import naming none keeps what the cohort has.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Repositories } from '../../src/domain/repositories.js';
import { loadContent } from '../../src/engine/index.js';
import { applyCohortFile } from '../../src/import/apply-cohort.js';
import { parseCohortFile } from '../../src/import/cohort-file.js';
import { formatProblem } from '../../src/import/fields.js';
import type { Store } from '../../src/store/index.js';
import { openTestStore } from '../support/store.js';
import { readSample, sampleCohortPath, sampleCsvPath } from './helpers.js';
import { applyParticipants } from '../../src/import/apply-participants.js';
import { parseParticipantsCsv } from '../../src/import/participants-csv.js';
import { occasionName } from '../../src/support-models/names.js';

const root = new URL('../../', import.meta.url).pathname;
const { content } = loadContent(root);
const defaults = {
  timeZone: 'Europe/Moscow',
  locale: 'ru' as const,
  models: content.models,
  questionnaireExists: (id: string) => content.questionnaires.get(id) !== undefined,
};
const sample = readSample(sampleCohortPath);
const withProgrammeLines = (text: string, lines: string) => text.replace('  hours: 72\n', `  hours: 72\n${lines}\n`);
/** The sample as another cohort of the same programme, with its own code, title and people. */
const secondCohort = (text: string) =>
  text
    .replace('code: FG72-SPRING', 'code: FG72-AUTUMN')
    .replace('Поток весна 2026', 'Поток осень 2026')
    .replaceAll('555 3', '556 3')
    .replaceAll('555-3', '556-3')
    .replace('"@dinara_nurg"', '"@dinara_autumn"');
const stagesOf = async (code: string) => {
  const cohort = (await repos.cohorts.findByCode(code))!;
  return (await repos.enrollments.listByCohort(cohort.id)).map((e) => e.stages.map((s) => s.stage));
};
const withCohortLines = (lines: string) =>
  sample.replace('  language: kk            # ru | kk | en; по умолчанию DEFAULT_LOCALE', `  language: kk\n${lines}`);

let store: Store;
let repos: Repositories;
beforeEach(async () => {
  store = await openTestStore();
  repos = store.repositories;
});
afterEach(async () => {
  await store?.close();
});

function parse(text: string) {
  return parseCohortFile(text, 'cohort.yaml', defaults);
}

async function importText(text: string) {
  const parsed = parse(text);
  if (!parsed.ok) throw new Error(parsed.error.map(formatProblem).join('\n'));
  const applied = await applyCohortFile(repos, parsed.value, { now: new Date('2026-03-01T09:00:00Z') });
  if (!applied.ok) throw new Error(applied.error.map(formatProblem).join('\n'));
  return applied.value;
}

describe('a cohort file with a support model', () => {
  it('imports the school model with a moved stage, stores its two stages, and keeps them on a re-import naming none', async () => {
    await importText(
      withCohortLines(
        '  model: school-two-stage\n  stagePlan:\n    stages: [{ stage: 2, startOffset: "+5m" }]\n    requiredActivities: 2',
      ),
    );
    const cohort = (await repos.cohorts.findByCode('FG72-SPRING'))!;
    expect(cohort.stagePlan?.model).toBe('school-two-stage');
    expect(cohort.stagePlan?.stages.map((s) => [s.stage, s.startOffset, s.title?.kk])).toEqual([
      [1, '+1d', 'оқу нәтижелерін пайымдау және тәжірибеге көшіру'],
      [2, '+5m', 'кәсіби даму, тәжірибені жинақтау және тарату'],
    ]);
    expect(cohort.stagePlan?.requiredActivities).toBe(2);
    expect(cohort.stagePlan?.stages[1]?.rules?.completed).toEqual({
      all: [
        { kind: 'accepted-activities', count: 'required' },
        { kind: 'questionnaire-completed', questionnaireId: 'school-self-assessment', occasion: 'self-assessment-h2' },
      ],
    });

    const again = await importText(
      withCohortLines(
        '  model: school-two-stage\n  stagePlan:\n    stages: [{ stage: 2, startOffset: "+5m" }]\n    requiredActivities: 2',
      ),
    );
    expect(again.cohort.action).toBe('unchanged');
    const plain = await importText(sample);
    expect(plain.cohort.changedFields).not.toContain('stagePlan');
    expect((await repos.cohorts.findByCode('FG72-SPRING'))!.stagePlan?.model).toBe('school-two-stage');

    const switched = await importText(withCohortLines('  model: tutaev-route'));
    expect(switched.cohort.changedFields).toEqual(['stagePlan']);
    expect((await repos.cohorts.findByCode('FG72-SPRING'))!.stagePlan?.stages).toHaveLength(3);
  });

  it('a file that replaces the schedule may name its runs, and those names are what reports call them', async () => {
    await importText(
      withCohortLines(
        [
          '  stagePlan:',
          '    questionnaires:',
          '      - { questionnaireId: exit, offset: "+1d", occasion: exit }',
          '      - { questionnaireId: stage-1-plan, offset: "+14d", occasion: stage-1 }',
          '      - { questionnaireId: difficulties, offset: "+2m", occasion: difficulties-2m, title: { ru: "затруднения в начале пути" } }',
          '      - { questionnaireId: stage-2-progress, offset: "+5m", occasion: stage-2 }',
          '      - { questionnaireId: stage-3-results, offset: "+10m", occasion: stage-3 }',
          '      - { questionnaireId: impact, offset: "+11m", occasion: impact-11m, title: { ru: "итоги года", kk: "жыл қорытындысы" } }',
        ].join('\n'),
      ),
    );
    const plan = (await repos.cohorts.findByCode('FG72-SPRING'))!.stagePlan;
    expect(plan?.questionnaires.map((q) => [q.occasion, q.title?.ru ?? null])).toEqual([
      ['exit', null],
      ['stage-1', null],
      ['difficulties-2m', 'затруднения в начале пути'],
      ['stage-2', null],
      ['stage-3', null],
      ['impact-11m', 'итоги года'],
    ]);
    expect(['ru', 'kk'].map((l) => occasionName(l as 'ru', plan, 'difficulties-2m'))).toEqual([
      'затруднения в начале пути',
      'затруднения в начале пути',
    ]);
    expect(['ru', 'kk'].map((l) => occasionName(l as 'ru', plan, 'impact-11m'))).toEqual([
      'итоги года',
      'жыл қорытындысы',
    ]);
    expect(occasionName('ru', plan, 'exit')).toBe('через 1 день после курса');

    const refused = parse(
      withCohortLines(
        '  stagePlan:\n    questionnaires: [{ questionnaireId: impact, offset: "+11m", occasion: impact-11m, title: { kk: "жыл" } }]',
      ),
    );
    expect(refused.ok).toBe(false);
  });

  it('a file naming no model leaves a new cohort on the default plan', async () => {
    await importText(sample);
    expect((await repos.cohorts.findByCode('FG72-SPRING'))!.stagePlan).toBeUndefined();
  });

  it('refuses an unknown model, a change the model cannot take, and a Kaltan cohort with a teacher without a tutor', () => {
    const problems = (text: string) => {
      const r = parse(text);
      return r.ok ? [] : r.error.map(formatProblem);
    };
    expect(problems(withCohortLines('  model: finland'))).toEqual([
      'cohort.model: нет модели сопровождения «finland»; есть: kaltan-tutor, kz-three-stage, school-two-stage, tutaev-route',
    ]);
    expect(
      problems(
        withCohortLines('  model: school-two-stage\n  stagePlan:\n    stages: [{ stage: 3, startOffset: "+9m" }]'),
      ),
    ).toEqual(['cohort.stagePlan.stages[0].stage: в модели «school-two-stage» нет этапа 3 (этапов: 2)']);
    expect(
      problems(
        withCohortLines('  stagePlan:\n    questionnaires: [{ questionnaireId: nope, offset: "+1m", occasion: x }]'),
      ),
    ).toEqual(['cohort.stagePlan.questionnaires[0].questionnaireId: нет анкеты «nope» в questionnaires/']);
    const noTutor = withCohortLines('  model: kaltan-tutor').replace('    tutor: "+7 705 555 20 01"\n', '');
    expect(problems(noTutor)).toEqual([
      'participants[0].tutor: в модели «kaltan-tutor» за каждым педагогом закреплён тьютор: укажите его',
    ]);
  });

  it("a programme chooses the model: its teachers get exactly the model's stages, and a cohort may choose another", async () => {
    const outcome = await importText(withProgrammeLines(sample, '  model: school-two-stage'));
    const programme = (await repos.programmes.findByCode('FG-72'))!;
    expect(programme.stagePlan?.model).toBe('school-two-stage');
    expect((await repos.cohorts.findByCode('FG72-SPRING'))!.stagePlan).toBeUndefined();
    expect(outcome.enrollments.enrolled).toBe(3);
    expect(await stagesOf('FG72-SPRING')).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);

    await importText(
      withProgrammeLines(secondCohort(sample), '  model: school-two-stage').replace(
        '  language: kk            #',
        '  model: tutaev-route\n  language: kk            #',
      ),
    );
    expect((await repos.cohorts.findByCode('FG72-AUTUMN'))!.stagePlan?.model).toBe('tutaev-route');
    expect(await stagesOf('FG72-AUTUMN')).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it('a programme naming no model runs the default (Kazakhstan) model, kept as data on the programme', async () => {
    await importText(sample);
    const programme = (await repos.programmes.findByCode('FG-72'))!;
    expect(programme.stagePlan?.model).toBe('kz-three-stage');
    expect(programme.stagePlan?.stages.map((s) => s.title?.ru)).toEqual([
      'план мероприятий',
      'реализация плана и публикация материалов',
      'представление результатов',
    ]);
    expect(await stagesOf('FG72-SPRING')).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it('existing cohorts keep what they have when their programme moves to another model', async () => {
    await importText(sample);
    const spring = (await repos.cohorts.findByCode('FG72-SPRING'))!;
    const before = await repos.enrollments.listByCohort(spring.id);

    const outcome = await importText(withProgrammeLines(secondCohort(sample), '  model: school-two-stage'));
    expect(outcome.programme.action).toBe('update');
    expect(outcome.keptPlan).toEqual(['FG72-SPRING']);
    const kept = (await repos.cohorts.findByCode('FG72-SPRING'))!;
    expect(kept.stagePlan?.model).toBe('kz-three-stage');
    expect(kept.stagePlan?.stages).toHaveLength(3);
    expect(await repos.enrollments.listByCohort(spring.id)).toEqual(before);
    expect(await stagesOf('FG72-AUTUMN')).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);

    // The same file again changes nothing, and pins nobody twice.
    const again = await importText(withProgrammeLines(secondCohort(sample), '  model: school-two-stage'));
    expect(again.changed).toBe(false);
    expect(again.keptPlan).toEqual([]);
  });

  it('data from before models (a programme and cohort with no plan, three stages each) runs on unchanged', async () => {
    const programme = (
      await repos.programmes.upsertByCode({
        code: 'FG-72',
        title: 'Формирование функциональной грамотности',
        direction: 'Общее образование',
        hours: 72,
      })
    ).programme;
    const legacy = (
      await repos.cohorts.upsertByCode({
        code: 'FG72-OLD',
        programmeId: programme.id,
        title: 'Поток 2025',
        courseStart: new Date('2025-03-02T00:00:00Z'),
        courseEnd: new Date('2025-03-20T00:00:00Z'),
        timeZone: 'Asia/Almaty',
        locale: 'ru',
        curatorIds: [],
        tutorIds: [],
      })
    ).cohort;
    const teacher = await repos.participants.create({
      fullName: 'Старая Учительница',
      phone: '+77015550999',
      locale: 'ru',
    });
    if (!teacher.ok) throw new Error('fixture');
    await repos.enrollments.enroll({
      participantId: teacher.value.id,
      cohortId: legacy.id,
      at: new Date('2025-03-21T00:00:00Z'),
      stages: [1, 2, 3],
    });

    // Naming no model: the programme takes the default model, which runs the year as before: nobody is pinned.
    const plain = await importText(sample);
    expect(plain.keptPlan).toEqual([]);
    expect((await repos.cohorts.findById(legacy.id))!.stagePlan).toBeUndefined();

    // Moving the programme to the school model: the old cohort keeps its three stages.
    const moved = await importText(withProgrammeLines(sample, '  model: school-two-stage'));
    expect(moved.keptPlan.sort()).toEqual(['FG72-OLD', 'FG72-SPRING']);
    expect((await repos.cohorts.findById(legacy.id))!.stagePlan?.stages.map((s) => s.stage)).toEqual([1, 2, 3]);
    expect((await repos.enrollments.listByCohort(legacy.id))[0]!.stages.map((s) => s.stage)).toEqual([1, 2, 3]);
  });

  it("a cohort moved to another model by its own file: its enrolled teachers' stages follow the new plan", async () => {
    await importText(sample);
    expect(await stagesOf('FG72-SPRING')).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    await importText(withCohortLines('  model: school-two-stage'));
    expect(await stagesOf('FG72-SPRING')).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
  });

  it('refuses an unknown programme model and a programme override its model cannot take', () => {
    const r = parse(withProgrammeLines(sample, '  model: finland'));
    expect(r.ok ? [] : r.error.map(formatProblem)).toEqual([
      'programme.model: нет модели сопровождения «finland»; есть: kaltan-tutor, kz-three-stage, school-two-stage, tutaev-route',
    ]);
    const r2 = parse(
      withProgrammeLines(
        sample,
        '  model: school-two-stage\n  stagePlan: { stages: [{ stage: 3, startOffset: "+9m" }] }',
      ),
    );
    expect(r2.ok ? [] : r2.error.map(formatProblem)).toEqual([
      'programme.stagePlan.stages[0].stage: в модели «school-two-stage» нет этапа 3 (этапов: 2)',
    ]);
  });

  it("teachers added later by the participants CSV also get exactly the stages of the cohort's model", async () => {
    await importText(withProgrammeLines(sample, '  model: school-two-stage'));
    const cohort = (await repos.cohorts.findByCode('FG72-SPRING'))!;
    const csv = parseParticipantsCsv(readSample(sampleCsvPath), { defaultCountry: 'KZ' });
    if (!csv.ok) throw new Error('sample CSV');
    const applied = await applyParticipants(repos, cohort, csv.value.rows, { now: new Date('2026-03-25T09:00:00Z') });
    expect(applied.ok && applied.value.enrollments.enrolled).toBe(csv.value.rows.length);
    const stages = await stagesOf('FG72-SPRING');
    expect(stages).toHaveLength(3 + csv.value.rows.length);
    expect(new Set(stages.map((s) => s.join(',')))).toEqual(new Set(['1,2']));
  });
});
