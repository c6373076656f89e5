// What every console page handler gets, and the deps the console is built from.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { Chart, Table } from '../../monitoring/index.js';
import type { ConsoleSession } from '../../domain/console.js';
import type { Locale } from '../../domain/locale.js';
import type { Repositories } from '../../domain/repositories.js';
import type { DiagnosisLine } from '../../support-models/diagnosis.js';
import type { Logger } from '../../logger.js';
import type { RouteReply } from '../server.js';
import type { ConsoleAuth } from './auth.js';
import type { Say } from './i18n.js';
import type { ExportJobs } from './jobs.js';
import type { PageOptions } from './layout.js';
import type { ConsoleViewer } from './viewer.js';

/** What the console asks of the rest of Sputnik when a curator acts: the teacher hears of it in chat. */
export interface StaffActions {
  reviewActivity(input: {
    activityId: string;
    reviewerId: string;
    decision: 'accepted' | 'returned';
    comment?: string;
  }): Promise<'done' | 'already' | 'not_found'>;
  answerConsultation(input: {
    requestId: string;
    authorId: string;
    text: string;
    close: boolean;
  }): Promise<'done' | 'not_found'>;
  broadcast(input: {
    cohortId: string;
    authorId: string;
    text: string;
    toGroups: boolean;
    toParticipants: boolean;
  }): Promise<{ broadcastId: string }>;
}

/** A download as the monitoring module makes it: streamed, with its row count. */
export interface ConsoleDownload {
  stream: Readable;
  contentType: string;
  filename: string;
  rows: number;
  /** Rows written so far, where the export reports it. */
  progress?: () => number;
}

export type FileOutcome<T> = { ok: true; value: T } | { ok: false; error: string; questionnaires?: string[] };

/** One value of a segment the monitoring page narrows its figures and exports to. */
export interface SegmentChoice {
  programmeId?: string;
  region?: string;
  district?: string;
  settlementType?: string;
  organisation?: string;
}

/** What the console asks of the monitoring module (src/monitoring): the only door to its figures. */
export interface ConsoleFiles {
  /** Responses, activities or the roster, in the viewer's cohorts, as CSV / XLSX / JSON. */
  export(request: {
    viewer: ConsoleViewer;
    locale: Locale;
    what: string;
    format: string;
    cohortId?: string;
    questionnaireId?: string;
    segment?: SegmentChoice;
  }): Promise<FileOutcome<ConsoleDownload>>;
  /** The half-year report (Markdown or XLSX) for a cohort, or the whole centre for staff. */
  report(request: {
    viewer: ConsoleViewer;
    locale: Locale;
    cohortId?: string;
    year: number;
    half: 1 | 2;
    format: 'md' | 'xlsx';
  }): Promise<FileOutcome<{ body: Buffer; contentType: string; filename: string; title: string }>>;
  /** The aggregates as tables (broken down by a segment if asked) and their charts. */
  summary(request: {
    viewer: ConsoleViewer;
    locale: Locale;
    cohortId?: string;
    by?: string;
    segment?: SegmentChoice;
  }): Promise<{ tables: Table[]; charts: Chart[] }>;
  /** What the scheduler will send a cohort in the next days, as staff read it (the CLI's words, in `locale`). */
  schedule(request: { cohortId: string; days: number; locale: Locale }): Promise<string | undefined>;
}

export interface QuestionnaireTexts {
  title: string;
  /** Per question: its text, and the labels of its options by option id (choice and ranking questions). */
  questions: Map<string, { text: string; options: Map<string, string> }>;
}

export interface ConsoleDeps {
  repos: Repositories;
  auth: ConsoleAuth;
  actions: StaffActions;
  files: ConsoleFiles;
  /** How a teacher joins a cohort on each configured channel: deep links to print or scan. */
  joinLinks(code: string): { label: string; url: string }[];
  /** Titles of a questionnaire, its questions and their options in `locale`, for a teacher's answers. */
  questionnaireText(questionnaireId: string, version: number, locale: Locale): QuestionnaireTexts | undefined;
  /** The teacher's diagnosis in the cohort, where its support model has one (seed 003); [] until she answers. */
  diagnosis(cohortId: string, participantId: string, locale: Locale): Promise<DiagnosisLine[] | undefined>;
  /** Large exports are prepared in the background with a progress page. */
  jobs: ExportJobs;
  /** From this many rows an export gets the progress page instead of an immediate download. */
  largeExportRows: number;
  now(): Date;
  logger: Logger;
}

export interface PageContext {
  req: IncomingMessage;
  viewer: ConsoleViewer;
  session: ConsoleSession;
  /** The page's language: the switch's choice, else the viewer's own. */
  locale: Locale;
  /** A text of the console's catalog in the page's language. */
  say: Say;
  /** The page shell's options with the viewer, the language and the CSRF token filled in. */
  frame(options: Omit<PageOptions, 'locale' | 'viewer' | 'csrf' | 'here'>): PageOptions;
  query: URLSearchParams;
  /** The POSTed form, CSRF already checked. */
  form: URLSearchParams;
  deps: ConsoleDeps;
}

export type PageHandler = (ctx: PageContext) => Promise<RouteReply>;
