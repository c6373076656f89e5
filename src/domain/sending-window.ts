// When a cohort may be written to: local wall-clock hours on chosen weekdays, in the cohort's own
// time zone. Scheduled messages wait for the window; nobody is woken at night or on a Sunday.
// Wall-clock arithmetic is luxon's: a day is a calendar day, so "+3 days at 09:00" stays 09:00
// across a daylight-saving change, and a window edge that falls into a skipped hour moves forward.
import { DateTime } from 'luxon';
import type { LocalDate } from './calendar.js';

export interface SendingWindow {
  /** Local time the window opens, "HH:mm". */
  from: string;
  /** Local time it closes (exclusive), "HH:mm", later than `from`. */
  to: string;
  /** ISO weekdays: 1 is Monday, 7 is Sunday. */
  weekdays: number[];
}

export const DEFAULT_SENDING_WINDOW: SendingWindow = { from: '09:00', to: '20:00', weekdays: [1, 2, 3, 4, 5] };

export const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Every problem with a window, in plain Russian for the staff member who wrote it. */
export function sendingWindowProblems(w: SendingWindow): string[] {
  const problems: string[] = [];
  if (!CLOCK_TIME.test(w.from)) problems.push(`начало окна «${w.from}»: ожидается время ЧЧ:ММ`);
  if (!CLOCK_TIME.test(w.to)) problems.push(`конец окна «${w.to}»: ожидается время ЧЧ:ММ`);
  if (problems.length === 0 && minutes(w.from) >= minutes(w.to)) problems.push(`окно ${w.from}–${w.to}: начало должно быть раньше конца`);
  if (w.weekdays.length === 0) problems.push('в окне нет ни одного дня недели');
  if (w.weekdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) problems.push('дни недели — числа от 1 (понедельник) до 7 (воскресенье)');
  return problems;
}

function minutes(clock: string): number {
  const m = CLOCK_TIME.exec(clock);
  if (!m) throw new RangeError(`not a clock time: ${clock}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

function at(day: DateTime, clock: string): DateTime {
  const total = minutes(clock);
  // luxon moves a wall time that does not exist (spring forward) to the first instant after the gap.
  return day.set({ hour: Math.floor(total / 60), minute: total % 60, second: 0, millisecond: 0 });
}

function zoned(instant: Date, timeZone: string): DateTime {
  const d = DateTime.fromJSDate(instant, { zone: timeZone });
  if (!d.isValid) throw new RangeError(`unknown time zone: ${timeZone}`);
  return d;
}

/** The first instant of a local day (midnight, or the first hour after a skipped midnight). */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  const d = DateTime.fromISO(date, { zone: timeZone });
  if (!d.isValid) throw new RangeError(`not a local date in ${timeZone}: ${date}`);
  return d.startOf('day').toJSDate();
}

/** `instant` moved by whole local days: the same wall-clock time, whatever DST does in between. */
export function plusLocalDays(instant: Date, days: number, timeZone: string): Date {
  return zoned(instant, timeZone).plus({ days }).toJSDate();
}

export function isInWindow(instant: Date, timeZone: string, w: SendingWindow): boolean {
  const local = zoned(instant, timeZone);
  if (!w.weekdays.includes(local.weekday)) return false;
  const day = local.startOf('day');
  return at(day, w.from).toMillis() <= instant.getTime() && instant.getTime() < at(day, w.to).toMillis();
}

/** `instant` itself when it is inside the window, otherwise the next opening of the window. */
export function nextWindowStart(instant: Date, timeZone: string, w: SendingWindow): Date {
  let day = zoned(instant, timeZone).startOf('day');
  // Eight days always reach the next allowed weekday; the ninth guards against an empty window.
  for (let i = 0; i < 9; i++) {
    if (w.weekdays.includes(day.weekday)) {
      const open = at(day, w.from);
      const close = at(day, w.to);
      if (instant.getTime() < open.toMillis()) return open.toJSDate();
      if (instant.getTime() < close.toMillis()) return instant;
    }
    day = day.plus({ days: 1 }).startOf('day');
  }
  throw new RangeError('the sending window has no weekday');
}

/** The window's opening on the local day `date`, or on the next day the window is open. */
export function windowOpeningOnOrAfter(date: LocalDate, timeZone: string, w: SendingWindow): Date {
  return nextWindowStart(startOfLocalDay(date, timeZone), timeZone, w);
}

/** The window's opening on `date`, or on the last day before it the window is open. */
export function windowOpeningOnOrBefore(date: LocalDate, timeZone: string, w: SendingWindow): Date {
  let day = DateTime.fromISO(date, { zone: timeZone }).startOf('day');
  for (let i = 0; i < 9; i++) {
    if (w.weekdays.includes(day.weekday)) return at(day, w.from).toJSDate();
    day = day.minus({ days: 1 }).startOf('day');
  }
  throw new RangeError('the sending window has no weekday');
}

/** "09:00" in the cohort's zone, for people reading a schedule. */
export function localClock(instant: Date, timeZone: string): string {
  return zoned(instant, timeZone).toFormat('HH:mm');
}
