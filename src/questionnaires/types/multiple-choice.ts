import { z } from 'zod';
import {
  checkOptions,
  displayIds,
  displayedOptions,
  emptyAnswer,
  optionConditionValue,
  optionLabels,
  readPicks,
  unique,
} from '../choice.js';
import { OTHER_OPTION_ID, type ChoiceOption, type QuestionBase } from '../model.js';
import { accept, reject } from '../outcome.js';
import { options, positiveInt, questionBase } from '../schema.js';
import type { Problem, QuestionHandler } from './handler.js';
import { phrase } from '../../i18n/index.js';

export interface MultipleChoiceQuestion extends QuestionBase {
  type: 'multiple_choice';
  options: ChoiceOption[];
  other: boolean;
  /** Fewest picks (default 1); skipping the whole question is `required: false`, not `min: 0`. */
  min: number;
  /** Most picks (default: all the options, «Другое» included). */
  max: number;
}

const picks = () => positiveInt();

export const multipleChoice: QuestionHandler<MultipleChoiceQuestion> = {
  schema: z
    .strictObject({
      ...questionBase,
      type: z.literal('multiple_choice'),
      options,
      other: z.boolean({ error: 'content.z_boolean' }).default(false),
      min: picks().default(1),
      max: picks().optional(),
    })
    .transform((q) => ({ ...q, max: q.max ?? q.options.length + (q.other ? 1 : 0) })),

  check(q) {
    const problems: Problem[] = checkOptions(q.options, q.other);
    const count = displayedOptions(q.options, q.other).length;
    if (q.min > q.max)
      problems.push({ message: phrase('content.q_min_max', { min: q.min, max: q.max }), path: ['min'] });
    if (q.max > count)
      problems.push({ message: phrase('content.q_max_over_options', { max: q.max, count }), path: ['max'] });
    else if (q.min > count)
      problems.push({ message: phrase('content.q_min_over_options', { min: q.min, count }), path: ['min'] });
    return problems;
  },

  input: (q, locale) => ({
    kind: 'choice',
    options: optionLabels(displayedOptions(q.options, q.other), locale),
    multiple: { min: q.min, max: q.max },
  }),

  parse(q, input, ctx) {
    const shown = displayedOptions(q.options, q.other);
    const read = readPicks(input, shown, ctx.locale);
    if (!read.ok) return read.empty ? emptyAnswer(q.required) : read.result;
    const chosen = new Set(unique(read.ids));
    // Stored in displayed order, so equal choices are equal values in exports.
    const ids = shown.map((o) => o.id).filter((id) => chosen.has(id));
    if (q.min === q.max && ids.length !== q.min) return reject('validation.choice_exactly', { count: q.min });
    if (ids.length < q.min) return reject('validation.choice_too_few', { count: q.min });
    if (ids.length > q.max) return reject('validation.choice_too_many', { count: q.max });
    return accept(ids, ids.includes(OTHER_OPTION_ID));
  },

  display: (q, value, locale) => displayIds(displayedOptions(q.options, q.other), value, locale).join('; '),

  operators: ['includes', 'answered'],

  conditionValue: (q, value) => optionConditionValue(q.id, displayedOptions(q.options, q.other), value),
};
