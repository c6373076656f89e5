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
import { readSample, sampleCohortPath } from './helpers.js';

const root = new URL('../../', import.meta.url).pathname;
const { content } = loadContent(root);
const defaults = { timeZone: 'Europe/Moscow', locale: 'ru' as const, models: content.models, questionnaireExists: (id: string) => content.questionnaires.get(id) !== undefined };
const sample = readSample(sampleCohortPath);
const withCohortLines = (lines: string) => sample.replace('  language: kk            # ru | kk | en; по умолчанию DEFAULT_LOCALE', `  language: kk\n${lines}`);

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
    await importText(withCohortLines('  model: school-two-stage\n  stagePlan:\n    stages: [{ stage: 2, startOffset: "+5m" }]\n    requiredActivities: 2'));
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

    const again = await importText(withCohortLines('  model: school-two-stage\n  stagePlan:\n    stages: [{ stage: 2, startOffset: "+5m" }]\n    requiredActivities: 2'));
    expect(again.cohort.action).toBe('unchanged');
    const plain = await importText(sample);
    expect(plain.cohort.changedFields).not.toContain('stagePlan');
    expect((await repos.cohorts.findByCode('FG72-SPRING'))!.stagePlan?.model).toBe('school-two-stage');

    const switched = await importText(withCohortLines('  model: tutaev-route'));
    expect(switched.cohort.changedFields).toEqual(['stagePlan']);
    expect((await repos.cohorts.findByCode('FG72-SPRING'))!.stagePlan?.stages).toHaveLength(3);
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
    expect(problems(withCohortLines('  model: school-two-stage\n  stagePlan:\n    stages: [{ stage: 3, startOffset: "+9m" }]'))).toEqual([
      'cohort.stagePlan.stages[0].stage: в модели «school-two-stage» нет этапа 3 (этапов: 2)',
    ]);
    expect(problems(withCohortLines('  stagePlan:\n    questionnaires: [{ questionnaireId: nope, offset: "+1m", occasion: x }]'))).toEqual([
      'cohort.stagePlan.questionnaires[0].questionnaireId: нет анкеты «nope» в questionnaires/',
    ]);
    const noTutor = withCohortLines('  model: kaltan-tutor').replace('    tutor: "+7 705 555 20 01"\n', '');
    expect(problems(noTutor)).toEqual(['participants[0].tutor: в модели «kaltan-tutor» за каждым педагогом закреплён тьютор: укажите его']);
  });
});
