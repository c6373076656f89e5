// Sending-window arithmetic: local hours and weekdays in the cohort's zone, across DST changes.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SENDING_WINDOW,
  isInWindow,
  nextWindowStart,
  plusLocalDays,
  sendingWindowProblems,
  startOfLocalDay,
  windowOpeningOnOrAfter,
  windowOpeningOnOrBefore,
  type SendingWindow,
} from '../../src/domain/sending-window.js';

const w = DEFAULT_SENDING_WINDOW;
const iso = (d: Date) => d.toISOString();

describe('sending window', () => {
  it('keeps an instant inside the window and moves one outside it to the next opening', () => {
    // Tuesday 12 May 2026, 12:00 in Moscow (UTC+3).
    expect(iso(nextWindowStart(new Date('2026-05-12T09:00:00Z'), 'Europe/Moscow', w))).toBe('2026-05-12T09:00:00.000Z');
    // 07:00 Moscow: waits for 09:00 the same day.
    expect(iso(nextWindowStart(new Date('2026-05-12T04:00:00Z'), 'Europe/Moscow', w))).toBe('2026-05-12T06:00:00.000Z');
    // 20:00 is already outside (the end is exclusive): next morning.
    expect(iso(nextWindowStart(new Date('2026-05-12T17:00:00Z'), 'Europe/Moscow', w))).toBe('2026-05-13T06:00:00.000Z');
    // Friday 20:30 and Saturday wait for Monday 09:00.
    expect(iso(nextWindowStart(new Date('2026-05-15T17:30:00Z'), 'Europe/Moscow', w))).toBe('2026-05-18T06:00:00.000Z');
    expect(iso(nextWindowStart(new Date('2026-05-16T10:00:00Z'), 'Europe/Moscow', w))).toBe('2026-05-18T06:00:00.000Z');
    expect(isInWindow(new Date('2026-05-16T10:00:00Z'), 'Europe/Moscow', w)).toBe(false);
    expect(isInWindow(new Date('2026-05-12T06:00:00Z'), 'Europe/Moscow', w)).toBe(true);
  });

  it('reads hours in each cohort zone: Moscow, Almaty, Novokuznetsk', () => {
    const sunday = new Date('2026-05-17T12:00:00Z');
    expect(iso(nextWindowStart(sunday, 'Europe/Moscow', w))).toBe('2026-05-18T06:00:00.000Z');
    expect(iso(nextWindowStart(sunday, 'Asia/Almaty', w))).toBe('2026-05-18T04:00:00.000Z');
    expect(iso(nextWindowStart(sunday, 'Asia/Novokuznetsk', w))).toBe('2026-05-18T02:00:00.000Z');
    // 22:30 UTC on Sunday is already Monday 05:30 in Novokuznetsk: the window opens at 09:00 that Monday.
    expect(iso(nextWindowStart(new Date('2026-05-17T22:30:00Z'), 'Asia/Novokuznetsk', w))).toBe(
      '2026-05-18T02:00:00.000Z',
    );
  });

  it('opens at 09:00 local on both sides of a daylight-saving change', () => {
    // Europe/Berlin moves to summer time on Sunday 29 March 2026.
    expect(iso(nextWindowStart(new Date('2026-03-27T20:00:00Z'), 'Europe/Berlin', w))).toBe('2026-03-30T07:00:00.000Z');
    expect(iso(nextWindowStart(new Date('2026-03-26T20:00:00Z'), 'Europe/Berlin', w))).toBe('2026-03-27T08:00:00.000Z');
    // And back on Sunday 25 October.
    expect(iso(nextWindowStart(new Date('2026-10-23T19:00:00Z'), 'Europe/Berlin', w))).toBe('2026-10-26T08:00:00.000Z');
    // "Three days later" is three calendar days at the same wall time, not 72 hours.
    expect(iso(plusLocalDays(new Date('2026-03-27T08:00:00Z'), 3, 'Europe/Berlin'))).toBe('2026-03-30T07:00:00.000Z');
    expect(iso(plusLocalDays(new Date('2026-10-23T07:00:00Z'), 3, 'Europe/Berlin'))).toBe('2026-10-26T08:00:00.000Z');
  });

  it('moves a window edge that falls into the skipped hour to just after it', () => {
    const night: SendingWindow = { from: '02:30', to: '05:00', weekdays: [7] };
    // On 29 March 2026 Berlin clocks jump from 02:00 to 03:00: 02:30 does not exist, 03:30 CEST does.
    expect(iso(nextWindowStart(new Date('2026-03-28T12:00:00Z'), 'Europe/Berlin', night))).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });

  it('finds the day start, the next opening on a date and the last opening before one', () => {
    expect(iso(startOfLocalDay('2026-06-01', 'Asia/Almaty'))).toBe('2026-05-31T19:00:00.000Z');
    // Saturday 30 May: the next opening is Monday 1 June; the last one before it is Friday 29 May.
    expect(iso(windowOpeningOnOrAfter('2026-05-30', 'Europe/Moscow', w))).toBe('2026-06-01T06:00:00.000Z');
    expect(iso(windowOpeningOnOrBefore('2026-05-30', 'Europe/Moscow', w))).toBe('2026-05-29T06:00:00.000Z');
    expect(iso(windowOpeningOnOrBefore('2026-05-27', 'Europe/Moscow', w))).toBe('2026-05-27T06:00:00.000Z');
  });

  it('honours a cohort window that includes Saturday mornings', () => {
    const saturdays: SendingWindow = { from: '10:00', to: '14:00', weekdays: [6] };
    expect(iso(nextWindowStart(new Date('2026-05-12T09:00:00Z'), 'Europe/Moscow', saturdays))).toBe(
      '2026-05-16T07:00:00.000Z',
    );
    expect(isInWindow(new Date('2026-05-16T10:59:00Z'), 'Europe/Moscow', saturdays)).toBe(true);
    expect(isInWindow(new Date('2026-05-16T11:00:00Z'), 'Europe/Moscow', saturdays)).toBe(false);
  });

  it('explains what is wrong with a window', () => {
    expect(sendingWindowProblems(w)).toEqual([]);
    expect(sendingWindowProblems({ from: '9:00', to: '08:00', weekdays: [] })).toEqual([
      'начало окна «9:00»: ожидается время ЧЧ:ММ',
      'в окне нет ни одного дня недели',
    ]);
    expect(sendingWindowProblems({ from: '20:00', to: '09:00', weekdays: [0, 8] })).toEqual([
      'окно 20:00–09:00: начало должно быть раньше конца',
      'дни недели — числа от 1 (понедельник) до 7 (воскресенье)',
    ]);
  });
});
