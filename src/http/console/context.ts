// What every console page handler gets, and the deps the console is built from.
import type { IncomingMessage } from 'node:http';
import type { ConsoleSession } from '../../domain/console.js';
import type { Repositories } from '../../domain/repositories.js';
import type { Logger } from '../../logger.js';
import type { RouteReply } from '../server.js';
import type { ConsoleAuth } from './auth.js';
import type { ConsoleViewer } from './viewer.js';

/** What the console asks of the rest of Sputnik when a curator acts: the teacher hears of it in chat. */
export interface StaffActions {
  reviewActivity(input: { activityId: string; reviewerId: string; decision: 'accepted' | 'returned'; comment?: string }): Promise<'done' | 'already' | 'not_found'>;
  answerConsultation(input: { requestId: string; authorId: string; text: string; close: boolean }): Promise<'done' | 'not_found'>;
  broadcast(input: { cohortId: string; authorId: string; text: string; toGroups: boolean; toParticipants: boolean }): Promise<{ broadcastId: string }>;
}

export interface ConsoleFiles {
  /** Export of responses, activities or the roster, as the monitoring module makes it. */
  export(request: { viewer: ConsoleViewer; what: string; format: string; cohortId?: string }): Promise<{ ok: true; body: Buffer; contentType: string; filename: string; rows: number } | { ok: false; error: string }>;
  /** The half-year report (Markdown) for a cohort and period. */
  report(request: { viewer: ConsoleViewer; cohortId?: string; year: number; half: 1 | 2; format: 'md' | 'xlsx' }): Promise<{ ok: true; body: Buffer; contentType: string; filename: string } | { ok: false; error: string }>;
  /** Key figures for the monitoring page, as text lines. */
  figures(request: { viewer: ConsoleViewer; cohortId?: string }): Promise<string>;
}

export interface ConsoleDeps {
  repos: Repositories;
  auth: ConsoleAuth;
  actions: StaffActions;
  files: ConsoleFiles;
  /** How a teacher joins a cohort on each configured channel: deep links to print or scan. */
  joinLinks(code: string): { label: string; url: string }[];
  now(): Date;
  logger: Logger;
}

export interface PageContext {
  req: IncomingMessage;
  viewer: ConsoleViewer;
  session: ConsoleSession;
  query: URLSearchParams;
  /** The POSTed form, CSRF already checked. */
  form: URLSearchParams;
  deps: ConsoleDeps;
}

export type PageHandler = (ctx: PageContext) => Promise<RouteReply>;
