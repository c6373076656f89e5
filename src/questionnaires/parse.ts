// One questionnaire file's text → a validated Questionnaire, or every error in it.
import type { Document, LineCounter } from 'yaml';
import { z } from 'zod';
import { resolveCondition } from './conditions.js';
import { handlerFor, isQuestionType, QUESTION_SCHEMAS, QUESTION_TYPES } from './handlers.js';
import { canonicalJson, sha256 } from './hash.js';
import { phrase, type MessageKey } from '../i18n/index.js';
import { Reporter, suggest } from './issues.js';
import type { ContentProblem } from './problems.js';
import type { Question, Questionnaire } from './model.js';
import { localizedText, positiveInt, QUESTIONNAIRE_ID, TEXT_LIMITS } from './schema.js';
import { yaml, yamlBuildHint, yamlHint } from './yaml.js';

const MAX_QUESTIONS = 100;

const fileSchema = z.strictObject({
  id: z
    .string({ error: (i) => (i.input === undefined ? 'content.z_required' : 'content.z_text') })
    .regex(QUESTIONNAIRE_ID, { error: 'content.q_id_form' }),
  version: positiveInt(),
  title: localizedText(TEXT_LIMITS.title),
  intro: localizedText(TEXT_LIMITS.intro).optional(),
  outro: localizedText(TEXT_LIMITS.intro).optional(),
  // Questions are checked one by one below, so that one bad question does not hide the others.
  questions: z
    .array(z.unknown())
    .min(1, { error: 'content.q_min_questions' })
    .max(MAX_QUESTIONS, { error: 'content.q_max_questions' }),
});

const parseOptions = { reportInput: true } as const;

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

export interface ReadYaml {
  doc?: Document.Parsed;
  lines: LineCounter;
  data?: unknown;
  problems: ContentProblem[];
}

/** A content file's YAML, or its first syntax error located by line and column. */
/** Anchors and aliases are welcome in content files (a scale's labels reused), unlike in a cohort file. */
function hintKey(key: MessageKey): MessageKey {
  return key === 'imports.yaml_anchors' ? 'content.yaml_alias' : key;
}

/** A content file's YAML, or its first syntax error located by line and column. */
export function readYaml(source: string, text: string): ReadYaml {
  const { LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  const unreadable = (error: unknown): ReadYaml => ({
    lines,
    problems: [
      {
        file: source,
        where: [],
        message: phrase('imports.yaml_error', { detail: phrase(hintKey(yamlBuildHint(error))) }),
      },
    ],
  });
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    return unreadable(error);
  }
  const found = [...doc.errors, ...doc.warnings];
  if (found.length > 0) {
    // Only the first: after one unclosed bracket every later line looks wrong too.
    const first = found[0]!;
    const at = first.linePos?.[0] ?? lines.linePos(first.pos[0]);
    return {
      lines,
      problems: [
        {
          file: source,
          where: [],
          message: phrase('imports.yaml_error', { detail: phrase(hintKey(yamlHint(first.code))) }),
          line: at.line,
          column: at.col,
        },
      ],
    };
  }
  try {
    // The alias limit stops a "billion laughs" file from eating the memory of the bot.
    return { doc, lines, data: doc.toJS({ maxAliasCount: 100 }), problems: [] };
  } catch (error) {
    return unreadable(error);
  }
}

function parseQuestion(raw: unknown, index: number, report: Reporter): Question | undefined {
  const at = ['questions', index];
  if (!isRecord(raw)) {
    report.add(at, phrase('content.q_question_fields'));
    return undefined;
  }
  const { type } = raw;
  if (type === undefined) {
    report.add(at, phrase('content.q_type_required', { types: QUESTION_TYPES.join(', ') }), [...at]);
    return undefined;
  }
  if (!isQuestionType(type)) {
    const hint = typeof type === 'string' ? suggest(type, QUESTION_TYPES) : undefined;
    const types = QUESTION_TYPES.join(', ');
    report.add(
      at,
      hint
        ? phrase('content.q_type_unknown_hint', { type: String(type), hint, types })
        : phrase('content.q_type_unknown', { type: typeof type === 'string' ? type : JSON.stringify(type), types }),
      [...at, 'type'],
    );
    return undefined;
  }
  // Each member of the union parses to its own question type; the union of them is a Question.
  const schema = QUESTION_SCHEMAS[type] as z.ZodType<Question>;
  const result = schema.safeParse(raw, parseOptions);
  if (result.success) return result.data;
  report.addZodIssues(at, result.error.issues);
  // Read on without the wrong parts, so that the question's other problems (duplicate option ids,
  // min above max, an id used twice) come in the same pass. The file is refused all the same.
  const rest = withoutWrongParts(raw, result.error.issues);
  const again = rest ? schema.safeParse(rest, parseOptions) : undefined;
  return again?.success ? again.data : undefined;
}

/** The question without the fields its issues name; a wrong text becomes a stand-in (text is required). */
function withoutWrongParts(
  raw: Record<string, unknown>,
  issues: readonly z.core.$ZodIssue[],
): Record<string, unknown> | undefined {
  const rest = { ...raw };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys' && issue.path.length === 0) {
      for (const key of issue.keys) delete rest[key];
      continue;
    }
    const field = issue.path[0];
    if (typeof field !== 'string' || field === 'type') return undefined;
    if (field === 'text') rest.text = { ru: '—' };
    else delete rest[field];
  }
  return rest;
}

/**
 * Validates one file's text. `source` names the file in every message (and its name must match
 * the id, and for an archive file the version). Never throws.
 */
export function parseQuestionnaire(
  source: string,
  text: string,
): { questionnaire?: Questionnaire; errors: ContentProblem[] } {
  const yaml = readYaml(source, typeof text === 'string' ? text : '');
  if (yaml.problems.length > 0) return { errors: yaml.problems };
  const data = yaml.data;
  const report = new Reporter(source, yaml.doc, yaml.lines, data);

  if (data === null || data === undefined) {
    report.add([], phrase('content.file_empty'));
    return { errors: report.problems };
  }
  if (!isRecord(data)) {
    report.add([], phrase('content.file_not_map'));
    return { errors: report.problems };
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
      report.add(['questions', i], phrase('content.q_id_twice', { id: q.id, n: earlier + 1 }), ['questions', i, 'id']);
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
      report.add([], phrase('content.q_id_not_file', { id: data.id, file: named.file }), ['id']);
    if (named.version !== undefined && typeof data.version === 'number' && named.version !== data.version) {
      report.add([], phrase('content.q_version_not_file', { version: data.version, file: named.file }), ['version']);
    }
  }

  const problems = report.problems;
  if (!top.success || problems.length > 0) return { errors: problems };

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
