// The shipped support models load and say what their regulations say; broken model files are
// refused with the file, the field and the problem.
import { word } from '../../src/i18n/index.js';
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../src/engine/index.js';
import { modelReferenceProblems, parseSupportModel } from '../../src/support-models/load.js';
import { createCatalog, problemWords } from '../../src/questionnaires/index.js';
import { planFromModel, resolveModel, sameRunning } from '../../src/support-models/plan.js';
import { stagePlanProblems } from '../../src/domain/post-course-plan.js';
import { DEFAULT_STAGE_PLAN } from '../../src/domain/stage-plan.js';

const root = new URL('../../', import.meta.url).pathname;
const { content, errors } = loadContent(root);
const models = content.models;
const source = 'flows/models/broken.yaml';

const good = `
id: broken
version: 1
title: { ru: "Модель", kk: "Модель", en: "Model" }
regulation: "Положение"
requiredActivities: 2
stages:
  - { stage: 1, title: { ru: "план", kk: "жоспар", en: "plan" }, startOffset: "+1d" }
  - { stage: 2, title: { ru: "итоги", kk: "қорытынды", en: "results" }, startOffset: "+6m" }
questionnaires:
  - { questionnaireId: school-self-assessment, offset: "+5m", occasion: sa-1 }
reminders: { afterDays: 3, maxCount: 2 }
`;
/** The problems in English, as the server's refusal to start names them. */
const parse = (text: string) => {
  const { model, errors } = parseSupportModel(source, text, content.questionnaires);
  return { model, errors: errors.map(problemWords('en')) };
};

describe('shipped support models', () => {
  it('load without an error, one per regulation, the Kazakhstan three-stage model the default', () => {
    expect(errors).toEqual([]);
    expect(
      models
        .all()
        .map((m) => m.id)
        .sort(),
    ).toEqual(['kaltan-tutor', 'kz-three-stage', 'school-two-stage', 'tutaev-route']);
    expect(models.default()?.id).toBe('kz-three-stage');
  });

  it('Kazakhstan: three stages at +1d, +1m, +10m, three activities, stage 3 needs a live link: the default plan as before', () => {
    const plan = planFromModel(models.get('kz-three-stage')!);
    expect(plan.stages.map((s) => [s.stage, s.startOffset, s.title?.ru])).toEqual([
      [1, '+1d', 'план мероприятий'],
      [2, '+1m', 'реализация плана и публикация материалов'],
      [3, '+10m', 'представление результатов'],
    ]);
    expect(plan.stages.map((s) => s.rules)).toEqual(DEFAULT_STAGE_PLAN.stages.map((s) => s.rules));
    expect(plan.questionnaires).toEqual(DEFAULT_STAGE_PLAN.questionnaires);
    expect(plan.requiredActivities).toBe(3);
    expect(sameRunning(plan, DEFAULT_STAGE_PLAN)).toBe(true);
    expect(sameRunning(planFromModel(models.get('school-two-stage')!), DEFAULT_STAGE_PLAN)).toBe(false);
    expect(stagePlanProblems(plan)).toEqual([]);
  });

  it('school: two stages, the self-assessment twice, a rating on two indicators and their total', () => {
    const m = models.get('school-two-stage')!;
    expect(m.stages).toHaveLength(2);
    expect(
      m.questionnaires.filter((q) => q.questionnaireId === 'school-self-assessment').map((q) => q.occasion),
    ).toEqual(['self-assessment-h1', 'self-assessment-h2']);
    expect(m.ratings?.[0]?.indicators.map((i) => i.formula)).toEqual([
      { sum: ['c1_conditions', 'c1_resources'] },
      { sum: ['c2_community', 'c2_publications', 'c2_mentoring'] },
    ]);
    expect(m.ratings?.[0]?.total?.formula).toEqual({ sum: ['conditions', 'community'] });
  });

  it('Tutaev: at least three independent works; Kaltan: a tutor for every teacher and the diagnosis first', () => {
    expect(models.get('tutaev-route')!.requiredActivities).toBe(3);
    const kaltan = models.get('kaltan-tutor')!;
    expect(kaltan.tutorRequired).toBe(true);
    // The diagnosis is the entry questionnaire's questions that this model adds, not a questionnaire of its own.
    expect(kaltan.questionnaires.find((q) => q.offset === '+1d' && q.questionnaireId === 'entry')).toBeDefined();
    expect(content.questionnaires.get('tutor-diagnosis')).toBeUndefined();
    const entry = content.questionnaires.get('entry')!;
    expect(entry.questions.filter((q) => q.models?.includes('kaltan-tutor')).map((q) => q.id)).toEqual([
      'direction',
      'motives',
      'r_self_study',
      'r_try_new',
      'r_open_lesson',
      'forms',
    ]);
    expect(kaltan.diagnosis).toEqual({
      questionnaireId: 'entry',
      questions: ['direction', 'motives', 'forms'],
      rating: 'diagnosis',
    });
    expect(kaltan.ratings?.[0]?.indicators.map((i) => i.id)).toEqual(['qualities', 'readiness']);
    // The regulation gives no levels, so none are made up.
    expect(kaltan.ratings?.[0]?.indicators.some((i) => i.levels)).toBe(false);
    expect(kaltan.stages[2]!.rules?.completed).toEqual({ all: [{ kind: 'curator-decision' }] });
  });

  it("no other model's teachers are asked Kaltan's diagnosis, and its rating cannot be borrowed", () => {
    const otherRating =
      good.replace(
        'questionnaires:\n',
        'questionnaires:\n  - { questionnaireId: entry, offset: "+1d", occasion: entry }\n',
      ) +
      'ratings:\n  - { id: r, title: { ru: "р", kk: "р", en: "r" }, questionnaireId: entry, indicators: [{ id: x, title: { ru: "х", kk: "х", en: "x" }, formula: { mean: [r_self_study] } }] }\n';
    expect(parse(otherRating).errors).toEqual([
      'flows/models/broken.yaml: ratings[1].indicators[1].formula.mean[1]: question "r_self_study" is asked only in models kaltan-tutor (line 15)',
    ]);
    const diagnosis = `${good}diagnosis: { questionnaireId: entry, questions: [motives, nope], rating: missing }\n`;
    expect(parse(diagnosis).errors).toEqual([
      'flows/models/broken.yaml: diagnosis.rating: no rating "missing" in this model\'s ratings (line 13)',
    ]);
    const unscheduled = `${good}diagnosis: { questionnaireId: entry, questions: [experience, nope] }\n`;
    expect(parse(unscheduled).errors).toEqual([
      'flows/models/broken.yaml: diagnosis.questionnaireId: "entry" is not in the model\'s questionnaire schedule (line 13)',
      'flows/models/broken.yaml: diagnosis.questions[2]: no question "nope" in questionnaire "entry" (line 13)',
    ]);
  });

  it('every shipped model gives a plan the scheduler accepts', () => {
    for (const m of models.all()) expect(stagePlanProblems(planFromModel(m)), m.id).toEqual([]);
  });
});

describe('broken model files', () => {
  it('a good one passes', () => {
    expect(parse(good).errors).toEqual([]);
  });

  it.each([
    [
      'a missing translation',
      good.replace('kk: "қорытынды", ', ''),
      'flows/models/broken.yaml: stages[2].title.kk is required (line 9)',
    ],
    [
      'stages out of order',
      good.replace('{ stage: 2,', '{ stage: 3,'),
      'flows/models/broken.yaml: stages[2].stage: expected stage 2: stages are numbered 1, 2, 3… in order (line 9)',
    ],
    [
      'a bad offset',
      good.replace('"+6m"', '"6 months"'),
      'flows/models/broken.yaml: stages[2].startOffset must be an offset from the course end such as +7d, +2w or +6m (line 9)',
    ],
    [
      'a stage starting before the one before it',
      good.replace('"+6m"', '"+0d"'),
      "flows/models/broken.yaml: stages[2].startOffset: +0d is before stage 1's start (+1d) (line 9)",
    ],
    [
      'an unknown questionnaire',
      good.replace('questionnaireId: school-self-assessment', 'questionnaireId: self-rating'),
      'flows/models/broken.yaml: questionnaires[1].questionnaireId: no questionnaire "self-rating" in questionnaires/ (line 11)',
    ],
    [
      'an unknown field',
      good.replace('requiredActivities: 2', 'requiredActivities: 2\nthreshold: 5'),
      'flows/models/broken.yaml: unknown field "threshold" (line 7)',
    ],
    [
      'an id that is not the file name',
      good.replace('id: broken', 'id: other'),
      'flows/models/broken.yaml: id: "other" does not match the file name (expected "broken") (line 2)',
    ],
    [
      'a duplicate occasion',
      good.replace(
        'occasion: sa-1 }',
        'occasion: sa-1 }\n  - { questionnaireId: entry, offset: "+1d", occasion: sa-1 }',
      ),
      'flows/models/broken.yaml: questionnaires[2].occasion: occasion "sa-1" is already in the schedule (line 12)',
    ],
    [
      'a stage rule of an unknown kind',
      good.replace(
        'startOffset: "+6m" }',
        'startOffset: "+6m", rules: { completed: { all: [{ kind: approved-by-director }] } } }',
      ),
      'flows/models/broken.yaml: stages[2].rules.completed has the wrong form (line 9)',
    ],
    [
      'a rule naming an unknown questionnaire',
      good.replace(
        'startOffset: "+6m" }',
        'startOffset: "+6m", rules: { completed: { all: [{ kind: questionnaire-completed, questionnaireId: nope }] } } }',
      ),
      'flows/models/broken.yaml: stages[2].rules.completed.all[1].questionnaireId: no questionnaire "nope" in questionnaires/ (line 9)',
    ],
  ])('refuses %s', (_what, text, message) => {
    const { model, errors: found } = parse(text);
    expect(model).toBeUndefined();
    expect(found.includes(message), found.join('\n')).toBe(true);
  });

  it('refuses a rating over a question that is missing or not a number', () => {
    const rated = `${good}ratings:
  - id: r
    title: { ru: "Р", kk: "Р", en: "R" }
    questionnaireId: school-self-assessment
    indicators:
      - { id: a, title: { ru: "А", kk: "А", en: "A" }, formula: { sum: [c1_conditions, comment, nope] } }
    total: { title: { ru: "И", kk: "И", en: "T" }, formula: { mean: [a, b] } }
`;
    expect(parse(rated).errors).toEqual([
      'flows/models/broken.yaml: ratings[1].total.formula.mean[2]: no indicator "b" in this rating (line 19)',
    ]);
    const fixed = rated.replace('mean: [a, b]', 'mean: [a]');
    expect(parse(fixed).errors).toEqual([
      'flows/models/broken.yaml: ratings[1].indicators[1].formula.sum[2]: question "comment" is long_text; a formula needs likert, number or yes_no answers (line 18)',
      'flows/models/broken.yaml: ratings[1].indicators[1].formula.sum[3]: no question "nope" in questionnaire "school-self-assessment" (line 18)',
    ]);
  });
});

describe('a cohort chooses its model and changes parts of it', () => {
  const exists = (id: string) => content.questionnaires.get(id) !== undefined;
  it('moves a stage, asks for more activities, and says what is wrong with a bad change', () => {
    const r = resolveModel(
      models,
      'school-two-stage',
      { stages: [{ stage: 2, startOffset: '+5m' }], requiredActivities: 2 },
      exists,
    );
    expect(r.problems).toEqual([]);
    expect(r.plan?.stages.map((s) => s.startOffset)).toEqual(['+1d', '+5m']);
    expect(r.plan?.requiredActivities).toBe(2);
    expect(r.plan?.model).toBe('school-two-stage');
    expect(
      resolveModel(models, 'school-two-stage', { stages: [{ stage: 3, startOffset: '+9m' }] }, exists).problems.map(
        (p) => ({ path: p.path, message: word('ru', p.message) }),
      ),
    ).toEqual([
      { path: ['stagePlan', 'stages', 0, 'stage'], message: 'в модели «school-two-stage» нет этапа 3 (этапов: 2)' },
    ]);
    const twice = resolveModel(
      models,
      'school-two-stage',
      {
        questionnaires: [
          { questionnaireId: 'exit', offset: '+1m', occasion: 'final' },
          { questionnaireId: 'impact', offset: '+2m', occasion: 'final' },
        ],
      },
      exists,
    ).problems;
    expect(twice.map((p) => [p.path, word('ru', p.message), word('kk', p.message)])).toEqual([
      [
        ['stagePlan'],
        'план после изменений не годится: questionnaires[1].occasion — повод «final» уже есть в плане',
        'өзгерістерден кейінгі жоспар жарамсыз: questionnaires[1].occasion — «final» себебі жоспарда бұрыннан бар',
      ],
    ]);
    const unknown = resolveModel(models, 'finnish', undefined, exists).problems[0];
    expect(unknown && word('ru', unknown.message)).toBe(
      'нет модели сопровождения «finnish»; есть: kaltan-tutor, kz-three-stage, school-two-stage, tutaev-route',
    );
    expect(resolveModel(models, undefined, undefined, exists).plan?.model).toBe('kz-three-stage');
  });
});

describe('questions asked only in some models', () => {
  it('must name models that exist', () => {
    const entry = content.questionnaires.get('entry')!;
    const misspelt = {
      ...entry,
      questions: entry.questions.map((q) => (q.id === 'motives' ? { ...q, models: ['kaltan-tutr'] } : q)),
    };
    expect(modelReferenceProblems(createCatalog([misspelt]), models).map(problemWords('en'))).toEqual([
      'questionnaires/entry.yaml: question motives: models: no support model "kaltan-tutr" in flows/models/ (there are: kaltan-tutor, kz-three-stage, school-two-stage, tutaev-route)',
    ]);
    expect(modelReferenceProblems(content.questionnaires, models)).toEqual([]);
  });
});

describe('a broken model file in the staff’s language', () => {
  it('names every shape problem of the file in one pass (the cross-checks follow once the shape is right), in Russian and in Kazakh', () => {
    const text = good
      .replace('kk: "қорытынды", ', '')
      .replace('"+6m"', '"6 months"')
      .replace('requiredActivities: 2', 'requiredActivities: 0\nthreshold: 5');
    const { errors } = parseSupportModel(source, text, content.questionnaires);
    expect(errors.map(problemWords('ru'))).toEqual([
      'flows/models/broken.yaml: поле requiredActivities должно быть не меньше 1 (строка 6)',
      'flows/models/broken.yaml: неизвестное поле «threshold» (строка 7)',
      'flows/models/broken.yaml: поле stages[2].title.kk обязательно, но не заполнено (строка 10)',
      'flows/models/broken.yaml: поле stages[2].startOffset должно быть сроком от конца курса: +7d, +2w или +6m (строка 10)',
    ]);
    expect(problemWords('kk')(errors[0]!)).toBe(
      'flows/models/broken.yaml: requiredActivities өрісі кемінде 1 болуы керек (6-жол)',
    );
  });

  it('names the cross-checks against the questionnaires in Russian', () => {
    const text = good.replace('questionnaireId: school-self-assessment', 'questionnaireId: self-rating');
    const { errors } = parseSupportModel(source, text.replace('id: broken', 'id: other'), content.questionnaires);
    expect(errors.map(problemWords('ru'))).toEqual([
      'flows/models/broken.yaml: id: «other» не совпадает с именем файла (ожидается «broken») (строка 2)',
      'flows/models/broken.yaml: questionnaires[1].questionnaireId: анкеты «self-rating» нет в questionnaires/ (строка 11)',
    ]);
  });
});
