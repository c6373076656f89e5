// Each shipped model's year on a fixed clock: its stages begin on the days its file says (inside
// the sending window), each with its own prompt, and nothing beyond its last stage.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOfLocalDay } from '../../src/domain/sending-window.js';
import { planFromModel } from '../../src/support-models/plan.js';
import type { Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { Clock, content } from '../support/engine-harness.js';
import { openTestStore } from '../support/store.js';
import { Rig } from '../scheduler/rig.js';

const MOSCOW = 'Europe/Moscow';
let store: Store;
let rig: Rig;
let cohort: CohortFixture;

beforeEach(async () => {
  store = await openTestStore();
  cohort = await seedCohort(store, { courseEnd: startOfLocalDay('2026-03-20', MOSCOW).toISOString() });
  rig = new Rig(store, new Clock(new Date('2026-03-20T12:00:00Z')));
});
afterEach(async () => {
  await store.close();
});

// Course end Friday 20 March 2026. +1d = Sat 21 March -> Mon 23 March; +1m = Mon 20 April;
// +6m = Sun 20 September -> Mon 21 September; +10m = Wed 20 January 2027; +11m = Sat 20 February -> Mon 22 February.
describe.each([
  ['kz-three-stage', ['2026-03-23', '2026-04-20', '2027-01-20'], 'начинается этап 3 — представление результатов'],
  [
    'school-two-stage',
    ['2026-03-23', '2026-09-21'],
    'начинается этап 2 посткурсового сопровождения — профессиональное развитие',
  ],
  [
    'tutaev-route',
    ['2026-03-23', '2026-04-20', '2027-02-22'],
    'начинается этап 3 посткурсового сопровождения — анализ результатов профессионального развития',
  ],
  [
    'kaltan-tutor',
    ['2026-03-23', '2026-04-20', '2027-01-20'],
    'начинается этап 3 посткурсового сопровождения — анализ и коррекция траектории',
  ],
])('the %s model', (modelId, days, lastPrompt) => {
  it('begins its stages on the days of its file, with their prompts, and no other', async () => {
    const c = (await store.repositories.cohorts.findById(cohort.cohortId))!;
    await store.repositories.cohorts.upsertByCode({
      code: c.code,
      programmeId: c.programmeId,
      title: c.title,
      courseStart: c.courseStart,
      courseEnd: c.courseEnd,
      timeZone: c.timeZone,
      locale: c.locale,
      curatorIds: c.curatorIds,
      tutorIds: c.tutorIds,
      stagePlan: planFromModel(content().models.get(modelId)!),
    });
    const runner = rig.postCourse();
    const anna = await rig.teacher(cohort.cohortId, 'Алексеева Анна Сергеевна');
    await rig.runUntil(runner, [cohort.cohortId], new Date('2027-04-30T00:00:00Z'));
    const stages = rig.inbox(anna, MOSCOW).filter((m) => /начинается этап \d/.test(m));
    expect(stages.map((m) => m.slice(0, 10))).toEqual(days);
    expect(stages.at(-1)).toContain(lastPrompt);
  });
});
