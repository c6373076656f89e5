// Exports of the teachers' year: the activities (with links and review state) and the roster (each
// teacher with stage statuses and activity counts), as CSV (BOM, ";"), XLSX or JSON. An export
// with no rows is still a file with its header row, and says it is empty.
import { PassThrough, Readable } from 'node:stream';
import type { Cohort } from '../domain/cohort.js';
import type { Repositories } from '../domain/repositories.js';
import { csvField, streamToBuffer, writeWorkbook, type ExportFormat } from './export.js';
import { safeCell, type CellValue } from './sanitize.js';
import { reportText, type ReportLocale } from './teacher-tables.js';
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
  const x = reportText(request.locale ?? 'ru');
  // Everything up to now: every teacher whose year has begun, every activity they reported.
  const year = await computeTeacherYear(repos, request.cohorts, { from: new Date(Date.UTC(2000, 0, 1)), to: new Date(request.now.getTime() + 1) }, { asOf: request.now, anonymised: request.anonymised });
  if (request.what === 'activities') {
    const keys = ['teacher', 'cohort', 'type', 'level', 'date', 'title', 'links', 'status', 'comment', 'submittedAt'];
    const headers = [...x.activityHeaders, request.locale === 'kk' ? 'Жіберілді' : 'Отправлено'];
    const rows = year.activities.map((r) => [
      r.teacher, r.cohortCode, x.type[r.activity.type], x.level[r.activity.level], iso(r.activity.date), r.activity.title,
      r.activity.links.map((l) => l.url).join(' '), x.review[r.activity.status], r.comment, iso(r.activity.submittedAt),
    ]);
    return { keys, headers, rows };
  }
  const stageNumbers = [...new Set(year.teachers.flatMap((t) => t.stages.map((s) => s.stage)))].sort();
  const keys = ['teacher', 'cohort', 'organisation', 'region', 'settlementType', 'yearStart', 'yearEnd',
    ...stageNumbers.flatMap((n) => [`stage${n}`, `stage${n}Date`, `stage${n}Manual`]),
    'accepted', 'returned', 'pending', 'required', 'metRequired', 'questionnairesCompleted', 'openConsultations'];
  const headers = [...x.teacherHeaders.slice(0, 5), request.locale === 'kk' ? 'Жыл басы' : 'Начало года', request.locale === 'kk' ? 'Жыл соңы' : 'Конец года',
    ...stageNumbers.flatMap((n) => {
      const name = x.teacherHeaders[5]!.replace(/\d/, String(n));
      return [name, `${name}: ${request.locale === 'kk' ? 'күні' : 'дата'}`, `${name}: ${x.manual}`];
    }),
    x.teacherHeaders[9]!, x.teacherHeaders[10]!, x.teacherHeaders[11]!, x.teacherHeaders[12]!, x.teacherHeaders[13]!, x.teacherHeaders[14]!, x.teacherHeaders[15]!];
  const rows = year.teachers.map((t) => [
    t.name, t.cohortCode, t.organisation, t.region, t.settlementType === 'urban' ? x.urban : t.settlementType === 'rural' ? x.rural : '',
    t.yearStart, t.yearEnd,
    ...stageNumbers.flatMap((n) => {
      const s = t.stages.find((st) => st.stage === n);
      return [s ? x.status[s.status] : '', iso(s?.completedAt ?? s?.startedAt), s?.cause === 'manual' ? x.yes : x.no];
    }),
    t.acceptedToDate, t.returnedToDate, t.pendingToDate, t.required, t.metRequired ? x.yes : x.no, t.questionnairesCompleted, t.openConsultations,
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
