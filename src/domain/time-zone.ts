// Wall-clock arithmetic in an IANA zone without a date library in the hot path. Planning a
// 5,000-teacher cohort asks for hundreds of thousands of local times; a new Intl formatter (or a
// luxon DateTime) per question made that take most of a minute. Here a zone's UTC offset is read
// once per 15-minute slot (every offset change in the tz database falls on one) and kept.

const MINUTE = 60_000;
const SLOT = 15 * MINUTE;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone for the life of the process: creating one costs far more than using it. */
export function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws a RangeError for a zone the runtime does not know, as callers expect.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

// Offsets by zone, then by slot. Bounded so a long-running process never grows it without end:
// a year of slots for a handful of zones is well under the bound.
const offsets = new Map<string, Map<number, number>>();
const MAX_SLOTS_PER_ZONE = 200_000;

function computeOffset(timeZone: string, epochMs: number): number {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const p of zoneFormatter(timeZone).formatToParts(new Date(epochMs))) {
    switch (p.type) {
      case 'year':
        year = Number(p.value);
        break;
      case 'month':
        month = Number(p.value);
        break;
      case 'day':
        day = Number(p.value);
        break;
      case 'hour':
        hour = Number(p.value);
        break;
      case 'minute':
        minute = Number(p.value);
        break;
      case 'second':
        second = Number(p.value);
        break;
      case 'era':
        bc = p.value.startsWith('B');
        break;
      default:
        break;
    }
  }
  const wall = Date.UTC(bc ? 1 - year : year, month - 1, day, hour, minute, second);
  const whole = epochMs - (epochMs % 1000);
  return Math.round((wall - whole) / MINUTE) * MINUTE;
}

/** The zone's offset from UTC at `epochMs`, in milliseconds (Almaty: +5 h). */
export function offsetAt(timeZone: string, epochMs: number): number {
  let slots = offsets.get(timeZone);
  if (!slots) {
    zoneFormatter(timeZone);
    slots = new Map();
    offsets.set(timeZone, slots);
  }
  const slot = Math.floor(epochMs / SLOT);
  let o = slots.get(slot);
  if (o === undefined) {
    o = computeOffset(timeZone, slot * SLOT);
    if (slots.size >= MAX_SLOTS_PER_ZONE) slots.clear();
    slots.set(slot, o);
  }
  return o;
}

/** The wall clock of `epochMs` in the zone, as milliseconds on a UTC-like axis (read it with getUTC*). */
export function toWall(epochMs: number, timeZone: string): number {
  return epochMs + offsetAt(timeZone, epochMs);
}

/**
 * The instant a wall time happens in the zone. A wall time skipped by a spring-forward change is
 * moved forward by the length of the gap (02:30 becomes 03:30); one that happens twice in an
 * autumn change is its first occurrence.
 */
export function fromWall(wallMs: number, timeZone: string): number {
  // Offsets around the wall time: one on each side is enough, zones change at most once a day.
  const before = offsetAt(timeZone, wallMs - DAY);
  const after = offsetAt(timeZone, wallMs + DAY);
  const early = wallMs - Math.max(before, after);
  const late = wallMs - Math.min(before, after);
  if (toWall(early, timeZone) === wallMs) return early;
  if (toWall(late, timeZone) === wallMs) return late;
  // In the gap: the wall time read with the offset before the change lands after the gap.
  return wallMs - before;
}

/** Milliseconds since local midnight. */
export function wallTimeOfDay(wallMs: number): number {
  return ((wallMs % DAY) + DAY) % DAY;
}

/** Local midnight (on the wall axis) of the wall time. */
export function wallDayStart(wallMs: number): number {
  return wallMs - wallTimeOfDay(wallMs);
}

/** ISO weekday of a wall time: 1 is Monday, 7 is Sunday. */
export function wallWeekday(wallMs: number): number {
  const d = new Date(wallMs).getUTCDay();
  return d === 0 ? 7 : d;
}

export const WALL_DAY = DAY;
