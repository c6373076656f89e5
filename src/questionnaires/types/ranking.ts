import { z } from 'zod';
import { checkOptions, emptyAnswer, labelOf, optionConditionValue, optionLabels, readPicks } from '../choice.js';
import type { ChoiceOption, QuestionBase } from '../model.js';
import { accept, reject } from '../outcome.js';
import { options, positiveInt, questionBase } from '../schema.js';
import type { Problem, QuestionHandler } from './handler.js';
import { phrase } from '../../i18n/index.js';

export interface RankingQuestion extends QuestionBase {
  type: 'ranking';
  options: ChoiceOption[];
  /** How many options to put in order, most important first (default: all of them). */
  count: number;
}

export const ranking: QuestionHandler<RankingQuestion> = {
  schema: z
    .strictObject({
      ...questionBase,
      type: z.literal('ranking'),
      options,
      count: positiveInt('content.q_count_min_2').min(2, { error: 'content.q_count_min_2' }).optional(),
    })
    .transform((q) => ({ ...q, count: q.count ?? q.options.length })),

  check(q) {
    const problems: Problem[] = checkOptions(q.options, false);
    if (q.count > q.options.length) {
      problems.push({
        message: phrase('content.q_count_over_options', { count: q.count, options: q.options.length }),
        path: ['count'],
      });
    }
    return problems;
  },

  input: (q, locale) => ({ kind: 'choice', options: optionLabels(q.options, locale), ranking: { count: q.count } }),

  parse(q, input, ctx) {
    const read = readPicks(input, q.options, ctx.locale);
    if (!read.ok) return read.empty ? emptyAnswer(q.required) : read.result;
    const ids = read.ids;
    if (new Set(ids).size !== ids.length) return reject('validation.ranking_duplicate');
    // Ranking all but one leaves the last place to the one left over.
    if (q.count === q.options.length && ids.length === q.count - 1) {
      ids.push(q.options.find((o) => !ids.includes(o.id))!.id);
    }
    if (ids.length !== q.count) return reject('validation.ranking_count', { count: q.count });
    return accept(ids);
  },

  display: (q, value, locale) =>
    (Array.isArray(value) ? value : [String(value)])
      .map((id, i) => `${i + 1}. ${labelOf(q.options, id, locale)}`)
      .join('; '),

  operators: ['includes', 'answered'],

  conditionValue: (q, value) => optionConditionValue(q.id, q.options, value),
};
