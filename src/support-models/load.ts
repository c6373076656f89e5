// Reads flows/models/*.yaml at start-up, like flows and questionnaires: every file is checked by
// zod, then against the questionnaires it names; a broken file stops start-up with
// "flows/models/<file>: <field>: <problem> (line N)" (problems.ts words it).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { addOffset } from '../domain/calendar.js';
import { phrase, type Phrase } from '../i18n/index.js';
import type { Questionnaire, QuestionnaireCatalog } from '../questionnaires/index.js';
import { Reporter } from '../questionnaires/issues.js';
import { readYaml } from '../questionnaires/parse.js';
import { fileProblem, shownPath, type ContentProblem } from '../questionnaires/problems.js';
import { supportModelSchema, type Formula, type SupportModelFile } from './schema.js';

export interface SupportModelCatalog {
  get(id: string): SupportModelFile | undefined;
  /** The model of cohorts whose file names none (the Kazakhstan three-stage model as shipped). */
  default(): SupportModelFile | undefined;
  all(): SupportModelFile[];
}

export function createModelCatalog(models: readonly SupportModelFile[]): SupportModelCatalog {
  const byId = new Map(models.map((m) => [m.id, m]));
  return {
    get: (id) => byId.get(id),
    default: () => models.find((m) => m.default === true),
    all: () => [...models],
  };
}

const NUMERIC_TYPES = new Set(['likert', 'number', 'yes_no']);

const operandsOf = (f: Formula): string[] => ('sum' in f ? f.sum : f.mean);

/** Every `questionnaireId` named anywhere inside a stage's rules, with where it was found. */
function ruleQuestionnaires(rules: unknown, path: readonly PropertyKey[]): { id: string; at: PropertyKey[] }[] {
  if (Array.isArray(rules)) return rules.flatMap((r, i) => ruleQuestionnaires(r, [...path, i]));
  if (typeof rules !== 'object' || rules === null) return [];
  return Object.entries(rules).flatMap(([k, v]) =>
    k === 'questionnaireId' && typeof v === 'string'
      ? [{ id: v, at: [...path, k] }]
      : ruleQuestionnaires(v, [...path, k]),
  );
}

// Every field name the format knows, to suggest the intended one for a typo.
const MODEL_FIELDS = [
  'id',
  'version',
  'default',
  'title',
  'regulation',
  'requiredActivities',
  'stages',
  'stage',
  'prompt',
  'startOffset',
  'rules',
  'questionnaires',
  'questionnaireId',
  'offset',
  'occasion',
  'closesAfter',
  'reminders',
  'afterDays',
  'maxCount',
  'finalSurvey',
  'ratings',
  'indicators',
  'formula',
  'levels',
  'from',
  'total',
  'sum',
  'mean',
  'individualPlan',
  'behindBy',
  'groupEvents',
  'tutorRequired',
  'diagnosis',
  'questions',
  'rating',
  'ru',
  'kk',
  'en',
];

/** Checks one model file's text; `source` is the name problems carry (flows/models/x.yaml). */
export function parseSupportModel(
  source: string,
  text: string,
  questionnaires: QuestionnaireCatalog,
): { model?: SupportModelFile; errors: ContentProblem[] } {
  const read = readYaml(source, text);
  if (read.problems.length > 0) return { errors: read.problems };
  const report = new Reporter(source, read.doc, read.lines, read.data, {}, MODEL_FIELDS);
  const parsed = supportModelSchema.safeParse(read.data, { reportInput: true });
  if (!parsed.success) {
    report.addZodIssues([], parsed.error.issues);
    return { errors: report.problems };
  }
  const m = parsed.data;
  const fail = (at: readonly PropertyKey[], message: Phrase) => report.add(at, message);
  const expected = basename(source).replace(/\.yaml$/, '');
  if (m.id !== expected) fail(['id'], phrase('content.m_id_not_file', { id: m.id, expected }));

  const questionnaire = (id: string, at: readonly PropertyKey[]) => {
    const q = questionnaires.get(id);
    if (!q) fail(at, phrase('content.m_no_questionnaire', { id }));
    return q;
  };
  /** A question of `q` the model may use in a formula or a diagnosis, or why not. */
  const usable = (id: string, q: Questionnaire, at: readonly PropertyKey[]) => {
    const question = q.questions.find((x) => x.id === id);
    if (!question) fail(at, phrase('content.m_no_question', { id, questionnaire: q.id }));
    else if (question.models && !question.models.includes(m.id))
      fail(at, phrase('content.m_question_models', { id, models: question.models.join(', ') }));
    else return question;
    return undefined;
  };
  m.questionnaires.forEach((q, i) => {
    questionnaire(q.questionnaireId, ['questionnaires', i, 'questionnaireId']);
  });
  m.stages.forEach((s, i) => {
    for (const ref of ruleQuestionnaires(s.rules, ['stages', i, 'rules'])) questionnaire(ref.id, ref.at);
    const previous = m.stages[i - 1];
    // Any fixed date orders offsets the same way.
    if (previous && addOffset('2001-01-31', s.startOffset) < addOffset('2001-01-31', previous.startOffset)) {
      fail(
        ['stages', i, 'startOffset'],
        phrase('content.m_stage_before', {
          offset: s.startOffset,
          stage: previous.stage,
          previous: previous.startOffset,
        }),
      );
    }
  });
  if (m.individualPlan) questionnaire(m.individualPlan.questionnaireId, ['individualPlan', 'questionnaireId']);
  if (m.diagnosis) {
    const q = questionnaire(m.diagnosis.questionnaireId, ['diagnosis', 'questionnaireId']);
    if (q && !m.questionnaires.some((s) => s.questionnaireId === q.id)) {
      fail(['diagnosis', 'questionnaireId'], phrase('content.m_not_scheduled', { id: q.id }));
    }
    if (q) for (const [i, id] of m.diagnosis.questions.entries()) usable(id, q, ['diagnosis', 'questions', i]);
  }
  m.ratings?.forEach((r, i) => {
    const q = questionnaire(r.questionnaireId, ['ratings', i, 'questionnaireId']);
    if (!q) return;
    if (!m.questionnaires.some((s) => s.questionnaireId === r.questionnaireId)) {
      fail(['ratings', i, 'questionnaireId'], phrase('content.m_rated_not_scheduled', { id: r.questionnaireId }));
    }
    r.indicators.forEach((ind, j) => {
      const key = 'sum' in ind.formula ? 'sum' : 'mean';
      operandsOf(ind.formula).forEach((id, k) => {
        const at = ['ratings', i, 'indicators', j, 'formula', key, k];
        const question = usable(id, q, at);
        if (question && !NUMERIC_TYPES.has(question.type))
          fail(at, phrase('content.m_not_numeric', { id, type: question.type }));
      });
    });
  });
  const problems = report.problems;
  return problems.length > 0 ? { errors: problems } : { model: m, errors: problems };
}

/**
 * A question asked only in some models (`models:` in a questionnaire) must name models that exist:
 * a misspelt id would silently never ask it. Checked where both folders are loaded (engine/index.ts).
 */
export function modelReferenceProblems(
  questionnaires: QuestionnaireCatalog,
  models: SupportModelCatalog,
): ContentProblem[] {
  const known = new Set(models.all().map((m) => m.id));
  return questionnaires
    .all()
    .flatMap((q) =>
      q.questions.flatMap((question) =>
        (question.models ?? [])
          .filter((id) => !known.has(id))
          .map((id) =>
            fileProblem(q.source, phrase('content.m_unknown_model', { id, known: [...known].join(', ') }), [
              phrase('content.at_question', { id: question.id }),
            ]),
          ),
      ),
    );
}

export function loadSupportModels(
  dir: string,
  questionnaires: QuestionnaireCatalog,
  root: string = process.cwd(),
): { catalog: SupportModelCatalog; errors: ContentProblem[] } {
  const shown = (path: string) => shownPath(root, path);
  if (!existsSync(dir))
    return { catalog: createModelCatalog([]), errors: [fileProblem(shown(dir), phrase('content.no_dir'))] };
  const errors: ContentProblem[] = [];
  const models: SupportModelFile[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (name.endsWith('.yml')) {
      errors.push(fileProblem(shown(path), phrase('content.m_yml')));
      continue;
    }
    if (!name.endsWith('.yaml')) continue;
    const result = parseSupportModel(shown(path), readFileSync(path, 'utf8'), questionnaires);
    errors.push(...result.errors);
    if (result.model) models.push(result.model);
  }
  const defaults = models.filter((m) => m.default === true);
  if (defaults.length === 0 && models.length > 0) errors.push(fileProblem(shown(dir), phrase('content.m_no_default')));
  if (defaults.length > 1)
    errors.push(
      fileProblem(shown(dir), phrase('content.m_many_defaults', { ids: defaults.map((m) => m.id).join(', ') })),
    );
  return { catalog: createModelCatalog(models), errors };
}
