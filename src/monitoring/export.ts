// Response exports: CSV, XLSX and JSON, streamed from a store cursor so memory does not grow with
// the number of responses (only with the number of participants, whose profiles are held in a
// map while rows are written). Every question is a column; a multiple choice reads "a; b" in one
// cell. Personal data appear only where the access allows and the export is not anonymised.
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { Types } from 'mongoose';
import type { Locale } from '../domain/locale.js';
import { err, ok, type Result } from '../domain/result.js';
import { t, type MessageKey } from '../i18n/index.js';
import { displayAnswer, localized, type Question, type QuestionnaireCatalog } from '../questionnaires/index.js';
import type { Models, ResponseDoc } from '../store/models/index.js';
import { maySeePersonalData, type Access } from './access.js';
import { computeAggregates } from './aggregates.js';
import { cohortMatch } from './pipelines.js';
import { questionnaireTitle, questionsOf } from './questions.js';
import { cleanCell, cleanCellText, safeCell, safeCellText, stripInvisible, type CellValue } from './sanitize.js';
import type { Scope } from './scope.js';
import { summaryTables, type Table } from './tables.js';
import { writeXlsx, type XlsxRow, type XlsxSheet } from './xlsx.js';

export const EXPORT_FORMATS = ['csv', 'xlsx', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
};

/**
 * Bulk reads straight from the embedded store when this process serves it (the store's
 * `inProcess`, structurally): documents as stored, never to be changed.
 */
export interface InProcessReader {
  find(
    collection: string,
    filter: Record<string, unknown>,
    options?: { sort?: Record<string, 1 | -1>; projection?: Record<string, 0 | 1> },
  ): AsyncIterable<Record<string, unknown>>;
}

export interface ExportDeps {
  models: Models;
  catalog: QuestionnaireCatalog;
  now?: () => Date;
  /** The embedded store of this process: rows are read without the wire (see `Store.inProcess`). */
  reader?: InProcessReader | undefined;
}

export interface ExportOptions {
  format: ExportFormat;
  access: Access;
  /** Already restricted to the cohorts the access allows. */
  scope: Omit<Scope, 'by'>;
  /** Drops names, phones, channel ids, organisation and position, and the participant id. */
  anonymised?: boolean;
  /** In-progress and abandoned responses too (default: completed only). */
  includeIncomplete?: boolean;
  separator?: ',' | ';';
  locale?: Locale;
  /** Called every few hundred rows and at the end. */
  onProgress?: (done: number, total: number) => void;
}

export interface ExportFile {
  filename: string;
  contentType: string;
  stream: Readable;
  /** Response rows the stream will hold. */
  total: number;
  /** No rows: the file holds the header row only (like the activities and roster exports). */
  empty: boolean;
  personalData: boolean;
}

export type ExportError = { kind: 'pick_questionnaire'; questionnaireIds: string[] };

interface ParticipantRow {
  fullName?: string | null;
  phone?: string | null;
  telegramId?: number | null;
  telegramUsername?: string | null;
  whatsappId?: string | null;
  organisation?: string | null;
  position?: string | null;
  region?: string | null;
  district?: string | null;
  settlementType?: string | null;
  subject?: string | null;
  anonymisedAt?: Date | null;
  consent?: { withdrawnAt?: Date | null } | null;
}

interface CohortRow {
  code: string;
  title: string;
  timeZone: string;
  programme?: { code: string; title: string; direction: string };
}

interface Context {
  cohorts: Map<string, CohortRow>;
  participants: Map<string, ParticipantRow>;
}

interface SheetPlan {
  questionnaireId: string;
  title: string;
  /** Every question a column: the catalog's, then any answered question the catalog lacks. */
  columns: AnswerColumn[];
  total: number;
}

interface AnswerColumn {
  id: string;
  /** Absent when no loaded version defines the question: the raw value is shown. */
  question?: Question;
}

const oid = (hex: string) => new Types.ObjectId(hex);
const PROGRESS_EVERY = 500;

function responseFilter(
  scope: ExportOptions['scope'],
  includeIncomplete: boolean,
  questionnaireId?: string,
): Record<string, unknown> {
  const period =
    scope.from || scope.to
      ? { ...(scope.from ? { $gte: scope.from } : {}), ...(scope.to ? { $lt: scope.to } : {}) }
      : undefined;
  return {
    ...cohortMatch(scope),
    ...((questionnaireId ?? scope.questionnaireId)
      ? { questionnaireId: questionnaireId ?? scope.questionnaireId }
      : {}),
    ...(scope.questionnaireVersion !== undefined ? { questionnaireVersion: scope.questionnaireVersion } : {}),
    ...(includeIncomplete
      ? period
        ? { startedAt: period }
        : {}
      : { status: 'completed', ...(period ? { completedAt: period } : {}) }),
  };
}

async function demoParticipantIds(models: Models, cohortIds: Types.ObjectId[]): Promise<Types.ObjectId[]> {
  const enrolled = await models.enrollment.collection.distinct('participantId', { cohortId: { $in: cohortIds } });
  const staff = await models.cohort.collection
    .find({ _id: { $in: cohortIds } }, { projection: { curatorIds: 1, tutorIds: 1 } })
    .toArray();
  const people = (c: Record<string, unknown>, key: string) => (c[key] as Types.ObjectId[] | undefined) ?? [];
  return [
    ...(enrolled as Types.ObjectId[]),
    ...staff.flatMap((c) => [...people(c, 'curatorIds'), ...people(c, 'tutorIds')]),
  ];
}

async function loadContext(models: Models, scope: ExportOptions['scope'], reader?: InProcessReader): Promise<Context> {
  const cohortFilter = scope.cohortIds ? { _id: { $in: scope.cohortIds.map(oid) } } : {};
  const cohortDocs = await models.cohort.collection
    .find(cohortFilter, { projection: { code: 1, title: 1, timeZone: 1, programmeId: 1 } })
    .toArray();
  const programmes = new Map(
    (await models.programme.collection.find({}, { projection: { code: 1, title: 1, direction: 1 } }).toArray()).map(
      (p) => [String(p._id), { code: String(p.code), title: String(p.title), direction: String(p.direction) }],
    ),
  );
  const cohorts = new Map<string, CohortRow>(
    cohortDocs.map((c) => [
      String(c._id),
      {
        code: String(c.code),
        title: String(c.title),
        timeZone: String(c.timeZone),
        programme: programmes.get(String(c.programmeId)),
      },
    ]),
  );
  // Profiles of everyone enrolled in scope: bounded by the number of teachers, not of responses.
  const enrolled = scope.cohortIds
    ? await models.enrollment.collection.distinct('participantId', { cohortId: { $in: scope.cohortIds.map(oid) } })
    : undefined;
  // Left out of an unfiltered roster: the demo cohorts' teachers, curators and tutors.
  const demoPeople =
    !enrolled && scope.excludeCohortIds?.length
      ? await demoParticipantIds(models, scope.excludeCohortIds.map(oid))
      : [];
  const participants = new Map<string, ParticipantRow>();
  const everyone = { isStaff: { $ne: true }, ...(demoPeople.length ? { _id: { $nin: demoPeople } } : {}) };
  const filter = enrolled ? { _id: { $in: enrolled } } : everyone;
  const projection = {
    fullName: 1,
    phone: 1,
    addresses: 1,
    organisation: 1,
    position: 1,
    region: 1,
    district: 1,
    settlementType: 1,
    subject: 1,
    anonymisedAt: 1,
    consent: 1,
  } as const;
  const cursor = reader
    ? reader.find(models.participant.collection.collectionName, filter, { projection })
    : models.participant.collection.find(filter, { projection });
  for await (const p of cursor) {
    // The export's columns stay one per channel; the store keeps a list of addresses.
    const addresses = (p.addresses ?? []) as { channel: string; id?: string; username?: string }[];
    const telegram = addresses.find((a) => a.channel === 'telegram');
    const row = { ...p, addresses: undefined } as unknown as ParticipantRow;
    row.telegramId = telegram?.id !== undefined && /^\d+$/.test(telegram.id) ? Number(telegram.id) : null;
    row.telegramUsername = telegram?.username ?? null;
    row.whatsappId = addresses.find((a) => a.channel === 'whatsapp')?.id ?? null;
    participants.set(String(p._id), row);
  }
  return { cohorts, participants };
}

// Excel has no time zones: a date is written as the cohort's wall-clock time. Intl is slow enough
// to show in a 100,000-row export, and offsets only change on the hour, so they are cached per hour.
const wallClockFormats = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();
const HOUR = 3_600_000;
export function wallClock(at: Date, timeZone: string): Date {
  const hour = Math.floor(at.getTime() / HOUR);
  const key = `${timeZone}\u0000${hour}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    let f = wallClockFormats.get(timeZone);
    if (!f) {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
      wallClockFormats.set(timeZone, f);
    }
    const start = new Date(hour * HOUR);
    const p = Object.fromEntries(f.formatToParts(start).map((x) => [x.type, Number(x.value)]));
    offset = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - start.getTime();
    if (offsets.size > 100_000) offsets.clear();
    offsets.set(key, offset);
  }
  return new Date(at.getTime() + offset);
}

function formatWallClock(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}.${two(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

const DATE_FORMAT = 'dd.mm.yyyy hh:mm';
const PERSONAL_COLUMNS = [
  'participant_id',
  'full_name',
  'phone',
  'telegram',
  'whatsapp',
  'organisation',
  'position',
] as const;
const COMMON_COLUMNS = [
  'region',
  'district',
  'settlement',
  'subject',
  'cohort',
  'programme',
  'direction',
  'version',
  'occasion',
  'status',
  'started',
  'completed',
] as const;

function questionHeader(column: AnswerColumn, index: number, locale: Locale): string {
  return stripInvisible(
    `${index + 1}. ${column.question ? `${localized(column.question.text, locale)} ` : ''}[${column.id}]`,
  );
}

function rawAnswer(value: NonNullable<ResponseDoc['answers'][number]['value']>, locale: Locale): CellValue {
  if (Array.isArray(value)) return value.join('; ');
  if (typeof value === 'boolean') return t(locale, value ? 'common.yes' : 'common.no');
  return value;
}

/** The answer as a person reads it; a number or a scale point stays a number so a sheet can sum it. */
function answerCell(
  question: Question | undefined,
  answer: ResponseDoc['answers'][number] | undefined,
  locale: Locale,
): CellValue {
  if (!answer || answer.skipped || answer.value === null || answer.value === undefined) return null;
  const { value } = answer;
  if (!question) return rawAnswer(value, locale);
  if ((question.type === 'likert' || question.type === 'number') && typeof value === 'number') return value;
  const shown = displayAnswer(question, value, locale);
  return answer.otherText ? `${shown}: ${answer.otherText}` : shown;
}

type Answer = ResponseDoc['answers'][number];

function answersById(doc: ResponseDoc): Map<string, Answer> {
  const byId = new Map<string, Answer>();
  for (const a of doc.answers) byId.set(a.questionId, a);
  return byId;
}

/** Values kept per column: choices, scale points, yes/no repeat; free text mostly does not. */
const RENDER_CACHE_LIMIT = 2000;

/** One answer column: the cell shown for an answer, remembered per value where values repeat. */
class ColumnRenderer {
  readonly id: string;
  private readonly cells = new Map<string, CellValue>();
  private readonly lines = new Map<string, string>();
  constructor(
    private readonly question: Question | undefined,
    private readonly locale: Locale,
    id?: string,
  ) {
    this.id = id ?? question?.id ?? '';
  }

  /** A cache key for answers whose cell depends on the value alone (no "other" text). */
  private key(answer: Answer | undefined): string | undefined {
    if (!answer || answer.skipped || answer.value === null || answer.value === undefined) return '\u0000none';
    if (answer.otherText) return undefined;
    const { value } = answer;
    if (Array.isArray(value)) return `a\u0000${value.join('\u0000')}`;
    if (typeof value === 'string' && value.length > 64) return undefined;
    return `${typeof value}\u0000${String(value)}`;
  }

  cell(answer: Answer | undefined): CellValue {
    const key = this.key(answer);
    if (key === undefined) return cleanCell(answerCell(this.question, answer, this.locale));
    let cell = this.cells.get(key);
    if (cell === undefined && !this.cells.has(key)) {
      cell = cleanCell(answerCell(this.question, answer, this.locale));
      if (this.cells.size < RENDER_CACHE_LIMIT) this.cells.set(key, cell);
    }
    return cell ?? null;
  }

  csv(answer: Answer | undefined, sep: string): string {
    const key = this.key(answer);
    if (key === undefined) return csvField(safeCell(this.cell(answer)), sep);
    const lineKey = `${sep}${key}`;
    let text = this.lines.get(lineKey);
    if (text === undefined) {
      text = csvField(safeCell(this.cell(answer)), sep);
      if (this.lines.size < RENDER_CACHE_LIMIT) this.lines.set(lineKey, text);
    }
    return text;
  }
}

class RowBuilder {
  private readonly personalColumns: boolean;
  constructor(
    private readonly ctx: Context,
    private readonly options: ExportOptions,
    private readonly locale: Locale,
  ) {
    this.personalColumns =
      !options.anonymised && (options.access.personalData === 'all' || options.access.personalData.size > 0);
  }

  headers(plan: SheetPlan): string[] {
    const col = (key: string) => t(this.locale, `monitoring.col_${key}` as MessageKey);
    return [
      col('no'),
      ...(this.personalColumns ? PERSONAL_COLUMNS.map(col) : []),
      ...COMMON_COLUMNS.map(col),
      ...plan.columns.map((c, i) => questionHeader(c, i, this.locale)),
    ];
  }

  formats(plan: SheetPlan): (string | undefined)[] {
    return this.headers(plan).map((_, i, all) =>
      i >= all.length - plan.columns.length - 2 && i < all.length - plan.columns.length ? DATE_FORMAT : undefined,
    );
  }

  widths(plan: SheetPlan): number[] {
    return [
      6,
      ...(this.personalColumns ? [26, 32, 16, 16, 22, 30, 20] : []),
      24,
      22,
      12,
      16,
      12,
      14,
      20,
      8,
      14,
      12,
      17,
      17,
      ...plan.columns.map(() => 28),
    ];
  }

  private personal(doc: ResponseDoc, p: ParticipantRow | undefined): boolean {
    return (
      this.personalColumns &&
      p !== undefined &&
      !p.anonymisedAt &&
      !p.consent?.withdrawnAt &&
      maySeePersonalData(this.options.access, String(doc.cohortId))
    );
  }

  // A 100,000-row export repeats the same few thousand teachers, statuses and chosen options:
  // each is cleaned (and CSV-encoded) once, not once a row.
  private readonly prefixes = new Map<string, { cells: CellValue[]; csv: Map<string, string> }>();
  private readonly statuses = new Map<string, string>();
  private readonly renderers = new WeakMap<SheetPlan, ColumnRenderer[]>();

  /** The teacher's and the cohort's cells (everything between the row number and the version). */
  private prefix(
    doc: ResponseDoc,
    participantId: string,
    cohortId: string,
  ): { cells: CellValue[]; csv: Map<string, string> } {
    const key = `${participantId}|${cohortId}`;
    let prefix = this.prefixes.get(key);
    if (prefix) return prefix;
    const p = this.ctx.participants.get(participantId);
    const cohort = this.ctx.cohorts.get(cohortId);
    const show = this.personal(doc, p);
    const settlement = p?.settlementType
      ? t(this.locale, `monitoring.settlement_${p.settlementType}` as MessageKey)
      : null;
    const cells: CellValue[] = [
      ...(this.personalColumns
        ? show && p
          ? [
              participantId,
              p.fullName ?? null,
              p.phone ?? null,
              p.telegramUsername ?? (p.telegramId ? String(p.telegramId) : null),
              p.whatsappId ?? null,
              p.organisation ?? null,
              p.position ?? null,
            ]
          : PERSONAL_COLUMNS.map(() => null)
        : []),
      p?.region ?? null,
      p?.district ?? null,
      settlement,
      p?.subject ?? null,
      cohort?.code ?? null,
      cohort?.programme?.code ?? null,
      cohort?.programme?.direction ?? null,
    ].map(cleanCell);
    prefix = { cells, csv: new Map() };
    this.prefixes.set(key, prefix);
    return prefix;
  }

  private status(status: string): string {
    let label = this.statuses.get(status);
    if (label === undefined) {
      label = cleanCellText(t(this.locale, `monitoring.status_${status}` as MessageKey));
      this.statuses.set(status, label);
    }
    return label;
  }

  private columnRenderers(plan: SheetPlan): ColumnRenderer[] {
    let renderers = this.renderers.get(plan);
    if (!renderers) {
      renderers = plan.columns.map((c) => new ColumnRenderer(c.question, this.locale, c.id));
      this.renderers.set(plan, renderers);
    }
    return renderers;
  }

  /** The row's cells, already cleaned for a spreadsheet's typed cells (`cleanCell`). */
  cells(plan: SheetPlan, doc: ResponseDoc, no: number): CellValue[] {
    const cohortId = String(doc.cohortId);
    const tz = this.ctx.cohorts.get(cohortId)?.timeZone ?? 'UTC';
    const byId = answersById(doc);
    const cells: CellValue[] = [
      no,
      ...this.prefix(doc, String(doc.participantId), cohortId).cells,
      doc.questionnaireVersion,
      cleanCell(doc.occasion),
      this.status(doc.status),
      doc.startedAt ? wallClock(doc.startedAt, tz) : null,
      doc.completedAt ? wallClock(doc.completedAt, tz) : null,
    ];
    for (const r of this.columnRenderers(plan)) cells.push(r.cell(byId.get(r.id)));
    return cells;
  }

  /** The row as one CSV line (without its line break): each cell defused (`safeCell`) and quoted as needed. */
  csvLine(plan: SheetPlan, doc: ResponseDoc, no: number, sep: string): string {
    const cohortId = String(doc.cohortId);
    const tz = this.ctx.cohorts.get(cohortId)?.timeZone ?? 'UTC';
    const prefix = this.prefix(doc, String(doc.participantId), cohortId);
    let head = prefix.csv.get(sep);
    if (head === undefined) {
      head = prefix.cells.map((v) => csvField(safeCell(v), sep)).join(sep);
      prefix.csv.set(sep, head);
    }
    let line =
      `${no}${sep}${head}${sep}${csvField(doc.questionnaireVersion, sep)}${sep}${csvField(safeCell(cleanCell(doc.occasion)), sep)}` +
      `${sep}${csvField(safeCell(this.status(doc.status)), sep)}` +
      `${sep}${doc.startedAt ? formatWallClock(wallClock(doc.startedAt, tz)) : ''}${sep}${doc.completedAt ? formatWallClock(wallClock(doc.completedAt, tz)) : ''}`;
    const byId = answersById(doc);
    for (const r of this.columnRenderers(plan)) line += `${sep}${r.csv(byId.get(r.id), sep)}`;
    return line;
  }

  json(doc: ResponseDoc, no: number, plan: SheetPlan): Record<string, unknown> {
    const p = this.ctx.participants.get(String(doc.participantId));
    const cohort = this.ctx.cohorts.get(String(doc.cohortId));
    const show = this.personal(doc, p);
    const byId = new Map(plan.columns.map((c) => [c.id, c.question]));
    const clean = (v: string | null | undefined) => (v === null || v === undefined ? null : stripInvisible(v));
    return {
      no,
      ...(show && p
        ? {
            participant: {
              id: String(doc.participantId),
              fullName: clean(p.fullName),
              phone: p.phone ?? null,
              telegramId: p.telegramId ?? null,
              telegramUsername: p.telegramUsername ?? null,
              whatsappId: p.whatsappId ?? null,
              organisation: clean(p.organisation),
              position: clean(p.position),
            },
          }
        : {}),
      region: clean(p?.region),
      district: clean(p?.district),
      settlementType: p?.settlementType ?? null,
      subject: clean(p?.subject),
      cohort: cohort?.code ?? null,
      programme: cohort?.programme?.code ?? null,
      direction: cohort?.programme?.direction ?? null,
      questionnaireId: doc.questionnaireId,
      questionnaireVersion: doc.questionnaireVersion,
      occasion: doc.occasion,
      status: doc.status,
      startedAt: doc.startedAt ?? null,
      completedAt: doc.completedAt ?? null,
      answers: doc.answers.map((a) => {
        const question = byId.get(a.questionId);
        return {
          questionId: a.questionId,
          value: a.value ?? null,
          text: question ? answerCell(question, a, this.locale) : null,
          skipped: a.skipped,
          ...(a.otherText ? { otherText: stripInvisible(a.otherText) } : {}),
        };
      }),
    };
  }
}

/** Sheet names: at most 31 characters, none of []:*?/\, unique in the workbook. */
export function sheetName(title: string, taken: Set<string>): string {
  const base =
    stripInvisible(title)
      .replace(/[[\]:*?/\\]/g, ' ')
      .replace(/^'+|'+$/g, '')
      .trim()
      .slice(0, 31) || 'Sheet';
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base.slice(0, 31 - String(i).length - 1)} ${i}`;
  taken.add(name.toLowerCase());
  return name;
}

export function csvField(value: CellValue, separator: string): string {
  if (value === null) return '';
  const text =
    value instanceof Date
      ? formatWallClock(value)
      : typeof value === 'number' && separator === ';'
        ? String(value).replace('.', ',')
        : String(value);
  return /["\r\n]/.test(text) || text.includes(separator) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** How many responses a sheet will hold, and which questions they answer (one pass in-process). */
async function rowsAndQuestions(
  deps: ExportDeps,
  filter: Record<string, unknown>,
): Promise<{ total: number; answered: string[] }> {
  const { models, reader } = deps;
  if (!reader) {
    return {
      total: await models.response.collection.countDocuments(filter),
      answered: (await models.response.collection.distinct('answers.questionId', filter)) as string[],
    };
  }
  let total = 0;
  const answered = new Set<string>();
  for await (const doc of reader.find(models.response.collection.collectionName, filter)) {
    total++;
    for (const a of (doc as unknown as ResponseDoc).answers ?? []) answered.add(a.questionId);
  }
  return { total, answered: [...answered] };
}

async function* cursorRows(deps: ExportDeps, filter: Record<string, unknown>): AsyncGenerator<ResponseDoc> {
  const { models, reader } = deps;
  if (reader) {
    for await (const doc of reader.find(models.response.collection.collectionName, filter, { sort: { _id: 1 } }))
      yield doc as unknown as ResponseDoc;
    return;
  }
  const cursor = models.response.collection.find(filter, { sort: { _id: 1 }, batchSize: 1000 });
  try {
    for await (const doc of cursor) yield doc as unknown as ResponseDoc;
  } finally {
    await cursor.close();
  }
}

/**
 * Waits while the reader is behind (the output holds a full buffer), so a slow HTTP client or a
 * Telegram upload does not make the producer pile rows up in memory.
 */
async function backpressure(out: PassThrough): Promise<void> {
  while (!out.destroyed && (out.writableNeedDrain || out.readableLength >= out.readableHighWaterMark)) {
    await new Promise((r) => setTimeout(r, 1));
  }
}

function filenameFor(plans: SheetPlan[], format: ExportFormat, now: Date, anonymised: boolean): string {
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const what = plans.length === 1 && plans[0]!.questionnaireId ? plans[0]!.questionnaireId : 'responses';
  return `sputnik-${what}${anonymised ? '-anon' : ''}-${stamp}.${format}`;
}

export async function createExport(deps: ExportDeps, options: ExportOptions): Promise<Result<ExportFile, ExportError>> {
  const locale = options.locale ?? 'ru';
  const includeIncomplete = options.includeIncomplete ?? false;
  const found = (
    (await deps.models.response.collection.distinct(
      'questionnaireId',
      responseFilter(options.scope, includeIncomplete),
    )) as string[]
  ).sort();
  if (options.format === 'csv' && found.length > 1) return err({ kind: 'pick_questionnaire', questionnaireIds: found });
  // Nothing answered yet is still a file: the asked questionnaire's columns, or the common ones only.
  const empty = found.length === 0;
  const ids = empty ? [options.scope.questionnaireId ?? ''] : found;

  const plans: SheetPlan[] = [];
  for (const questionnaireId of ids) {
    const filter = responseFilter(options.scope, includeIncomplete, questionnaireId);
    const { total, answered } = await rowsAndQuestions(deps, filter);
    const known: AnswerColumn[] = questionsOf(deps.catalog, questionnaireId, options.scope.questionnaireVersion).map(
      (q) => ({ id: q.question.id, question: q.question }),
    );
    const unknown = answered
      .filter((id) => !known.some((c) => c.id === id))
      .sort()
      .map((id) => ({ id }));
    const title = questionnaireId
      ? questionnaireTitle(deps.catalog, questionnaireId, locale)
      : t(locale, 'monitoring.sheet_responses');
    plans.push({ questionnaireId, title, columns: [...known, ...unknown], total });
  }
  const ctx = await loadContext(deps.models, options.scope, deps.reader);
  const rows = new RowBuilder(ctx, options, locale);
  const total = plans.reduce((s, p) => s + p.total, 0);
  const now = deps.now?.() ?? new Date();
  const personalData =
    !options.anonymised && (options.access.personalData === 'all' || options.access.personalData.size > 0);

  let done = 0;
  const progress = () => {
    done++;
    if (done % PROGRESS_EVERY === 0) options.onProgress?.(done, total);
  };
  const out = new PassThrough({ highWaterMark: 64 * 1024 });
  const fail = (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error)));

  const produce = async (): Promise<void> => {
    switch (options.format) {
      case 'csv': {
        const plan = plans[0]!;
        const sep = options.separator ?? ';';
        // The BOM makes Excel read the file as UTF-8; without it Cyrillic comes out garbled.
        out.write('\uFEFF');
        out.write(
          `${rows
            .headers(plan)
            .map((h) => csvField(safeCellText(h), sep))
            .join(sep)}\r\n`,
        );
        let no = 0;
        for await (const doc of cursorRows(
          deps,
          responseFilter(options.scope, includeIncomplete, plan.questionnaireId),
        )) {
          if (!out.write(`${rows.csvLine(plan, doc, ++no, sep)}\r\n`)) await backpressure(out);
          progress();
          if (out.destroyed) return;
        }
        out.end();
        break;
      }
      case 'json': {
        const aggregates = await computeAggregates(deps, options.scope, locale);
        out.write(
          `{"generatedAt":${JSON.stringify(now)},"anonymised":${!personalData},"summary":${JSON.stringify(aggregates)},"questionnaires":[`,
        );
        for (const [i, plan] of plans.filter((p) => p.questionnaireId !== '').entries()) {
          out.write(
            `${i ? ',' : ''}{"id":${JSON.stringify(plan.questionnaireId)},"title":${JSON.stringify(plan.title)},"questions":${JSON.stringify(plan.columns.map((c) => ({ id: c.id, type: c.question?.type ?? null, text: c.question ? localized(c.question.text, locale) : null })))},"responses":[`,
          );
          let no = 0;
          for await (const doc of cursorRows(
            deps,
            responseFilter(options.scope, includeIncomplete, plan.questionnaireId),
          )) {
            if (!out.write(`${no ? ',' : ''}\n${JSON.stringify(rows.json(doc, ++no, plan))}`)) await backpressure(out);
            progress();
            if (out.destroyed) return;
          }
          out.write(']}');
        }
        out.end(']}\n');
        break;
      }
      case 'xlsx': {
        const tables = summaryTables(await computeAggregates(deps, options.scope, locale), locale);
        await writeWorkbook(
          out,
          tables,
          t(locale, 'monitoring.sheet_summary'),
          plans.map((plan) => ({
            name: plan.title,
            headers: rows.headers(plan),
            widths: rows.widths(plan),
            formats: rows.formats(plan),
            clean: true,
            rows: (async function* () {
              let no = 0;
              for await (const doc of cursorRows(
                deps,
                responseFilter(options.scope, includeIncomplete, plan.questionnaireId),
              )) {
                yield rows.cells(plan, doc, ++no);
                progress();
              }
            })(),
          })),
        );
        break;
      }
      default: {
        const never: never = options.format;
        throw new Error(`unknown export format ${String(never)}`);
      }
    }
    options.onProgress?.(done, total);
  };
  // Started on the next tick so the caller can attach its reader (and error handler) first.
  setImmediate(() => produce().catch(fail));
  return ok({
    filename: filenameFor(plans, options.format, now, !personalData),
    contentType: CONTENT_TYPES[options.format],
    stream: out,
    total,
    empty,
    personalData,
  });
}

export interface SheetSource {
  name: string;
  headers: string[];
  widths?: number[];
  /** Excel number formats by column (a column style costs nothing per cell, unlike a cell style). */
  formats?: (string | undefined)[];
  rows: AsyncIterable<CellValue[]> | Iterable<CellValue[]>;
  /** The rows' strings are already cleaned (`cleanCell`): not cleaned again. */
  clean?: boolean;
}

/**
 * A streamed workbook: a summary sheet of `tables` first, then one sheet per source. Sheets are
 * written one after another because the zip holds one open entry at a time (rows added to a later
 * sheet would be buffered in memory until the earlier one is committed).
 */
export async function writeWorkbook(
  out: Writable,
  tables: readonly Table[],
  summaryName: string,
  sheets: readonly SheetSource[],
): Promise<void> {
  const taken = new Set<string>();
  const summary: XlsxSheet[] =
    tables.length > 0
      ? [
          {
            name: sheetName(summaryName, taken),
            widths: [42, 30, 30, 16, 14, 14, 14, 14],
            rows: tables.flatMap((table): XlsxRow[] => [
              { cells: [cleanCellText(table.title)], style: 'title' },
              { cells: table.headers.map(cleanCellText), style: 'header' },
              ...table.rows.map((row) => ({ cells: row.map(cleanCell) })),
              { cells: [] },
            ]),
          },
        ]
      : [];
  const data = sheets.map(
    (sheet): XlsxSheet => ({
      name: sheetName(sheet.name, taken),
      widths: sheet.headers.map((_, i) => sheet.widths?.[i] ?? 20),
      ...(sheet.formats ? { formats: sheet.formats } : {}),
      frozenHeader: true,
      rows: (async function* () {
        yield { cells: sheet.headers.map(cleanCellText), style: 'header' as const };
        let n = 0;
        for await (const raw of sheet.rows) {
          // The reader went away (a client disconnected): stop reading the store for nobody.
          if (out.destroyed) throw new Error('export stream closed by its reader');
          // Typed string cells are never formulas: cleaned, not defused (a phone reads `+7701…`).
          yield { cells: sheet.clean ? raw : raw.map(cleanCell) };
          // Let the zip compress and drain into `out`, and wait for its reader.
          if (++n % 200 === 0) {
            await new Promise((r) => setImmediate(r));
            if (out instanceof PassThrough) await backpressure(out);
          }
        }
      })(),
    }),
  );
  await writeXlsx(out, [...summary, ...data]);
}

export function exportErrorText(error: ExportError, locale: Locale): string {
  return t(locale, 'monitoring.export_pick_questionnaire', { list: error.questionnaireIds.join(', ') });
}

/** Collects a stream (for the bot's small exports and tests). */
export async function streamToBuffer(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}
