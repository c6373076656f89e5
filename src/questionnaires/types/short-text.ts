import { z } from 'zod';
import type { QuestionBase } from '../model.js';
import { positiveInt, questionBase } from '../schema.js';
import type { QuestionHandler } from './handler.js';
import { MAX_TEXT_LENGTH, parseText } from '../text-answer.js';
import { phrase } from '../../i18n/index.js';

export interface ShortTextQuestion extends QuestionBase {
  type: 'short_text';
  /** In characters as a person counts them (an emoji is one); default 200. */
  maxLength: number;
}

export const shortText: QuestionHandler<ShortTextQuestion> = {
  schema: z.strictObject({
    ...questionBase,
    type: z.literal('short_text'),
    maxLength: positiveInt().max(MAX_TEXT_LENGTH, { error: 'content.z_at_most' }).default(200),
  }),
  check: () => [],
  input: (q) => ({ kind: 'text', multiline: false, maxLength: q.maxLength }),
  parse: (q, input) => parseText(input, { multiline: false, maxLength: q.maxLength, required: q.required }),
  display: (_q, value) => String(value),
  operators: ['answered'],
  conditionValue: (q) => ({ problem: phrase('content.q_only_answered', { id: q.id, type: q.type }) }),
};
