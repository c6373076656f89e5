import type { Store } from '../../src/store/index.js';
import { seedCohort } from '../support/cohort-fixture.js';

/** A cohort with `n` active teachers on Telegram; their chat ids are returned for the count by hand. */
export async function cohortFixtureTeachers(
  store: Store,
  n: number,
): Promise<{ cohortId: string; curatorId: string; teachers: number[] }> {
  const { cohortId, curatorId } = await seedCohort(store, { code: `SPLIT-${n}` });
  const teachers: number[] = [];
  for (let i = 0; i < n; i++) {
    const telegramId = 930_000 + i;
    const created = await store.repositories.participants.create({
      fullName: `Учитель ${i}`,
      locale: 'ru',
      addresses: [{ channel: 'telegram', id: String(telegramId) }],
    });
    if (!created.ok) throw new Error('fixture teacher');
    await store.repositories.enrollments.enroll({
      participantId: created.value.id,
      cohortId,
      at: new Date(),
      stages: [1, 2, 3],
    });
    teachers.push(telegramId);
  }
  return { cohortId, curatorId, teachers };
}
