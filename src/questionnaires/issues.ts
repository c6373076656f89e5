// Turns schema issues and cross-field problems into structured problems, each located by the file,
// the question (or step), the field and the line, for the methodologist who edits the file:
// `questionnaires/exit.yaml: question q7: option ids must be unique (line 42)`, worded where shown
// (problems.ts). Schemas give their own messages as keys of the i18n `content` namespace.
import type { Document, LineCounter, Node } from 'yaml';
import type { z } from 'zod';
import { catalogs, phrase, type MessageKey, type Phrase } from '../i18n/index.js';
import type { ContentProblem } from './problems.js';
import { yaml } from './yaml.js';

type Path = readonly PropertyKey[];

const EXPECTED: Record<string, MessageKey> = {
  number: 'content.z_number',
  int: 'content.z_int',
  string: 'content.z_text',
  boolean: 'content.z_boolean',
  object: 'content.z_map',
  array: 'content.z_list',
  record: 'content.z_map',
};

/** A schema's own message: a catalog key ("content.z_iso_date"), with a refinement's parameters or the issue's bound. */
function ownMessage(issue: z.core.$ZodIssue): Phrase | undefined {
  const { message } = issue;
  const dot = message.indexOf('.');
  const namespace = catalogs.ru[message.slice(0, dot)];
  if (dot < 0 || namespace === undefined || !Object.hasOwn(namespace, message.slice(dot + 1))) return undefined;
  const params: Record<string, string | number> = {};
  if (issue.code === 'custom') {
    for (const [key, value] of Object.entries(issue.params ?? {}))
      if (typeof value === 'string' || typeof value === 'number') params[key] = value;
  } else if (issue.code === 'too_small') {
    params.count = Number(issue.minimum);
    params.min = Number(issue.minimum);
  } else if (issue.code === 'too_big') {
    params.count = Number(issue.maximum);
    params.max = Number(issue.maximum);
  }
  return phrase(message as MessageKey, Object.keys(params).length > 0 ? params : undefined);
}

/**
 * What an issue says, as a phrase that follows the field's name ("min must be a number"); a
 * refinement marked as a statement (STATEMENT in schema.ts) reads on its own.
 */
export function issuePhrase(issue: z.core.$ZodIssue): { text: Phrase; statement: boolean } {
  const own = ownMessage(issue);
  const statement =
    issue.code === 'custom' && (issue.params as { statement?: boolean } | undefined)?.statement === true;
  if (own) return { text: own, statement };
  return { text: defaultPhrase(issue), statement: false };
}

function defaultPhrase(issue: z.core.$ZodIssue): Phrase {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return phrase('content.z_required');
      const known = EXPECTED[issue.expected];
      return known ? phrase(known) : phrase('content.z_expected', { expected: issue.expected });
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string')
        return min <= 1 ? phrase('content.z_not_empty') : phrase('content.z_min_chars', { count: min });
      if (issue.origin === 'array') return phrase('content.z_min_items', { count: min });
      return phrase(issue.inclusive ? 'content.z_at_least' : 'content.z_greater', { min });
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return phrase('content.z_max_chars', { count: max });
      if (issue.origin === 'array') return phrase('content.z_max_items', { count: max });
      return phrase(issue.inclusive ? 'content.z_at_most' : 'content.z_less', { max });
    }
    case 'invalid_value':
      return phrase('content.z_one_of', { values: issue.values.map((v) => JSON.stringify(v)).join(', ') });
    case 'invalid_union':
      return issue.input === undefined ? phrase('content.z_required') : phrase('content.z_form');
    case 'invalid_format':
      return phrase('content.z_form');
    case 'invalid_key':
      return phrase('content.z_key_form');
    default:
      return phrase('content.z_invalid');
  }
}

// Every field name the format knows, to suggest the intended one for a typo such as "requierd".
const KNOWN_FIELDS = [
  'id',
  'version',
  'title',
  'intro',
  'outro',
  'questions',
  'type',
  'text',
  'help',
  'required',
  'showIf',
  'opensConsultation',
  'options',
  'other',
  'min',
  'max',
  'scale',
  'labels',
  'integer',
  'maxLength',
  'notInFuture',
  'count',
  'question',
  'equals',
  'notEquals',
  'in',
  'includes',
  'gte',
  'lte',
  'answered',
  'all',
  'any',
  'not',
  'ru',
  'kk',
  'en',
];

/** Edit distance where swapping two neighbouring letters ("titel") counts as one edit. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known name closest to a typo ("requierd" → "required"), if one is close enough. */
export function suggest(word: string, candidates: readonly string[] = KNOWN_FIELDS): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.min(2, Math.floor(word.length / 3)));
  for (const candidate of candidates) {
    const d = candidate.toLowerCase() === lower ? 0 : distance(lower, candidate.toLowerCase());
    if (d <= bestDistance && (best === undefined || d < bestDistance)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** The entities a methodologist names by id ("question q3", "option "a""), keyed by the list that holds them. */
export type Entities = Readonly<Record<string, { named: MessageKey; numbered: MessageKey }>>;

export const QUESTIONNAIRE_ENTITIES: Entities = {
  questions: { named: 'content.at_question', numbered: 'content.at_question_n' },
  options: { named: 'content.at_option', numbered: 'content.at_option_n' },
};

/** Collects the problems of one file, each located by the file, the question and a line. */
export class Reporter {
  private readonly entries: ContentProblem[] = [];

  /** In the order of the file, as an editor shows it. */
  get problems(): ContentProblem[] {
    return this.entries
      .map((e, i) => ({ e, i }))
      .sort((a, b) => (a.e.line ?? 0) - (b.e.line ?? 0) || a.i - b.i)
      .map(({ e }) => e);
  }

  constructor(
    private readonly source: string,
    private readonly doc: Document.Parsed | undefined,
    private readonly lines: LineCounter | undefined,
    private readonly data: unknown,
    private readonly entities: Entities = QUESTIONNAIRE_ENTITIES,
    /** Names a field typed wrongly may have meant. */
    private readonly knownFields: readonly string[] = KNOWN_FIELDS,
  ) {}

  /** `statement` is a full statement ("option ids must be unique"). */
  add(path: Path, statement: Phrase, linePath: Path = path): void {
    const { where, field } = this.describe(path);
    this.push(where, field ? phrase('content.field_statement', { field, text: statement }) : statement, linePath);
  }

  /** `text` follows the field's name ("must be a number"); with no field it follows «the value». */
  addFieldPhrase(path: Path, text: Phrase): void {
    const { where, field } = this.describe(path);
    this.push(where, phrase(field ? 'content.field_phrase' : 'content.value_phrase', { field, text }), path);
  }

  addZodIssues(prefix: Path, issues: readonly z.core.$ZodIssue[]): void {
    for (const issue of issues) {
      const path = [...prefix, ...issue.path];
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const hint = suggest(key, this.knownFields);
          const message = hint
            ? phrase('content.unknown_field_hint', { key, hint })
            : phrase('content.unknown_field', { key });
          this.add(path, message, [...path, key]);
        }
        continue;
      }
      const { text, statement } = issuePhrase(issue);
      if (statement) this.add(path, text);
      else this.addFieldPhrase(path, text);
    }
  }

  private push(where: Phrase[], message: Phrase, linePath: Path): void {
    const line = this.lineOf(linePath);
    this.entries.push({ file: this.source, where, message, ...(line ? { line } : {}) });
  }

  /** "question q3", "option "a"" for the entities a methodologist names; the rest is a field path. */
  private describe(path: Path): { where: Phrase[]; field: string } {
    const where: Phrase[] = [];
    const field: string[] = [];
    let node: unknown = this.data;
    for (let i = 0; i < path.length; i++) {
      const key = path[i]!;
      const next = path[i + 1];
      const child = (k: PropertyKey) =>
        node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[k] : undefined;
      const entity = typeof key === 'string' && Object.hasOwn(this.entities, key) ? this.entities[key] : undefined;
      if (entity && typeof next === 'number' && field.length === 0) {
        const list = child(key);
        const item = Array.isArray(list) ? list[next] : undefined;
        const id = item !== null && typeof item === 'object' ? (item as { id?: unknown }).id : undefined;
        const shownId = typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
        where.push(
          shownId !== undefined && shownId !== ''
            ? phrase(entity.named, { id: shownId })
            : phrase(entity.numbered, { n: next + 1 }),
        );
        node = item;
        i++;
        continue;
      }
      if (typeof key === 'number') field.push(`[${key + 1}]`);
      else field.push(field.length > 0 ? `.${String(key)}` : String(key));
      node = child(key);
    }
    return { where, field: field.join('') };
  }

  private lineOf(path: Path): number | undefined {
    if (!this.doc || !this.lines) return undefined;
    for (let end = path.length; end >= 0; end--) {
      const node = nodeAt(this.doc.contents, path.slice(0, end));
      const offset = node?.range?.[0];
      if (offset !== undefined) return this.lines.linePos(offset).line;
    }
    return undefined;
  }
}

function nodeAt(root: unknown, path: Path): Node | undefined {
  const { isMap, isScalar, isSeq } = yaml();
  let node: unknown = root;
  for (const key of path) {
    if (isMap(node)) {
      // A key may be written as a number in YAML (likert labels: `5: …`) and reach us as a string.
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      node = pair?.value ?? (pair ? pair.key : undefined);
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
    } else {
      return undefined;
    }
  }
  return node as Node | undefined;
}
