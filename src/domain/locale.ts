/** Languages a teacher can talk to Sputnik in. Russian is the reference: every text exists in it. */
export const LOCALES = ['ru', 'kk', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** A text in each language; `ru` is required, the others fall back to it. */
export interface LocalizedText {
  ru: string;
  kk?: string;
  en?: string;
}

export const isLocale = (value: unknown): value is Locale =>
  typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
