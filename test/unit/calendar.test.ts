import { describe, expect, it } from 'vitest';
import { addOffset, formatLocalDate, isValidLocalDate, localDate } from '../../src/domain/calendar.js';
import { DEFAULT_STAGE_PLAN, openQuestionnaires, postCourseYear, stageOn } from '../../src/domain/stage-plan.js';

describe('calendar', () => {
  it('adds calendar months, clamping to the month end', () => {
    expect(addOffset('2026-01-31', '+1m')).toBe('2026-02-28');
    expect(addOffset('2028-01-31', '+1m')).toBe('2028-02-29');
    expect(addOffset('2026-03-31', '+6m')).toBe('2026-09-30');
    expect(addOffset('2026-11-15', '+3m')).toBe('2027-02-15');
    expect(addOffset('2026-12-31', '+12m')).toBe('2027-12-31');
  });

  it('adds days and weeks across month and year ends', () => {
    expect(addOffset('2026-12-28', '+7d')).toBe('2027-01-04');
    expect(addOffset('2026-02-20', '+2w')).toBe('2026-03-06');
  });

  it('reads the local date in the cohort time zone', () => {
    const at = new Date('2026-03-20T20:30:00Z');
    expect(localDate(at, 'Europe/Moscow')).toBe('2026-03-20');
    expect(localDate(at, 'Asia/Almaty')).toBe('2026-03-21');
    expect(localDate(at, 'Asia/Novokuznetsk')).toBe('2026-03-21');
  });

  it('validates and formats dates as teachers write them', () => {
    expect(isValidLocalDate('2026-02-29')).toBe(false);
    expect(isValidLocalDate('2028-02-29')).toBe(true);
    expect(formatLocalDate('2026-03-05')).toBe('05.03.2026');
  });
});

describe('stage plan', () => {
  const cohort = { courseEnd: new Date('2026-03-20T00:00:00+03:00'), timeZone: 'Europe/Moscow' };

  it('spans one calendar year after the course', () => {
    expect(postCourseYear(cohort)).toEqual({ start: '2026-03-21', end: '2027-03-20' });
  });

  it('moves through the three stages on their offsets', () => {
    expect(stageOn(DEFAULT_STAGE_PLAN, cohort, '2026-03-25')).toBe(1);
    expect(stageOn(DEFAULT_STAGE_PLAN, cohort, '2026-04-20')).toBe(2);
    expect(stageOn(DEFAULT_STAGE_PLAN, cohort, '2027-01-20')).toBe(3);
  });

  it('lists what is open today: catch-up for late joiners, never what closed long ago', () => {
    expect(openQuestionnaires(DEFAULT_STAGE_PLAN, cohort, '2026-03-25').map((q) => q.occasion)).toEqual([
      'exit',
      'entry',
    ]);
    expect(openQuestionnaires(DEFAULT_STAGE_PLAN, cohort, '2026-04-10').map((q) => q.occasion)).toEqual([
      'exit',
      'entry',
      'stage-1',
    ]);
    expect(openQuestionnaires(DEFAULT_STAGE_PLAN, cohort, '2026-04-25').map((q) => q.occasion)).toEqual(['stage-1']);
    expect(openQuestionnaires(DEFAULT_STAGE_PLAN, cohort, '2026-09-25').map((q) => q.occasion)).toEqual(['impact-6m']);
    expect(openQuestionnaires(DEFAULT_STAGE_PLAN, cohort, '2026-07-01')).toEqual([]);
  });
});
