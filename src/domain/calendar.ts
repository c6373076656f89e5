// Calendar arithmetic on local dates ("yyyy-mm-dd" in a cohort's time zone). Months are calendar
// months: +1m from 31 January is the last day of February, never 3 March.
import { OFFSET_PATTERN, type Offset } from './stage.js';
import { toWall, zoneFormatter } from './time-zone.js';

export type LocalDate = string;

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether the runtime knows this IANA zone (Europe/Moscow, Asia/Almaty...). */
export function isIanaTimeZone(value: string): boolean {
  try {
    zoneFormatter(value);
    return true;
  } catch {
    return false;
  }
}

/** The date at `at` on the wall calendar of `timeZone`. */
export function localDate(at: Date, timeZone: string): LocalDate {
  const wall = new Date(toWall(at.getTime(), timeZone));
  return format(wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate());
}

function parts(date: LocalDate): [number, number, number] {
  const m = LOCAL_DATE.exec(date);
  if (!m) throw new RangeError(`not a local date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function format(y: number, m: number, d: number): LocalDate {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const [y, m, d] = parts(date);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return format(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

export function addMonths(date: LocalDate, months: number): LocalDate {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const ny = Math.floor(index / 12);
  const nm = (index % 12) + 1;
  return format(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

export function isOffset(value: string): value is Offset {
  return OFFSET_PATTERN.test(value);
}

/** `date` moved by an offset such as "+7d", "+2w" or "+6m". */
export function addOffset(date: LocalDate, offset: Offset): LocalDate {
  if (!isOffset(offset)) throw new RangeError(`not an offset: ${offset}`);
  const n = Number(offset.slice(1, -1));
  switch (offset.at(-1)) {
    case 'd':
      return addDays(date, n);
    case 'w':
      return addDays(date, 7 * n);
    default:
      return addMonths(date, n);
  }
}

export function isValidLocalDate(date: string): date is LocalDate {
  const m = LOCAL_DATE.exec(date);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** dd.mm.yyyy, as Russian and Kazakh teachers write dates. */
export function formatLocalDate(date: LocalDate): string {
  const [y, m, d] = parts(date);
  return `${String(d).padStart(2, '0')}.${String(m).padStart(2, '0')}.${y}`;
}
