// Free text shared by short_text, long_text and the «Другое» follow-up.
import type { AnswerInput, ParseResult } from './model.js';
import { emptyAnswer } from './choice.js';
import { accept, reject } from './outcome.js';
import { cleanText, isBlank, visibleLength } from './text.js';

/** The store keeps at most this many characters of one answer. */
export const MAX_TEXT_LENGTH = 4000;

export function parseText(
  input: AnswerInput,
  rules: { multiline: boolean; maxLength: number; required: boolean },
): ParseResult {
  const text = cleanText(input.text, rules.multiline);
  if (isBlank(text)) return emptyAnswer(rules.required);
  const length = visibleLength(text);
  // Too long is refused, not cut: a teacher's last sentence must not vanish without a word.
  if (length > rules.maxLength) return reject('validation.text_too_long', { count: rules.maxLength, length });
  return accept(text);
}
