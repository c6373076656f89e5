import type { z } from 'zod';
import type { Locale } from '../../domain/locale.js';
import type { Phrase } from '../../i18n/index.js';
import type { AnswerValue } from '../../domain/response.js';
import type { AnswerInput, ConditionValue, ParseContext, ParseResult, Question, QuestionInput } from '../model.js';

export const OPERATORS = ['equals', 'notEquals', 'in', 'includes', 'gte', 'lte', 'answered'] as const;
export type Operator = (typeof OPERATORS)[number];

/** A problem in a definition that the schema cannot see (a statement); `path` (inside the question) locates its line. */
export interface Problem {
  message: Phrase;
  path?: (string | number)[];
}

/** A showIf value made comparable with this question's answers, or why it cannot be. */
export type ConditionValueCheck = { value: ConditionValue } | { problem: Phrase };

/** Everything the module knows about one question type. One file per type implements it. */
export interface QuestionHandler<Q extends Question> {
  /** The YAML form of the question; its output is the question as other modules see it. */
  readonly schema: z.ZodType<Q>;
  /** Cross-field problems, each a phrase that follows "question <id>: ". */
  check(question: Q): Problem[];
  input(question: Q, locale: Locale): QuestionInput;
  parse(question: Q, input: AnswerInput, ctx: ParseContext): ParseResult;
  display(question: Q, value: AnswerValue, locale: Locale): string;
  /** The showIf tests that mean something for this question's answer; `answered` always does. */
  readonly operators: readonly Operator[];
  /** Normalises a value that a showIf on another question compares with this one's answer. */
  conditionValue(question: Q, value: ConditionValue, operator: Operator): ConditionValueCheck;
}
