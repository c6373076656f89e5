// Cells that reach a spreadsheet. A teacher types her own name and answers, so any of them may be
// a formula (CSV/formula injection) or hide text behind bidi overrides and zero-width characters.

import { stripInvisible } from '../domain/text.js';

export { stripInvisible };
/** C0 controls other than tab, LF and CR are not allowed in XLSX XML and mean nothing in a CSV. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
/**
 * Any character that cleaning removes (controls above, and what `stripInvisible` may remove): text
 * without one is already clean, found in one scan. An export cleans every cell it writes.
 */
const MAY_CLEAN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;
/**
 * What Excel, LibreOffice and Google Sheets may read as the start of a formula: = + - @, also in
 * their fullwidth forms (＝＋－＠, which spreadsheets fold to ASCII) and after leading blanks, which
 * they trim; a leading tab, CR or LF on its own too.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: a leading NUL is what it looks for.
const FORMULA_START = /^(?:[\t\r\n\u0000]|[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;

/**
 * A string as it may go into a typed XLSX text cell: invisible and control characters removed.
 * No apostrophe: an XLSX string cell is never evaluated, and a phone number must read `+7701…`.
 */
export function cleanCellText(text: string): string {
  if (!MAY_CLEAN.test(text)) return text;
  return stripInvisible(text).replace(CONTROL, '');
}

/**
 * A string as it may go into a CSV cell (or anything a spreadsheet parses): invisible characters removed and a leading
 * formula character defused with an apostrophe, as OWASP recommends. The NUL check comes first
 * because control characters are stripped afterwards.
 */
export function safeCellText(text: string): string {
  if (!MAY_CLEAN.test(text)) return FORMULA_START.test(text) ? `'${text}` : text;
  const visible = stripInvisible(text);
  const neutral = FORMULA_START.test(visible) ? `'${visible}` : visible;
  return neutral.replace(CONTROL, '');
}

export type CellValue = string | number | boolean | Date | null;

/** Numbers, booleans and dates are typed values, never formulas; only text is defused. */
export function safeCell(value: CellValue): CellValue {
  return typeof value === 'string' ? safeCellText(value) : value;
}

export function cleanCell(value: CellValue): CellValue {
  return typeof value === 'string' ? cleanCellText(value) : value;
}
