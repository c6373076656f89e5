import type { Locale } from '../domain/locale.js';
import { format, type Message, type Params } from './catalog.js';
import { en } from './en/index.js';
import { kk } from './kk/index.js';
import { ru } from './ru/index.js';

type Reference = typeof ru;
/** "namespace.key" for every message of the reference catalog. */
export type MessageKey = {
  [N in keyof Reference & string]: `${N}.${keyof Reference[N] & string}`;
}[keyof Reference & string];

export const catalogs: Record<Locale, Record<string, Record<string, Message>>> = { ru, kk, en };

/** The text of `key` in `locale`, falling back to Russian where a translation is empty. */
export function t(locale: Locale, key: MessageKey, params?: Params): string {
  const dot = key.indexOf('.');
  const namespace = key.slice(0, dot);
  const name = key.slice(dot + 1);
  const message = catalogs[locale][namespace]?.[name] || catalogs.ru[namespace]?.[name];
  if (message === undefined) throw new Error(`missing message ${key}`);
  return format(locale, message, params);
}

export type Translate = (key: MessageKey, params?: Params) => string;

/** A translator bound to one person's language. */
export const translator =
  (locale: Locale): Translate =>
  (key, params) =>
    t(locale, key, params);

/**
 * A message chosen where something is found and worded where it is shown, in the reader's language
 * (an import's problems: found by pure code, printed by the CLI in the staff's language). A parameter
 * may itself be a phrase: a column's name, a place in the file.
 */
export interface Phrase {
  key: MessageKey;
  params?: Readonly<Record<string, string | number | Phrase>>;
}

export function phrase(key: MessageKey, params?: Phrase['params']): Phrase {
  return params ? { key, params } : { key };
}

/** The phrase in `locale`, its phrase parameters worded first. */
export function word(locale: Locale, p: Phrase): string {
  const params: Params = {};
  for (const [name, value] of Object.entries(p.params ?? {}))
    params[name] = typeof value === 'object' ? word(locale, value) : value;
  return t(locale, p.key, params);
}
