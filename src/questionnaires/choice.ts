// What single choice, multiple choice and ranking share: the displayed list (with "Другое" last),
// reading picks from buttons or from typed text, and checks on the option list.
import type { Locale } from '../domain/locale.js';
import { LOCALES } from '../domain/locale.js';
import type { AnswerValue } from '../domain/response.js';
import { phrase, t } from '../i18n/index.js';
import {
  OTHER_OPTION_ID,
  type AnswerInput,
  type ChoiceOption,
  type ConditionValue,
  type ParseResult,
} from './model.js';
import { reject } from './outcome.js';
import { cleanText, isBlank, localized, matchKey } from './text.js';
import type { ConditionValueCheck, Problem } from './types/handler.js';

function otherOption(): ChoiceOption {
  return {
    id: OTHER_OPTION_ID,
    text: {
      ru: t('ru', 'validation.option_other'),
      kk: t('kk', 'validation.option_other'),
      en: t('en', 'validation.option_other'),
    },
  };
}

/** The options in the order the teacher sees them; their numbers are positions in this list. */
export function displayedOptions(options: ChoiceOption[], other: boolean): ChoiceOption[] {
  return other ? [...options, otherOption()] : options;
}

export function optionLabels(options: ChoiceOption[], locale: Locale): { id: string; label: string }[] {
  return options.map((o) => ({ id: o.id, label: localized(o.text, locale) }));
}

export function labelOf(options: ChoiceOption[], id: string, locale: Locale): string {
  const option = options.find((o) => o.id === id);
  // An id no longer in the list (an answer to an older wording) is still shown rather than lost.
  return option ? localized(option.text, locale) : id;
}

/** Nothing was sent: a required question says so, an optional one reminds that it can be skipped. */
export function emptyAnswer(required: boolean): ParseResult {
  return reject(required ? 'validation.required' : 'validation.empty_optional');
}

export type Picks =
  | { ok: true; ids: string[] }
  | { ok: false; empty: true }
  | { ok: false; empty: false; result: ParseResult };

type Match = { id: string } | { outOfRange: true } | undefined;

function matchOne(segment: string, options: ChoiceOption[], locale: Locale): Match {
  const key = matchKey(segment).replace(/^№\s*/, '');
  const number = /^(\d{1,4})[.)]?$/.exec(key);
  if (number) {
    const option = options[Number(number[1]) - 1];
    return option ? { id: option.id } : { outOfRange: true };
  }
  const byLabel = (o: ChoiceOption, k: string) =>
    matchKey(localized(o.text, locale)) === k || matchKey(o.text.ru) === k;
  const found = options.find((o) => o.id.toLowerCase() === key || byLabel(o, key));
  if (found) return { id: found.id };
  // "2. Открытый урок" — the line copied from the numbered list.
  const line = /^(\d{1,3})[.)]\s*(.+)$/.exec(key);
  if (line) {
    const option = options[Number(line[1]) - 1];
    if (option && byLabel(option, line[2]!)) return { id: option.id };
  }
  return undefined;
}

/**
 * The option ids a teacher picked, in the order given, duplicates kept (the caller decides what a
 * duplicate means). Typed text may be numbers in displayed order ("2, 4", "2 4", "2;4"), option ids
 * or labels in the teacher's language or in Russian.
 */
export function readPicks(input: AnswerInput, options: ChoiceOption[], locale: Locale): Picks {
  const max = options.length;
  const unknown: Picks = { ok: false, empty: false, result: reject('validation.choice_unknown', { max }) };
  const outOfRange: Picks = { ok: false, empty: false, result: reject('validation.choice_number_range', { max }) };

  if (Array.isArray(input.optionIds) && input.optionIds.length > 0) {
    const ids: string[] = [];
    for (const id of input.optionIds) {
      if (typeof id !== 'string' || !options.some((o) => o.id === id)) return unknown;
      ids.push(id);
    }
    return { ok: true, ids };
  }

  const text = cleanText(input.text, true);
  if (isBlank(text)) return { ok: false, empty: true };

  const whole = matchOne(text, options, locale);
  if (whole && 'id' in whole) return { ok: true, ids: [whole.id] };

  const ids: string[] = [];
  for (const segment of text.split(/[,;\n]+/)) {
    if (isBlank(segment)) continue;
    const match = matchOne(segment, options, locale);
    if (match && 'id' in match) {
      ids.push(match.id);
      continue;
    }
    if (match) return outOfRange;
    // "2 4" or "3 1 2": numbers separated by spaces only.
    const numbers = matchKey(segment).split(' ');
    if (numbers.length > 1 && numbers.every((n) => /^\d{1,4}[.)]?$/.test(n))) {
      for (const n of numbers) {
        const option = options[Number.parseInt(n, 10) - 1];
        if (!option) return outOfRange;
        ids.push(option.id);
      }
      continue;
    }
    return unknown;
  }
  return ids.length > 0 ? { ok: true, ids } : { ok: false, empty: true };
}

export function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

/** Problems with an option list: ids and labels that could not be told apart. */
export function checkOptions(options: ChoiceOption[], other: boolean): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  options.forEach((o, i) => {
    if (seen.has(o.id))
      problems.push({
        message: phrase('content.q_option_ids_unique', { id: o.id }),
        path: ['options', i, 'id'],
      });
    seen.add(o.id);
    if (o.id === OTHER_OPTION_ID) {
      problems.push({
        message: phrase('content.q_option_other_reserved', {
          id: OTHER_OPTION_ID,
          other: phrase('validation.option_other'),
        }),
        path: ['options', i, 'id'],
      });
    }
  });
  const shown = displayedOptions(options, other);
  for (const locale of LOCALES) {
    const labels = new Set<string>();
    shown.forEach((o, i) => {
      const text: string | undefined = o.text[locale];
      if (text === undefined) return;
      const key = matchKey(text);
      if (labels.has(key)) {
        problems.push({
          message: phrase('content.q_option_texts_unique', { text }),
          path: ['options', i, 'text'],
        });
      }
      labels.add(key);
      // A teacher who types "3" means the third option; a label "3" elsewhere could never be chosen by typing.
      const bare = /^(\d+)$/.exec(key);
      if (bare && Number(bare[1]) !== i + 1) {
        problems.push({
          message: phrase('content.q_option_bare_number', { id: o.id, text, number: bare[1]! }),
          path: ['options', i, 'text'],
        });
      }
    });
  }
  return problems;
}

/** A showIf value for a choice question: one of its option ids (YAML may have read `1` as a number). */
export function optionConditionValue(
  questionId: string,
  options: ChoiceOption[],
  value: ConditionValue,
): ConditionValueCheck {
  const id = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
  if (typeof id === 'string' && options.some((o) => o.id === id)) return { value: id };
  return {
    problem: phrase('content.q_cond_not_option', {
      value: JSON.stringify(value),
      id: questionId,
      options: options.map((o) => o.id).join(', '),
    }),
  };
}

/** The whole answer as shown in a summary: option labels, whatever the stored value's shape. */
export function displayIds(options: ChoiceOption[], value: AnswerValue, locale: Locale): string[] {
  const ids = Array.isArray(value) ? value : [String(value)];
  return ids.map((id) => labelOf(options, id, locale));
}
