// Reading spreadsheets saved as CSV from Excel or LibreOffice in Russia and Kazakhstan: UTF-8 or
// Windows-1251, ";" (Russian Excel) or "," separators, quoted cells with line breaks inside.

export type CsvEncoding = 'utf-8' | 'utf-16' | 'windows-1251';
export type CsvDelimiter = ';' | ',' | '\t';

export interface CsvRecord {
  /** The physical line (1-based) the record starts on: what a person sees in a text editor. */
  line: number;
  fields: string[];
}

export interface CsvTable {
  delimiter: CsvDelimiter;
  records: CsvRecord[];
  /** Set when the file ends inside a quoted cell: the line where that cell opened. */
  unterminatedQuoteLine?: number;
}

/**
 * Valid UTF-8 is taken as UTF-8; anything else as Windows-1251, the other encoding Excel uses
 * here. Cyrillic in 1251 is almost never valid UTF-8, so the guess is safe in practice.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  // Excel's "Unicode text" is UTF-16 with a BOM; without this check it would read as 1251 noise.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { text: new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(bytes), encoding: 'utf-16' };
  }
  try {
    // TextDecoder drops a leading BOM itself unless ignoreBOM is set.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text, encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1251').decode(bytes), encoding: 'windows-1251' };
  }
}

/** Counts delimiters outside quotes on the first line: the header never has a quoted line break in practice. */
export function detectDelimiter(text: string): CsvDelimiter {
  const firstLine = text.split(/\r\n|\r|\n/, 1)[0] ?? '';
  const counts = { ';': 0, ',': 0, '\t': 0 };
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ';' || ch === ',' || ch === '\t')) counts[ch] += 1;
  }
  if (counts[';'] === 0 && counts[','] === 0 && counts['\t'] > 0) return '\t';
  return counts[';'] > counts[','] ? ';' : ',';
}

/**
 * RFC 4180 with the leniency real files need: a quote in the middle of an unquoted cell is kept
 * as text (ООО "Ромашка"), and a stray character after a closing quote is appended, not an error.
 * An Excel "sep=;" first line sets the delimiter and is not a record.
 */
export function parseCsv(input: string): CsvTable {
  let text = input.replace(/^\uFEFF/, '');
  let line = 1;
  let delimiter: CsvDelimiter | undefined;
  const sep = /^sep=([;,\t])\r?\n/i.exec(text);
  if (sep) {
    delimiter = sep[1] as CsvDelimiter;
    text = text.slice(sep[0].length);
    line = 2;
  }
  delimiter ??= detectDelimiter(text);

  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let recordLine = line;
  let quoted = false;
  let quoteOpenedOn = 0;
  let atFieldStart = true;

  const endField = () => {
    fields.push(field);
    field = '';
    atFieldStart = true;
  };
  const endRecord = () => {
    endField();
    records.push({ line: recordLine, fields });
    fields = [];
  };

  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 1;
        } else {
          quoted = false;
        }
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line += 1;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && atFieldStart) {
      quoted = true;
      quoteOpenedOn = line;
      atFieldStart = false;
    } else if (ch === delimiter) {
      endField();
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      endRecord();
      line += 1;
      recordLine = line;
    } else {
      field += ch;
      atFieldStart = false;
    }
  }
  const unterminated = quoted;
  // A last line without a trailing newline is still a record; an empty tail is not.
  if (field !== '' || fields.length > 0 || unterminated) endRecord();
  return { delimiter, records, ...(unterminated ? { unterminatedQuoteLine: quoteOpenedOn } : {}) };
}
