// Field readers shared by the cohort file and the participants CSV: each takes what a person typed
// in a spreadsheet or a YAML file and returns the stored form, or the reason as a phrase of the
// i18n `imports` namespace, worded later in the staff's language.
import type { CountryCode } from 'libphonenumber-js';
import { LOCALES, type Locale } from '../domain/locale.js';
import { phrase, word, type Phrase } from '../i18n/index.js';
import type { SettlementType } from '../domain/participant.js';
import { toE164 } from '../domain/phone.js';
import { err, ok, type Result } from '../domain/result.js';

/** One problem in an input file: where (a field path or CSV lines) and what, for a person to fix. */
export interface ImportProblem {
  /** "cohort.courseStart", "participants[2].phone", "строка 7", "строки 3 и 7". */
  at: Phrase;
  message: Phrase;
  /** The first physical line the problem is on, when the input is a CSV file; orders the report. */
  line?: number;
}

/** "строка 7: Телефон «123» — не похоже на номер телефона", in the staff's language. */
export const problemText =
  (locale: Locale) =>
  (p: ImportProblem): string =>
    `${word(locale, p.at)}: ${word(locale, p.message)}`;

/** A problem in Russian, the staff's default language (and what the tests read). */
export const formatProblem = problemText('ru');

export const atLine = (line: number): Phrase => phrase('imports.at_line', { line });

export type FieldResult<T> = Result<T, Phrase>;

/** Spreadsheets bring non-breaking spaces, tabs and doubled spaces; stored text has single spaces. */
export function cleanText(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/[\s\u00a0\u2007\u202f]+/g, ' ')
    .trim();
}

/** Lower-case, ё→е, single spaces: for comparing words people type in several spellings. */
export function foldWord(raw: string): string {
  return cleanText(raw).toLowerCase().replace(/ё/g, 'е');
}

export const quote = (value: string): string => `«${value}»`;

export function readText(raw: string, maxLength: number): FieldResult<string | undefined> {
  const value = cleanText(raw);
  if (value === '') return ok(undefined);
  if (value.length > maxLength) {
    return err(phrase('imports.too_long', { value: value.slice(0, 40), length: value.length, max: maxLength }));
  }
  return ok(value);
}

/**
 * Kazakhstan and Russia share +7, so a number written without it ("8 701 …", "701 …") is read in
 * the country of the cohort. The Kazakh zones are listed because Asia/* also covers Siberia.
 */
const KAZAKH_TIME_ZONES = new Set([
  'Asia/Almaty',
  'Asia/Aqtau',
  'Asia/Aqtobe',
  'Asia/Atyrau',
  'Asia/Oral',
  'Asia/Qostanay',
  'Asia/Qyzylorda',
]);

export function defaultCountryFor(timeZone: string): CountryCode {
  return KAZAKH_TIME_ZONES.has(timeZone) ? 'KZ' : 'RU';
}

export function readPhone(raw: string, country: CountryCode): FieldResult<string> {
  const value = cleanText(raw);
  // libphonenumber accepts a lone short group of digits as "possible" in some countries; a
  // teacher's mobile or school landline always has at least ten digits with the area code.
  const digits = value.replace(/\D/g, '');
  const phone = digits.length >= 10 ? toE164(value, country) : undefined;
  return phone ? ok(phone) : err(phrase('imports.not_phone', { value }));
}

const TELEGRAM_USERNAME = /^[a-z][a-z0-9_]{4,31}$/;

/** "@Aigul_S", "aigul_s", "t.me/aigul_s", "https://t.me/aigul_s" → "aigul_s". */
export function readTelegramUsername(raw: string): FieldResult<string> {
  const value = cleanText(raw);
  const name = value
    .replace(/^(?:https?:\/\/)?(?:www\.)?(?:t|telegram)\.me\//i, '')
    .replace(/^@/, '')
    .replace(/\/$/, '')
    .toLowerCase();
  return TELEGRAM_USERNAME.test(name) ? ok(name) : err(phrase('imports.not_username', { value }));
}

const SETTLEMENT_WORDS: Record<string, SettlementType> = {
  urban: 'urban',
  city: 'urban',
  town: 'urban',
  город: 'urban',
  'г.': 'urban',
  городской: 'urban',
  городская: 'urban',
  'городская местность': 'urban',
  пгт: 'urban',
  'поселок городского типа': 'urban',
  қала: 'urban',
  қалалық: 'urban',
  rural: 'rural',
  village: 'rural',
  село: 'rural',
  'с.': 'rural',
  сельский: 'rural',
  сельская: 'rural',
  'сельская местность': 'rural',
  деревня: 'rural',
  аул: 'rural',
  ауыл: 'rural',
  ауылдық: 'rural',
};

export function readSettlement(raw: string): FieldResult<SettlementType> {
  const value = cleanText(raw);
  const type = SETTLEMENT_WORDS[foldWord(value)];
  return type ? ok(type) : err(phrase('imports.bad_settlement', { value }));
}

const LANGUAGE_WORDS: Record<string, Locale> = {
  ru: 'ru',
  rus: 'ru',
  русский: 'ru',
  рус: 'ru',
  'орыс тілі': 'ru',
  орысша: 'ru',
  russian: 'ru',
  kk: 'kk',
  kz: 'kk',
  kaz: 'kk',
  казахский: 'kk',
  каз: 'kk',
  қазақ: 'kk',
  'қазақ тілі': 'kk',
  қазақша: 'kk',
  kazakh: 'kk',
  en: 'en',
  eng: 'en',
  английский: 'en',
  english: 'en',
};

export function readLanguage(raw: string): FieldResult<Locale> {
  const value = cleanText(raw);
  const locale = LANGUAGE_WORDS[foldWord(value)];
  return locale ? ok(locale) : err(phrase('imports.bad_language', { value, codes: LOCALES.join(', ') }));
}

/** How a teacher's tutor is named in a file: by phone, by Telegram username or by full name. */
export type TutorRef =
  | { kind: 'phone'; phone: string; raw: string }
  | { kind: 'telegram'; username: string; raw: string }
  | { kind: 'name'; name: string; raw: string };

export function readTutorRef(raw: string, country: CountryCode): TutorRef | undefined {
  const value = cleanText(raw);
  if (value === '') return undefined;
  if (/^@|t(?:elegram)?\.me\//i.test(value)) {
    const username = readTelegramUsername(value);
    if (username.ok) return { kind: 'telegram', username: username.value, raw: value };
  }
  if (!/\p{L}/u.test(value)) {
    const phone = readPhone(value, country);
    if (phone.ok) return { kind: 'phone', phone: phone.value, raw: value };
  }
  return { kind: 'name', name: foldWord(value), raw: value };
}

export function matchesTutorRef(
  ref: TutorRef,
  person: { fullName?: string; phone?: string; telegramUsername?: string },
): boolean {
  switch (ref.kind) {
    case 'phone':
      return person.phone === ref.phone;
    case 'telegram':
      return person.telegramUsername === ref.username;
    case 'name':
      return person.fullName !== undefined && foldWord(person.fullName) === ref.name;
    default: {
      const unreachable: never = ref;
      return unreachable;
    }
  }
}

/** Lengths the participant model enforces: checked here so a long cell fails the file, not a write. */
export const MAX_LENGTH = {
  fullName: 200,
  organisation: 500,
  region: 200,
  district: 200,
  position: 200,
  subject: 200,
} as const;

/** A teacher, curator or tutor as read from a file, before it is matched with the store. */
export interface PersonRow {
  /** Where it came from, for messages: "participants[2]", "строка 7". */
  source: Phrase;
  /** The CSV line the record starts on. */
  line?: number;
  fullName: string;
  phone?: string;
  telegramUsername?: string;
  organisation?: string;
  region?: string;
  district?: string;
  settlementType?: SettlementType;
  position?: string;
  subject?: string;
  locale?: Locale;
  tutor?: TutorRef;
}

/** What a row can set on a participant; Telegram and WhatsApp ids only ever come from the channels. */
export const PROFILE_FIELDS = [
  'fullName',
  'phone',
  'telegramUsername',
  'organisation',
  'region',
  'district',
  'settlementType',
  'position',
  'subject',
  'locale',
] as const satisfies readonly (keyof PersonRow)[];
