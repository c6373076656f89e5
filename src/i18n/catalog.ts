// Every user-facing string lives in a locale catalog. Russian is the reference: its keys define
// the catalog, and the Kazakh and English catalogs must have exactly the same keys (the compiler
// checks it through `Catalog`, and test/i18n checks it again at run time).
import type { Locale } from '../domain/locale.js';

/** A message: plain text with {placeholders}, or plural forms chosen by Intl.PluralRules. */
export type Message = string | PluralMessage;

/** Plural forms keyed by Intl.PluralRules categories; `count` is the number in {count}. */
export interface PluralMessage {
  one: string;
  few?: string;
  many?: string;
  other: string;
}

export type Namespace = Record<string, Message>;
export type CatalogShape = Record<string, Namespace>;

/** The Kazakh and English catalogs have the Russian one's namespaces and keys, every one of them. */
export type CatalogLike<T extends CatalogShape> = { [N in keyof T]: { [K in keyof T[N]]: Message } };

export type Params = Record<string, string | number>;

const pluralRules = new Map<Locale, Intl.PluralRules>();
function pluralCategory(locale: Locale, count: number): Intl.LDMLPluralRule {
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  return rules.select(count);
}

export function format(locale: Locale, message: Message, params: Params = {}): string {
  let template: string;
  if (typeof message === 'string') {
    template = message;
  } else {
    const count = Number(params.count ?? 0);
    const category = pluralCategory(locale, count);
    template =
      (category === 'one' || category === 'few' || category === 'many' ? message[category] : undefined) ??
      message.other;
  }
  // An unknown placeholder stays visible rather than becoming "undefined" in a teacher's chat.
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}
