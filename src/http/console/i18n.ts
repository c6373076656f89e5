// The console's language: the page's switch (a cookie), else the account's or the curator's own
// language, else Russian. Every word on a console page comes from the `console_ui` catalog.
import type { IncomingMessage } from 'node:http';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';
import { isLocale, type Locale } from '../../domain/locale.js';
import type { Params } from '../../i18n/catalog.js';
import { t, type MessageKey } from '../../i18n/index.js';
import type { ru } from '../../i18n/ru/index.js';

export type ConsoleKey = keyof (typeof ru)['console_ui'];
export type Say = (key: ConsoleKey, params?: Params) => string;

export const sayer =
  (locale: Locale): Say =>
  (key, params) =>
    t(locale, `console_ui.${key}` as MessageKey, params);

export const LANG_COOKIE = 'sputnik_console_lang';

/** The language picked with the page's switch, if any. */
export function pickedLocale(req: IncomingMessage): Locale | undefined {
  const value = parseCookie(req.headers.cookie ?? '')[LANG_COOKIE];
  return isLocale(value) ? value : undefined;
}

/** The switch's choice, kept a year; only a language code, nothing to protect. */
export const langCookie = (locale: Locale): string =>
  serializeCookie(LANG_COOKIE, locale, { path: '/console', sameSite: 'lax', httpOnly: true, maxAge: 365 * 86_400 });

/** Intl locale tags for dates. */
export const INTL: Record<Locale, string> = { ru: 'ru-RU', kk: 'kk-KZ', en: 'en-GB' };

/** Each language in its own name, for the switch. */
export const LANGUAGE_NAMES: Record<Locale, string> = { ru: 'Русский', kk: 'Қазақша', en: 'English' };
