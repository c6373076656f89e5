// Text helpers for what teachers type: any input, any script, never a throw.
import type { Locale, LocalizedText } from '../domain/locale.js';

/** The text in `locale`, falling back to Russian, which every text has. */
export function localized(text: LocalizedText, locale: Locale): string {
  return text[locale] || text.ru;
}

// C0 and C1 control characters, except tab and newline. Format characters (zero-width joiners
// inside emoji, right-to-left marks in Arabic or Hebrew names) are part of the text and stay.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * What a teacher typed, made safe to store and show: line breaks unified, control characters
 * removed, broken UTF-16 replaced (it would not survive UTF-8 storage), outer whitespace trimmed.
 * A single-line answer has its line breaks and tabs turned into spaces.
 */
export function cleanText(raw: unknown, multiline: boolean): string {
  if (typeof raw !== 'string') return '';
  let text = raw
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(CONTROL, '')
    .replace(LONE_SURROGATE, '\uFFFD')
    .normalize('NFC');
  if (!multiline) text = text.replace(/[\n\t]+/g, ' ');
  return text.trim();
}

/** Nothing visible: only spaces and invisible format characters. */
export function isBlank(text: string): boolean {
  return text.replace(/[\s\p{Cf}]/gu, '') === '';
}

/** Length as a person counts it: an emoji is one character, not two UTF-16 units. */
export function visibleLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * A key for comparing a typed answer with an option label: case, "ё", quotes, invisible
 * characters, repeated spaces and closing punctuation do not matter.
 */
export function matchKey(text: string): string {
  return cleanText(text, false)
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/\p{Cf}/gu, '')
    .replace(/^["'«»“”„`]+|["'«»“”„`]+$/g, '')
    .replace(/[.!?…]+$/u, '')
    .replace(/\s+/g, ' ')
    .trim();
}
