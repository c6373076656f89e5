// Turns schema issues and cross-field problems into one line each, written for the methodologist
// who edits the file: `questionnaires/exit.yaml: question q7: option ids must be unique (line 42)`.
import type { Document, LineCounter, Node } from 'yaml';
import { yaml } from './yaml.js';
import type { z } from 'zod';

type Path = readonly PropertyKey[];

const EXPECTED: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  object: 'a set of fields (key: value)',
  array: 'a list (lines starting with "- ")',
  record: 'a set of fields (key: value)',
};

/**
 * Default wording for issues whose schema gave none: a phrase that follows the field's name
 * ("min must be a number"). Messages written in the schemas follow the same rule.
 */
export const phrase: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${EXPECTED[issue.expected] ?? issue.expected}`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? 'must not be empty' : `must be at least ${min} characters`;
      if (issue.origin === 'array') return `must list at least ${min}`;
      return issue.inclusive ? `must be at least ${min}` : `must be greater than ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${max} characters`;
      if (issue.origin === 'array') return `must list at most ${max}`;
      return issue.inclusive ? `must be at most ${max}` : `must be less than ${max}`;
    }
    case 'invalid_value':
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'invalid_format':
      return 'has the wrong form';
    case 'invalid_key':
      return 'has a key of the wrong form';
    case 'invalid_union':
      return 'has the wrong form';
    default:
      return 'is not valid';
  }
};

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

export function suggest(word: string, candidates: readonly string[] = KNOWN_FIELDS): string {
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
  return best ? ` (did you mean "${best}"?)` : '';
}

/** Collects the errors of one file, each located by the file, the question and a line. */
export class Reporter {
  private readonly entries: { line: number; text: string }[] = [];

  /** In the order of the file, as an editor shows it. */
  get errors(): string[] {
    return this.entries
      .map((e, i) => ({ ...e, i }))
      .sort((a, b) => a.line - b.line || a.i - b.i)
      .map((e) => e.text);
  }

  constructor(
    private readonly source: string,
    private readonly doc: Document.Parsed | undefined,
    private readonly lines: LineCounter | undefined,
    private readonly data: unknown,
  ) {}

  /** `message` is a full statement ("option ids must be unique"). */
  add(path: Path, message: string, linePath: Path = path): void {
    const { location, field } = this.describe(path);
    this.push(location, field ? `${field}: ${message}` : message, linePath);
  }

  /** `phrase` follows the field's name ("must be a number"); at the question level it stands alone. */
  addFieldPhrase(path: Path, phraseText: string): void {
    const { location, field } = this.describe(path);
    this.push(location, field ? `${field} ${phraseText}` : phraseText, path);
  }

  addZodIssues(prefix: Path, issues: readonly z.core.$ZodIssue[]): void {
    for (const issue of issues) {
      const path = [...prefix, ...issue.path];
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) this.add(path, `unknown field "${key}"${suggest(key)}`, [...path, key]);
        continue;
      }
      // Custom issues marked as statements read on their own; every other message follows its field's name.
      if (issue.code === 'custom' && (issue.params as { statement?: boolean } | undefined)?.statement)
        this.add(path, issue.message);
      else this.addFieldPhrase(path, issue.message);
    }
  }

  private push(location: string[], text: string, linePath: Path): void {
    const line = this.lineOf(linePath);
    const where = location.length > 0 ? `${location.join(': ')}: ` : '';
    this.entries.push({ line: line ?? 0, text: `${this.source}: ${where}${text}${line ? ` (line ${line})` : ''}` });
  }

  /** "question q3", "option "a"" for the entities a methodologist names; the rest is a field path. */
  private describe(path: Path): { location: string[]; field: string } {
    const location: string[] = [];
    const field: string[] = [];
    let node: unknown = this.data;
    for (let i = 0; i < path.length; i++) {
      const key = path[i]!;
      const next = path[i + 1];
      const child = (k: PropertyKey) =>
        node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[k] : undefined;
      if ((key === 'questions' || key === 'options') && typeof next === 'number' && field.length === 0) {
        const item = child(key) !== undefined ? (child(key) as unknown[])[next] : undefined;
        const id = item !== null && typeof item === 'object' ? (item as { id?: unknown }).id : undefined;
        const name = key === 'questions' ? 'question' : 'option';
        const shownId = typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
        location.push(
          shownId !== undefined && shownId !== ''
            ? key === 'questions'
              ? `${name} ${shownId}`
              : `${name} "${shownId}"`
            : `${name} #${next + 1}`,
        );
        node = item;
        i++;
        continue;
      }
      if (typeof key === 'number') field.push(`[${key + 1}]`);
      else field.push(field.length > 0 ? `.${String(key)}` : String(key));
      node = child(key);
    }
    return { location, field: field.join('') };
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
