// Reads flows/models/*.yaml at start-up, like flows and questionnaires: every file is checked by
// zod, then against the questionnaires it names; a broken file stops start-up with
// "flows/models/<file>: <field>: <problem>".
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { yaml } from '../questionnaires/yaml.js';
import { addOffset } from '../domain/calendar.js';
import type { QuestionnaireCatalog } from '../questionnaires/index.js';
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
function ruleQuestionnaires(rules: unknown, path: string): { id: string; at: string }[] {
  if (Array.isArray(rules)) return rules.flatMap((r, i) => ruleQuestionnaires(r, `${path}.${i}`));
  if (typeof rules !== 'object' || rules === null) return [];
  return Object.entries(rules).flatMap(([k, v]) =>
    k === 'questionnaireId' && typeof v === 'string'
      ? [{ id: v, at: `${path}.${k}` }]
      : ruleQuestionnaires(v, `${path}.${k}`),
  );
}

/** Checks one model file's text; `source` is the name errors carry (flows/models/x.yaml). */
export function parseSupportModel(
  source: string,
  text: string,
  questionnaires: QuestionnaireCatalog,
): { model?: SupportModelFile; errors: string[] } {
  const errors: string[] = [];
  const fail = (where: string, message: string) => errors.push(`${source}: ${where ? `${where}: ` : ''}${message}`);
  const doc = yaml().parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors)
      fail('', `YAML error at line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`);
    return { errors };
  }
  const parsed = supportModelSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) fail(issue.path.map(String).join('.'), issue.message);
    return { errors };
  }
  const m = parsed.data;
  const expected = basename(source).replace(/\.yaml$/, '');
  if (m.id !== expected) fail('id', `"${m.id}" does not match the file name (expected "${expected}")`);

  const questionnaire = (id: string, at: string) => {
    const q = questionnaires.get(id);
    if (!q) fail(at, `no questionnaire "${id}" in questionnaires/`);
    return q;
  };
  m.questionnaires.forEach((q, i) => {
    questionnaire(q.questionnaireId, `questionnaires.${i}.questionnaireId`);
  });
  m.stages.forEach((s, i) => {
    for (const ref of ruleQuestionnaires(s.rules, `stages.${i}.rules`)) questionnaire(ref.id, ref.at);
    const previous = m.stages[i - 1];
    // Any fixed date orders offsets the same way.
    if (previous && addOffset('2001-01-31', s.startOffset) < addOffset('2001-01-31', previous.startOffset)) {
      fail(
        `stages.${i}.startOffset`,
        `${s.startOffset} is before stage ${previous.stage}'s start (${previous.startOffset})`,
      );
    }
  });
  if (m.individualPlan) questionnaire(m.individualPlan.questionnaireId, 'individualPlan.questionnaireId');
  if (m.diagnosis) {
    const q = questionnaire(m.diagnosis.questionnaireId, 'diagnosis.questionnaireId');
    if (q && !m.questionnaires.some((s) => s.questionnaireId === q.id)) {
      fail('diagnosis.questionnaireId', `"${q.id}" is not in the model's questionnaire schedule`);
    }
    m.diagnosis.questions.forEach((id, i) => {
      const question = q?.questions.find((x) => x.id === id);
      if (q && !question) fail(`diagnosis.questions.${i}`, `no question "${id}" in questionnaire "${q.id}"`);
      else if (question?.models && !question.models.includes(m.id))
        fail(`diagnosis.questions.${i}`, `question "${id}" is asked only in models ${question.models.join(', ')}`);
    });
  }
  m.ratings?.forEach((r, i) => {
    const q = questionnaire(r.questionnaireId, `ratings.${i}.questionnaireId`);
    if (!q) return;
    if (!m.questionnaires.some((s) => s.questionnaireId === r.questionnaireId)) {
      fail(
        `ratings.${i}.questionnaireId`,
        `"${r.questionnaireId}" is rated but not in the model's questionnaire schedule`,
      );
    }
    r.indicators.forEach((ind, j) => {
      const key = 'sum' in ind.formula ? 'sum' : 'mean';
      operandsOf(ind.formula).forEach((id, k) => {
        const question = q.questions.find((x) => x.id === id);
        const at = `ratings.${i}.indicators.${j}.formula.${key}.${k}`;
        if (!question) fail(at, `no question "${id}" in questionnaire "${r.questionnaireId}"`);
        else if (question.models && !question.models.includes(m.id))
          fail(at, `question "${id}" is asked only in models ${question.models.join(', ')}`);
        else if (!NUMERIC_TYPES.has(question.type))
          fail(at, `question "${id}" is ${question.type}; a formula needs likert, number or yes_no answers`);
      });
    });
  });
  return errors.length > 0 ? { errors } : { model: m, errors };
}

/**
 * A question asked only in some models (`models:` in a questionnaire) must name models that exist:
 * a misspelt id would silently never ask it. Checked where both folders are loaded (engine/index.ts).
 */
export function modelReferenceProblems(questionnaires: QuestionnaireCatalog, models: SupportModelCatalog): string[] {
  const known = new Set(models.all().map((m) => m.id));
  return questionnaires
    .all()
    .flatMap((q) =>
      q.questions.flatMap((question) =>
        (question.models ?? [])
          .filter((id) => !known.has(id))
          .map(
            (id) =>
              `${q.source}: question ${question.id}: models: no support model "${id}" in flows/models/ (there are: ${[...known].join(', ')})`,
          ),
      ),
    );
}

export function loadSupportModels(
  dir: string,
  questionnaires: QuestionnaireCatalog,
  root: string = process.cwd(),
): { catalog: SupportModelCatalog; errors: string[] } {
  const shown = (path: string) => relative(root, path).split(sep).join('/');
  if (!existsSync(dir)) return { catalog: createModelCatalog([]), errors: [`${shown(dir)}: no such directory`] };
  const errors: string[] = [];
  const models: SupportModelFile[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (name.endsWith('.yml')) {
      errors.push(`${shown(path)}: model files end in .yaml; rename it`);
      continue;
    }
    if (!name.endsWith('.yaml')) continue;
    const result = parseSupportModel(shown(path), readFileSync(path, 'utf8'), questionnaires);
    errors.push(...result.errors);
    if (result.model) models.push(result.model);
  }
  const defaults = models.filter((m) => m.default === true);
  if (defaults.length === 0 && models.length > 0)
    errors.push(`${shown(dir)}: no model has "default: true"; exactly one must`);
  if (defaults.length > 1)
    errors.push(`${shown(dir)}: ${defaults.map((m) => m.id).join(', ')} all say "default: true"; exactly one may`);
  return { catalog: createModelCatalog(models), errors };
}
