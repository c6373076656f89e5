// The group support events repository: announced events of a cohort, each teacher invited once,
// one answer per teacher (the last one counts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attendees } from '../../../src/domain/support-event.js';
import type { Store } from '../../../src/store/index.js';
import { aCohort, aParticipant } from '../../support/fixtures.js';
import { openTestStore } from '../../support/store.js';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store?.close();
});

describe('support events', () => {
  it('are created for a cohort, listed by date, invite each teacher once and keep one answer per teacher', async () => {
    const repos = store.repositories;
    const cohort = await aCohort(repos);
    const curator = await aParticipant(repos);
    const [anna, boris] = [await aParticipant(repos), await aParticipant(repos)];
    const createdAt = new Date('2026-05-04T09:00:00Z');
    const later = await repos.supportEvents.create({
      cohortId: cohort.id,
      kind: 'training',
      date: '2026-06-02',
      time: '10:00',
      createdBy: curator.id,
      createdAt,
    });
    const seminar = await repos.supportEvents.create({
      cohortId: cohort.id,
      kind: 'seminar',
      date: '2026-05-14',
      time: '15:00',
      link: 'https://meet.example.org/abc',
      createdBy: curator.id,
      createdAt,
    });
    expect(seminar).toMatchObject({
      cohortId: cohort.id,
      kind: 'seminar',
      date: '2026-05-14',
      time: '15:00',
      link: 'https://meet.example.org/abc',
      invited: [],
      attendance: [],
    });
    expect(later.link).toBeUndefined();
    expect((await repos.supportEvents.listByCohort(cohort.id)).map((e) => e.kind)).toEqual(['seminar', 'training']);

    expect(await repos.supportEvents.markInvited(seminar.id, anna.id)).toBe(true);
    expect(await repos.supportEvents.markInvited(seminar.id, anna.id)).toBe(false);
    expect((await repos.supportEvents.listNotInvited(cohort.id, anna.id)).map((e) => e.id)).toEqual([later.id]);
    expect((await repos.supportEvents.listNotInvited(cohort.id, boris.id)).map((e) => e.id)).toEqual([
      seminar.id,
      later.id,
    ]);

    await repos.supportEvents.answer(seminar.id, anna.id, 'no', new Date('2026-05-05T09:00:00Z'));
    await repos.supportEvents.answer(seminar.id, boris.id, 'yes', new Date('2026-05-05T10:00:00Z'));
    const changed = await repos.supportEvents.answer(seminar.id, anna.id, 'yes', new Date('2026-05-06T09:00:00Z'));
    expect(changed?.attendance.map((a) => [a.participantId, a.answer])).toEqual([
      [boris.id, 'yes'],
      [anna.id, 'yes'],
    ]);
    expect(attendees(changed!).sort()).toEqual([anna.id, boris.id].sort());
    expect((await repos.supportEvents.findById(seminar.id))?.invited).toEqual([anna.id]);
    expect(await repos.supportEvents.findById('nope')).toBeUndefined();
  });
});
