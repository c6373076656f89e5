import { createRequire } from 'node:module';
import type { CountryCode } from 'libphonenumber-js';

type Library = typeof import('libphonenumber-js');
let library: Library | undefined;
/**
 * Loaded on the first number read: its ~110 modules and metadata cost ~0.08 s of CPU, which every
 * start and CLI command paid though most read no phone number. Synchronous, so toE164 stays so.
 */
function phoneLibrary(): Library {
  library ??= createRequire(import.meta.url)('libphonenumber-js') as Library;
  return library;
}

/**
 * Normalises a phone number as teachers and spreadsheets write it ("8 (701) 123-45-67",
 * "+7 701 1234567") to E.164, or returns undefined when it is not a possible number. A number
 * without a country code is read in `defaultCountry` (RU and KZ share +7).
 */
export function toE164(raw: string, defaultCountry: CountryCode = 'RU'): string | undefined {
  const phone = phoneLibrary().parsePhoneNumberFromString(raw.trim(), defaultCountry);
  if (!phone?.isPossible()) return undefined;
  return phone.number;
}

export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;
