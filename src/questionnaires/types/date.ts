import { z } from 'zod';
import { t } from '../../i18n/index.js';
import { emptyAnswer } from '../choice.js';
import { formatDate, isIsoDate, isRealDate, toIso } from '../dates.js';
import type { QuestionBase } from '../model.js';
import { accept, reject } from '../outcome.js';
import { questionBase } from '../schema.js';
import { cleanText, isBlank, matchKey } from '../text.js';
import type { Problem, QuestionHandler } from './handler.js';
import { phrase } from '../../i18n/index.js';

export interface DateQuestion extends QuestionBase {
  type: 'date';
  /** Earliest and latest accepted dates, yyyy-mm-dd. */
  min?: string;
  max?: string;
  /** Refuse dates after the teacher's today (in the cohort's time zone). */
  notInFuture: boolean;
}

const isoDate = z.string({ error: 'content.z_iso_date' }).refine(isIsoDate, { error: 'content.z_iso_date' });

const TODAY = new Set(['сегодня', 'бүгін', 'today']);
const YESTERDAY = new Set(['вчера', 'кеше', 'yesterday']);

function shiftDays(iso: string, days: number): string {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

type Read = { iso: string } | { nonexistent: string } | undefined;

/** dd.mm.yyyy, d.m.yyyy, dd/mm/yyyy, dd-mm-yyyy, yyyy-mm-dd; "г." after the year is fine. */
function readDate(text: string, today: string): Read {
  const key = matchKey(text).replace(/\s*(?:г|гг|года?|ж|жыл)\.?$/u, '');
  if (TODAY.has(key)) return { iso: today };
  if (YESTERDAY.has(key)) return { iso: shiftDays(today, -1) };
  let parts: [number, number, number] | undefined;
  const dmy = /^(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4})$/.exec(key);
  const ymd = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(key);
  if (dmy) parts = [Number(dmy[3]), Number(dmy[2]), Number(dmy[1])];
  else if (ymd) parts = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
  if (!parts) return undefined;
  const [year, month, day] = parts;
  if (year < 1900 || year > 2100) return undefined;
  if (!isRealDate(year, month, day)) return { nonexistent: formatDate(toIso(year, month, day)) };
  return { iso: toIso(year, month, day) };
}

export const date: QuestionHandler<DateQuestion> = {
  schema: z.strictObject({
    ...questionBase,
    type: z.literal('date'),
    min: isoDate.optional(),
    max: isoDate.optional(),
    notInFuture: z.boolean({ error: 'content.z_boolean' }).default(false),
  }),

  check(q) {
    const problems: Problem[] = [];
    if (q.min && q.max && q.min > q.max)
      problems.push({ message: phrase('content.q_date_order', { min: q.min, max: q.max }), path: ['min'] });
    return problems;
  },

  input: (_q, locale) => ({ kind: 'text', multiline: false, hint: t(locale, 'validation.hint_date') }),

  parse(q, input, ctx) {
    const text = cleanText(input.text, false);
    if (isBlank(text)) return emptyAnswer(q.required);
    const read = readDate(text, ctx.today);
    if (!read) return reject('validation.date_format', { example: formatDate(ctx.today) });
    if ('nonexistent' in read) return reject('validation.date_nonexistent', { date: read.nonexistent });
    const { iso } = read;
    if (q.notInFuture && iso > ctx.today && (!q.max || q.max >= ctx.today)) {
      return reject('validation.date_future', { today: formatDate(ctx.today) });
    }
    const tooEarly = q.min !== undefined && iso < q.min;
    const tooLate = q.max !== undefined && iso > q.max;
    if (tooEarly || tooLate) {
      if (q.min && q.max) return reject('validation.date_range', { min: formatDate(q.min), max: formatDate(q.max) });
      return tooEarly
        ? reject('validation.date_min', { min: formatDate(q.min!) })
        : reject('validation.date_max', { max: formatDate(q.max!) });
    }
    return accept(iso);
  },

  display: (_q, value) => (typeof value === 'string' ? formatDate(value) : String(value)),

  operators: ['answered'],

  conditionValue: (q) => ({ problem: phrase('content.q_only_answered', { id: q.id, type: q.type }) }),
};
