// The language of an HTTP answer: `?lang=` when given, else the best of Accept-Language that
// Sputnik speaks, else Russian. And the one shape every error answer has.
import type { IncomingMessage } from 'node:http';
import { LOCALES, type Locale } from '../domain/locale.js';

const isLocale = (v: string): v is Locale => (LOCALES as readonly string[]).includes(v);

/** Accept-Language ("kk-KZ, ru;q=0.8, en;q=0.5") to the first language we speak, by weight. */
export function acceptedLocale(header: string | undefined): Locale | undefined {
  const ranked = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { language: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.language && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((r) => r.language).find(isLocale);
}

export function requestLocale(req: IncomingMessage): Locale {
  const lang = new URL(req.url ?? '/', 'http://localhost').searchParams.get('lang')?.toLowerCase() ?? '';
  if (isLocale(lang)) return lang;
  return acceptedLocale(req.headers['accept-language']) ?? 'ru';
}

/** Every error answer: a stable code for programs, a message in the caller's language for people. */
export interface ErrorBody {
  error: { code: string; message: string } & Record<string, unknown>;
}

export const errorBody = (code: string, message: string, details?: Record<string, unknown>): ErrorBody => ({
  error: { ...details, code, message },
});
