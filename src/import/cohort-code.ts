// Invite codes: teachers type them into WhatsApp or tap them in a t.me deep link, so they are short,
// upper-case and free of look-alike characters.
import { createHash } from 'node:crypto';
import { foldWord } from './fields.js';

/** No 0/O, 1/I/L: a code read aloud or copied by hand from a slide still works. */
export const COHORT_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const DERIVED_CODE_LENGTH = 7;

/**
 * A code fixed by the programme, the cohort title and the start date, so importing the same file
 * again finds the same cohort. Seven characters of a 31-letter alphabet leave collisions rare;
 * the import still refuses a code already held by a different cohort.
 */
export function deriveCohortCode(input: { programmeCode: string; title: string; courseStart: string }): string {
  const key = [input.programmeCode.trim().toUpperCase(), foldWord(input.title), input.courseStart].join('\n');
  const digest = createHash('sha256').update(key, 'utf8').digest();
  let n = digest.readBigUInt64BE(0);
  const base = BigInt(COHORT_CODE_ALPHABET.length);
  let code = '';
  for (let i = 0; i < DERIVED_CODE_LENGTH; i += 1) {
    code += COHORT_CODE_ALPHABET[Number(n % base)];
    n /= base;
  }
  return code;
}

/** Telegram's deep-link payload allows A-Z, a-z, 0-9, _ and -; codes are stored upper-case. */
export const EXPLICIT_CODE_PATTERN = /^[A-Z0-9_-]{3,32}$/;

export function normaliseCohortCode(raw: string): string {
  return raw.trim().toUpperCase();
}
