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
import { options, questionBase } from '../schema.js';
import type { QuestionHandler } from './handler.js';

export interface SingleChoiceQuestion extends QuestionBase {
  type: 'single_choice';
  options: ChoiceOption[];
  /** Adds «Другое» after the options; choosing it asks for a free-text follow-up. */
  other: boolean;
}

export const singleChoice: QuestionHandler<SingleChoiceQuestion> = {
  schema: z.strictObject({
    ...questionBase,
    type: z.literal('single_choice'),
    options,
    other: z.boolean({ error: 'content.z_boolean' }).default(false),
  }),

  check: (q) => checkOptions(q.options, q.other),

  input: (q, locale) => ({ kind: 'choice', options: optionLabels(displayedOptions(q.options, q.other), locale) }),

  parse(q, input, ctx) {
    const shown = displayedOptions(q.options, q.other);
    const picks = readPicks(input, shown, ctx.locale);
    if (!picks.ok) return picks.empty ? emptyAnswer(q.required) : picks.result;
    const ids = unique(picks.ids);
    if (ids.length !== 1) return reject('validation.choice_single', { max: shown.length });
    const id = ids[0]!;
    return accept(id, id === OTHER_OPTION_ID);
  },

  display: (q, value, locale) => displayIds(displayedOptions(q.options, q.other), value, locale).join('; '),

  operators: ['equals', 'notEquals', 'in', 'answered'],

  conditionValue: (q, value) => optionConditionValue(q.id, displayedOptions(q.options, q.other), value),
};
