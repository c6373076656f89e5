import { z } from 'zod';
import type { QuestionBase } from '../model.js';
import { positiveInt, questionBase } from '../schema.js';
import type { QuestionHandler } from './handler.js';
import { MAX_TEXT_LENGTH, parseText } from '../text-answer.js';
import { phrase } from '../../i18n/index.js';

export interface LongTextQuestion extends QuestionBase {
  type: 'long_text';
  /** In characters as a person counts them; default 4000, which is also the most. */
  maxLength: number;
}

export const longText: QuestionHandler<LongTextQuestion> = {
  schema: z.strictObject({
    ...questionBase,
    type: z.literal('long_text'),
    maxLength: positiveInt().max(MAX_TEXT_LENGTH, { error: 'content.z_at_most' }).default(MAX_TEXT_LENGTH),
  }),
  check: () => [],
  input: (q) => ({ kind: 'text', multiline: true, maxLength: q.maxLength }),
  parse: (q, input) => parseText(input, { multiline: true, maxLength: q.maxLength, required: q.required }),
  display: (_q, value) => String(value),
  operators: ['answered'],
  conditionValue: (q) => ({ problem: phrase('content.q_only_answered', { id: q.id, type: q.type }) }),
};
