// When a cohort may be written to: local wall-clock hours on chosen weekdays, in the cohort's own
// time zone. Scheduled messages wait for the window; nobody is woken at night or on a Sunday.
// A day is a calendar day, so "+3 days at 09:00" stays 09:00 across a daylight-saving change, and
// a window edge that falls into a skipped hour moves forward (wall-clock arithmetic: ./time-zone.ts).
import type { LocalDate } from './calendar.js';
import { fromWall, offsetAt, toWall, WALL_DAY, wallDayStart, wallTimeOfDay, wallWeekday } from './time-zone.js';

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
  if (problems.length === 0 && minutes(w.from) >= minutes(w.to))
    problems.push(`окно ${w.from}–${w.to}: начало должно быть раньше конца`);
  if (w.weekdays.length === 0) problems.push('в окне нет ни одного дня недели');
  if (w.weekdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7))
    problems.push('дни недели — числа от 1 (понедельник) до 7 (воскресенье)');
  return problems;
}

function minutes(clock: string): number {
  const m = CLOCK_TIME.exec(clock);
  if (!m) throw new RangeError(`not a clock time: ${clock}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const MINUTE = 60_000;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parsed(w: SendingWindow): { from: number; to: number; weekdays: readonly number[] } {
  return { from: minutes(w.from) * MINUTE, to: minutes(w.to) * MINUTE, weekdays: w.weekdays };
}

function checkedZone(timeZone: string): void {
  try {
    offsetAt(timeZone, 0);
  } catch {
    throw new RangeError(`unknown time zone: ${timeZone}`);
  }
}

function wallDateOf(date: LocalDate, timeZone: string): number {
  const m = LOCAL_DATE.exec(date);
  const wall = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || new Date(wall).getUTCDate() !== Number(m[3]))
    throw new RangeError(`not a local date in ${timeZone}: ${date}`);
  return wall;
}

/** The first instant of a local day (midnight, or the first hour after a skipped midnight). */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  checkedZone(timeZone);
  return new Date(fromWall(wallDateOf(date, timeZone), timeZone));
}

/** `instant` moved by whole local days: the same wall-clock time, whatever DST does in between. */
export function plusLocalDays(instant: Date, days: number, timeZone: string): Date {
  checkedZone(timeZone);
  return new Date(fromWall(toWall(instant.getTime(), timeZone) + days * WALL_DAY, timeZone));
}

export function isInWindow(instant: Date, timeZone: string, w: SendingWindow): boolean {
  checkedZone(timeZone);
  const p = parsed(w);
  const t = instant.getTime();
  const wall = toWall(t, timeZone);
  if (!p.weekdays.includes(wallWeekday(wall))) return false;
  const day = wallDayStart(wall);
  return fromWall(day + p.from, timeZone) <= t && t < fromWall(day + p.to, timeZone);
}

/** `instant` itself when it is inside the window, otherwise the next opening of the window. */
export function nextWindowStart(instant: Date, timeZone: string, w: SendingWindow): Date {
  checkedZone(timeZone);
  const p = parsed(w);
  const t = instant.getTime();
  let day = wallDayStart(toWall(t, timeZone));
  // Eight days always reach the next allowed weekday; the ninth guards against an empty window.
  for (let i = 0; i < 9; i++) {
    if (p.weekdays.includes(wallWeekday(day))) {
      const open = fromWall(day + p.from, timeZone);
      if (t < open) return new Date(open);
      if (t < fromWall(day + p.to, timeZone)) return instant;
    }
    day += WALL_DAY;
  }
  throw new RangeError('the sending window has no weekday');
}

/** The window's opening on the local day `date`, or on the next day the window is open. */
export function windowOpeningOnOrAfter(date: LocalDate, timeZone: string, w: SendingWindow): Date {
  return nextWindowStart(startOfLocalDay(date, timeZone), timeZone, w);
}

/** The window's opening on `date`, or on the last day before it the window is open. */
export function windowOpeningOnOrBefore(date: LocalDate, timeZone: string, w: SendingWindow): Date {
  checkedZone(timeZone);
  const p = parsed(w);
  let day = wallDateOf(date, timeZone);
  for (let i = 0; i < 9; i++) {
    if (p.weekdays.includes(wallWeekday(day))) return new Date(fromWall(day + p.from, timeZone));
    day -= WALL_DAY;
  }
  throw new RangeError('the sending window has no weekday');
}

/** "09:00" in the cohort's zone, for people reading a schedule. */
export function localClock(instant: Date, timeZone: string): string {
  checkedZone(timeZone);
  const minutesOfDay = Math.floor(wallTimeOfDay(toWall(instant.getTime(), timeZone)) / MINUTE);
  return `${String(Math.floor(minutesOfDay / 60)).padStart(2, '0')}:${String(minutesOfDay % 60).padStart(2, '0')}`;
}
