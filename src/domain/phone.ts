import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Normalises a phone number as teachers and spreadsheets write it ("8 (701) 123-45-67",
 * "+7 701 1234567") to E.164, or returns undefined when it is not a possible number. A number
 * without a country code is read in `defaultCountry` (RU and KZ share +7).
 */
export function toE164(raw: string, defaultCountry: CountryCode = 'RU'): string | undefined {
  const phone = parsePhoneNumberFromString(raw.trim(), defaultCountry);
  if (!phone?.isPossible()) return undefined;
  return phone.number;
}

export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;
