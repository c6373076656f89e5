// zod reports problems in English for programmers; a curator fixing a file needs the field path
// and the reason in plain words, in the staff's language. Each issue becomes a phrase of the i18n
// `imports` namespace: from its code and what it carries (`reportInput` keeps the value), or, for
// a schema's own message, the message key the schema gave.
import type { z } from 'zod';
import { catalogs, phrase, type MessageKey, type Phrase } from '../i18n/index.js';
import type { ImportProblem } from './fields.js';

/** What `safeParse` needs so each issue keeps the value a person wrote. */
export const PARSE_PARAMS = { reportInput: true } as const;

const TYPE_NAMES: Record<string, MessageKey> = {
  string: 'imports.type_string',
  number: 'imports.type_number',
  int: 'imports.type_int',
  boolean: 'imports.type_boolean',
  object: 'imports.type_object',
  array: 'imports.type_array',
  date: 'imports.type_date',
};

function describeValue(input: unknown): Phrase | string {
  if (input === null) return phrase('imports.value_null');
  if (Array.isArray(input)) return phrase('imports.value_list');
  switch (typeof input) {
    case 'string':
      return phrase('imports.value_text', { value: input });
    case 'number':
      return phrase('imports.value_number', { value: input });
    case 'boolean':
      return input ? 'true' : 'false';
    case 'object':
      return phrase('imports.value_object');
    default:
      return typeof input;
  }
}

/**
 * A schema's own message is a key of the `imports` namespace ("imports.z_date"); a refinement's
 * issue may carry the key's parameters.
 */
function ownMessage(issue: z.core.$ZodIssue): Phrase | undefined {
  const { message } = issue;
  const name = message.startsWith('imports.') ? message.slice('imports.'.length) : undefined;
  if (name === undefined || !Object.hasOwn(catalogs.ru.imports ?? {}, name)) return undefined;
  const params = issue.code === 'custom' ? issue.params : undefined;
  const given: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(params ?? {}))
    if (typeof value === 'string' || typeof value === 'number') given[key] = value;
  return phrase(message as MessageKey, Object.keys(given).length > 0 ? given : undefined);
}

/** The phrase of one issue. */
export function issuePhrase(issue: z.core.$ZodIssue): Phrase {
  const own = ownMessage(issue);
  if (own) return own;
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return phrase('imports.z_required');
      const known = TYPE_NAMES[issue.expected];
      return phrase('imports.z_expected', {
        expected: known ? phrase(known) : issue.expected,
        value: describeValue(issue.input),
      });
    }
    case 'too_small':
      if (issue.origin === 'string') return phrase('imports.z_empty');
      if (issue.origin === 'array') return phrase('imports.z_min_items', { min: String(issue.minimum) });
      return phrase('imports.z_min', { min: String(issue.minimum) });
    case 'too_big':
      if (issue.origin === 'string') return phrase('imports.z_too_long', { max: String(issue.maximum) });
      return phrase('imports.z_max', { max: String(issue.maximum) });
    case 'invalid_value':
      return phrase('imports.z_one_of', { values: issue.values.map(String).join(', ') });
    case 'unrecognized_keys':
      return phrase('imports.z_unknown_key');
    case 'invalid_union':
      return phrase('imports.z_invalid', { value: describeValue(issue.input) });
    case 'invalid_format':
      return phrase('imports.z_format', { value: describeValue(issue.input) });
    default:
      return phrase('imports.z_other');
  }
}

/** ["participants", 2, "phone"] → "participants[2].phone". */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Where a field path points: the path, or the whole file for an empty one. */
export function pathAt(path: readonly PropertyKey[]): Phrase {
  return path.length === 0 ? phrase('imports.at_file') : phrase('imports.at_path', { path: formatPath(path) });
}

export function zodProblems(error: z.ZodError): ImportProblem[] {
  return error.issues.flatMap((issue): ImportProblem[] => {
    // One line per unknown key, at the key itself: that is where the typo is.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ at: pathAt([...issue.path, key]), message: phrase('imports.z_unknown_key') }));
    }
    return [{ at: pathAt(issue.path), message: issuePhrase(issue) }];
  });
}

/** A stage plan's problems (stagePlanProblems), each at its path under the plan. */
export function planProblems(issues: readonly z.core.$ZodIssue[]): ImportProblem[] {
  return issues.map((issue) => ({
    at: issue.path.length === 0 ? phrase('imports.at_plan') : pathAt(issue.path),
    message: issuePhrase(issue),
  }));
}
