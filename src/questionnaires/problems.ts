// A problem found in a content file (a questionnaire, a flow, a support model), kept as data and
// worded where it is shown: the CLI in the staff's language, the server's refusal to start in English.
import { isAbsolute, relative, sep } from 'node:path';
import type { Locale } from '../domain/locale.js';
import { t, word, type Phrase } from '../i18n/index.js';

export interface ContentProblem {
  /** The file as the reader knows it (relative to where they stand or to the repository). */
  readonly file: string;
  /** Where in the file, outermost first: the question, the option, the step. */
  readonly where: readonly Phrase[];
  readonly message: Phrase;
  readonly line?: number;
  /** Given for a syntax error, which is placed before the message as "line 8, column 3". */
  readonly column?: number;
}

/** A file as its reader knows it: relative to `root` (where they stand), in full when it lies elsewhere. */
export function shownPath(root: string, path: string): string {
  const rel = relative(root, path);
  return (rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel).split(sep).join('/');
}

export function fileProblem(file: string, message: Phrase, where: readonly Phrase[] = []): ContentProblem {
  return { file, where, message };
}

/** `questionnaires/exit.yaml: question q7: option ids must be unique ("a" is used more than once) (line 42)`. */
export function wordProblem(locale: Locale, problem: ContentProblem): string {
  const parts = [problem.file];
  const { line, column } = problem;
  if (line !== undefined && column !== undefined) parts.push(t(locale, 'imports.at_line_column', { line, column }));
  for (const where of problem.where) parts.push(word(locale, where));
  parts.push(word(locale, problem.message));
  const text = parts.join(': ');
  return line !== undefined && column === undefined ? `${text} ${t(locale, 'content.at_line', { line })}` : text;
}

/** A translator for a list of problems, e.g. `problems.map(problemWords('ru'))`. */
export const problemWords =
  (locale: Locale) =>
  (problem: ContentProblem): string =>
    wordProblem(locale, problem);
