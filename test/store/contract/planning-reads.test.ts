// The reads planning makes of a cohort (send outcomes, join dates, completed occasions, accepted
// activities, recipients) give what the whole documents say, read from the embedded store in this
// process and through the driver alike, for the cohort or for one teacher.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repositories } from '../../../src/domain/repositories.js';
import { sendKey } from '../../../src/domain/scheduled-send.js';
import type { Store } from '../../../src/store/index.js';
import { createRepositories } from '../../../src/store/repositories/index.js';
import { aCohort, aParticipant } from '../../support/fixtures.js';
import { openTestStore } from '../../support/store.js';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store?.close();
});

const at = (day: number) => new Date(Date.UTC(2026, 3, day, 6));

async function aCohortWithHistory(repos: Repositories) {
  const cohort = await aCohort(repos);
  const other = await aCohort(repos);
  const anna = await aParticipant(repos);
  const boris = await aParticipant(repos, { locale: 'kk' });
  const vera = await aParticipant(repos, { fullName: undefined });
  const curator = await aParticipant(repos);
  await repos.participants.recordConsent(anna.id, '1', at(1));
  await repos.participants.withdrawConsent(anna.id, at(5));
  await repos.participants.recordConsent(boris.id, '1', at(2));
  for (const [p, day] of [
    [anna, 1],
    [boris, 3],
    [vera, 4],
  ] as const)
    await repos.enrollments.enroll({ participantId: p.id, cohortId: cohort.id, at: at(day), stages: [1, 2, 3] });
  // Vera left the cohort; Boris is also in another one.
  const veras = await repos.enrollments.find(vera.id, cohort.id);
  await repos.enrollments.setStatus(veras!.id, 'withdrawn');
  await repos.enrollments.enroll({ participantId: boris.id, cohortId: other.id, at: at(9), stages: [1, 2, 3] });

  const answer = async (p: { id: string }, cohortId: string, occasion: string, complete: boolean) => {
    const { response } = await repos.responses.startOrResume({
      participantId: p.id,
      cohortId,
      questionnaireId: 'exit',
      occasion,
      questionnaireVersion: 1,
      at: at(6),
    });
    if (complete) await repos.responses.complete(response.id, at(7));
  };
  await answer(anna, cohort.id, 'course-end', true);
  await answer(anna, cohort.id, 'stage-2', false);
  await answer(boris, cohort.id, 'course-end', true);
  await answer(boris, other.id, 'course-end', true);

  const activity = async (p: { id: string }, decision?: 'accepted' | 'returned') => {
    const a = await repos.activities.submit({
      participantId: p.id,
      cohortId: cohort.id,
      type: 'open_lesson',
      level: 'school',
      date: at(8),
      title: 'Открытый урок',
      links: ['https://school.example/lesson'],
      submittedAt: at(8),
    });
    if (decision) await repos.activities.review(a.id, { reviewerId: curator.id, decision, at: at(9) });
  };
  await activity(anna, 'accepted');
  await activity(anna, 'accepted');
  await activity(boris, 'returned');
  await activity(boris);

  const send = (kind: 'stage' | 'invite', occasion: string, recipientId: string, cohortId = cohort.id) => {
    const k = { cohortId, kind, occasion, recipientId };
    return { ...k, key: sendKey(k), dueAt: at(10), at: at(10) };
  };
  await repos.scheduledSends.take(send('stage', 'stage-1', anna.id));
  await repos.scheduledSends.finish(sendKey(send('stage', 'stage-1', anna.id)), { status: 'sent', at: at(10) });
  await repos.scheduledSends.take(send('invite', 'exit', anna.id));
  await repos.scheduledSends.finish(sendKey(send('invite', 'exit', anna.id)), {
    status: 'failed',
    at: at(10),
    detail: 'network',
  });
  await repos.scheduledSends.take(send('stage', 'stage-1', boris.id));
  await repos.scheduledSends.take(send('stage', 'stage-1', boris.id, other.id));
  return { cohort, anna, boris, vera, curator };
}

describe('planning reads', () => {
  it('give the same as the whole documents, in this process and through the driver, for a cohort or one teacher', async () => {
    const { cohort, anna, boris, vera, curator } = await aCohortWithHistory(store.repositories);
    const inProcess = store.repositories;
    const viaDriver = createRepositories(store.models);
    expect(store.inProcess).toBeDefined();

    for (const repos of [inProcess, viaDriver]) {
      const byKey = <T extends { key: string }>(xs: T[]) => [...xs].sort((a, b) => a.key.localeCompare(b.key));
      const log = byKey([...(await repos.scheduledSends.recordsByCohort(cohort.id)).records()]);
      const whole = byKey(await repos.scheduledSends.listByCohort(cohort.id));
      expect(log).toEqual(
        whole.map((s) => ({
          key: s.key,
          status: s.status,
          attemptedAt: s.attemptedAt,
          attempts: s.attempts,
          ...(s.sentAt ? { sentAt: s.sentAt } : {}),
        })),
      );
      // Three records in this cohort (Boris's stage prompt of the other cohort is not one of them).
      expect(log.map((r) => r.status).sort()).toEqual(['failed', 'sending', 'sent']);
      expect(
        [...(await repos.scheduledSends.recordsByCohort(cohort.id, anna.id)).records()].map((r) => r.status).sort(),
      ).toEqual(['failed', 'sent']);

      // Vera withdrew: only Anna and Boris are active, with the dates they joined.
      const members = await repos.enrollments.activeMembers(cohort.id);
      expect(members.sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime())).toEqual([
        { participantId: anna.id, joinedAt: at(1) },
        { participantId: boris.id, joinedAt: at(3) },
      ]);
      expect(await repos.enrollments.activeMembers(cohort.id, boris.id)).toEqual([
        { participantId: boris.id, joinedAt: at(3) },
      ]);
      expect(await repos.enrollments.activeMembers(cohort.id, vera.id)).toEqual([]);

      // Completed only, this cohort only.
      const done = (await repos.responses.completedOccasions(cohort.id)).map((r) => `${r.participantId}:${r.occasion}`);
      expect(done.sort()).toEqual([`${anna.id}:course-end`, `${boris.id}:course-end`].sort());
      expect(await repos.responses.completedOccasions(cohort.id, boris.id)).toEqual([
        { participantId: boris.id, questionnaireId: 'exit', occasion: 'course-end' },
      ]);

      // The reports' runs: every run of this cohort, as the whole documents say, without the answers.
      const runs = await repos.responses.listByCohort(cohort.id);
      expect(runs).toHaveLength(3);
      expect(await repos.responses.runsByCohort(cohort.id)).toEqual(
        runs.map((r) => ({
          participantId: r.participantId,
          questionnaireId: r.questionnaireId,
          occasion: r.occasion,
          status: r.status,
          startedAt: r.startedAt,
          ...(r.completedAt ? { completedAt: r.completedAt } : {}),
        })),
      );
      expect((await repos.responses.runsByCohort(cohort.id)).map((r) => r.status).sort()).toEqual([
        'completed',
        'completed',
        'in_progress',
      ]);

      // Two accepted for Anna; Boris's returned and submitted ones do not count.
      expect([...(await repos.activities.acceptedPerTeacher(cohort.id))]).toEqual([[anna.id, 2]]);

      const recipients = await repos.participants.recipientsByIds([anna.id, boris.id, vera.id, curator.id]);
      const full = await repos.participants.findByIds([anna.id, boris.id, vera.id, curator.id]);
      expect(recipients.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
        full
          .sort((a, b) => a.id.localeCompare(b.id))
          .map((p) => ({
            id: p.id,
            locale: p.locale,
            addresses: p.addresses,
            ...(p.fullName ? { fullName: p.fullName } : {}),
            ...(p.consent
              ? {
                  consent: {
                    given: p.consent.given,
                    at: p.consent.at,
                    policyVersion: p.consent.policyVersion,
                    ...(p.consent.withdrawnAt ? { withdrawnAt: p.consent.withdrawnAt } : {}),
                  },
                }
              : {}),
          })),
      );
      expect(recipients.find((r) => r.id === anna.id)?.consent?.withdrawnAt).toEqual(at(5));
      expect(recipients.find((r) => r.id === boris.id)?.locale).toBe('kk');
    }
  });
});
