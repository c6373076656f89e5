// Reads a list of teachers from a CSV file: every row is checked before anything is imported, and
// each problem names the line a person sees in the file and the column as it is headed there.
import type { CountryCode } from 'libphonenumber-js';
import { err, ok, type Result } from '../domain/result.js';
import { phrase, type MessageKey, type Phrase } from '../i18n/index.js';
import { normaliseIncomingText } from '../domain/text.js';
import { decodeText, parseCsv, type CsvDelimiter, type CsvEncoding } from './csv.js';
import {
  atLine,
  cleanText,
  foldWord,
  MAX_LENGTH,
  readLanguage,
  readPhone,
  readSettlement,
  readTelegramUsername,
  readText,
  readTutorRef,
  type FieldResult,
  type ImportProblem,
  type PersonRow,
  type TutorRef,
} from './fields.js';

export const CSV_FIELDS = [
  'name',
  'phone',
  'telegram',
  'organisation',
  'region',
  'district',
  'settlement',
  'position',
  'subject',
  'language',
  'tutor',
] as const;
export type CsvField = (typeof CSV_FIELDS)[number];

/** How each field is headed in the template, in the staff's language: used when a column is missing. */
export const COLUMN_NAMES: Record<CsvField, MessageKey> = {
  name: 'imports.col_name',
  phone: 'imports.col_phone',
  telegram: 'imports.col_telegram',
  organisation: 'imports.col_organisation',
  region: 'imports.col_region',
  district: 'imports.col_district',
  settlement: 'imports.col_settlement',
  position: 'imports.col_position',
  subject: 'imports.col_subject',
  language: 'imports.col_language',
  tutor: 'imports.col_tutor',
};

// Keys are folded headers (see foldHeader): lower case, ё→е, no brackets, punctuation as spaces.
const HEADER_SYNONYMS: Record<string, CsvField> = {
  фио: 'name',
  'ф и о': 'name',
  'фамилия имя отчество': 'name',
  'фамилия имя отчество полностью': 'name',
  имя: 'name',
  слушатель: 'name',
  педагог: 'name',
  'аты жони': 'name',
  'аты жөні': 'name',
  name: 'name',
  'full name': 'name',
  fullname: 'name',
  телефон: 'phone',
  тел: 'phone',
  'номер телефона': 'phone',
  'мобильный телефон': 'phone',
  'контактный телефон': 'phone',
  phone: 'phone',
  'phone number': 'phone',
  mobile: 'phone',
  telegram: 'telegram',
  телеграм: 'telegram',
  телеграмм: 'telegram',
  tg: 'telegram',
  'telegram username': 'telegram',
  'ник в telegram': 'telegram',
  организация: 'organisation',
  'образовательная организация': 'organisation',
  'образовательное учреждение': 'organisation',
  'место работы': 'organisation',
  школа: 'organisation',
  organisation: 'organisation',
  organization: 'organisation',
  school: 'organisation',
  ұйым: 'organisation',
  регион: 'region',
  область: 'region',
  'регион область': 'region',
  'область регион': 'region',
  облыс: 'region',
  region: 'region',
  район: 'district',
  город: 'district',
  'район город': 'district',
  'город район': 'district',
  аудан: 'district',
  'аудан қала': 'district',
  'district city': 'district',
  district: 'district',
  city: 'district',
  'тип населенного пункта': 'settlement',
  'тип нп': 'settlement',
  'город село': 'settlement',
  'городская сельская местность': 'settlement',
  местность: 'settlement',
  settlement: 'settlement',
  'settlement type': 'settlement',
  'елді мекен түрі': 'settlement',
  должность: 'position',
  лауазымы: 'position',
  лауазым: 'position',
  position: 'position',
  предмет: 'subject',
  'преподаваемый предмет': 'subject',
  пән: 'subject',
  subject: 'subject',
  язык: 'language',
  'язык общения': 'language',
  тіл: 'language',
  language: 'language',
  lang: 'language',
  тьютор: 'tutor',
  тьюторы: 'tutor',
  tutor: 'tutor',
};

/** "Тип населённого пункта (город/село)" → "тип населенного пункта"; "Район / Город" → "район город". */
export function foldHeader(header: string): string {
  return foldWord(header)
    .replace(/\([^)]*\)/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function headerField(header: string): CsvField | undefined {
  return HEADER_SYNONYMS[foldHeader(header)];
}

export interface ParticipantsCsv {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  /** Headers of the columns that are not imported, as written in the file. */
  ignoredColumns: string[];
  rows: PersonRow[];
}

const byLine = (a: ImportProblem, b: ImportProblem) => (a.line ?? 0) - (b.line ?? 0);

export function parseParticipantsCsv(
  input: Uint8Array | string,
  options: {
    defaultCountry: CountryCode;
    /** Checks a tutor reference against the cohort, so its problem is reported with the file's others. */
    tutorProblem?: (ref: TutorRef) => Phrase | undefined;
  },
): Result<ParticipantsCsv, ImportProblem[]> {
  const decoded = typeof input === 'string' ? { text: input, encoding: 'utf-8' as const } : decodeText(input);
  const { encoding } = decoded;
  const text = normaliseIncomingText(decoded.text);
  const table = parseCsv(text);
  const records = table.records.filter((r) => r.fields.some((f) => cleanText(f) !== ''));
  const header = records[0];
  if (!header) return err([{ at: phrase('imports.at_csv_file'), message: phrase('imports.csv_empty') }]);

  const problems: ImportProblem[] = [];
  if (table.unterminatedQuoteLine !== undefined) {
    problems.push({
      at: atLine(table.unterminatedQuoteLine),
      line: table.unterminatedQuoteLine,
      message: phrase('imports.unclosed_quote'),
    });
  }

  const headerProblems: ImportProblem[] = [];
  // Column index → field; the first column of a field wins, a second one is an error.
  const columns: (CsvField | undefined)[] = [];
  const headers = header.fields.map((h) => cleanText(h));
  const columnOf = new Map<CsvField, number>();
  const ignoredColumns: string[] = [];
  headers.forEach((h, i) => {
    const field = headerField(h);
    if (field === undefined) {
      if (h !== '') ignoredColumns.push(h);
      columns.push(undefined);
      return;
    }
    const earlier = columnOf.get(field);
    if (earlier !== undefined) {
      headerProblems.push({
        at: atLine(header.line),
        line: header.line,
        message: phrase('imports.same_columns', { first: headers[earlier]!, second: h }),
      });
    } else {
      columnOf.set(field, i);
    }
    columns.push(field);
  });
  if (!columnOf.has('name')) {
    headerProblems.push({
      at: atLine(header.line),
      line: header.line,
      message: phrase('imports.no_name_column'),
    });
  }
  if (!columnOf.has('phone') && !columnOf.has('telegram')) {
    headerProblems.push({
      at: atLine(header.line),
      line: header.line,
      message: phrase('imports.no_contact_column'),
    });
  }
  // Without the header's columns no row can be read; an unclosed quote spoils only the rows from
  // its line on, so the rows before it are still checked and every problem reported at once.
  if (headerProblems.length > 0) return err([...problems, ...headerProblems].sort(byLine));

  const rows: PersonRow[] = [];
  const phoneLines = new Map<string, number>();
  const usernameLines = new Map<string, number>();

  for (const record of records.slice(1)) {
    const at = atLine(record.line);
    const rowProblems: ImportProblem[] = [];
    const cell = (field: CsvField): string => {
      const i = columnOf.get(field);
      return i === undefined ? '' : cleanText(record.fields[i] ?? '');
    };
    // The column as headed in the file; one the file lacks, by its name in the staff's language.
    const label = (field: CsvField): string | Phrase => {
      const i = columnOf.get(field);
      return i === undefined ? phrase(COLUMN_NAMES[field]) : headers[i]!;
    };
    const take = <T>(field: CsvField, result: FieldResult<T>): T | undefined => {
      if (result.ok) return result.value;
      rowProblems.push({
        at,
        line: record.line,
        message: phrase('imports.cell', { column: label(field), problem: result.error }),
      });
      return undefined;
    };

    const extra = record.fields.slice(headers.length).filter((f) => cleanText(f) !== '');
    if (extra.length > 0) {
      rowProblems.push({
        at,
        line: record.line,
        message: phrase('imports.extra_values', {
          values: extra.map((e) => `«${cleanText(e)}»`).join(', '),
          delimiter: table.delimiter === '\t' ? phrase('imports.tab') : table.delimiter,
        }),
      });
    }

    const name = cell('name');
    if (name === '')
      rowProblems.push({ at, line: record.line, message: phrase('imports.cell_empty', { column: label('name') }) });
    else take('name', readText(name, MAX_LENGTH.fullName));
    const row: PersonRow = { source: at, line: record.line, fullName: name };

    const phone = cell('phone');
    const telegram = cell('telegram');
    if (phone === '' && telegram === '') {
      rowProblems.push({
        at,
        line: record.line,
        message: phrase('imports.need_phone_or_telegram', { phone: label('phone'), telegram: label('telegram') }),
      });
    }
    if (phone !== '') {
      const value = take('phone', readPhone(phone, options.defaultCountry));
      if (value !== undefined) {
        row.phone = value;
        const first = phoneLines.get(value);
        if (first !== undefined) {
          rowProblems.push({
            at: phrase('imports.at_lines', { first, second: record.line }),
            line: record.line,
            message: phrase('imports.phone_twice', { column: label('phone'), phone: value }),
          });
        } else phoneLines.set(value, record.line);
      }
    }
    if (telegram !== '') {
      const value = take('telegram', readTelegramUsername(telegram));
      if (value !== undefined) {
        row.telegramUsername = value;
        const first = usernameLines.get(value);
        if (first !== undefined) {
          rowProblems.push({
            at: phrase('imports.at_lines', { first, second: record.line }),
            line: record.line,
            message: phrase('imports.username_twice', { column: label('telegram'), username: value }),
          });
        } else usernameLines.set(value, record.line);
      }
    }
    for (const field of ['organisation', 'region', 'district', 'position', 'subject'] as const) {
      const value = cell(field);
      if (value !== '') {
        const read = take(field, readText(value, MAX_LENGTH[field]));
        if (read !== undefined) row[field] = read;
      }
    }
    const settlement = cell('settlement');
    if (settlement !== '') row.settlementType = take('settlement', readSettlement(settlement));
    const language = cell('language');
    if (language !== '') row.locale = take('language', readLanguage(language));
    const tutor = readTutorRef(cell('tutor'), options.defaultCountry);
    if (tutor) {
      row.tutor = tutor;
      const problem = options.tutorProblem?.(tutor);
      if (problem) rowProblems.push({ at, line: record.line, message: problem });
    }

    if (rowProblems.length > 0) problems.push(...rowProblems);
    else rows.push(row);
  }

  if (problems.length > 0) return err(problems.sort(byLine));
  if (rows.length === 0)
    return err([{ at: atLine(header.line), line: header.line, message: phrase('imports.no_rows') }]);
  return ok({ encoding, delimiter: table.delimiter, ignoredColumns, rows });
}
