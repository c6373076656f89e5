// One questionnaire file's text → a validated Questionnaire, or every error in it.
import type { Document, LineCounter } from 'yaml';
import { z } from 'zod';
import { resolveCondition } from './conditions.js';
import { handlerFor, isQuestionType, QUESTION_SCHEMAS, QUESTION_TYPES } from './handlers.js';
import { canonicalJson, sha256 } from './hash.js';
import { phrase, Reporter, suggest } from './issues.js';
import type { Question, Questionnaire } from './model.js';
import { localizedText, positiveInt, QUESTIONNAIRE_ID, TEXT_LIMITS } from './schema.js';
import { yaml } from './yaml.js';

const MAX_QUESTIONS = 100;

const fileSchema = z.strictObject({
  id: z.string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') }).regex(QUESTIONNAIRE_ID, {
    error: 'must be lower-case latin letters, digits, "-" or "_", starting with a letter or digit',
  }),
  version: positiveInt('must be a positive integer'),
  title: localizedText(TEXT_LIMITS.title),
  intro: localizedText(TEXT_LIMITS.intro).optional(),
  outro: localizedText(TEXT_LIMITS.intro).optional(),
  // Questions are checked one by one below, so that one bad question does not hide the others.
  questions: z
    .array(z.unknown())
    .min(1, { error: 'must list at least one question' })
    .max(MAX_QUESTIONS, { error: `must list at most ${MAX_QUESTIONS} questions` }),
});

const parseOptions = { error: phrase, reportInput: true } as const;

/** What the file name says: `exit.yaml` → exit; `archive/exit.v2.yaml` → exit, version 2. */
export function nameFromSource(source: string): { id: string; version?: number; file: string } | undefined {
  const file = source.split(/[\\/]/).pop() ?? source;
  const match = /^([^.]+)(?:\.v(\d+))?\.yaml$/.exec(file);
  if (!match) return undefined;
  return match[2] === undefined ? { id: match[1]!, file } : { id: match[1]!, version: Number(match[2]), file };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function readYaml(
  source: string,
  text: string,
): { doc?: Document.Parsed; lines: LineCounter; data?: unknown; errors: string[] } {
  const { LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    return { lines, errors: [`${source}: YAML cannot be read: ${(error as Error).message}`] };
  }
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    // Only the first: after one unclosed bracket every later line looks wrong too.
    const first = problems[0]!;
    const at = first.linePos?.[0] ?? lines.linePos(first.pos[0]);
    return {
      lines,
      errors: [`${source}: line ${at.line}, column ${at.col}: YAML syntax error: ${first.message.split('\n')[0]}`],
    };
  }
  try {
    // The alias limit stops a "billion laughs" file from eating the memory of the bot.
    return { doc, lines, data: doc.toJS({ maxAliasCount: 100 }), errors: [] };
  } catch (error) {
    return { lines, errors: [`${source}: YAML cannot be read: ${(error as Error).message}`] };
  }
}

function parseQuestion(raw: unknown, index: number, report: Reporter): Question | undefined {
  const at = ['questions', index];
  if (!isRecord(raw)) {
    report.addFieldPhrase(at, 'must be a set of fields (id:, type:, text: …)');
    return undefined;
  }
  const { type } = raw;
  if (type === undefined) {
    report.add(at, `type is required (one of: ${QUESTION_TYPES.join(', ')})`, [...at]);
    return undefined;
  }
  if (!isQuestionType(type)) {
    const hint = typeof type === 'string' ? suggest(type, QUESTION_TYPES) : '';
    report.add(
      at,
      `type ${JSON.stringify(type)} is not a question type${hint}; use one of: ${QUESTION_TYPES.join(', ')}`,
      [...at, 'type'],
    );
    return undefined;
  }
  // Each member of the union parses to its own question type; the union of them is a Question.
  const schema = QUESTION_SCHEMAS[type] as z.ZodType<Question>;
  const result = schema.safeParse(raw, parseOptions);
  if (!result.success) {
    report.addZodIssues(at, result.error.issues);
    return undefined;
  }
  return result.data;
}

/**
 * Validates one file's text. `source` names the file in every message (and its name must match
 * the id, and for an archive file the version). Never throws.
 */
export function parseQuestionnaire(source: string, text: string): { questionnaire?: Questionnaire; errors: string[] } {
  const yaml = readYaml(source, typeof text === 'string' ? text : '');
  if (yaml.errors.length > 0) return { errors: yaml.errors };
  const data = yaml.data;
  const report = new Reporter(source, yaml.doc, yaml.lines, data);

  if (data === null || data === undefined) {
    report.add([], 'the file is empty; it needs id, version, title and questions');
    return { errors: report.errors };
  }
  if (!isRecord(data)) {
    report.add(
      [],
      'the file must be a set of fields (id:, version:, title:, questions:), not a list or a single value',
    );
    return { errors: report.errors };
  }

  const top = fileSchema.safeParse(data, parseOptions);
  if (!top.success) report.addZodIssues([], top.error.issues);

  const rawQuestions = Array.isArray(data.questions) ? data.questions.slice(0, MAX_QUESTIONS) : [];
  const parsed = rawQuestions.map((raw, i) => parseQuestion(raw, i, report));

  // Ids first: a duplicate makes every later reference to it ambiguous.
  const firstIndex = new Map<string, number>();
  parsed.forEach((q, i) => {
    if (!q) return;
    const earlier = firstIndex.get(q.id);
    if (earlier !== undefined)
      report.add(['questions', i], `id "${q.id}" is used more than once (also question #${earlier + 1})`, [
        'questions',
        i,
        'id',
      ]);
    else firstIndex.set(q.id, i);
  });

  // A reference to a question that failed its own checks is not reported again as missing.
  const brokenIds = new Set(
    rawQuestions.flatMap((raw, i) =>
      parsed[i] === undefined && isRecord(raw) && raw.id !== undefined ? [String(raw.id)] : [],
    ),
  );
  const questions: Question[] = [];
  parsed.forEach((q, i) => {
    if (!q) return;
    const at = ['questions', i];
    for (const problem of handlerFor(q).check()) report.add(at, problem.message, [...at, ...(problem.path ?? [])]);
    let question = q;
    if (q.showIf) {
      const resolved = resolveCondition(q.showIf, parsed, i, brokenIds);
      for (const problem of resolved.problems) report.add(at, problem.message, [...at, ...(problem.path ?? [])]);
      question = { ...q, showIf: resolved.condition };
    }
    questions.push(question);
  });

  // Checked on the raw values, so that a wrong name is reported even when other fields are broken.
  const named = nameFromSource(source);
  if (named) {
    if (typeof data.id === 'string' && named.id !== data.id)
      report.add([], `id "${data.id}" does not match the file name "${named.file}"`, ['id']);
    if (named.version !== undefined && typeof data.version === 'number' && named.version !== data.version) {
      report.add([], `version ${data.version} does not match the file name "${named.file}"`, ['version']);
    }
  }

  if (!top.success || report.errors.length > 0) return { errors: report.errors };

  const { id, version, title, intro, outro } = top.data;
  const definition = { id, version, title, intro, outro, questions };
  const questionnaire: Questionnaire = {
    id,
    version,
    title,
    ...(intro ? { intro } : {}),
    ...(outro ? { outro } : {}),
    questions,
    hash: sha256(canonicalJson(definition)),
    source,
  };
  return { questionnaire, errors: [] };
}
