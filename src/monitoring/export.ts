// Response exports: CSV, XLSX and JSON, streamed so memory does not grow with the number of
// responses: rows are written a batch at a time, and only the teachers a batch brings that are not
// known yet are looked up (see `loadPeople`; at most TEACHERS_KEPT are kept). Every question is a
// column; a multiple choice reads "a; b" in one cell. Personal data appear only where the access
// allows and the export is not anonymised.
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { Types } from 'mongoose';
import type { Locale } from '../domain/locale.js';
import { err, ok, type Result } from '../domain/result.js';
import { toWall } from '../domain/time-zone.js';
import { t, type MessageKey } from '../i18n/index.js';
import { displayAnswer, localized, type Question, type QuestionnaireCatalog } from '../questionnaires/index.js';
import type { Models, ResponseDoc } from '../store/models/index.js';
import { maySeePersonalData, type Access } from './access.js';
import { computeAggregates, scopePlans, type InProcessAggregate } from './aggregates.js';
import { occasionNames } from '../support-models/names.js';
import { AnswerLayouts } from './answer-layouts.js';
import { ByteChunks } from './byte-chunks.js';
import { IdMap, idText, sameId } from './id-map.js';
import { knownPeople } from './known-people.js';
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
  findAll(
    collection: string,
    filter: Record<string, unknown>,
    options?: { sort?: Record<string, 1 | -1> },
  ): readonly Record<string, unknown>[];
  /** Unchanged while no document of `collection` is written: see `known-people.ts`. */
  stamp?(collection: string): string;
  /** The answer counts of the aggregates, in this process (see `AggregateDeps.reader`). */
  aggregate?: InProcessAggregate;
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
  /** The cohort's id as text, for the access check (made once, not per row). */
  id: string;
  code: string;
  title: string;
  timeZone: string;
  programme?: { code: string; title: string; direction: string };
}

interface Context {
  cohorts: IdMap<CohortRow>;
  /** Teachers met so far, null for one not shown (see `loadPeople`); at most TEACHERS_KEPT. */
  participants: IdMap<ParticipantRow | null>;
  /** With a cohort filter: the ids of the teachers enrolled in those cohorts, the only ones shown. */
  enrolled: Set<string> | undefined;
  /** With no cohort filter: the demo cohorts' people, left out. */
  demoPeople: Set<string> | undefined;
  /** Counts the times `participants` was emptied: what is kept per teacher elsewhere goes too. */
  generation: number;
}

interface SheetPlan {
  questionnaireId: string;
  title: string;
  /** Every question a column: the catalog's, then any answered question the catalog lacks. */
  columns: AnswerColumn[];
  total: number;
  /** In-process: the sheet's responses in `_id` order, as stored (see `survey`). */
  docs: readonly ResponseDoc[] | undefined;
  /** In-process: the layout of each of `docs` (see `AnswerLayouts`). */
  layouts: Layouts | undefined;
}

/** Each response's layout (by its place in the sheet), -1 for none, and each layout's question ids. */
interface Layouts {
  of: readonly number[];
  ids: readonly (readonly unknown[])[];
}

/** A teacher's and a cohort's cells, and their CSV bytes (after a separator) once asked for. */
interface Prefix {
  cohortId: unknown;
  cells: CellValue[];
  csv: Buffer | undefined;
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
  // The questionnaire first: a store that tests the fields in order rejects most documents on a
  // string before it reads their cohort's ObjectId.
  return {
    ...((questionnaireId ?? scope.questionnaireId)
      ? { questionnaireId: questionnaireId ?? scope.questionnaireId }
      : {}),
    ...cohortMatch(scope),
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

const PROFILE_PROJECTION = {
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
  isStaff: 1,
} as const;

/** Responses written, and their new teachers' profiles looked up, this many at a time. */
const ROW_BATCH = 1000;
/**
 * Teachers whose profile (and cells) an export keeps, so a teacher with ten responses is looked up
 * and cleaned once, not ten times. A year of a regional centre is 5,000–10,000 teachers; past this
 * the kept ones are dropped and looked up again, so memory stays bounded whatever the rows.
 */
const TEACHERS_KEPT = 20_000;

async function loadContext(models: Models, scope: ExportOptions['scope']): Promise<Context> {
  const cohortFilter = scope.cohortIds ? { _id: { $in: scope.cohortIds.map(oid) } } : {};
  const cohortDocs = await models.cohort.collection
    .find(cohortFilter, { projection: { code: 1, title: 1, timeZone: 1, programmeId: 1 } })
    .toArray();
  const programmes = new Map(
    (await models.programme.collection.find({}, { projection: { code: 1, title: 1, direction: 1 } }).toArray()).map(
      (p) => [String(p._id), { code: String(p.code), title: String(p.title), direction: String(p.direction) }],
    ),
  );
  const cohorts = new IdMap<CohortRow>();
  for (const c of cohortDocs)
    cohorts.set(c._id, {
      id: idText(c._id),
      code: String(c.code),
      title: String(c.title),
      timeZone: String(c.timeZone),
      programme: programmes.get(String(c.programmeId)),
    });
  // Ids only (not profiles): a few bytes a teacher, read once rather than once a batch.
  const enrolled = scope.cohortIds
    ? new Set(
        (
          await models.enrollment.collection.distinct('participantId', { cohortId: { $in: scope.cohortIds.map(oid) } })
        ).map(String),
      )
    : undefined;
  // Left out of an unfiltered roster: the demo cohorts' teachers, curators and tutors (a few).
  const demoPeople =
    !scope.cohortIds && scope.excludeCohortIds?.length
      ? new Set((await demoParticipantIds(models, scope.excludeCohortIds.map(oid))).map(String))
      : undefined;
  return { cohorts, participants: new IdMap(), enrolled, demoPeople, generation: 0 };
}

/** The columns of a stored profile the export shows (one per channel; the store keeps a list of addresses). */
function participantRow(p: Record<string, unknown>): ParticipantRow {
  const addresses = (p.addresses ?? []) as { channel: string; id?: string; username?: string }[];
  const telegram = addresses.find((a) => a.channel === 'telegram');
  return {
    fullName: p.fullName as ParticipantRow['fullName'],
    phone: p.phone as ParticipantRow['phone'],
    organisation: p.organisation as ParticipantRow['organisation'],
    position: p.position as ParticipantRow['position'],
    region: p.region as ParticipantRow['region'],
    district: p.district as ParticipantRow['district'],
    settlementType: p.settlementType as ParticipantRow['settlementType'],
    subject: p.subject as ParticipantRow['subject'],
    anonymisedAt: p.anonymisedAt as ParticipantRow['anonymisedAt'],
    consent: p.consent as ParticipantRow['consent'],
    telegramId: telegram?.id !== undefined && /^\d+$/.test(telegram.id) ? Number(telegram.id) : null,
    telegramUsername: telegram?.username ?? null,
    whatsappId: addresses.find((a) => a.channel === 'whatsapp')?.id ?? null,
  };
}

/**
 * Looks up the profiles of the teachers of `docs` not met yet, into `ctx.participants`. When that
 * would pass TEACHERS_KEPT, the kept ones are dropped first (and the batch's all looked up): memory
 * stays bounded whatever the number of rows or teachers. Shown are those enrolled in the scope's
 * cohorts, or with no cohort filter everyone but staff and the demo people; the others are null.
 */
async function loadPeople(deps: ExportDeps, ctx: Context, docs: readonly ResponseDoc[]): Promise<void> {
  const { models, reader } = deps;
  // Teachers not met yet, each once (marked as met, not shown, until their profile is read).
  const unmet = (): Types.ObjectId[] => {
    const ids: Types.ObjectId[] = [];
    for (const doc of docs) {
      if (ctx.participants.has(doc.participantId)) continue;
      ctx.participants.set(doc.participantId, null);
      ids.push(doc.participantId as unknown as Types.ObjectId);
    }
    return ids;
  };
  let wanted = unmet();
  if (wanted.length === 0) return;
  if (ctx.participants.size > TEACHERS_KEPT) {
    ctx.participants.clear();
    ctx.generation++;
    wanted = unmet();
  }
  const allowed = ctx.enrolled;
  const collection = models.participant.collection.collectionName;
  if (reader?.stamp) {
    // Teachers an earlier export read, while none was written since, are not read again.
    const known = knownPeople<ParticipantRow>(reader, reader.stamp(collection), TEACHERS_KEPT);
    const missing: unknown[] = [];
    for (const id of wanted) {
      const person = known.get(id);
      if (person === undefined) {
        missing.push(id);
        known.set(id, null);
      } else if (
        person !== null &&
        (allowed ? allowed.has(person.id) : !person.isStaff && !ctx.demoPeople?.has(person.id))
      )
        ctx.participants.set(id, person.row);
    }
    if (missing.length === 0) return;
    for (const p of reader.findAll(collection, { _id: { $in: missing } })) {
      const person = { id: idText(p._id), isStaff: p.isStaff === true, row: participantRow(p) };
      known.set(p._id, person);
      if (allowed ? !allowed.has(person.id) : person.isStaff || ctx.demoPeople?.has(person.id)) continue;
      ctx.participants.set(p._id, person.row);
    }
    return;
  }
  // By id alone, which the store answers from its `_id` index; the rest is decided here.
  const filter = { _id: { $in: wanted } };
  const found = reader
    ? reader.findAll(collection, filter)
    : await models.participant.collection.find(filter, { projection: PROFILE_PROJECTION }).toArray();
  for (const p of found) {
    const id = idText(p._id);
    if (allowed ? !allowed.has(id) : p.isStaff === true || ctx.demoPeople?.has(id)) continue;
    ctx.participants.set(p._id, participantRow(p));
  }
}

// Excel has no time zones: a date is written as the cohort's wall-clock time. The zone's offsets
// are cached per quarter hour by src/domain/time-zone.ts, so a 100,000-row export calls Intl a
// handful of times.
export function wallClock(at: Date, timeZone: string): Date {
  return new Date(toWall(at.getTime(), timeZone));
}

/** "00" to "99". */
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

function formatWallClock(d: Date): string {
  const two = TWO_DIGITS;
  return `${two[d.getUTCDate()]}.${two[d.getUTCMonth() + 1]}.${d.getUTCFullYear()} ${two[d.getUTCHours()]}:${two[d.getUTCMinutes()]}`;
}

/** Read for its fields only: a CSV row's two times need no Date of their own. */
const SCRATCH_DATE = new Date(0);

const DAY_MS = 86_400_000;
/** Days whose date text a CSV export remembers: a year of responses is a few hundred. */
const DAYS_KEPT = 5000;
const CR = 13;
const LF = 10;
const COLON = 58;

/**
 * `formatWallClock(wallClock(at, timeZone))` as bytes: the date part ("dd.mm.yyyy ") remembered
 * per day, the time written digit by digit.
 */
class WallClockBytes {
  private readonly days = new Map<number, Buffer>();

  write(at: Date, timeZone: string, out: ByteChunks): void {
    const wall = toWall(at.getTime(), timeZone);
    if (!Number.isFinite(wall)) {
      SCRATCH_DATE.setTime(wall);
      out.text(formatWallClock(SCRATCH_DATE));
      return;
    }
    const day = Math.floor(wall / DAY_MS);
    let date = this.days.get(day);
    if (date === undefined) {
      SCRATCH_DATE.setTime(day * DAY_MS);
      // Without the "00:00" of midnight: the time follows.
      date = Buffer.from(formatWallClock(SCRATCH_DATE).slice(0, -5));
      if (this.days.size < DAYS_KEPT) this.days.set(day, date);
    }
    out.bytes(date);
    const minutes = Math.floor((wall - day * DAY_MS) / 60_000);
    out.twoDigits(Math.floor(minutes / 60));
    out.byte(COLON);
    out.twoDigits(minutes % 60);
  }
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

/**
 * A question's column as people read it: its number and text. The id only for a question no loaded
 * version defines, where it is all there is; the JSON export names every question by its id.
 */
function questionHeader(column: AnswerColumn, index: number, locale: Locale): string {
  return stripInvisible(
    `${index + 1}. ${column.question ? localized(column.question.text, locale) : `[${column.id}]`}`,
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

/** Values kept per column: choices, scale points, yes/no repeat; free text mostly does not. */
const RENDER_CACHE_LIMIT = 2000;
/** Answers typed by the teacher: a value seldom repeats, so remembering them would only hold memory. */
const FREE_TEXT = new Set<string>(['short_text', 'long_text', 'link']);

/** A list of values (a multiple choice, a ranking) remembered element by element. */
interface ListNode<T> {
  next: Map<unknown, ListNode<T>> | undefined;
  value: T | undefined;
  has: boolean;
}

/**
 * What an answer column shows, remembered per value where the cell depends on the value alone (no
 * "other" text, no long free text). One map per kind of value, and a tree of maps for lists, so a
 * lookup builds no key string.
 */
class ValueCache<T> {
  /** `cacheStrings` false: string values are computed each time (free text). */
  constructor(private readonly cacheStrings: boolean) {}
  private none: T | undefined;
  private hasNone = false;
  private readonly strings = new Map<string, T>();
  private readonly numbers = new Map<number, T>();
  private readonly booleans = new Map<boolean, T>();
  private readonly lists: ListNode<T> = { next: undefined, value: undefined, has: false };
  private listCount = 0;

  private list(answer: Answer, value: readonly unknown[], make: (answer: Answer, kept: boolean) => T): T {
    let node = this.lists;
    for (const v of value) {
      let next = node.next?.get(v);
      if (next === undefined) {
        if (this.listCount >= RENDER_CACHE_LIMIT) return make(answer, false);
        next = { next: undefined, value: undefined, has: false };
        node.next ??= new Map();
        node.next.set(v, next);
      }
      node = next;
    }
    if (node.has) return node.value as T;
    const kept = this.listCount < RENDER_CACHE_LIMIT;
    const made = make(answer, kept);
    if (kept) {
      node.value = made;
      node.has = true;
      this.listCount++;
    }
    return made;
  }

  /**
   * `make` is made once per column, not per call: a closure per cell was most of the garbage. Its
   * `kept` says whether the value will be remembered (a CSV column keeps those as bytes).
   */
  get(answer: Answer | undefined, make: (answer: Answer | undefined, kept: boolean) => T): T {
    if (!answer || answer.skipped || answer.value === null || answer.value === undefined) {
      if (!this.hasNone) {
        this.none = make(answer, true);
        this.hasNone = true;
      }
      return this.none as T;
    }
    if (answer.otherText) return make(answer, false);
    const { value } = answer;
    let map: Map<string, T> | Map<number, T> | Map<boolean, T>;
    let key: string | number | boolean;
    if (typeof value === 'string') {
      if (!this.cacheStrings || value.length > 64) return make(answer, false);
      map = this.strings;
      key = value;
    } else if (typeof value === 'number') {
      map = this.numbers;
      key = value;
    } else if (typeof value === 'boolean') {
      map = this.booleans;
      key = value;
    } else if (Array.isArray(value)) {
      return this.list(answer, value, make);
    } else {
      return make(answer, false);
    }
    const known = (map as Map<unknown, T>).get(key);
    if (known !== undefined || (map as Map<unknown, T>).has(key)) return known as T;
    const kept = map.size < RENDER_CACHE_LIMIT;
    const made = make(answer, kept);
    if (kept) (map as Map<unknown, T>).set(key, made);
    return made;
  }
}

/** One answer column: the cell shown for an answer, and its CSV text, remembered per value. */
class ColumnRenderer {
  private readonly cells: ValueCache<CellValue>;
  /** A remembered cell's CSV bytes, or the text of one seen once. */
  private readonly lines: ValueCache<Buffer | string>;
  constructor(
    private readonly question: Question | undefined,
    private readonly locale: Locale,
    /** One separator per export (a RowBuilder writes one file). */
    private readonly separator: string,
  ) {
    // A question no loaded version defines shows its raw value, whatever was typed: not kept either.
    const repeats = question !== undefined && !FREE_TEXT.has(question.type);
    this.cells = new ValueCache(repeats);
    this.lines = new ValueCache(repeats);
  }

  private readonly makeCell = (answer: Answer | undefined): CellValue =>
    cleanCell(answerCell(this.question, answer, this.locale));
  private readonly makeLine = (answer: Answer | undefined, kept: boolean): Buffer | string => {
    const text = `${this.separator}${csvField(safeCell(this.cell(answer)), this.separator)}`;
    return kept ? Buffer.from(text) : text;
  };

  cell(answer: Answer | undefined): CellValue {
    return this.cells.get(answer, this.makeCell);
  }

  /** Writes the cell's CSV text after its separator. */
  csvInto(answer: Answer | undefined, out: ByteChunks): void {
    const line = this.lines.get(answer, this.makeLine);
    if (typeof line === 'string') out.text(line);
    else out.bytes(line);
  }
}

/** Where each answered question goes in a row: its column's index, the answers laid out per row. */
class AnswerSlots {
  private readonly index = new Map<unknown, number>();
  readonly slots: (Answer | undefined)[];
  /** Per layout, the column of each answer's place (-1: no column), made when first met. */
  private readonly byLayout: (Int32Array | undefined)[] = [];
  constructor(columns: readonly AnswerColumn[]) {
    columns.forEach((c, i) => {
      this.index.set(c.id, i);
    });
    this.slots = new Array<Answer | undefined>(columns.length).fill(undefined);
  }

  /**
   * The response's answers by column (a question answered twice: the later answer, as before).
   * With its layout (`ids`, the question id of each of its answers, read while surveying this very
   * document), no answer's question id is read again.
   */
  fill(doc: ResponseDoc, layout?: number, ids?: readonly unknown[]): (Answer | undefined)[] {
    this.slots.fill(undefined);
    const { answers } = doc;
    if (layout === undefined || ids === undefined) {
      for (const a of answers) {
        const i = this.index.get(a.questionId);
        if (i !== undefined) this.slots[i] = a;
      }
      return this.slots;
    }
    let columns = this.byLayout[layout];
    if (columns === undefined) {
      columns = Int32Array.from(ids, (id) => this.index.get(id) ?? -1);
      this.byLayout[layout] = columns;
    }
    for (let j = 0; j < columns.length; j++) {
      const i = columns[j] as number;
      if (i >= 0) this.slots[i] = answers[j];
    }
    return this.slots;
  }
}

class RowBuilder {
  private readonly personalColumns: boolean;
  constructor(
    private readonly ctx: Context,
    private readonly options: ExportOptions,
    private readonly locale: Locale,
    /** Remembers each occasion's name: a row pays one map look-up. */
    private readonly occasionLabel: (occasion: string) => string,
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
      maySeePersonalData(this.options.access, this.ctx.cohorts.get(doc.cohortId)?.id ?? idText(doc.cohortId))
    );
  }

  // A 100,000-row export repeats the same few thousand teachers, statuses and chosen options:
  // each is cleaned (and CSV-encoded) once, not once a row.
  // Keyed by participant (a teacher in two cohorts: the entry is remade), and dropped with the
  // kept profiles (`Context.generation`), so it holds at most TEACHERS_KEPT teachers.
  private readonly prefixes = new IdMap<Prefix>();
  private prefixGeneration = 0;
  private readonly statuses = new Map<string, string>();
  /** The CSV bytes of a row's middle cells after a separator, by occasion, status and version: they repeat. */
  private readonly middles = new Map<string, Map<string, Map<number, Buffer>>>();
  private readonly renderers = new WeakMap<SheetPlan, { columns: ColumnRenderer[]; slots: AnswerSlots }>();

  /** The teacher's and the cohort's cells (everything between the row number and the version). */
  private prefix(doc: ResponseDoc): Prefix {
    if (this.prefixGeneration !== this.ctx.generation) {
      this.prefixes.clear();
      this.prefixGeneration = this.ctx.generation;
    }
    const { participantId, cohortId } = doc;
    let prefix = this.prefixes.get(participantId);
    if (prefix && sameId(prefix.cohortId, cohortId)) return prefix;
    const p = this.ctx.participants.get(participantId) ?? undefined;
    const cohort = this.ctx.cohorts.get(cohortId);
    const show = this.personal(doc, p);
    const settlement = p?.settlementType ? this.settlement(p.settlementType) : null;
    // One array, cleaned in place: a prefix is made for each teacher of each export.
    const cells: CellValue[] = !this.personalColumns
      ? []
      : show && p
        ? [
            idText(participantId),
            p.fullName ?? null,
            p.phone ?? null,
            p.telegramUsername ?? (p.telegramId ? String(p.telegramId) : null),
            p.whatsappId ?? null,
            p.organisation ?? null,
            p.position ?? null,
          ]
        : PERSONAL_COLUMNS.map(() => null);
    cells.push(
      p?.region ?? null,
      p?.district ?? null,
      settlement,
      p?.subject ?? null,
      cohort?.code ?? null,
      cohort?.programme?.code ?? null,
      cohort?.programme?.direction ?? null,
    );
    for (let i = 0; i < cells.length; i++) cells[i] = cleanCell(cells[i] as CellValue);
    prefix = { cohortId, cells, csv: undefined };
    this.prefixes.set(participantId, prefix);
    return prefix;
  }

  private readonly settlements = new Map<string, string>();
  private settlement(type: string): string {
    let label = this.settlements.get(type);
    if (label === undefined) {
      label = t(this.locale, `monitoring.settlement_${type}` as MessageKey);
      this.settlements.set(type, label);
    }
    return label;
  }

  private status(status: string): string {
    let label = this.statuses.get(status);
    if (label === undefined) {
      label = cleanCellText(t(this.locale, `monitoring.status_${status}` as MessageKey));
      this.statuses.set(status, label);
    }
    return label;
  }

  private columnRenderers(plan: SheetPlan): { columns: ColumnRenderer[]; slots: AnswerSlots } {
    let renderers = this.renderers.get(plan);
    if (!renderers) {
      const sep = this.options.separator ?? ';';
      renderers = {
        columns: plan.columns.map((c) => new ColumnRenderer(c.question, this.locale, sep)),
        slots: new AnswerSlots(plan.columns),
      };
      this.renderers.set(plan, renderers);
    }
    return renderers;
  }

  private readonly occasions = new Map<string, string>();
  /** The occasion's name, cleaned for a cell once per occasion. */
  private occasion(id: string): string {
    let label = this.occasions.get(id);
    if (label === undefined) {
      label = cleanCellText(this.occasionLabel(id));
      if (this.occasions.size < RENDER_CACHE_LIMIT) this.occasions.set(id, label);
    }
    return label;
  }

  /** The row's cells, already cleaned for a spreadsheet's typed cells (`cleanCell`). */
  cells(plan: SheetPlan, doc: ResponseDoc, no: number): CellValue[] {
    const tz = this.ctx.cohorts.get(doc.cohortId)?.timeZone ?? 'UTC';
    const cells: CellValue[] = [
      no,
      ...this.prefix(doc).cells,
      doc.questionnaireVersion,
      this.occasion(doc.occasion),
      this.status(doc.status),
      doc.startedAt ? wallClock(doc.startedAt, tz) : null,
      doc.completedAt ? wallClock(doc.completedAt, tz) : null,
    ];
    const { columns } = this.columnRenderers(plan);
    const answers = this.answers(plan, doc, no);
    for (let i = 0; i < columns.length; i++) cells.push((columns[i] as ColumnRenderer).cell(answers[i]));
    return cells;
  }

  /**
   * The row's answers by column. Row `no` of an in-process sheet is its `docs[no - 1]`, whose
   * layout the survey found (checked: any other document is laid out by its question ids).
   */
  private answers(plan: SheetPlan, doc: ResponseDoc, no: number): (Answer | undefined)[] {
    const { slots } = this.columnRenderers(plan);
    const layouts = plan.layouts;
    if (layouts !== undefined && plan.docs?.[no - 1] === doc) {
      const layout = layouts.of[no - 1] as number;
      if (layout >= 0) return slots.fill(doc, layout, layouts.ids[layout]);
    }
    return slots.fill(doc);
  }

  /**
   * Writes the row as one CSV line (with its line break) into `out`, in pieces that are mostly
   * remembered bytes (the teacher's cells, the middle cells, each chosen answer), the row number
   * and times digit by digit. Each cell is defused (`safeCell`) and quoted as needed.
   */
  csvRow(plan: SheetPlan, doc: ResponseDoc, no: number, out: ByteChunks): void {
    const sep = this.options.separator ?? ';';
    const tz = this.ctx.cohorts.get(doc.cohortId)?.timeZone ?? 'UTC';
    const prefix = this.prefix(doc);
    if (prefix.csv === undefined) {
      let text = '';
      for (const v of prefix.cells) text += `${sep}${csvField(safeCell(v), sep)}`;
      prefix.csv = Buffer.from(text);
    }
    let byStatus = this.middles.get(doc.occasion);
    if (!byStatus) {
      byStatus = new Map();
      if (this.middles.size < RENDER_CACHE_LIMIT) this.middles.set(doc.occasion, byStatus);
    }
    let byVersion = byStatus.get(doc.status);
    if (!byVersion) {
      byVersion = new Map();
      byStatus.set(doc.status, byVersion);
    }
    let middle = byVersion.get(doc.questionnaireVersion);
    if (middle === undefined) {
      middle = Buffer.from(
        `${sep}${csvField(doc.questionnaireVersion, sep)}${sep}${csvField(safeCell(this.occasion(doc.occasion)), sep)}` +
          `${sep}${csvField(safeCell(this.status(doc.status)), sep)}`,
      );
      byVersion.set(doc.questionnaireVersion, middle);
    }
    out.digits(no);
    out.bytes(prefix.csv);
    out.bytes(middle);
    const sepCode = sep.charCodeAt(0);
    out.byte(sepCode);
    if (doc.startedAt) this.dates.write(doc.startedAt, tz, out);
    out.byte(sepCode);
    if (doc.completedAt) this.dates.write(doc.completedAt, tz, out);
    const { columns } = this.columnRenderers(plan);
    const answers = this.answers(plan, doc, no);
    for (let i = 0; i < columns.length; i++) (columns[i] as ColumnRenderer).csvInto(answers[i], out);
    out.byte(CR);
    out.byte(LF);
  }

  private readonly dates = new WallClockBytes();

  json(doc: ResponseDoc, no: number, plan: SheetPlan): Record<string, unknown> {
    const p = this.ctx.participants.get(doc.participantId) ?? undefined;
    const cohort = this.ctx.cohorts.get(doc.cohortId);
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
      occasionLabel: this.occasionLabel(doc.occasion),
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

interface Survey {
  /** How many responses a sheet will hold, and which questions they answer. */
  total: number;
  answered: string[];
  /** In-process: the responses themselves, in `_id` order, and their layouts. */
  docs?: readonly ResponseDoc[];
  layouts?: Layouts;
}

/**
 * Per questionnaire in the export's filter: its rows and answered questions. In-process, one read
 * of the responses (the store's own documents, sorted) serves this and every sheet's rows; through
 * the driver, the store counts (nothing is read into this process) and each sheet reads its rows.
 */
async function survey(
  deps: ExportDeps,
  options: ExportOptions,
  includeIncomplete: boolean,
): Promise<Map<string, Survey>> {
  const { models, reader } = deps;
  const surveys = new Map<string, Survey>();
  if (!reader) {
    const found = (await models.response.collection.distinct(
      'questionnaireId',
      responseFilter(options.scope, includeIncomplete),
    )) as string[];
    for (const questionnaireId of found.sort()) {
      const filter = responseFilter(options.scope, includeIncomplete, questionnaireId);
      surveys.set(questionnaireId, {
        total: await models.response.collection.countDocuments(filter),
        answered: (await models.response.collection.distinct('answers.questionId', filter)) as string[],
      });
    }
    return surveys;
  }
  const all = reader.findAll(
    models.response.collection.collectionName,
    responseFilter(options.scope, includeIncomplete),
    {
      sort: { _id: 1 },
    },
  ) as unknown as readonly ResponseDoc[];
  const seen = new Map<string, { docs: ResponseDoc[]; of: number[]; layouts: AnswerLayouts }>();
  for (const doc of all) {
    let entry = seen.get(doc.questionnaireId);
    if (!entry) {
      entry = { docs: [], of: [], layouts: new AnswerLayouts() };
      seen.set(doc.questionnaireId, entry);
    }
    entry.docs.push(doc);
    // Each answer's question id read once, here: the rows are written by these layouts.
    entry.of.push(entry.layouts.add(doc.answers ?? []));
  }
  for (const questionnaireId of [...seen.keys()].sort()) {
    const entry = seen.get(questionnaireId)!;
    surveys.set(questionnaireId, {
      total: entry.docs.length,
      // Only the ones the catalog lacks are used, sorted: the order here does not matter.
      answered: entry.layouts.answered() as string[],
      docs: entry.docs,
      layouts: { of: entry.of, ids: entry.layouts.ids },
    });
  }
  return surveys;
}

/**
 * A sheet's responses in `_id` order, a batch at a time, each batch's teachers loaded before it is
 * handed out. In-process the bot's other chats are answered between batches.
 */
async function* rowBatches(
  deps: ExportDeps,
  plan: SheetPlan,
  filter: Record<string, unknown>,
  ctx: Context,
): AsyncGenerator<readonly ResponseDoc[]> {
  if (plan.docs) {
    for (let i = 0; i < plan.docs.length; i += ROW_BATCH) {
      const batch = plan.docs.slice(i, i + ROW_BATCH);
      await loadPeople(deps, ctx, batch);
      yield batch;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return;
  }
  const cursor = deps.models.response.collection.find(filter, { sort: { _id: 1 }, batchSize: ROW_BATCH });
  try {
    let batch: ResponseDoc[] = [];
    for await (const doc of cursor) {
      batch.push(doc as unknown as ResponseDoc);
      if (batch.length < ROW_BATCH) continue;
      await loadPeople(deps, ctx, batch);
      yield batch;
      batch = [];
    }
    if (batch.length > 0) {
      await loadPeople(deps, ctx, batch);
      yield batch;
    }
  } finally {
    await cursor.close();
  }
}

/**
 * Rows are gathered into strings of about this many characters before they go to the stream: one
 * write (and one buffer) per chunk rather than per row, and no row string lives on in a queue.
 */
const CHUNK_CHARS = 64 * 1024;

/** Until the output's reader has taken what was written (or went away). */
function drained(out: PassThrough): Promise<void> {
  if (out.destroyed || !out.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
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
  const surveys = await survey(deps, options, includeIncomplete);
  const found = [...surveys.keys()];
  if (options.format === 'csv' && found.length > 1) return err({ kind: 'pick_questionnaire', questionnaireIds: found });
  // Nothing answered yet is still a file: the asked questionnaire's columns, or the common ones only.
  const empty = found.length === 0;
  const ids = empty ? [options.scope.questionnaireId ?? ''] : found;

  const plans: SheetPlan[] = [];
  for (const questionnaireId of ids) {
    const { total, answered, docs, layouts } = surveys.get(questionnaireId) ?? {
      total: 0,
      answered: [],
      docs: deps.reader ? [] : undefined,
    };
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
    plans.push({ questionnaireId, title, columns: [...known, ...unknown], total, docs, layouts });
  }
  const ctx = await loadContext(deps.models, options.scope);
  // «Повод» as people read it (the plans' name for each occasion); JSON keeps the id beside it.
  const rows = new RowBuilder(
    ctx,
    options,
    locale,
    occasionNames(await scopePlans(deps.models, options.scope), locale),
  );
  const total = plans.reduce((s, p) => s + p.total, 0);
  const now = deps.now?.() ?? new Date();
  const personalData =
    !options.anonymised && (options.access.personalData === 'all' || options.access.personalData.size > 0);

  const rowFilter = (plan: SheetPlan) => responseFilter(options.scope, includeIncomplete, plan.questionnaireId);
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
        const bytes = new ByteChunks();
        for await (const batch of rowBatches(deps, plan, rowFilter(plan), ctx)) {
          for (const doc of batch) {
            rows.csvRow(plan, doc, ++no, bytes);
            progress();
            const full = bytes.take();
            if (full.length > 0) {
              let room = true;
              for (const chunk of full) room = out.write(chunk);
              if (!room) await drained(out);
              if (out.destroyed) return;
            }
          }
        }
        for (const chunk of bytes.rest()) out.write(chunk);
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
          let chunk = '';
          for await (const batch of rowBatches(deps, plan, rowFilter(plan), ctx)) {
            for (const doc of batch) {
              chunk += `${no ? ',' : ''}\n${JSON.stringify(rows.json(doc, ++no, plan))}`;
              progress();
              if (chunk.length >= CHUNK_CHARS) {
                if (!out.write(chunk)) await drained(out);
                chunk = '';
                if (out.destroyed) return;
              }
            }
          }
          out.write(`${chunk}]}`);
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
              for await (const batch of rowBatches(deps, plan, rowFilter(plan), ctx)) {
                for (const doc of batch) {
                  yield rows.cells(plan, doc, ++no);
                  progress();
                }
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
