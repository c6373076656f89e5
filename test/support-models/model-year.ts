// What the per-model year tests share: a cohort running one shipped support model on a fixed clock,
// and a questionnaire completed the way the engine completes one (answers saved, then the teacher's
// stages re-evaluated).
import { startOfLocalDay } from '../../src/domain/sending-window.js';
import { reevaluateStages } from '../../src/progress/service.js';
import type { Store } from '../../src/store/index.js';
import { planFromModel } from '../../src/support-models/plan.js';
import { Rig } from '../scheduler/rig.js';
import { type CohortFixture, seedCohort } from '../support/cohort-fixture.js';
import { Clock, content } from '../support/engine-harness.js';

export const MOSCOW = 'Europe/Moscow';

/** The course ends on Friday 20 March 2026 (Moscow); the cohort runs `modelId`'s plan. */
export async function modelCohort(store: Store, modelId: string): Promise<{ cohort: CohortFixture; rig: Rig }> {
  const cohort = await seedCohort(store, { courseEnd: startOfLocalDay('2026-03-20', MOSCOW).toISOString() });
  const c = (await store.repositories.cohorts.findById(cohort.cohortId))!;
  await store.repositories.cohorts.upsertByCode({
    ...c,
    programmeId: c.programmeId,
    stagePlan: planFromModel(content().models.get(modelId)!),
  });
  return { cohort, rig: new Rig(store, new Clock(new Date('2026-03-20T12:00:00Z'))) };
}

export async function completeQuestionnaire(
  store: Store,
  cohortId: string,
  completion: {
    participantId: string;
    questionnaireId: string;
    occasion: string;
    version: number;
    answers?: Record<string, number | string | string[]>;
    at: Date;
  },
): Promise<void> {
  const { participantId, questionnaireId, occasion, version, at } = completion;
  const responses = store.repositories.responses;
  const { response } = await responses.startOrResume({
    participantId,
    cohortId,
    questionnaireId,
    occasion,
    questionnaireVersion: version,
    at,
  });
  for (const [questionId, value] of Object.entries(completion.answers ?? {}))
    await responses.saveAnswer(response.id, { questionId, value, skipped: false, answeredAt: at });
  await responses.complete(response.id, at);
  await reevaluateStages(store.repositories, {
    participantId,
    cohortId,
    at,
    actor: participantId,
    kind: 'questionnaire.completed',
  });
}
