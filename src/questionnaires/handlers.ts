// The one place that maps a question's type to its handler. Adding a type means adding a file in
// types/, a member of the Question union, and a case here; the compiler points at each.
import type { z } from 'zod';
import type { Locale } from '../domain/locale.js';
import type { AnswerValue } from '../domain/response.js';
import type {
  AnswerInput,
  ConditionValue,
  ParseContext,
  ParseResult,
  Question,
  QuestionInput,
  QuestionType,
} from './model.js';
import { date } from './types/date.js';
import type { ConditionValueCheck, Operator, Problem, QuestionHandler } from './types/handler.js';
import { likert } from './types/likert.js';
import { link } from './types/link.js';
import { longText } from './types/long-text.js';
import { multipleChoice } from './types/multiple-choice.js';
import { number } from './types/number.js';
import { ranking } from './types/ranking.js';
import { shortText } from './types/short-text.js';
import { singleChoice } from './types/single-choice.js';
import { yesNo } from './types/yes-no.js';

/** A handler with its question already in hand, so callers need not know the question's type. */
export interface BoundHandler {
  check(): Problem[];
  input(locale: Locale): QuestionInput;
  parse(input: AnswerInput, ctx: ParseContext): ParseResult;
  display(value: AnswerValue, locale: Locale): string;
  operators: readonly Operator[];
  conditionValue(value: ConditionValue, operator: Operator): ConditionValueCheck;
}

function bind<Q extends Question>(handler: QuestionHandler<Q>, question: Q): BoundHandler {
  return {
    check: () => handler.check(question),
    input: (locale) => handler.input(question, locale),
    parse: (input, ctx) => handler.parse(question, input, ctx),
    display: (value, locale) => handler.display(question, value, locale),
    operators: handler.operators,
    conditionValue: (value, operator) => handler.conditionValue(question, value, operator),
  };
}

// Questions are immutable catalog data: one bound handler each, not one per call (an export
// displays every answer of 100,000 responses through here).
const bound = new WeakMap<Question, BoundHandler>();

export function handlerFor(question: Question): BoundHandler {
  let handler = bound.get(question);
  if (!handler) {
    handler = bindHandler(question);
    bound.set(question, handler);
  }
  return handler;
}

function bindHandler(question: Question): BoundHandler {
  const q = question;
  switch (q.type) {
    case 'single_choice':
      return bind(singleChoice, q);
    case 'multiple_choice':
      return bind(multipleChoice, q);
    case 'likert':
      return bind(likert, q);
    case 'number':
      return bind(number, q);
    case 'short_text':
      return bind(shortText, q);
    case 'long_text':
      return bind(longText, q);
    case 'date':
      return bind(date, q);
    case 'link':
      return bind(link, q);
    case 'ranking':
      return bind(ranking, q);
    case 'yes_no':
      return bind(yesNo, q);
    default: {
      const _exhaustive: never = q;
      throw new Error(`unknown question type ${JSON.stringify((_exhaustive as { type?: unknown }).type)}`);
    }
  }
}

/** The YAML schema of each type; the mapped type makes a missing type a compile error. */
export const QUESTION_SCHEMAS: { [T in QuestionType]: z.ZodType<Extract<Question, { type: T }>> } = {
  single_choice: singleChoice.schema,
  multiple_choice: multipleChoice.schema,
  likert: likert.schema,
  number: number.schema,
  short_text: shortText.schema,
  long_text: longText.schema,
  date: date.schema,
  link: link.schema,
  ranking: ranking.schema,
  yes_no: yesNo.schema,
};

export const QUESTION_TYPES = Object.keys(QUESTION_SCHEMAS) as QuestionType[];

export function isQuestionType(value: unknown): value is QuestionType {
  return typeof value === 'string' && Object.hasOwn(QUESTION_SCHEMAS, value);
}
