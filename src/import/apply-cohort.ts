// Writes a checked cohort file through the repository ports: programme, people, cohort, then
// enrollments. Everything is planned (read-only) first, so a file that contradicts the store is
// refused whole; and only what differs is written, so a second run of the same file is a no-op.
import { assignMissingTutors, enrollInCohort, reevaluateStages } from '../progress/service.js';
import { effectivePlan } from '../domain/stage-plan.js';
import { sameRunning } from '../support-models/plan.js';
import type { Cohort } from '../domain/cohort.js';
import type { Enrollment } from '../domain/enrollment.js';
import type { Programme } from '../domain/programme.js';
import type { CohortInput, Repositories } from '../domain/repositories.js';
import { err, ok, type Result } from '../domain/result.js';
import { localDate } from '../domain/calendar.js';
import type { CohortFile } from './cohort-file.js';
import { startOfLocalDay } from '../domain/sending-window.js';
import { phrase } from '../i18n/index.js';
import { foldWord, type ImportProblem } from './fields.js';
import {
  listUpdates,
  planPeople,
  writePeople,
  type PersonAction,
  type PersonPlan,
  type PersonUpdate,
} from './resolve-people.js';

export type RecordAction = 'create' | 'update' | 'unchanged';

/** Cohort fields a re-import can change, named for the report. */
export type CohortField =
  | 'programme'
  | 'title'
  | 'courseStart'
  | 'courseEnd'
  | 'timeZone'
  | 'locale'
  | 'curators'
  | 'tutors'
  | 'stagePlan';

/** JSON with sorted keys: a plan read back from the store lists its fields in another order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

export interface PeopleCounts {
  total: number;
  created: number;
  updated: number;
  unchanged: number;
}

export interface EnrollmentCounts {
  enrolled: number;
  alreadyEnrolled: number;
  /** Teachers whose tutor was set or changed on an existing enrollment, or given on a new one. */
  tutorAssigned: number;
}

export interface CohortImportOutcome {
  dryRun: boolean;
  programme: { code: string; action: RecordAction };
  cohort: { code: string; codeDerived: boolean; title: string; action: RecordAction; changedFields: CohortField[] };
  curators: number;
  tutors: number;
  teachers: number;
  people: PeopleCounts;
  /** Existing participants whose profile the file changes. */
  updatedPeople: PersonUpdate[];
  enrollments: EnrollmentCounts;
  /** Codes of existing cohorts that keep the plan they run, as their own, because the programme's plan changed. */
  keptPlan: string[];
  /** False when the run changed nothing at all. */
  changed: boolean;
}

export function countPeople(plans: readonly PersonPlan[]): PeopleCounts {
  const count = (a: PersonAction) => plans.filter((p) => p.action === a).length;
  return { total: plans.length, created: count('create'), updated: count('update'), unchanged: count('unchanged') };
}

const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, i) => id === b[i]);

interface TeacherEnrollmentPlan {
  person: number;
  tutor?: number;
  existing?: Enrollment;
}

export interface ApplyOptions {
  now: Date;
  /** Plan and report, write nothing. */
  dryRun?: boolean;
}

export async function applyCohortFile(
  repos: Repositories,
  file: CohortFile,
  { now, dryRun = false }: ApplyOptions,
): Promise<Result<CohortImportOutcome, ImportProblem[]>> {
  const { cohort: wanted } = file;
  const courseStart = startOfLocalDay(wanted.courseStart, wanted.timeZone);
  const courseEnd = startOfLocalDay(wanted.courseEnd, wanted.timeZone);

  // Planning only reads, so a refused file leaves the store exactly as it was.
  const existingProgramme = await repos.programmes.findByCode(file.programme.code);
  // A programme runs the model its file names; one that names none keeps its plan, or gets the default model's.
  const programmePlan = file.programme.stagePlan ?? existingProgramme?.stagePlan ?? file.defaultStagePlan;
  const programmePlanChanged =
    programmePlan !== undefined && canonical(existingProgramme?.stagePlan ?? null) !== canonical(programmePlan);
  const programmeAction: RecordAction = !existingProgramme
    ? 'create'
    : existingProgramme.title !== file.programme.title ||
        existingProgramme.direction !== file.programme.direction ||
        existingProgramme.hours !== file.programme.hours ||
        programmePlanChanged
      ? 'update'
      : 'unchanged';

  const problems: ImportProblem[] = [];
  const existingCohort = await repos.cohorts.findByCode(wanted.code);
  if (existingCohort) problems.push(...codeCollision(file, existingCohort, existingProgramme));

  const peoplePlan = await planPeople(repos.participants, file.people);
  if (!peoplePlan.ok) problems.push(...peoplePlan.error);
  if (!peoplePlan.ok || problems.length > 0) return err(problems);
  const plans = peoplePlan.value;

  const enrollmentPlans: TeacherEnrollmentPlan[] = [];
  for (const teacher of file.teachers) {
    const participant = plans[teacher.person]!.existing;
    const existing =
      participant && existingCohort ? await repos.enrollments.find(participant.id, existingCohort.id) : undefined;
    enrollmentPlans.push({ ...teacher, ...(existing ? { existing } : {}) });
  }

  // Staff ids are known now for people who exist; a new person always changes the cohort.
  const plannedIds = (indices: readonly number[]) => indices.map((i) => plans[i]!.existing?.id ?? `new:${i}`);
  const changedFields: CohortField[] = [];
  if (existingCohort) {
    if (existingCohort.programmeId !== existingProgramme?.id) changedFields.push('programme');
    if (existingCohort.title !== wanted.title) changedFields.push('title');
    if (existingCohort.courseStart.getTime() !== courseStart.getTime()) changedFields.push('courseStart');
    if (existingCohort.courseEnd.getTime() !== courseEnd.getTime()) changedFields.push('courseEnd');
    if (existingCohort.timeZone !== wanted.timeZone) changedFields.push('timeZone');
    if (existingCohort.locale !== wanted.locale) changedFields.push('locale');
    if (!sameIds(existingCohort.curatorIds, plannedIds(file.curators))) changedFields.push('curators');
    if (!sameIds(existingCohort.tutorIds, plannedIds(file.tutors))) changedFields.push('tutors');
    if (wanted.stagePlan && canonical(existingCohort.stagePlan ?? null) !== canonical(wanted.stagePlan))
      changedFields.push('stagePlan');
  }
  // Cohorts that already exist keep the plan they run when their programme's changes: it becomes their own.
  const pinned: Cohort[] = [];
  if (existingProgramme && programmePlanChanged) {
    for (const c of await repos.cohorts.listByProgramme(existingProgramme.id)) {
      const keeps = c.id === existingCohort?.id && wanted.stagePlan !== undefined;
      if (!c.stagePlan && !keeps && !sameRunning(effectivePlan(c, existingProgramme), programmePlan)) pinned.push(c);
    }
  }
  const cohortAction: RecordAction = !existingCohort ? 'create' : changedFields.length > 0 ? 'update' : 'unchanged';

  const tutorIdOf = (plan: TeacherEnrollmentPlan) =>
    plan.tutor === undefined ? undefined : (plans[plan.tutor]!.existing?.id ?? `new:${plan.tutor}`);
  const enrollments: EnrollmentCounts = { enrolled: 0, alreadyEnrolled: 0, tutorAssigned: 0 };
  for (const plan of enrollmentPlans) {
    if (plan.existing) enrollments.alreadyEnrolled += 1;
    else enrollments.enrolled += 1;
    const tutorId = tutorIdOf(plan);
    if (tutorId !== undefined && plan.existing?.tutorId !== tutorId) enrollments.tutorAssigned += 1;
  }
  // Seed 003: teachers who joined by the link while the cohort had no tutor get one now that the file names some.
  const runs = wanted.stagePlan ?? existingCohort?.stagePlan ?? programmePlan;
  if (existingCohort && runs?.tutorRequired && file.tutors.length > 0) {
    const inFile = new Set(enrollmentPlans.flatMap((p) => (p.existing ? [p.existing.id] : [])));
    const untutored = (await repos.enrollments.listByCohort(existingCohort.id, 'active')).filter(
      (e) => !e.tutorId && !inFile.has(e.id),
    );
    enrollments.tutorAssigned += untutored.length;
  }

  const people = countPeople(plans);
  const outcome: CohortImportOutcome = {
    dryRun,
    programme: { code: file.programme.code, action: programmeAction },
    cohort: {
      code: wanted.code,
      codeDerived: wanted.codeDerived,
      title: wanted.title,
      action: cohortAction,
      changedFields,
    },
    curators: file.curators.length,
    tutors: file.tutors.length,
    teachers: file.teachers.length,
    people,
    updatedPeople: listUpdates(plans),
    enrollments,
    keptPlan: pinned.map((c) => c.code),
    changed:
      programmeAction !== 'unchanged' ||
      cohortAction !== 'unchanged' ||
      people.created + people.updated > 0 ||
      enrollments.enrolled + enrollments.tutorAssigned > 0,
  };
  if (dryRun || !outcome.changed) return ok(outcome);

  const programme =
    programmeAction === 'unchanged' && existingProgramme
      ? existingProgramme
      : (
          await repos.programmes.upsertByCode({
            ...file.programme,
            ...(programmePlan ? { stagePlan: programmePlan } : {}),
          })
        ).programme;
  for (const c of pinned) await repos.cohorts.setStagePlan(c.id, effectivePlan(c, existingProgramme));

  const participants = await writePeople(repos.participants, plans, wanted.locale);
  const idOf = (i: number) => participants[i]!.id;

  let cohort: Cohort;
  if (cohortAction === 'unchanged' && existingCohort) {
    cohort = existingCohort;
  } else {
    const input: CohortInput = {
      code: wanted.code,
      programmeId: programme.id,
      title: wanted.title,
      courseStart,
      courseEnd,
      timeZone: wanted.timeZone,
      locale: wanted.locale,
      curatorIds: file.curators.map(idOf),
      tutorIds: file.tutors.map(idOf),
      // A plan named in the file replaces the cohort's; a file naming none keeps what the cohort has.
      ...(wanted.stagePlan
        ? { stagePlan: wanted.stagePlan }
        : existingCohort?.stagePlan
          ? { stagePlan: existingCohort.stagePlan }
          : {}),
    };
    cohort = (await repos.cohorts.upsertByCode(input)).cohort;
  }
  // A cohort whose plan changed under teachers already enrolled: their stages follow the new plan.
  if (existingCohort && changedFields.includes('stagePlan')) {
    for (const e of await repos.enrollments.listByCohort(cohort.id)) {
      await reevaluateStages(repos, {
        participantId: e.participantId,
        cohortId: cohort.id,
        at: now,
        actor: 'import',
        kind: 'recount',
      });
    }
  }

  for (const plan of enrollmentPlans) {
    const tutorId = plan.tutor === undefined ? undefined : idOf(plan.tutor);
    // Calls that would change nothing are skipped: even a no-op update moves `updatedAt`.
    if (plan.existing) {
      // A tutor named in the file replaces the one assigned before; no tutor in the file keeps it.
      if (tutorId && plan.existing.tutorId !== tutorId) await repos.enrollments.assignTutor(plan.existing.id, tutorId);
      continue;
    }
    const { enrollment, created } = await enrollInCohort(repos, {
      participantId: idOf(plan.person),
      cohortId: cohort.id,
      at: now,
      ...(tutorId ? { tutorId } : {}),
    });
    if (!created && tutorId && enrollment.tutorId !== tutorId)
      await repos.enrollments.assignTutor(enrollment.id, tutorId);
  }
  await assignMissingTutors(repos, cohort.id);
  return ok(outcome);
}

/**
 * A code already in the store must belong to this cohort: an explicit code reused for another
 * programme, or a derived code that happens to match another cohort's, would overwrite that
 * cohort.
 */
function codeCollision(file: CohortFile, existing: Cohort, programme: Programme | undefined): ImportProblem[] {
  const { cohort } = file;
  if (existing.programmeId !== programme?.id) {
    return [
      {
        at: phrase('imports.at_path', { path: cohort.codeDerived ? 'cohort' : 'cohort.code' }),
        message: phrase('imports.code_taken', { code: existing.code, title: existing.title }),
      },
    ];
  }
  if (
    cohort.codeDerived &&
    (foldWord(existing.title) !== foldWord(cohort.title) ||
      localDate(existing.courseStart, existing.timeZone) !== cohort.courseStart)
  ) {
    return [
      {
        at: phrase('imports.at_path', { path: 'cohort' }),
        message: phrase('imports.derived_code_taken', { code: existing.code, title: existing.title }),
      },
    ];
  }
  return [];
}
