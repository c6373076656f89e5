// Enrolls teachers read from a CSV file into an existing cohort. Like the cohort import it plans
// first (tutors found, people matched, enrollments looked up) and writes only when every row is
// good, and only what differs.
import { assignMissingTutors, enrollInCohort, stagePlanOf, teachersWithoutTutor } from '../progress/service.js';
import type { Cohort } from '../domain/cohort.js';
import type { Enrollment } from '../domain/enrollment.js';
import type { Participant } from '../domain/participant.js';
import type { Repositories } from '../domain/repositories.js';
import { err, ok, type Result } from '../domain/result.js';
import { countPeople, type ApplyOptions, type EnrollmentCounts, type PeopleCounts } from './apply-cohort.js';
import { phrase, type Phrase } from '../i18n/index.js';
import { matchesTutorRef, type ImportProblem, type PersonRow, type TutorRef } from './fields.js';
import { listUpdates, planEveryPerson, telegramUsernameOf, writePeople, type PersonUpdate } from './resolve-people.js';

export interface ParticipantsImportOutcome {
  dryRun: boolean;
  cohortCode: string;
  people: PeopleCounts;
  /** Existing participants whose profile the file changes. */
  updatedPeople: PersonUpdate[];
  enrollments: EnrollmentCounts;
  changed: boolean;
  /** In a model with a tutor for every teacher, the cohort's active teachers still without one after the import. */
  withoutTutor?: number;
}

const problemAt = (row: PersonRow, message: Phrase): ImportProblem => ({
  at: row.source,
  message,
  ...(row.line !== undefined ? { line: row.line } : {}),
});

/** Why a file's tutor reference names no single tutor of the cohort; undefined when it names one. */
export function tutorRefProblem(ref: TutorRef, tutors: readonly Participant[], cohortCode: string): Phrase | undefined {
  const found = tutors.filter((t) => matchesTutorRef(ref, { ...t, telegramUsername: telegramUsernameOf(t) }));
  if (found.length === 1) return undefined;
  const names = tutors.map((t) => t.fullName ?? t.phone ?? `@${telegramUsernameOf(t) ?? '?'}`);
  if (found.length > 0) return phrase('imports.tutor_ambiguous', { tutor: ref.raw });
  return names.length > 0
    ? phrase('imports.tutor_not_found', { tutor: ref.raw, cohort: cohortCode, names: names.join(', ') })
    : phrase('imports.tutor_not_found_none', { tutor: ref.raw, cohort: cohortCode });
}

export async function applyParticipants(
  repos: Repositories,
  cohort: Cohort,
  rows: readonly PersonRow[],
  { now, dryRun = false }: ApplyOptions,
): Promise<Result<ParticipantsImportOutcome, ImportProblem[]>> {
  const problems: ImportProblem[] = [];

  const tutors = await repos.participants.findByIds(cohort.tutorIds);
  const tutorOf: (Participant | undefined)[] = rows.map((row) => {
    const ref = row.tutor;
    if (!ref) return undefined;
    const found = tutors.filter((t) => matchesTutorRef(ref, { ...t, telegramUsername: telegramUsernameOf(t) }));
    if (found.length === 1) return found[0];
    problems.push(problemAt(row, tutorRefProblem(ref, tutors, cohort.code) ?? phrase('imports.z_other')));
    return undefined;
  });

  // Every row's problem in one pass: a row the store contradicts does not hide another that names staff.
  const planned = await planEveryPerson(repos.participants, rows);
  problems.push(...planned.problems);
  const { plans } = planned;
  const staff = new Set([...cohort.curatorIds, ...cohort.tutorIds]);
  for (const plan of plans) {
    if (plan.existing && staff.has(plan.existing.id)) {
      problems.push(problemAt(plan.row, phrase('imports.staff_as_teacher', { cohort: cohort.code })));
    }
  }
  if (problems.length > 0) return err(problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));

  const tutorModel = (await stagePlanOf(repos, cohort)).tutorRequired === true;
  const existingEnrollments: (Enrollment | undefined)[] = [];
  for (const plan of plans) {
    existingEnrollments.push(plan.existing ? await repos.enrollments.find(plan.existing.id, cohort.id) : undefined);
  }
  const enrollments: EnrollmentCounts = { enrolled: 0, alreadyEnrolled: 0, tutorAssigned: 0 };
  existingEnrollments.forEach((existing, i) => {
    if (existing) enrollments.alreadyEnrolled += 1;
    else enrollments.enrolled += 1;
    const tutor = tutorOf[i];
    if (tutor && existing?.tutorId !== tutor.id) enrollments.tutorAssigned += 1;
    // Seed 003: a new teacher without a tutor in the file gets the cohort's least busy one.
    else if (!tutor && !existing && tutorModel && cohort.tutorIds.length > 0) enrollments.tutorAssigned += 1;
  });
  // ...and those who joined while the cohort had no tutor get one now (assignMissingTutors below).
  if (tutorModel && cohort.tutorIds.length > 0) {
    const inFile = new Set(existingEnrollments.flatMap((e) => (e ? [e.id] : [])));
    enrollments.tutorAssigned += (await repos.enrollments.listByCohort(cohort.id, 'active')).filter(
      (e) => !e.tutorId && !inFile.has(e.id),
    ).length;
  }
  const people = countPeople(plans);
  const outcome: ParticipantsImportOutcome = {
    dryRun,
    cohortCode: cohort.code,
    people,
    updatedPeople: listUpdates(plans),
    enrollments,
    changed: people.created + people.updated + enrollments.enrolled + enrollments.tutorAssigned > 0,
  };
  if (dryRun || !outcome.changed) return ok(outcome);

  const participants = await writePeople(repos.participants, plans, cohort.locale);
  for (const [i, participant] of participants.entries()) {
    const existing = existingEnrollments[i];
    const tutorId = tutorOf[i]?.id;
    // Calls that would change nothing are skipped: even a no-op update moves `updatedAt`.
    if (existing) {
      // A tutor named in the file replaces the one assigned before; an empty cell keeps it.
      if (tutorId && existing.tutorId !== tutorId) await repos.enrollments.assignTutor(existing.id, tutorId);
      continue;
    }
    const { enrollment, created } = await enrollInCohort(repos, {
      participantId: participant.id,
      cohortId: cohort.id,
      at: now,
      ...(tutorId ? { tutorId } : {}),
    });
    if (!created && tutorId && enrollment.tutorId !== tutorId)
      await repos.enrollments.assignTutor(enrollment.id, tutorId);
  }
  await assignMissingTutors(repos, cohort.id);
  if (tutorModel) outcome.withoutTutor = (await teachersWithoutTutor(repos, cohort)).length;
  return ok(outcome);
}
