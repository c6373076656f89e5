// The public shapes of the questionnaires module. Other modules (engine, exports, store) depend on
// these names; the zod schemas in types/ are checked against them at compile time.
import type { Locale, LocalizedText } from '../domain/locale.js';
import type { AnswerValue } from '../domain/response.js';
import type { MessageKey } from '../i18n/index.js';
import type { DateQuestion } from './types/date.js';
import type { LikertQuestion } from './types/likert.js';
import type { LinkQuestion } from './types/link.js';
import type { LongTextQuestion } from './types/long-text.js';
import type { MultipleChoiceQuestion } from './types/multiple-choice.js';
import type { NumberQuestion } from './types/number.js';
import type { RankingQuestion } from './types/ranking.js';
import type { ShortTextQuestion } from './types/short-text.js';
import type { SingleChoiceQuestion } from './types/single-choice.js';
import type { YesNoQuestion } from './types/yes-no.js';

export type { AnswerValue, Locale, LocalizedText };
export type {
  DateQuestion,
  LikertQuestion,
  LinkQuestion,
  LongTextQuestion,
  MultipleChoiceQuestion,
  NumberQuestion,
  RankingQuestion,
  ShortTextQuestion,
  SingleChoiceQuestion,
  YesNoQuestion,
};

/** One question of a questionnaire, discriminated by `type`. */
export type Question =
  | SingleChoiceQuestion
  | MultipleChoiceQuestion
  | LikertQuestion
  | NumberQuestion
  | ShortTextQuestion
  | LongTextQuestion
  | DateQuestion
  | LinkQuestion
  | RankingQuestion
  | YesNoQuestion;

export type QuestionType = Question['type'];

/** What every question has, whatever its type. */
export interface QuestionBase {
  id: string;
  text: LocalizedText;
  help?: LocalizedText;
  /** false: the teacher may skip the question (the engine stores null). */
  required: boolean;
  /** Asked only when this holds over the answers to earlier questions. */
  showIf?: Condition;
  /**
   * A completed answer here opens a consultation request, routed like the teacher's own: `true` for
   * "yes" (or any answer to a question that is not yes/no), or the option ids that do.
   */
  opensConsultation?: true | string[];
  /**
   * Asked only to teachers whose cohort runs one of these support models (flows/models/<id>.yaml):
   * one questionnaire carries the questions a model adds to it (seed 003's diagnosis in the entry).
   */
  models?: string[];
}

export interface ChoiceOption {
  id: string;
  text: LocalizedText;
}

/** The option id a choice question with `other: true` adds after its own options. */
export const OTHER_OPTION_ID = 'other';

export type ConditionValue = string | number | boolean;

/**
 * Skip logic over earlier answers. An unanswered (skipped or hidden) question equals nothing, so
 * `notEquals` holds for it and `equals`, `in`, `includes`, `gte`, `lte` do not.
 */
export type Condition =
  | { question: string; equals: ConditionValue }
  | { question: string; notEquals: ConditionValue }
  | { question: string; in: ConditionValue[] }
  | { question: string; includes: string }
  | { question: string; gte: number; lte?: number }
  | { question: string; lte: number; gte?: number }
  | { question: string; answered: boolean }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export interface Questionnaire {
  id: string;
  version: number;
  title: LocalizedText;
  intro?: LocalizedText;
  outro?: LocalizedText;
  questions: Question[];
  /** sha256 of the canonical definition, to detect a changed version */
  hash: string;
  source: string /* file path relative to the repo */;
}

/** The questionnaire as a teacher of a cohort running `model` is asked it: other models' questions left out. */
export function forModel(q: Questionnaire, model: string | undefined): Questionnaire {
  if (!q.questions.some((question) => question.models)) return q;
  return {
    ...q,
    questions: q.questions.filter(
      (question) => !question.models || (model !== undefined && question.models.includes(model)),
    ),
  };
}

export interface QuestionnaireCatalog {
  get(id: string, version?: number /* default latest */): Questionnaire | undefined;
  latest(): Questionnaire[];
  all(): Questionnaire[];
}

/** Rendering-agnostic description of how to ask; the engine turns it into buttons or a numbered list. */
export type QuestionInput =
  | {
      kind: 'choice';
      options: { id: string; label: string }[];
      multiple?: { min: number; max: number };
      ranking?: { count: number };
    }
  | { kind: 'text'; multiline: boolean; maxLength?: number; hint?: string /* e.g. "дд.мм.гггг" */ };

/** What the teacher sent: text typed, or option ids chosen by buttons. */
export interface AnswerInput {
  text?: string;
  optionIds?: string[];
}

export interface ParseContext {
  locale: Locale;
  today: string /* yyyy-mm-dd in the teacher's cohort time zone */;
}

export type ParseResult =
  | { ok: true; value: AnswerValue; needsOtherText?: boolean }
  | { ok: false; error: { key: MessageKey /* a 'validation.*' key */; params?: Record<string, string | number> } };

/** The keys a parser may answer with. */
export type ValidationKey = Extract<MessageKey, `validation.${string}`>;
