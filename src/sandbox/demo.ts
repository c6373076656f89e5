// The sandbox's demo programme and cohort, with a demo curator: created once, marked `demo`, kept
// apart from real data (monitoring leaves them out unless asked for by name, real channels cannot
// join them) and deleted with everything their people did by `npm run cli -- sandbox delete`.
import type { Types } from 'mongoose';
import type { Locale } from '../domain/locale.js';
import { DEFAULT_STAGE_PLAN } from '../domain/stage-plan.js';
import type { StagePlan } from '../domain/stage.js';
import type { Repositories } from '../domain/repositories.js';
import type { Models } from '../store/models/index.js';

export const DEMO_PROGRAMME_CODE = 'SANDBOX-DEMO';
export const DEMO_COHORT_CODE = 'DEMO';

/**
 * The default stages, and one short-ish questionnaire open from the day after the (already ended)
 * course for ten years: whenever someone tries the sandbox, there is a questionnaire to answer.
 */
export const DEMO_STAGE_PLAN: StagePlan = {
  stages: DEFAULT_STAGE_PLAN.stages,
  questionnaires: [{ questionnaireId: 'difficulties', offset: '+1d', occasion: 'demo', closesAfter: '+120m' }],
};

export interface DemoCohort {
  cohortId: string;
  code: string;
  curatorId: string;
}

const DAY = 86_400_000;

/** Creates the demo programme, curator and cohort if they are missing; never touches them otherwise. */
export async function seedDemo(
  repos: Repositories,
  options: { now: Date; locale: Locale; timeZone: string },
): Promise<DemoCohort> {
  const existing = await repos.cohorts.findByCode(DEMO_COHORT_CODE);
  if (existing?.demo && existing.curatorIds[0])
    return { cohortId: existing.id, code: existing.code, curatorId: existing.curatorIds[0] };
  // A real cohort that happens to use the code is never made a demo one.
  if (existing)
    throw new Error(
      `the cohort code ${DEMO_COHORT_CODE} is taken by a real cohort; the sandbox cannot seed its demo cohort`,
    );
  const { programme } = await repos.programmes.upsertByCode({
    code: DEMO_PROGRAMME_CODE,
    title: 'Демонстрационная программа (песочница)',
    direction: 'Демо',
    hours: 72,
    demo: true,
  });
  const curator = await repos.participants.create({ fullName: 'Демо-куратор', locale: options.locale });
  if (!curator.ok) throw new Error('the demo curator could not be created');
  const { cohort } = await repos.cohorts.upsertByCode({
    code: DEMO_COHORT_CODE,
    programmeId: programme.id,
    title: 'Демо-поток: песочница',
    courseStart: new Date(options.now.getTime() - 15 * DAY),
    courseEnd: new Date(options.now.getTime() - DAY),
    timeZone: options.timeZone,
    locale: options.locale,
    curatorIds: [curator.value.id],
    tutorIds: [],
    stagePlan: DEMO_STAGE_PLAN,
    demo: true,
  });
  return { cohortId: cohort.id, code: cohort.code, curatorId: curator.value.id };
}

export interface DemoDeletion {
  cohorts: number;
  participants: number;
  responses: number;
  activities: number;
}

/**
 * Deletes the demo cohorts and programmes, and everything of the people who only ever were in
 * them (teachers from the web chat, the demo curator). Real cohorts and their people are untouched.
 */
export async function deleteDemo(models: Models): Promise<DemoDeletion> {
  // The driver's collections, not mongoose queries: these are plain filters on ids, cast by nobody.
  const cohortsOf = models.cohort.collection;
  const enrollments = models.enrollment.collection;
  const cohorts = await cohortsOf
    .find({ demo: true }, { projection: { _id: 1, curatorIds: 1, tutorIds: 1 } })
    .toArray();
  const cohortIds = cohorts.map((c) => c._id);
  const staffOf = (c: Record<string, unknown>) => [
    ...((c.curatorIds as Types.ObjectId[] | undefined) ?? []),
    ...((c.tutorIds as Types.ObjectId[] | undefined) ?? []),
  ];
  const inDemo = [
    ...((await enrollments.distinct('participantId', { cohortId: { $in: cohortIds } })) as Types.ObjectId[]),
    ...cohorts.flatMap(staffOf),
  ];
  // Someone also enrolled in, or curating, a real cohort keeps their record.
  const inReal = new Set(
    [
      ...((await enrollments.distinct('participantId', { cohortId: { $nin: cohortIds } })) as Types.ObjectId[]),
      ...(
        await cohortsOf.find({ demo: { $ne: true } }, { projection: { curatorIds: 1, tutorIds: 1 } }).toArray()
      ).flatMap(staffOf),
    ].map(String),
  );
  const people = [...new Map(inDemo.map((id) => [String(id), id])).values()].filter((id) => !inReal.has(String(id)));
  const byCohort = { cohortId: { $in: cohortIds } };
  const responses = await models.response.collection.deleteMany(byCohort);
  const activities = await models.activity.collection.deleteMany(byCohort);
  await models.consultation.collection.deleteMany(byCohort);
  await models.scheduledSend.collection.deleteMany(byCohort);
  await enrollments.deleteMany(byCohort);
  const participants = await models.participant.collection.deleteMany({ _id: { $in: people } });
  await models.session.collection.deleteMany({ participantId: { $in: people.map(String) } });
  await cohortsOf.deleteMany({ _id: { $in: cohortIds } });
  await models.programme.collection.deleteMany({ demo: true });
  return {
    cohorts: cohortIds.length,
    participants: participants.deletedCount,
    responses: responses.deletedCount,
    activities: activities.deletedCount,
  };
}
