// Programmes and cohorts stored before support models (no plan, or a plan without `model`) get the
// default model at start-up, once, logged; a cohort that runs a plan of its own keeps it.
import { Writable } from 'node:stream';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STAGE_PLAN } from '../../src/domain/stage-plan.js';
import { createLogger } from '../../src/logger.js';
import type { Store } from '../../src/store/index.js';
import { adoptDefaultSupportModel } from '../../src/support-models/adopt.js';
import { planFromModel } from '../../src/support-models/plan.js';
import { enrollInCohort } from '../../src/progress/service.js';
import { content } from '../support/engine-harness.js';
import { aParticipant } from '../support/fixtures.js';
import { openTestStore } from '../support/store.js';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store?.close();
});

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'info' }, sink), lines };
}

describe('start-up: programmes and cohorts from before support models', () => {
  it('get the default model once, logged, and a plan of their own is left alone', async () => {
    const now = new Date('2025-01-10T00:00:00Z');
    const stamp = { createdAt: now, updatedAt: now };
    // The old shapes, written with the driver as an old version left them.
    const oldProgramme = new Types.ObjectId();
    const oldPlanProgramme = new Types.ObjectId();
    const customProgramme = new Types.ObjectId();
    await store.models.programme.collection.insertMany([
      { _id: oldProgramme, code: 'OLD-1', title: 'Без плана', direction: 'Общее образование', ...stamp },
      // A plan written before models: the built-in default, without `model`.
      {
        _id: oldPlanProgramme,
        code: 'OLD-2',
        title: 'План без модели',
        direction: 'Общее образование',
        stagePlan: structuredClone(DEFAULT_STAGE_PLAN),
        ...stamp,
      },
      {
        _id: customProgramme,
        code: 'OLD-3',
        title: 'Свой план',
        direction: 'Общее образование',
        stagePlan: { ...structuredClone(DEFAULT_STAGE_PLAN), requiredActivities: 5 },
        ...stamp,
      },
    ]);
    const cohort = (code: string, programmeId: Types.ObjectId, extra: Record<string, unknown> = {}) => ({
      _id: new Types.ObjectId(),
      code,
      programmeId,
      title: code,
      courseStart: now,
      courseEnd: now,
      timeZone: 'Asia/Almaty',
      locale: 'ru',
      curatorIds: [],
      tutorIds: [],
      status: 'active',
      groups: [],
      ...stamp,
      ...extra,
    });
    const tutaev = planFromModel(content().models.get('tutaev-route')!);
    const inherits = cohort('C-INHERITS', oldProgramme);
    const ownOld = cohort('C-OWN-OLD', customProgramme, { stagePlan: structuredClone(DEFAULT_STAGE_PLAN) });
    const ownModel = cohort('C-TUTAEV', oldProgramme, { stagePlan: tutaev });
    const ownCustom = cohort('C-OWN-CUSTOM', oldProgramme, {
      stagePlan: { ...structuredClone(DEFAULT_STAGE_PLAN), stages: DEFAULT_STAGE_PLAN.stages.slice(0, 2) },
    });
    await store.models.cohort.collection.insertMany([inherits, ownOld, ownModel, ownCustom]);
    const cohortBefore = async (c: { _id: Types.ObjectId }) => store.models.cohort.collection.findOne({ _id: c._id });
    const untouchedTutaev = await cohortBefore(ownModel);
    const untouchedCustom = await cohortBefore(ownCustom);

    const first = capturingLogger();
    await adoptDefaultSupportModel(store, content(), first.logger);
    const programmes = store.repositories.programmes;
    const cohorts = store.repositories.cohorts;
    // Two programmes (no plan; the built-in default without a model) and one cohort (its own built-in default).
    expect((await programmes.findByCode('OLD-1'))?.stagePlan?.model).toBe('kz-three-stage');
    expect((await programmes.findByCode('OLD-2'))?.stagePlan?.model).toBe('kz-three-stage');
    expect((await programmes.findByCode('OLD-3'))?.stagePlan).toMatchObject({ requiredActivities: 5 });
    expect((await programmes.findByCode('OLD-3'))?.stagePlan?.model).toBeUndefined();
    expect((await cohorts.findByCode('C-OWN-OLD'))?.stagePlan?.model).toBe('kz-three-stage');
    // A cohort without a plan of its own follows its programme, now on the default model.
    expect((await cohorts.findByCode('C-INHERITS'))?.stagePlan).toBeUndefined();
    // A cohort on another model and one with a plan of its own are exactly as they were.
    expect(await cohortBefore(ownModel)).toEqual(untouchedTutaev);
    expect(await cohortBefore(ownCustom)).toEqual(untouchedCustom);
    expect(first.lines.find((l) => String(l.msg).includes('now run the default model'))).toMatchObject({
      programmes: 2,
      cohorts: 1,
      model: 'kz-three-stage',
    });
    expect(first.lines.find((l) => String(l.msg).includes('kept as they are'))).toMatchObject({ plans: 2 });

    // Idempotent: the next start changes nothing and says nothing about adopting.
    const programmeAfter = await store.models.programme.collection.findOne({ _id: oldProgramme });
    const second = capturingLogger();
    await adoptDefaultSupportModel(store, content(), second.logger);
    expect(await store.models.programme.collection.findOne({ _id: oldProgramme })).toEqual(programmeAfter);
    expect(second.lines.some((l) => String(l.msg).includes('now run the default model'))).toBe(false);
  });

  it('gives a Kaltan cohort stored before "a tutor for every teacher" the flag, so a teacher who joins it gets a tutor', async () => {
    const now = new Date('2025-02-01T00:00:00Z');
    const kaltan = planFromModel(content().models.get('kaltan-tutor')!);
    expect(kaltan.tutorRequired).toBe(true);
    const { tutorRequired: _dropped, ...oldKaltan } = kaltan;
    const programmeId = new Types.ObjectId();
    await store.models.programme.collection.insertOne({
      _id: programmeId,
      code: 'OLD-K',
      title: 'Калтан',
      direction: 'Общее образование',
      stagePlan: structuredClone(DEFAULT_STAGE_PLAN),
      createdAt: now,
      updatedAt: now,
    });
    const tutor = await aParticipant(store.repositories, { fullName: 'Тьютор Тамара' });
    const cohortId = new Types.ObjectId();
    await store.models.cohort.collection.insertOne({
      _id: cohortId,
      code: 'C-KALTAN-OLD',
      programmeId,
      title: 'Калтан, старый поток',
      courseStart: now,
      courseEnd: now,
      timeZone: 'Asia/Novokuznetsk',
      locale: 'ru',
      curatorIds: [],
      tutorIds: [new Types.ObjectId(tutor.id)],
      status: 'active',
      groups: [],
      stagePlan: oldKaltan,
      createdAt: now,
      updatedAt: now,
    });

    const log = capturingLogger();
    await adoptDefaultSupportModel(store, content(), log.logger);
    expect((await store.repositories.cohorts.findByCode('C-KALTAN-OLD'))?.stagePlan?.tutorRequired).toBe(true);
    expect(log.lines.find((l) => String(l.msg).includes('tutor for every teacher'))).toMatchObject({ plans: 1 });
    const teacher = await aParticipant(store.repositories, { fullName: 'Учитель Ульяна' });
    const joined = await enrollInCohort(store.repositories, {
      participantId: teacher.id,
      cohortId: cohortId.toHexString(),
      at: now,
    });
    expect(joined.tutor).toBe('assigned');
    expect(joined.enrollment.tutorId).toBe(tutor.id);

    // Idempotent: the next start finds nothing to flag.
    const again = capturingLogger();
    await adoptDefaultSupportModel(store, content(), again.logger);
    expect(again.lines.some((l) => String(l.msg).includes('tutor for every teacher'))).toBe(false);
  });
});
