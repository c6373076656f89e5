// Course dates are calendar days of the cohort; the store keeps instants. The instant kept is the
// start of that day in the cohort's zone, so `localDate(courseEnd, timeZone)` gives the day back
// in every zone (UTC midnight would be the previous day west of Greenwich, and the next day in
// Kamchatka if noon were used instead).
import { localDate, type LocalDate } from '../domain/calendar.js';

function offsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at / 1000) * 1000;
}

export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wallMidnight = Date.UTC(y, m - 1, d);
  let at = wallMidnight - offsetMs(wallMidnight, timeZone);
  // The offset at the guess may differ from the offset at the answer across a DST change.
  at = wallMidnight - offsetMs(at, timeZone);
  // Where midnight itself is skipped by a DST change, the day starts an hour later.
  while (localDate(new Date(at), timeZone) < date) at += 3_600_000;
  return new Date(at);
}
