import { z } from 'zod';
import { phrase, t } from '../../i18n/index.js';
import { emptyAnswer } from '../choice.js';
import type { QuestionBase } from '../model.js';
import { accept, reject } from '../outcome.js';
import { questionBase } from '../schema.js';
import { cleanText, isBlank, matchKey } from '../text.js';
import type { QuestionHandler } from './handler.js';

export interface YesNoQuestion extends QuestionBase {
  type: 'yes_no';
}

// Russian, Kazakh (with the spellings a phone keyboard without Kazakh letters produces) and English.
const YES_WORDS = new Set([
  'да',
  'ага',
  'угу',
  'конечно',
  'иә',
  'ия',
  'иа',
  'ие',
  'иэ',
  'әрине',
  'әлбетте',
  'yes',
  'yeah',
  'yep',
]);
const NO_WORDS = new Set(['нет', 'неа', 'жоқ', 'жок', 'жох', 'no', 'nope']);
// Too short to trust inside a sentence ("не" in "да, но не всё"), clear as the whole answer.
const YES_ALONE = new Set(['д', 'y', 'true', '+']);
const NO_ALONE = new Set(['н', 'не', 'n', 'false']);

/** true, false, or undefined when the text says neither or both ("да нет"). */
export function readYesNo(text: string): boolean | undefined {
  const key = matchKey(text);
  // The buttons' ids, and 1 / 2 for the two lines of the numbered list (yes first).
  if (key === 'yes' || key === '1' || YES_ALONE.has(key)) return true;
  if (key === 'no' || key === '2' || NO_ALONE.has(key)) return false;
  const words = key.split(/[\s,.!;:—–-]+/).filter(Boolean);
  const yes = words.some((w) => YES_WORDS.has(w));
  const no = words.some((w) => NO_WORDS.has(w));
  if (yes === no) return undefined;
  // The answer leads: "нет, план ещё не утверждён", "да, конечно"; "утверждён? да" is not a reply we guess at.
  const first = words[0]!;
  return YES_WORDS.has(first) ? true : NO_WORDS.has(first) ? false : undefined;
}

export const yesNo: QuestionHandler<YesNoQuestion> = {
  schema: z.strictObject({ ...questionBase, type: z.literal('yes_no') }),
  check: () => [],
  input: (_q, locale) => ({
    kind: 'choice',
    options: [
      { id: 'yes', label: t(locale, 'common.yes') },
      { id: 'no', label: t(locale, 'common.no') },
    ],
  }),
  parse(q, input) {
    if (Array.isArray(input.optionIds) && input.optionIds.length > 0) {
      const [id] = input.optionIds;
      if (input.optionIds.length === 1 && (id === 'yes' || id === 'no')) return accept(id === 'yes');
      return reject('validation.yes_no_invalid');
    }
    const text = cleanText(input.text, false);
    if (isBlank(text)) return emptyAnswer(q.required);
    const value = readYesNo(text);
    return value === undefined ? reject('validation.yes_no_invalid') : accept(value);
  },
  display: (_q, value, locale) =>
    typeof value === 'boolean' ? t(locale, value ? 'common.yes' : 'common.no') : String(value),
  operators: ['equals', 'notEquals', 'answered'],
  conditionValue(q, value) {
    if (typeof value === 'boolean') return { value };
    const read = typeof value === 'string' ? readYesNo(value) : undefined;
    // YAML 1.2 reads `equals: yes` as the string "yes"; a methodologist means true.
    if (read !== undefined) return { value: read };
    return {
      problem: phrase('content.q_cond_yes_no', { id: q.id, value: JSON.stringify(value) }),
    };
  },
};
