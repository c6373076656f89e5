import { describe, expect, it } from 'vitest';
import { toE164 } from '../../src/domain/phone.js';
import { hasAtLeast, roleInCohort } from '../../src/domain/roles.js';

describe('phone numbers', () => {
  it.each([
    ['8 (701) 123-45-67', 'KZ', '+77011234567'],
    ['+7 701 1234567', 'RU', '+77011234567'],
    ['8 903 111-22-33', 'RU', '+79031112233'],
    ['+7 (4852) 72-00-00', 'RU', '+74852720000'],
  ] as const)('normalises %s to E.164', (raw, country, expected) => {
    expect(toE164(raw, country)).toBe(expected);
  });

  it.each(['12', 'телефон', '', '+1'])('refuses %j', (raw) => {
    expect(toE164(raw)).toBeUndefined();
  });
});

describe('roles', () => {
  const cohort = { curatorIds: ['c1'], tutorIds: ['t1'] };
  it('gives each person the strongest role they hold for a cohort', () => {
    expect(roleInCohort({ id: 'c1', isStaff: false }, cohort)).toBe('curator');
    expect(roleInCohort({ id: 't1', isStaff: false }, cohort)).toBe('tutor');
    expect(roleInCohort({ id: 'x', isStaff: false }, cohort)).toBe('teacher');
    expect(roleInCohort({ id: 'x', isStaff: true }, cohort)).toBe('staff');
  });
  it('orders roles staff > curator > tutor > teacher', () => {
    expect(hasAtLeast('curator', 'tutor')).toBe(true);
    expect(hasAtLeast('tutor', 'curator')).toBe(false);
    expect(hasAtLeast('teacher', 'teacher')).toBe(true);
  });
});
