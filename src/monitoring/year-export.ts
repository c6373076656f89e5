// Exports of the teachers' year: the activities (with links and review state) and the roster (each
// teacher with stage statuses and activity counts), as CSV (BOM, ";"), XLSX or JSON. An export
// with no rows is still a file with its header row, and says it is empty.
import { PassThrough, Readable } from 'node:stream';
import type { Cohort } from '../domain/cohort.js';
import type { Repositories } from '../domain/repositories.js';
import { csvField, writeWorkbook, type ExportFormat } from './export.js';
import { safeCell, type CellValue } from './sanitize.js';
import { activityCells, activityHeaders, reportLabels, stageColumns, type ReportLocale } from './teacher-tables.js';
import { computeTeacherYear } from './teacher-year.js';

export const EXPORT_SUBJECTS = ['responses', 'activities', 'participants'] as const;
export type ExportSubject = (typeof EXPORT_SUBJECTS)[number];

export interface YearExportRequest {
  what: Exclude<ExportSubject, 'responses'>;
  format: ExportFormat;
  cohorts: readonly Cohort[];
  anonymised: boolean;
  separator?: ';' | ',';
  locale?: ReportLocale;
  now: Date;
  /** Only these teachers (a segment filter); absent: everyone in the cohorts. */
  participantIds?: readonly string[];
  /** Rows written so far, called as the file is read (every few hundred rows and at the end). */
  onProgress?: (done: number) => void;
}

export interface YearExportFile {
  filename: string;
  contentType: string;
  stream: Readable;
  total: number;
  empty: boolean;
}

/** A day as a date cell: midnight UTC of that day (the exports have always written the UTC day). */
const day = (d: Date | undefined): Date | null =>
  d ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())) : null;
const localDay = (date: string): Date => new Date(`${date}T00:00:00Z`);
const TWO = (n: number) => String(n).padStart(2, '0');
/** How each format writes a date cell: people read 31.12.2026 (the answers export's form), scripts ISO. */
const ddmmyyyy = (d: Date) => `${TWO(d.getUTCDate())}.${TWO(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
/** Excel's format for the date columns: the cells are dates, so a sheet sorts and filters them as dates. */
const DAY_FORMAT = 'dd.mm.yyyy';
/** The columns whose cells are dates (yearExportRows puts a Date or nothing there). */
const DATE_KEYS = /^(?:date|submittedAt|yearStart|yearEnd|stage\d+Date)$/;

/** Headers (stable, machine-friendly keys for JSON) and rows of one export; date cells are Dates. */
export async function yearExportRows(
  repos: Repositories,
  request: Omit<YearExportRequest, 'format' | 'separator'>,
): Promise<{ keys: string[]; headers: string[]; rows: CellValue[][] }> {
  const locale = request.locale ?? 'ru';
  const x = reportLabels(locale);
  const h = (key: string, params?: Record<string, string | number>) => x.text(`h_${key}`, params);
  // Everything up to now: every teacher whose year has begun, every activity they reported.
  const year = await computeTeacherYear(
    repos,
    request.cohorts,
    { from: new Date(Date.UTC(2000, 0, 1)), to: new Date(request.now.getTime() + 1) },
    { asOf: request.now, anonymised: request.anonymised, locale },
  );
  if (request.participantIds) {
    const wanted = new Set(request.participantIds);
    year.activities = year.activities.filter((r) => wanted.has(r.participantId));
    year.teachers = year.teachers.filter((r) => wanted.has(r.participantId));
  }
  if (request.what === 'activities') {
    const keys = ['teacher', 'cohort', 'type', 'level', 'date', 'title', 'links', 'status', 'comment', 'submittedAt'];
    const headers = [...activityHeaders(locale), h('submitted')];
    const rows = year.activities.map((r) => [...activityCells(r, x, day), day(r.activity.submittedAt)]);
    return { keys, headers, rows };
  }
  const columns = stageColumns(year.plans, locale);
  const keys = [
    'teacher',
    'cohort',
    'organisation',
    'region',
    'settlementType',
    'yearStart',
    'yearEnd',
    ...columns.flatMap((c) => [`stage${c.stage}`, `stage${c.stage}Date`, `stage${c.stage}Manual`]),
    'accepted',
    'returned',
    'pending',
    'required',
    'metRequired',
    'questionnairesCompleted',
    'openConsultations',
  ];
  const headers = [
    h('teacher'),
    h('cohort'),
    h('organisation'),
    h('region'),
    h('settlement'),
    h('year_start'),
    h('year_end'),
    ...columns.flatMap((c) => [c.title, h('stage_date', { column: c.title }), h('stage_manual', { column: c.title })]),
    h('accepted_to_date'),
    h('returned'),
    h('pending'),
    h('required'),
    h('met'),
    h('questionnaires'),
    h('open_consultations'),
  ];
  const rows = year.teachers.map((row) => [
    row.name,
    row.cohortCode,
    row.organisation,
    row.region,
    x.settlement(row.settlementType),
    localDay(row.yearStart),
    localDay(row.yearEnd),
    ...columns.flatMap((c) => {
      const s = row.stages.find((st) => st.stage === c.stage);
      return [s ? x.status(s.status) : '', day(s?.completedAt ?? s?.startedAt), x.yesNo(s?.cause === 'manual')];
    }),
    row.acceptedToDate,
    row.returnedToDate,
    row.pendingToDate,
    row.required,
    x.yesNo(row.metRequired),
    row.questionnairesCompleted,
    row.openConsultations,
  ]);
  return { keys, headers, rows };
}

const PROGRESS_EVERY = 200;

/** The file's text a few hundred rows at a time, telling how many rows are out as it is read. */
function* inBatches(
  rows: readonly CellValue[][],
  onProgress: ((done: number) => void) | undefined,
  head: string,
  body: (batch: CellValue[][]) => string,
  tail: string,
): Generator<Buffer> {
  yield Buffer.from(head, 'utf8');
  for (let i = 0; i < rows.length; i += PROGRESS_EVERY) {
    const batch = rows.slice(i, i + PROGRESS_EVERY);
    yield Buffer.from(body(batch), 'utf8');
    onProgress?.(i + batch.length);
  }
  onProgress?.(rows.length);
  yield Buffer.from(tail, 'utf8');
}

export async function createYearExport(repos: Repositories, request: YearExportRequest): Promise<YearExportFile> {
  const { keys, headers, rows } = await yearExportRows(repos, request);
  const stamp = request.now.toISOString().slice(0, 10);
  const base = `${request.what}-${stamp}`;
  const empty = rows.length === 0;
  switch (request.format) {
    case 'csv': {
      const sep = request.separator ?? ';';
      const line = (r: readonly CellValue[]) => `${r.map((v) => csvField(v, sep)).join(sep)}\r\n`;
      const cell = (v: CellValue) => (v instanceof Date ? ddmmyyyy(v) : safeCell(v));
      // The BOM makes Excel read the file as UTF-8.
      const head = `\uFEFF${line(headers)}`;
      const stream = Readable.from(
        inBatches(rows, request.onProgress, head, (batch) => batch.map((r) => line(r.map(cell))).join(''), ''),
      );
      return { filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', stream, total: rows.length, empty };
    }
    case 'json': {
      const value = (v: CellValue | undefined) => (v instanceof Date ? isoDay(v) : (v ?? null));
      const object = (r: readonly CellValue[]) =>
        JSON.stringify(Object.fromEntries(keys.map((k, i) => [k, value(r[i])])));
      let first = true;
      const stream = Readable.from(
        inBatches(
          rows,
          request.onProgress,
          `{"columns":${JSON.stringify(keys)},"rows":[`,
          (batch) =>
            batch
              .map((r) => {
                const text = `${first ? '' : ','}\n${object(r)}`;
                first = false;
                return text;
              })
              .join(''),
          '\n]}\n',
        ),
      );
      return {
        filename: `${base}.json`,
        contentType: 'application/json; charset=utf-8',
        stream,
        total: rows.length,
        empty,
      };
    }
    case 'xlsx': {
      const out = new PassThrough();
      let done = 0;
      async function* counted() {
        for (const row of rows) {
          yield row;
          done++;
          if (done % PROGRESS_EVERY === 0) request.onProgress?.(done);
        }
        request.onProgress?.(done);
      }
      // Written as the reader takes it, so progress follows the rows actually written; started on
      // the next tick so the caller can attach its reader (and error handler) first.
      setImmediate(() => {
        const formats = keys.map((k) => (DATE_KEYS.test(k) ? DAY_FORMAT : undefined));
        writeWorkbook(out, [], '', [{ name: request.what, headers, formats, rows: counted() }]).catch(
          (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))),
        );
      });
      return {
        filename: `${base}.xlsx`,
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        stream: out,
        total: rows.length,
        empty,
      };
    }
    default: {
      const never: never = request.format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}
