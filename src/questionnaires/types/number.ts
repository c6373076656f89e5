import { z } from 'zod';
import { emptyAnswer } from '../choice.js';
import type { QuestionBase } from '../model.js';
import { accept, reject } from '../outcome.js';
import { questionBase } from '../schema.js';
import { cleanText, isBlank } from '../text.js';
import { t } from '../../i18n/index.js';
import type { Locale } from '../../domain/locale.js';
import type { Problem, QuestionHandler } from './handler.js';
import { phrase } from '../../i18n/index.js';

export interface NumberQuestion extends QuestionBase {
  type: 'number';
  min?: number;
  max?: number;
  /** Only whole numbers (counts of events, of pupils, years of experience). */
  integer: boolean;
}

const finite = z
  .number({ error: (i) => (i.input === undefined ? 'content.z_required' : 'content.z_number') })
  .finite({ error: 'content.z_number' });

// "12", "-3", "5,5", "5.5", "1 000", "12 лет", "80%": a number, maybe grouped, maybe with a unit word.
const NUMBER = /^([-−–]?)(\d{1,3}(?:[ \u00A0\u202F]\d{3})+|\d+)(?:[.,](\d+))?(?:\s*(?:%|\p{L}[\p{L}.]*))?$/u;

/** The number a teacher typed, or undefined if it is not one. */
export function readNumber(text: string): number | undefined {
  const match = NUMBER.exec(text);
  if (!match) return undefined;
  const digits = match[2]!.replace(/[ \u00A0\u202F]/g, '');
  const value = Number(`${match[1] ? '-' : ''}${digits}${match[3] ? `.${match[3]}` : ''}`);
  return Number.isFinite(value) ? value : undefined;
}

export function formatNumber(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 6 }).format(value);
}

function rangeError(q: NumberQuestion, locale: Locale) {
  const min = q.min === undefined ? undefined : formatNumber(q.min, locale);
  const max = q.max === undefined ? undefined : formatNumber(q.max, locale);
  if (min !== undefined && max !== undefined) return reject('validation.number_range', { min, max });
  if (min !== undefined) return reject('validation.number_min', { min });
  return reject('validation.number_max', { max: max ?? '' });
}

export const number: QuestionHandler<NumberQuestion> = {
  schema: z.strictObject({
    ...questionBase,
    type: z.literal('number'),
    min: finite.optional(),
    max: finite.optional(),
    integer: z.boolean({ error: 'content.z_boolean' }).default(false),
  }),

  check(q) {
    const problems: Problem[] = [];
    if (q.min !== undefined && q.max !== undefined && q.min > q.max) {
      problems.push({ message: phrase('content.q_min_max', { min: q.min, max: q.max }), path: ['min'] });
    }
    if (q.integer && q.min !== undefined && q.max !== undefined && Math.ceil(q.min) > Math.floor(q.max)) {
      problems.push({ message: phrase('content.q_no_integer', { min: q.min, max: q.max }), path: ['min'] });
    }
    return problems;
  },

  input: (q, locale) => ({
    kind: 'text',
    multiline: false,
    hint:
      q.min !== undefined && q.max !== undefined
        ? t(locale, 'validation.hint_number_range', {
            min: formatNumber(q.min, locale),
            max: formatNumber(q.max, locale),
          })
        : t(locale, 'validation.hint_number'),
  }),

  parse(q, input, ctx) {
    const text = cleanText(input.text, false);
    if (isBlank(text)) return emptyAnswer(q.required);
    const value = readNumber(text.replace(/[.!]+$/, ''));
    // "пять" is a number to a person: ask for digits rather than call the answer wrong.
    if (value === undefined) return reject('validation.number_invalid');
    if (q.integer && !Number.isInteger(value)) return reject('validation.number_integer');
    if ((q.min !== undefined && value < q.min) || (q.max !== undefined && value > q.max))
      return rangeError(q, ctx.locale);
    return accept(value);
  },

  display: (_q, value, locale) => (typeof value === 'number' ? formatNumber(value, locale) : String(value)),

  operators: ['equals', 'notEquals', 'in', 'gte', 'lte', 'answered'],

  conditionValue: (q, value) =>
    typeof value === 'number'
      ? { value }
      : { problem: phrase('content.q_cond_number', { id: q.id, type: q.type, value: JSON.stringify(value) }) },
};
