// A teacher who has already joined a cohort, without replaying onboarding in every test.
import type { Participant } from '../../src/domain/participant.js';
import type { Actor, Harness } from './engine-harness.js';

export async function enrolledTeacher(
  h: Harness,
  name: string,
  cohortId: string,
  profile: { fullName: string; locale?: 'ru' | 'kk' | 'en'; username?: string },
): Promise<{ actor: Actor; participant: Participant }> {
  const actor = h.actor(name, profile.username ? { username: profile.username } : {});
  const repos = h.store.repositories;
  const created = await repos.participants.create({
    fullName: profile.fullName,
    addresses: [{ channel: 'telegram', id: String(Number(actor.id)) }],
    locale: profile.locale ?? 'ru',
    region: 'Ярославская область',
    settlementType: 'urban',
  });
  if (!created.ok) throw new Error('teacher fixture');
  await repos.participants.recordConsent(created.value.id, 'test-1', h.clock.now());
  await repos.enrollments.enroll({ participantId: created.value.id, cohortId, at: h.clock.now() });
  return { actor, participant: created.value };
}
