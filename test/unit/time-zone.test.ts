// Wall-clock arithmetic without a date library: the same answers the runtime's own zone data gives.
import { describe, expect, it } from 'vitest';
import { fromWall, offsetAt, toWall } from '../../src/domain/time-zone.js';

const HOUR = 3_600_000;
const wall = (iso: string) => Date.parse(`${iso}Z`);

describe('time zone arithmetic', () => {
  it('reads the offset of zones without daylight saving and of one with it, on both sides of the change', () => {
    expect(offsetAt('Asia/Almaty', Date.parse('2026-05-01T00:00:00Z'))).toBe(5 * HOUR);
    expect(offsetAt('Europe/Moscow', Date.parse('2026-05-01T00:00:00Z'))).toBe(3 * HOUR);
    expect(offsetAt('Asia/Kathmandu', Date.parse('2026-05-01T00:00:00Z'))).toBe(5.75 * HOUR);
    // Berlin springs forward at 01:00 UTC on 29 March 2026.
    expect(offsetAt('Europe/Berlin', Date.parse('2026-03-29T00:59:59Z'))).toBe(HOUR);
    expect(offsetAt('Europe/Berlin', Date.parse('2026-03-29T01:00:00Z'))).toBe(2 * HOUR);
  });

  it('turns a wall time into its instant, moving a skipped one past the gap and taking the first of a repeated one', () => {
    expect(new Date(fromWall(wall('2026-06-01T09:00:00'), 'Asia/Almaty')).toISOString()).toBe(
      '2026-06-01T04:00:00.000Z',
    );
    // 02:30 does not exist in Berlin on 29 March 2026: it becomes 03:30 summer time.
    expect(new Date(fromWall(wall('2026-03-29T02:30:00'), 'Europe/Berlin')).toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
    // 02:30 happens twice on 25 October 2026: the first time is still summer time.
    expect(new Date(fromWall(wall('2026-10-25T02:30:00'), 'Europe/Berlin')).toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
  });

  it('agrees with Intl for every hour of a year in a zone with daylight saving', () => {
    const format = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'America/New_York',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    for (let t = Date.parse('2026-01-01T00:00:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += HOUR) {
      const expected = format.format(new Date(t)).replace(', ', 'T');
      expect(new Date(toWall(t, 'America/New_York')).toISOString().slice(0, 16)).toBe(expected);
    }
  });

  it('refuses a zone the runtime does not know', () => {
    expect(() => offsetAt('Mars/Olympus', 0)).toThrow(RangeError);
  });
});
