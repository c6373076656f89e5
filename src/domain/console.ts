// Who uses the staff console and how they got in. Centre staff and school administrators have
// accounts made with the CLI (a login and a hashed password); curators and tutors are participants
// who ask the bot for a one-time link. Only hashes of secrets are ever stored.

import type { Locale } from './locale.js';

/** Console accounts: centre staff see everything; a school administrator (seed 001 п.35) reads their school's teachers. */
export const CONSOLE_ACCOUNT_ROLES = ['staff', 'school_admin'] as const;
export type ConsoleAccountRole = (typeof CONSOLE_ACCOUNT_ROLES)[number];

export interface ConsoleAccount {
  id: string;
  /** Lower-case, what the person types to log in. */
  login: string;
  displayName: string;
  role: ConsoleAccountRole;
  /** The school a school administrator follows, as written in the participants' `organisation`. */
  organisation?: string;
  /** `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`. */
  passwordHash: string;
  /** The console's language for this account (`--lang`); the page's switch can change it for a browser. */
  locale?: Locale;
  /** Set by `console disable`: the login is refused and open sessions stop working. */
  disabledAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** Whoever a console session belongs to. */
export type ConsolePrincipal = { kind: 'account'; accountId: string } | { kind: 'participant'; participantId: string };

export interface ConsoleSession {
  /** SHA-256 of the cookie's token: a stolen database gives no live session. */
  tokenHash: string;
  principal: ConsolePrincipal;
  /** Sent with every form; checked on every POST. */
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
}

/** A one-time link the bot sends a curator or tutor: single use, short-lived. */
export interface LoginLink {
  tokenHash: string;
  participantId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt?: Date;
}

/**
 * A large console export prepared in the background. Kept in the store with its file, so a restart
 * loses neither a finished file nor the knowledge that one was cut short.
 */
export type ExportJobStatus = 'running' | 'done' | 'failed' | 'interrupted';

export interface ExportJob {
  id: string;
  /** The console actor who asked; nobody else may see or fetch it. */
  owner: string;
  filename: string;
  contentType: string;
  /** Rows the export will have. */
  rows: number;
  /** Rows written so far. */
  rowsDone: number;
  bytes: number;
  status: ExportJobStatus;
  /** The export page's query string, to start the same export again. */
  request: string;
  startedAt: Date;
  /** Last sign of life from the process writing it: a running job silent for long was cut short. */
  heartbeatAt: Date;
  finishedAt?: Date;
  /** The job and its file go by themselves after this. */
  expiresAt: Date;
}
