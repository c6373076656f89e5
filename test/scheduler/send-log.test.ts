// The send log on the store: one record per key, whoever races for it; and the cohort fields the
// scheduler reads (sending window, plan reminders, final survey) survive a round trip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendKey } from '../../src/domain/scheduled-send.js';
import type { Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { openTestStore } from '../support/store.js';

let store: Store;
let cohort: CohortFixture;
beforeAll(async () => {
  store = await openTestStore();
  cohort = await seedCohort(store);
});
afterAll(async () => {
  await store?.close();
});

describe('scheduled sends', () => {
  it('lets exactly one of several takers have a key, and one retaker have a failed one', async () => {
    const sends = store.repositories.scheduledSends;
    const k = { cohortId: cohort.cohortId, kind: 'stage' as const, occasion: 'stage-1', recipientId: cohort.tutorId };
    const key = sendKey(k);
    const at = new Date('2026-03-23T06:00:00Z');
    const takes = await Promise.all([1, 2, 3, 4].map(() => sends.take({ ...k, key, dueAt: at, at })));
    expect(takes.sort()).toEqual(['mine', 'taken', 'taken', 'taken']);
    expect(await sends.countUnconfirmed(new Date('2026-03-23T07:00:00Z'))).toBe(1);

    await sends.finish(key, { status: 'failed', at, detail: 'failed: Too Many Requests' });
    expect(await sends.countUnconfirmed(new Date('2026-03-23T07:00:00Z'))).toBe(0);
    const retakes = await Promise.all([1, 2, 3].map(() => sends.retake(key, 1, new Date('2026-03-23T06:15:00Z'))));
    expect(retakes.filter(Boolean)).toHaveLength(1);
    await sends.finish(key, { status: 'sent', at: new Date('2026-03-23T06:15:01Z') });

    expect(await sends.listByCohort(cohort.cohortId)).toEqual([
      {
        key,
        ...k,
        status: 'sent',
        dueAt: at,
        attemptedAt: new Date('2026-03-23T06:15:00Z'),
        sentAt: new Date('2026-03-23T06:15:01Z'),
        attempts: 2,
        detail: 'failed: Too Many Requests',
      },
    ]);
    expect(await sends.retake(key, 2, new Date())).toBe(false);
  });

  it("keeps a cohort's sending window and the plan's reminder settings", async () => {
    const current = (await store.repositories.cohorts.findById(cohort.cohortId))!;
    const stagePlan = {
      stages: [{ stage: 1 as const, startOffset: '+7d' }],
      questionnaires: [{ questionnaireId: 'exit', offset: '+1d', occasion: 'exit' }],
      reminders: { afterDays: 5, maxCount: 1 },
      finalSurvey: { questionnaireId: 'exit', occasion: 'exit' },
    };
    const { cohort: saved } = await store.repositories.cohorts.upsertByCode({
      ...current,
      stagePlan,
      sendingWindow: { from: '08:30', to: '18:00', weekdays: [1, 2, 3, 4, 5, 6] },
    });
    expect(saved.sendingWindow).toEqual({ from: '08:30', to: '18:00', weekdays: [1, 2, 3, 4, 5, 6] });
    expect(saved.stagePlan).toEqual(stagePlan);
    // An update that does not mention them keeps both, like an import does.
    const { cohort: again } = await store.repositories.cohorts.upsertByCode({
      ...current,
      stagePlan: undefined,
      sendingWindow: undefined,
      title: 'Новое название',
    });
    expect(again.sendingWindow).toEqual(saved.sendingWindow);
    expect(again.stagePlan).toEqual(stagePlan);
  });
});
