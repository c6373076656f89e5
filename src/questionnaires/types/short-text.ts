import { z } from 'zod';
import type { QuestionBase } from '../model.js';
import { positiveInt, questionBase } from '../schema.js';
import type { QuestionHandler } from './handler.js';
import { MAX_TEXT_LENGTH, parseText } from '../text-answer.js';

export interface ShortTextQuestion extends QuestionBase {
  type: 'short_text';
  /** In characters as a person counts them (an emoji is one); default 200. */
  maxLength: number;
}

export const shortText: QuestionHandler<ShortTextQuestion> = {
  schema: z.strictObject({
    ...questionBase,
    type: z.literal('short_text'),
    maxLength: positiveInt()
      .max(MAX_TEXT_LENGTH, { error: `must be at most ${MAX_TEXT_LENGTH}` })
      .default(200),
  }),
  check: () => [],
  input: (q) => ({ kind: 'text', multiline: false, maxLength: q.maxLength }),
  parse: (q, input) => parseText(input, { multiline: false, maxLength: q.maxLength, required: q.required }),
  display: (_q, value) => String(value),
  operators: ['answered'],
  conditionValue: (q) => ({ problem: `${q.id} is a text question; only "answered" applies to it` }),
};
