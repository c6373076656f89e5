// When a teacher's links are checked, and when a dead one is worth telling anyone about. Pure.
//
// Seed 001 asks that results be presented "with active links", and reports go out on 1 June and
// 1 October: a link that worked in March may be gone by then. So a link is checked when it is
// submitted, again a few days before the stage whose review needs live links, again before each
// half-year report, and at least monthly in between. Nothing is stored per link per date: a link
// is due when its last check is older than the latest of those checkpoints that has passed.
import { addDays, addMonths, addOffset, localDate, type LocalDate } from './calendar.js';
import type { ActivityLink } from './activity.js';
import { startOfLocalDay } from './sending-window.js';
import type { Offset } from './stage.js';

/** Dead this many checks in a row: the teacher and the curators are told (once per dead spell). */
export const LINK_ALERT_AFTER_FAILURES = 2;

export interface LinkCheckSettings {
  /** Days before a results-review stage starts that every link is checked again. */
  beforeReviewDays: number;
  /** Days before a half-year report is due that every link is checked again. */
  beforeReportDays: number;
  /** Otherwise a link is checked again when its last check is this old. */
  recheckAfter: Offset;
}

export const DEFAULT_LINK_CHECK_SETTINGS: LinkCheckSettings = {
  beforeReviewDays: 7,
  beforeReportDays: 7,
  recheckAfter: '+1m',
};

export interface LinkCheckCalendar {
  courseEnd: Date;
  timeZone: string;
  /** Start offsets of the stages whose review needs live links (the Kazakhstan model's stage 3). */
  reviewStageOffsets: readonly Offset[];
  /** Half-year report due dates of the cohort's year. */
  reportDeadlines: readonly LocalDate[];
}

/** Subtracts a calendar offset ("+1m" back a month) from a local date. */
function minusOffset(date: LocalDate, offset: Offset): LocalDate {
  const n = Number(offset.slice(1, -1));
  const unit = offset.at(-1);
  if (unit === 'd') return addDays(date, -n);
  if (unit === 'w') return addDays(date, -7 * n);
  return addMonths(date, -n);
}

/**
 * A link checked before this instant is due for another check. The latest passed checkpoint:
 * a month ago, the last pre-review day, the last pre-report day.
 */
export function linkCheckCutoff(
  calendar: LinkCheckCalendar,
  now: Date,
  settings: LinkCheckSettings = DEFAULT_LINK_CHECK_SETTINGS,
): Date {
  const tz = calendar.timeZone;
  const today = localDate(now, tz);
  // Day granularity: a link checked on 5 March is checked again from 6 April on, at the first pass.
  const monthly = startOfLocalDay(minusOffset(today, settings.recheckAfter), tz);
  const courseEnd = localDate(calendar.courseEnd, tz);
  const checkpoints = [
    ...calendar.reviewStageOffsets.map((o) => addDays(addOffset(courseEnd, o), -settings.beforeReviewDays)),
    ...calendar.reportDeadlines.map((d) => addDays(d, -settings.beforeReportDays)),
  ]
    .map((d) => startOfLocalDay(d, tz))
    .filter((d) => d.getTime() <= now.getTime());
  return checkpoints.reduce((latest, d) => (d.getTime() > latest.getTime() ? d : latest), monthly);
}

/** Due: never checked or checked before the cutoff, and not waiting for a retry after `now`. */
export function isLinkDue(link: Pick<ActivityLink, 'checkedAt' | 'retryAt'>, cutoff: Date, now?: Date): boolean {
  if (now && link.retryAt && link.retryAt.getTime() > now.getTime()) return false;
  return link.checkedAt === undefined || link.checkedAt.getTime() < cutoff.getTime();
}

/** Checks in a row that found the link not alive, after this one. */
export function failuresAfter(previous: number | undefined, reachable: boolean): number {
  return reachable ? 0 : (previous ?? 0) + 1;
}

/** This check made the link dead twice in a row: now, and only now, people are told. */
export function shouldAlert(failures: number): boolean {
  return failures === LINK_ALERT_AFTER_FAILURES;
}
