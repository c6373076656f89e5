// zod reports problems in English for programmers; a curator fixing a file needs the field path
// and the reason in plain Russian.
import type { z } from 'zod';
import type { ImportProblem } from './fields.js';

const TYPE_NAMES: Record<string, string> = {
  string: 'текст',
  number: 'число',
  int: 'целое число',
  boolean: 'да/нет (true/false)',
  object: 'набор полей «ключ: значение»',
  array: 'список',
  date: 'дата',
};

function describeValue(input: unknown): string {
  if (input === null) return 'пустое значение';
  if (Array.isArray(input)) return 'список';
  switch (typeof input) {
    case 'string':
      return `текст «${input}»`;
    case 'number':
      return `число ${input}`;
    case 'boolean':
      return input ? 'true' : 'false';
    case 'object':
      return 'набор полей';
    default:
      return typeof input;
  }
}

/** Passed as `error` to `safeParse`: the message of every issue the schema did not word itself. */
export function russianIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'обязательное поле не заполнено';
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      return `ожидается ${expected}, а указано ${describeValue(issue.input)}`;
    }
    case 'too_small':
      if (issue.origin === 'string') return 'не заполнено';
      if (issue.origin === 'array') return `нужно не меньше ${String(issue.minimum)}`;
      return `должно быть не меньше ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'string')
        return `слишком длинное значение (можно не больше ${String(issue.maximum)} символов)`;
      return `должно быть не больше ${String(issue.maximum)}`;
    case 'invalid_value':
      return `ожидается одно из: ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return 'неизвестное поле';
    case 'invalid_union':
      return `недопустимое значение: ${describeValue(issue.input)}`;
    case 'invalid_format':
      return `неверный формат: ${describeValue(issue.input)}`;
    default:
      return undefined;
  }
}

/** ["participants", 2, "phone"] → "participants[2].phone". */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(весь файл)' : out;
}

export function zodProblems(error: z.ZodError): ImportProblem[] {
  return error.issues.flatMap((issue): ImportProblem[] => {
    // One line per unknown key, at the key itself: that is where the typo is.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        at: formatPath([...issue.path, key]),
        message: 'неизвестное поле (опечатка или лишнее поле?)',
      }));
    }
    return [{ at: formatPath(issue.path), message: issue.message }];
  });
}
