// Exports of the teachers' year: the activities (with links and review state) and the roster (each
// teacher with stage statuses and activity counts), as CSV (BOM, ";"), XLSX or JSON. An export
// with no rows is still a file with its header row, and says it is empty.
import { PassThrough, Readable } from 'node:stream';
import type { Cohort } from '../domain/cohort.js';
import type { Repositories } from '../domain/repositories.js';
import { csvField, streamToBuffer, writeWorkbook, type ExportFormat } from './export.js';
import { safeCell, type CellValue } from './sanitize.js';
import { activityHeaders, reportLabels, stageColumns, type ReportLocale } from './teacher-tables.js';
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
}

export interface YearExportFile {
  filename: string;
  contentType: string;
  stream: Readable;
  total: number;
  empty: boolean;
}

const iso = (d: Date | undefined) => (d ? d.toISOString().slice(0, 10) : null);

/** Headers (stable, machine-friendly keys for JSON) and rows of one export. */
export async function yearExportRows(repos: Repositories, request: Omit<YearExportRequest, 'format' | 'separator'>): Promise<{ keys: string[]; headers: string[]; rows: CellValue[][] }> {
  const locale = request.locale ?? 'ru';
  const x = reportLabels(locale);
  const h = (key: string, params?: Record<string, string | number>) => x.text(`h_${key}`, params);
  // Everything up to now: every teacher whose year has begun, every activity they reported.
  const year = await computeTeacherYear(repos, request.cohorts, { from: new Date(Date.UTC(2000, 0, 1)), to: new Date(request.now.getTime() + 1) }, { asOf: request.now, anonymised: request.anonymised, locale });
  if (request.what === 'activities') {
    const keys = ['teacher', 'cohort', 'type', 'level', 'date', 'title', 'links', 'status', 'comment', 'submittedAt'];
    const headers = [...activityHeaders(locale), h('submitted')];
    const rows = year.activities.map((r) => [
      r.teacher, r.cohortCode, x.type(r.activity.type), x.level(r.activity.level), iso(r.activity.date), r.activity.title,
      r.activity.links.map((l) => l.url).join(' '), x.review(r.activity.status), r.comment, iso(r.activity.submittedAt),
    ]);
    return { keys, headers, rows };
  }
  const columns = stageColumns(year.plans, locale);
  const keys = ['teacher', 'cohort', 'organisation', 'region', 'settlementType', 'yearStart', 'yearEnd',
    ...columns.flatMap((c) => [`stage${c.stage}`, `stage${c.stage}Date`, `stage${c.stage}Manual`]),
    'accepted', 'returned', 'pending', 'required', 'metRequired', 'questionnairesCompleted', 'openConsultations'];
  const headers = [
    h('teacher'), h('cohort'), h('organisation'), h('region'), h('settlement'), h('year_start'), h('year_end'),
    ...columns.flatMap((c) => [c.title, h('stage_date', { column: c.title }), h('stage_manual', { column: c.title })]),
    h('accepted_to_date'), h('returned'), h('pending'), h('required'), h('met'), h('questionnaires'), h('open_consultations'),
  ];
  const rows = year.teachers.map((row) => [
    row.name, row.cohortCode, row.organisation, row.region, x.settlement(row.settlementType),
    row.yearStart, row.yearEnd,
    ...columns.flatMap((c) => {
      const s = row.stages.find((st) => st.stage === c.stage);
      return [s ? x.status(s.status) : '', iso(s?.completedAt ?? s?.startedAt), x.yesNo(s?.cause === 'manual')];
    }),
    row.acceptedToDate, row.returnedToDate, row.pendingToDate, row.required, x.yesNo(row.metRequired), row.questionnairesCompleted, row.openConsultations,
  ]);
  return { keys, headers, rows };
}

export async function createYearExport(repos: Repositories, request: YearExportRequest): Promise<YearExportFile> {
  const { keys, headers, rows } = await yearExportRows(repos, request);
  const stamp = request.now.toISOString().slice(0, 10);
  const base = `${request.what}-${stamp}`;
  const empty = rows.length === 0;
  switch (request.format) {
    case 'csv': {
      const sep = request.separator ?? ';';
      const lines = [headers, ...rows.map((r) => r.map(safeCell))].map((r) => r.map((v) => csvField(v, sep)).join(sep));
      // The BOM makes Excel read the file as UTF-8.
      const text = `\uFEFF${lines.join('\r\n')}\r\n`;
      return { filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', stream: Readable.from([Buffer.from(text, 'utf8')]), total: rows.length, empty };
    }
    case 'json': {
      const objects = rows.map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i] ?? null])));
      return { filename: `${base}.json`, contentType: 'application/json; charset=utf-8', stream: Readable.from([Buffer.from(JSON.stringify({ columns: keys, rows: objects }, null, 2), 'utf8')]), total: rows.length, empty };
    }
    case 'xlsx': {
      const out = new PassThrough();
      const [buffer] = await Promise.all([streamToBuffer(out), writeWorkbook(out, [], '', [{ name: request.what, headers, rows }])]);
      return { filename: `${base}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', stream: Readable.from([buffer]), total: rows.length, empty };
    }
    default: {
      const never: never = request.format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}
