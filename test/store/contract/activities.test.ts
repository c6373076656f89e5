import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

async function aSubmission() {
  const repos = store.repositories;
  const cohort = await aCohort(repos);
  const teacher = await aParticipant(repos);
  const curator = await aParticipant(repos);
  const activity = await repos.activities.submit({
    participantId: teacher.id,
    cohortId: cohort.id,
    type: 'open_lesson',
    level: 'school',
    date: new Date('2026-04-10'),
    title: 'Открытый урок «Дроби»',
    links: ['https://school3.edu.ru/lesson'],
    submittedAt: new Date('2026-04-11T08:00:00Z'),
  });
  return { cohort, teacher, curator, activity };
}

describe('activities', () => {
  it('goes submitted → returned → resubmitted → accepted, keeping the review history', async () => {
    const { activity, curator, teacher, cohort } = await aSubmission();
    const repos = store.repositories;
    expect(activity).toMatchObject({
      status: 'submitted',
      links: [{ url: 'https://school3.edu.ru/lesson' }],
      reviews: [],
    });

    const returned = await repos.activities.review(activity.id, {
      reviewerId: curator.id,
      decision: 'returned',
      comment: 'Ссылка ведёт на главную страницу',
      at: new Date(),
    });
    expect(returned.ok && returned.value.status).toBe('returned');
    const resubmitted = await repos.activities.resubmit(activity.id, {
      links: ['https://school3.edu.ru/lesson/42'],
      submittedAt: new Date(),
    });
    expect(resubmitted.ok && resubmitted.value).toMatchObject({
      status: 'submitted',
      links: [{ url: 'https://school3.edu.ru/lesson/42' }],
      title: 'Открытый урок «Дроби»',
    });
    const accepted = await repos.activities.review(activity.id, {
      reviewerId: curator.id,
      decision: 'accepted',
      at: new Date(),
    });
    expect(accepted.ok && accepted.value.reviews.map((r) => r.decision)).toEqual(['returned', 'accepted']);
    expect(await repos.activities.countAccepted(teacher.id, cohort.id)).toBe(1);
  });

  it('lets only one of two curators decide, and refuses to resubmit what is not returned', async () => {
    const { activity, curator } = await aSubmission();
    const repos = store.repositories;
    const [a, b] = await Promise.all([
      repos.activities.review(activity.id, { reviewerId: curator.id, decision: 'accepted', at: new Date() }),
      repos.activities.review(activity.id, { reviewerId: curator.id, decision: 'returned', at: new Date() }),
    ]);
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    const loser = a.ok ? b : a;
    expect(loser).toMatchObject({ ok: false, error: { kind: 'not_awaiting_review' } });
    const decided = (await repos.activities.findById(activity.id))!;
    const resubmit = await repos.activities.resubmit(activity.id, { submittedAt: new Date() });
    if (decided.status === 'accepted')
      expect(resubmit).toEqual({ ok: false, error: { kind: 'not_awaiting_review', status: 'accepted' } });
    else expect(resubmit.ok).toBe(true);
    expect(
      await repos.activities.review('f'.repeat(24), { reviewerId: curator.id, decision: 'accepted', at: new Date() }),
    ).toEqual({ ok: false, error: { kind: 'not_found' } });
  });

  it('requires at least one http(s) link', async () => {
    const { teacher, cohort } = await aSubmission();
    const base = {
      participantId: teacher.id,
      cohortId: cohort.id,
      type: 'webinar' as const,
      level: 'region' as const,
      date: new Date(),
      title: 'Вебинар',
      submittedAt: new Date(),
    };
    await expect(store.repositories.activities.submit({ ...base, links: [] })).rejects.toThrow(/at least one link/);
    await expect(store.repositories.activities.submit({ ...base, links: ['javascript:alert(1)'] })).rejects.toThrow();
  });

  it('lists by cohort and status and by participant', async () => {
    const { activity, cohort, teacher } = await aSubmission();
    expect((await store.repositories.activities.listByCohort(cohort.id, 'submitted')).map((a) => a.id)).toEqual([
      activity.id,
    ]);
    expect(await store.repositories.activities.listByCohort(cohort.id, 'accepted')).toEqual([]);
    expect((await store.repositories.activities.listByParticipant(teacher.id, cohort.id)).map((a) => a.id)).toEqual([
      activity.id,
    ]);
  });
});

describe('link checks on activities', () => {
  it('stores each check on its link, counts failures in a row, and lists what is due', async () => {
    const { activity, cohort } = await aSubmission();
    const repos = store.repositories;
    const url = 'https://school3.edu.ru/lesson';
    const jan = new Date('2027-01-10T06:00:00Z');
    expect((await repos.activities.listWithLinksDue(cohort.id, jan)).map((a) => a.id)).toEqual([activity.id]);

    const dead = { url, checkedAt: jan, reachable: false, status: 'dead' as const, httpStatus: 404 };
    expect(await repos.activities.recordLinkCheck(activity.id, dead)).toEqual({ ...dead, failures: 1 });
    expect(
      await repos.activities.recordLinkCheck(activity.id, { ...dead, checkedAt: new Date('2027-02-10T06:00:00Z') }),
    ).toMatchObject({ failures: 2 });
    const alive = await repos.activities.recordLinkCheck(activity.id, {
      url,
      checkedAt: new Date('2027-03-10T06:00:00Z'),
      reachable: true,
      status: 'alive',
      httpStatus: 200,
    });
    expect(alive).toMatchObject({ reachable: true, status: 'alive', failures: 0 });

    // Checked on 10 March: not due with a cutoff before that, due with one after.
    expect(await repos.activities.listWithLinksDue(cohort.id, new Date('2027-03-01T00:00:00Z'))).toEqual([]);
    expect(await repos.activities.listWithLinksDue(cohort.id, new Date('2027-04-11T00:00:00Z'))).toHaveLength(1);
    expect(
      await repos.activities.recordLinkCheck(activity.id, { ...dead, url: 'https://elsewhere.example/' }),
    ).toBeUndefined();

    // No answer at all (no network): the verdict stays, the attempt is counted, not due before the retry.
    const retry = new Date('2027-04-11T06:15:00Z');
    expect(await repos.activities.recordLinkAttempt(activity.id, url, retry)).toMatchObject({
      reachable: true,
      status: 'alive',
      failures: 0,
      attempts: 1,
      retryAt: retry,
    });
    expect(
      await repos.activities.listWithLinksDue(
        cohort.id,
        new Date('2027-04-11T00:00:00Z'),
        new Date('2027-04-11T06:10:00Z'),
      ),
    ).toEqual([]);
    expect(await repos.activities.listWithLinksDue(cohort.id, new Date('2027-04-11T00:00:00Z'), retry)).toHaveLength(1);
    expect(await repos.activities.recordLinkAttempt(activity.id, url, new Date('2027-04-11T06:45:00Z'))).toMatchObject({
      attempts: 2,
    });
    // A check that got an answer ends the wait.
    const answered = await repos.activities.recordLinkCheck(activity.id, {
      url,
      checkedAt: new Date('2027-04-11T07:00:00Z'),
      reachable: true,
      status: 'alive',
      httpStatus: 200,
    });
    expect(answered?.attempts).toBeUndefined();
    expect(answered?.retryAt).toBeUndefined();
    expect(await repos.activities.recordLinkAttempt(activity.id, 'https://elsewhere.example/', retry)).toBeUndefined();
  });
});
