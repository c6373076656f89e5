// Links a teacher gave in questionnaire answers (the results questionnaire of the last stage, the
// stage-2 answers): seed 001 wants results presented "with active links", so these are checked
// like activity links, and the stage rule `live-link` counts only those a check found open.
//
// A check has three outcomes, not two. `live`: 2xx after redirects. `dead`: the server answered
// and the page is not there (4xx/5xx, a redirect loop), or the link can never be fetched (not
// http(s), a private address): the teacher is told and asked for a working link. `unknown`: no
// answer at all (DNS failure, timeout, connection refused, no network): the link stays unchecked
// and is tried again later. A server that is briefly offline, or this machine with no internet,
// must never make a teacher hear that their link is dead.
import type { LinkStatus } from './activity.js';
import type { AnswerValue } from './response.js';

export type LinkVerdict = 'live' | 'dead' | 'unknown';

export function linkVerdict(status: LinkStatus): LinkVerdict {
  switch (status) {
    case 'alive':
      return 'live';
    case 'dead':
    case 'redirect_loop':
    case 'invalid':
    case 'unsafe':
      return 'dead';
    case 'timeout':
    case 'unreachable':
      return 'unknown';
    default: {
      const never: never = status;
      throw new Error(`unknown link status ${String(never)}`);
    }
  }
}

/** One link in one answer of one response, and what the checks found. */
export interface ResultLink {
  id: string;
  participantId: string;
  cohortId: string;
  responseId: string;
  questionnaireId: string;
  questionId: string;
  url: string;
  /** When the answer (or its replacement) was recorded. */
  recordedAt: Date;
  /** The last check that got an answer (live or dead); absent while unchecked. */
  checkedAt?: Date;
  reachable?: boolean;
  status?: LinkStatus;
  httpStatus?: number;
  /** The check that found it open, in its current open spell: the day the results count as presented. */
  liveSince?: Date;
  /** Checks in a row that could not reach the site; the next is not tried before `retryAt`. */
  attempts: number;
  retryAt?: Date;
  /** The teacher was told it is dead (once per dead spell). */
  toldAt?: Date;
}

/** What a check found, as a record stores it. */
export type ResultLinkCheck =
  | { kind: 'checked'; at: Date; reachable: boolean; status: LinkStatus; httpStatus?: number }
  | { kind: 'unknown'; at: Date; status: LinkStatus; retryAt: Date };

/** First retry after a quarter of an hour, doubling, at most a day apart. */
const RETRY_FIRST_MS = 15 * 60_000;
const RETRY_MAX_MS = 24 * 60 * 60_000;

/** When to try again a link that could not be checked `attempts` times in a row. */
export function retryAt(at: Date, attempts: number): Date {
  const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.max(0, attempts - 1));
  return new Date(at.getTime() + delay);
}

/** The record's outcome of a check: `unknown` results leave the last real verdict as it was. */
export function resultLinkCheck(
  check: { status: LinkStatus; httpStatus?: number; checkedAt: Date },
  attemptsBefore: number,
): ResultLinkCheck {
  const verdict = linkVerdict(check.status);
  if (verdict === 'unknown')
    return {
      kind: 'unknown',
      at: check.checkedAt,
      status: check.status,
      retryAt: retryAt(check.checkedAt, attemptsBefore + 1),
    };
  return {
    kind: 'checked',
    at: check.checkedAt,
    reachable: verdict === 'live',
    status: check.status,
    ...(check.httpStatus !== undefined ? { httpStatus: check.httpStatus } : {}),
  };
}

/** What changed for the people involved: found open (results presented), found dead, or nothing. */
export type ResultLinkChange = 'became-live' | 'became-dead' | 'none';

export function resultLinkChange(
  before: Pick<ResultLink, 'reachable'>,
  after: Pick<ResultLink, 'reachable'>,
): ResultLinkChange {
  if (after.reachable === true && before.reachable !== true) return 'became-live';
  if (after.reachable === false && before.reachable !== false) return 'became-dead';
  return 'none';
}

const URL_PATTERN = /^https?:\/\/\S+$/i;

/** The answers that are links (a link question, or a text answer that is one web address). */
export function answerLinks(
  answers: readonly { questionId: string; value: AnswerValue | null }[],
): { questionId: string; url: string }[] {
  return answers.flatMap((a) =>
    typeof a.value === 'string' && URL_PATTERN.test(a.value.trim())
      ? [{ questionId: a.questionId, url: a.value.trim() }]
      : [],
  );
}

/** Dead and not replaced: what the teacher is asked to replace, and what curators see. */
export const isDeadResultLink = (l: Pick<ResultLink, 'reachable' | 'url'>): boolean =>
  l.reachable === false && l.url !== '';
