// Asking and reading answers, whatever the channel: the engine renders QuestionInput and passes
// back what the teacher sent.
import type { Locale } from '../domain/locale.js';
import type { AnswerValue } from '../domain/response.js';
import { t } from '../i18n/index.js';
import { handlerFor } from './handlers.js';
import type { AnswerInput, ParseContext, ParseResult, Question, QuestionInput } from './model.js';
import { parseText } from './text-answer.js';

/** «Другое: …» is a phrase, not an essay. */
export const OTHER_TEXT_MAX_LENGTH = 500;

/**
 * How to ask: option labels localised; yes_no is a choice of [yes, no]; likert is a choice whose
 * labels begin with their point ("5 — полностью согласен"), and since scales start at 1 the point is
 * also the option's number in a numbered list.
 */
export function questionInput(question: Question, locale: Locale): QuestionInput {
  return handlerFor(question).input(locale);
}

/**
 * Whether an answer survives «удалить мои данные»: options picked from a list name nobody, while
 * anything typed (a text, a link, a date) may hold a phone or a name. Typed numbers are numbers.
 */
export function keepsAfterDeletion(question: Question): boolean {
  return questionInput(question, 'ru').kind === 'choice';
}

/**
 * Reads what the teacher sent. Never throws. An empty answer is an error (skipping is the
 * engine's "skip" action on an optional question, stored as null). `needsOtherText` asks the engine
 * to collect the «Другое» text with parseOtherText.
 */
export function parseAnswer(question: Question, input: AnswerInput, ctx: ParseContext): ParseResult {
  return handlerFor(question).parse(input ?? {}, ctx);
}

/** The free-text follow-up after «Другое» was chosen; always required once asked. */
export function parseOtherText(_question: Question, input: AnswerInput, _ctx: ParseContext): ParseResult {
  const result = parseText(input ?? {}, { multiline: false, maxLength: OTHER_TEXT_MAX_LENGTH, required: true });
  return !result.ok && result.error.key === 'validation.required'
    ? { ok: false, error: { key: 'validation.other_text_required' } }
    : result;
}

/**
 * An answer as a person reads it, for the summary before confirming and for exports: option
 * labels, да/нет, dates as дд.мм.гггг, a ranking as "1. …; 2. …". Null (skipped) reads "пропущено".
 */
export function displayAnswer(question: Question, value: AnswerValue | null, locale: Locale): string {
  if (value === null || value === undefined) return t(locale, 'validation.skipped');
  return handlerFor(question).display(value, locale);
}
