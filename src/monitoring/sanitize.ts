// Cells that reach a spreadsheet. A teacher types her own name and answers, so any of them may be
// a formula (CSV/formula injection) or hide text behind bidi overrides and zero-width characters.

/** Bidi embeddings/overrides/isolates, LRM/RLM/ALM, zero-width space/joiners, word joiner, BOM. */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u061C\uFEFF]/g;
/** C0 controls other than tab, LF and CR are not allowed in XLSX XML and mean nothing in a CSV. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
/** What Excel, LibreOffice and Google Sheets may read as the start of a formula. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL may start a formula.
const FORMULA_START = /^[=+\-@\t\r\u0000]/;

export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

/**
 * A string as it may go into a spreadsheet cell: invisible characters removed and a leading
 * formula character defused with an apostrophe, as OWASP recommends. The NUL check comes first
 * because control characters are stripped afterwards.
 */
export function safeCellText(text: string): string {
  const visible = stripInvisible(text);
  const neutral = FORMULA_START.test(visible) ? `'${visible}` : visible;
  return neutral.replace(CONTROL, '');
}

export type CellValue = string | number | boolean | Date | null;

/** Numbers, booleans and dates are typed values, never formulas; only text is defused. */
export function safeCell(value: CellValue): CellValue {
  return typeof value === 'string' ? safeCellText(value) : value;
}
