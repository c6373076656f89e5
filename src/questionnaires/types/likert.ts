import { z } from 'zod';
import type { Locale, LocalizedText } from '../../domain/locale.js';
import { emptyAnswer } from '../choice.js';
import type { QuestionBase } from '../model.js';
import { accept, reject } from '../outcome.js';
import { localizedText, questionBase, TEXT_LIMITS } from '../schema.js';
import { cleanText, isBlank, localized, matchKey } from '../text.js';
import type { Problem, QuestionHandler } from './handler.js';
import { phrase } from '../../i18n/index.js';

export interface LikertQuestion extends QuestionBase {
  type: 'likert';
  /** Points min..max; min is 1, so a point's number is also its place in a numbered list. */
  scale: { min: number; max: number };
  /** Words for some points, at least both ends, keyed by the point. */
  labels: Record<number, LocalizedText>;
}

const MAX_POINTS = 10;
const whole = z
  .number({ error: (i) => (i.input === undefined ? 'content.z_required' : 'content.z_int') })
  .int({ error: 'content.z_int' });

function points(q: LikertQuestion): number[] {
  const list: number[] = [];
  for (let v = q.scale.min; v <= q.scale.max && list.length < MAX_POINTS; v++) list.push(v);
  return list;
}

function pointLabel(q: LikertQuestion, point: number, locale: Locale): string {
  const label = q.labels[point];
  return label ? `${point} — ${localized(label, locale)}` : String(point);
}

function pointOf(q: LikertQuestion, value: number): boolean {
  return Number.isInteger(value) && value >= q.scale.min && value <= q.scale.max;
}

export const likert: QuestionHandler<LikertQuestion> = {
  schema: z.strictObject({
    ...questionBase,
    type: z.literal('likert'),
    scale: z.strictObject({ min: whole, max: whole }),
    labels: z.record(
      z.string().regex(/^-?\d+$/, { error: 'content.q_scale_point' }),
      localizedText(TEXT_LIMITS.option),
      {
        error: (i) => (i.input === undefined ? 'content.q_labels_required' : 'content.q_labels_form'),
      },
    ),
  }),

  check(q) {
    const problems: Problem[] = [];
    const { min, max } = q.scale;
    if (min !== 1) {
      problems.push({
        message: phrase('content.q_scale_from_1'),
        path: ['scale', 'min'],
      });
    }
    if (min >= max) problems.push({ message: phrase('content.q_scale_order', { min, max }), path: ['scale'] });
    else if (max - min + 1 > MAX_POINTS) {
      problems.push({
        message: phrase('content.q_scale_size', { count: max - min + 1, max: MAX_POINTS }),
        path: ['scale'],
      });
    }
    for (const key of Object.keys(q.labels)) {
      const point = Number(key);
      if (point < min || point > max)
        problems.push({ message: phrase('content.q_label_outside', { key, min, max }), path: ['labels', key] });
    }
    if (min < max && (!q.labels[min] || !q.labels[max])) {
      problems.push({ message: phrase('content.q_label_ends', { min, max }), path: ['labels'] });
    }
    return problems;
  },

  input: (q, locale) => ({
    kind: 'choice',
    options: points(q).map((v) => ({ id: String(v), label: pointLabel(q, v, locale) })),
  }),

  parse(q, input, ctx) {
    const outOfScale = reject('validation.scale_range', { min: q.scale.min, max: q.scale.max });
    if (Array.isArray(input.optionIds) && input.optionIds.length > 0) {
      const [id] = input.optionIds;
      const value = typeof id === 'string' && /^-?\d+$/.test(id) ? Number(id) : Number.NaN;
      return input.optionIds.length === 1 && pointOf(q, value) ? accept(value) : outOfScale;
    }
    const text = cleanText(input.text, false);
    if (isBlank(text)) return emptyAnswer(q.required);
    const key = matchKey(text);
    // "4", "4." or the label copied whole: "4 — скорее согласен".
    const numbered = /^(-?\d+)(.*)$/.exec(key);
    if (numbered) {
      const rest = numbered[2]!.trim();
      if (rest === '' || rest === ')' || (/^[—–\-.):]?\s*\p{L}/u.test(rest) && !/\d/.test(rest))) {
        const value = Number(numbered[1]);
        return pointOf(q, value) ? accept(value) : outOfScale;
      }
      return outOfScale;
    }
    for (const point of points(q)) {
      const label = q.labels[point];
      if (label && (matchKey(localized(label, ctx.locale)) === key || matchKey(label.ru) === key)) return accept(point);
    }
    return outOfScale;
  },

  display: (q, value, locale) => (typeof value === 'number' ? pointLabel(q, value, locale) : String(value)),

  operators: ['equals', 'notEquals', 'in', 'gte', 'lte', 'answered'],

  conditionValue(q, value, operator) {
    if (typeof value !== 'number')
      return {
        problem: phrase('content.q_cond_number', { id: q.id, type: q.type, value: JSON.stringify(value) }),
      };
    if (operator === 'gte' || operator === 'lte' ? value < q.scale.min || value > q.scale.max : !pointOf(q, value)) {
      return {
        problem: phrase('content.q_cond_scale_point', { value, id: q.id, min: q.scale.min, max: q.scale.max }),
      };
    }
    return { value };
  },
};
