// Stage progress as the application keeps it: on each event that can move a teacher (questionnaire
// completed, activity accepted or returned, a curator's decision) the facts are gathered from the
// repositories, the pure evaluator (domain/stage-progress.ts) rules, and each change is saved on
// the enrollment and recorded in the audit log with its date and cause.
import type { Cohort } from '../domain/cohort.js';
import type { Enrollment, StageProgress } from '../domain/enrollment.js';
import { err, ok, type Result } from '../domain/result.js';
import type { Repositories } from '../domain/repositories.js';
import type { AnswerValue } from '../domain/response.js';
import { effectivePlan } from '../domain/stage-plan.js';
import {
  evaluateStages,
  stageChanges,
  type ActivityFact,
  type FactLink,
  type ResponseFact,
  type StageCause,
  type StageEvaluation,
  type StageFacts,
} from '../domain/stage-progress.js';
import type { StageNumber, StagePlan, StageStatus } from '../domain/stage.js';

export type StageEventKind =
  | 'questionnaire.completed'
  | 'activity.accepted'
  | 'activity.returned'
  | 'activity.submitted'
  | 'stage.set'
  /** A check found a link of the teacher's results open: the results count as presented. */
  | 'results.presented'
  /** A check found a link that counted as live dead (a presented result may count no more). */
  | 'link.dead'
  | 'recount';

export interface StageEvent {
  participantId: string;
  cohortId: string;
  at: Date;
  /** Who caused it: the teacher, a reviewer, a curator, or "system". */
  actor: string;
  kind: StageEventKind;
}

export async function stagePlanOf(repos: Repositories, cohort: Cohort): Promise<StagePlan> {
  const programme = await repos.programmes.findById(cohort.programmeId);
  return effectivePlan(cohort, programme);
}

/** The stage numbers of a plan, in order: what a new enrollment starts with. */
export function planStageNumbers(plan: Pick<StagePlan, 'stages'>): StageNumber[] {
  return plan.stages.map((s) => s.stage).sort((a, b) => a - b);
}

/**
 * Enrols a teacher in a cohort with exactly the stages of the cohort's plan (its support model's:
 * two for the school model, three for Kazakhstan's). Idempotent, like the repository's enroll.
 */
export async function enrollInCohort(
  repos: Repositories,
  input: { participantId: string; cohortId: string; at: Date; tutorId?: string },
): Promise<{ enrollment: Enrollment; created: boolean; tutor?: TutorOutcome }> {
  const cohort = await repos.cohorts.findById(input.cohortId);
  if (!cohort) throw new Error(`no cohort ${input.cohortId} to enrol in`);
  const plan = await stagePlanOf(repos, cohort);
  // Seed 003: a tutor for every teacher, however they join (import, join link, sandbox, CSV).
  if (
    plan.tutorRequired &&
    input.tutorId === undefined &&
    !(await repos.enrollments.find(input.participantId, cohort.id))
  ) {
    const tutorId = await leastBusyTutor(repos, cohort);
    const result = await repos.enrollments.enroll({
      ...input,
      ...(tutorId ? { tutorId } : {}),
      stages: planStageNumbers(plan),
    });
    return result.created ? { ...result, tutor: tutorId ? 'assigned' : 'none' } : result;
  }
  return repos.enrollments.enroll({ ...input, stages: planStageNumbers(plan) });
}

/** For a teacher who joined a tutor model's cohort without a named tutor: given one, or none to give. */
export type TutorOutcome = 'assigned' | 'none';

/** The cohort's tutor with the fewest active teachers (the first listed on a tie); undefined without tutors. */
export async function leastBusyTutor(repos: Repositories, cohort: Cohort): Promise<string | undefined> {
  if (cohort.tutorIds.length === 0) return undefined;
  const load = new Map(cohort.tutorIds.map((id) => [id, 0]));
  for (const e of await repos.enrollments.listByCohort(cohort.id, 'active')) {
    if (e.tutorId && load.has(e.tutorId)) load.set(e.tutorId, load.get(e.tutorId)! + 1);
  }
  return cohort.tutorIds.reduce((best, id) => (load.get(id)! < load.get(best)! ? id : best));
}

/**
 * Active teachers of a tutor model's cohort who have no tutor (they joined while it had none) are
 * each given its least busy tutor; returns how many. Nothing in other models or without tutors.
 */
export async function assignMissingTutors(repos: Repositories, cohortId: string): Promise<number> {
  const cohort = await repos.cohorts.findById(cohortId);
  if (!cohort || cohort.tutorIds.length === 0 || !(await stagePlanOf(repos, cohort)).tutorRequired) return 0;
  let assigned = 0;
  for (const e of await repos.enrollments.listByCohort(cohort.id, 'active')) {
    if (e.tutorId) continue;
    const tutorId = await leastBusyTutor(repos, cohort);
    if (!tutorId) break;
    await repos.enrollments.assignTutor(e.id, tutorId);
    assigned += 1;
  }
  return assigned;
}

/** Active teachers of a tutor model's cohort without a tutor; [] in other models. */
export async function teachersWithoutTutor(repos: Repositories, cohort: Cohort): Promise<Enrollment[]> {
  if (!(await stagePlanOf(repos, cohort)).tutorRequired) return [];
  return (await repos.enrollments.listByCohort(cohort.id, 'active')).filter((e) => !e.tutorId);
}

/** Everything the rules look at for one teacher in one cohort. */
export async function gatherStageFacts(repos: Repositories, enrollment: Enrollment): Promise<StageFacts> {
  const responses = await repos.responses.listByCohort(enrollment.cohortId, { status: 'completed' });
  const activities = await repos.activities.listByParticipant(enrollment.participantId, enrollment.cohortId);
  // The links in answers, as the checks left them (scheduler/link-checks.ts): unchecked ones are not live yet.
  const resultLinks = await repos.resultLinks.listByParticipant(enrollment.participantId, enrollment.cohortId);
  return {
    responses: responses
      .filter((r) => r.participantId === enrollment.participantId && r.completedAt)
      .map((r): ResponseFact => {
        const answers: Record<string, AnswerValue | null> = {};
        for (const a of r.answers) answers[a.questionId] = a.value;
        const links = resultLinks
          .filter((l) => l.responseId === r.id && answers[l.questionId] !== undefined)
          .map(
            (l): FactLink => ({
              url: l.url,
              ...(l.reachable === undefined ? {} : { reachable: l.reachable }),
              ...(l.liveSince ? { liveSince: l.liveSince } : {}),
            }),
          );
        return {
          questionnaireId: r.questionnaireId,
          occasion: r.occasion,
          completedAt: r.completedAt as Date,
          answers,
          links,
        };
      }),
    activities: activities.map(
      (a): ActivityFact => ({
        id: a.id,
        type: a.type,
        level: a.level,
        status: a.status,
        ...(a.status !== 'submitted' && a.reviews.length > 0 ? { decidedAt: a.reviews[a.reviews.length - 1]!.at } : {}),
        links: a.links.map((l) => ({ url: l.url, ...(l.reachable === undefined ? {} : { reachable: l.reachable }) })),
      }),
    ),
    overrides: enrollment.stageOverrides ?? [],
  };
}

export function causeCode(cause: StageCause): string | undefined {
  switch (cause.kind) {
    case 'rule':
      return `rule:${cause.rule.kind}`;
    case 'manual':
      return 'manual';
    case 'none':
      return undefined;
    default: {
      const never: never = cause;
      throw new Error(`unknown cause ${JSON.stringify(never)}`);
    }
  }
}

function toProgress(e: StageEvaluation): StageProgress {
  const code = causeCode(e.cause);
  return {
    stage: e.stage,
    status: e.status,
    ...(e.startedAt ? { startedAt: e.startedAt } : {}),
    ...(e.completedAt ? { completedAt: e.completedAt } : {}),
    ...(code ? { cause: code } : {}),
  };
}

/** The stage a teacher is working in: the last one started, else the plan's first. */
function currentStage(evaluated: readonly StageEvaluation[], fallback: StageNumber): StageNumber {
  let current = fallback;
  for (const e of evaluated) if (e.status !== 'not_started') current = e.stage;
  return current;
}

function sameProgress(a: readonly StageProgress[], b: readonly StageProgress[]): boolean {
  const key = (s: readonly StageProgress[]) =>
    JSON.stringify(s.map((x) => [x.stage, x.status, x.startedAt?.getTime(), x.completedAt?.getTime(), x.cause]));
  return key(a) === key(b);
}

export interface StageReevaluation {
  stages: StageEvaluation[];
  changed: StageEvaluation[];
}

/** Re-evaluates one teacher's stages after an event; saves and audits what changed. */
export async function reevaluateStages(repos: Repositories, event: StageEvent): Promise<StageReevaluation | undefined> {
  const enrollment = await repos.enrollments.find(event.participantId, event.cohortId);
  const cohort = enrollment && (await repos.cohorts.findById(event.cohortId));
  if (!enrollment || !cohort) return undefined;
  const plan = await stagePlanOf(repos, cohort);
  const stages = evaluateStages(plan, await gatherStageFacts(repos, enrollment));
  const before: StageEvaluation[] = enrollment.stages.map((s) => ({
    stage: s.stage,
    status: s.status,
    cause: { kind: 'none' },
  }));
  const changed = stageChanges(before, stages);
  const progress = stages.map(toProgress);
  if (!sameProgress(enrollment.stages, progress)) {
    // biome-ignore lint/complexity/useMathMinMax: the comparison keeps the StageNumber type Math.min would lose.
    const first = plan.stages.reduce<StageNumber>((m, s) => (s.stage < m ? s.stage : m), plan.stages[0]?.stage ?? 1);
    await repos.enrollments.saveStages(enrollment.id, progress, currentStage(stages, first));
  }
  for (const c of changed) {
    const was = enrollment.stages.find((s) => s.stage === c.stage)?.status ?? 'not_started';
    await repos.audit.record({
      at: event.at,
      actor: event.actor,
      action: 'stage.changed',
      subjectType: 'enrollment',
      subjectId: enrollment.id,
      cohortId: enrollment.cohortId,
      details: {
        stage: c.stage,
        from: was,
        to: c.status,
        cause: causeCode(c.cause) ?? 'none',
        event: event.kind,
        date: (c.completedAt ?? c.startedAt ?? event.at).toISOString(),
      },
    });
  }
  return { stages, changed };
}

export type SetStageError =
  | { kind: 'not_enrolled' }
  | { kind: 'no_such_stage'; stages: StageNumber[] }
  | { kind: 'comment_required' };

/** A curator's or staff member's decision: wins over the rules and is shown as set by hand. */
export async function setStageByHand(
  repos: Repositories,
  input: {
    participantId: string;
    cohortId: string;
    stage: number;
    status: StageStatus;
    comment: string;
    by: string;
    at: Date;
  },
): Promise<Result<StageReevaluation, SetStageError>> {
  const enrollment = await repos.enrollments.find(input.participantId, input.cohortId);
  const cohort = enrollment && (await repos.cohorts.findById(input.cohortId));
  if (!enrollment || !cohort) return err({ kind: 'not_enrolled' });
  const plan = await stagePlanOf(repos, cohort);
  const stage = plan.stages.find((s) => s.stage === input.stage)?.stage;
  if (stage === undefined) return err({ kind: 'no_such_stage', stages: plan.stages.map((s) => s.stage) });
  const comment = input.comment.trim();
  if (!comment) return err({ kind: 'comment_required' });
  await repos.enrollments.addStageOverride(enrollment.id, {
    stage,
    status: input.status,
    at: input.at,
    by: input.by,
    comment: comment.slice(0, 1000),
  });
  await repos.audit.record({
    at: input.at,
    actor: input.by,
    action: 'stage.set',
    subjectType: 'enrollment',
    subjectId: enrollment.id,
    cohortId: enrollment.cohortId,
    details: { stage, status: input.status },
  });
  const result = await reevaluateStages(repos, {
    participantId: input.participantId,
    cohortId: input.cohortId,
    at: input.at,
    actor: input.by,
    kind: 'stage.set',
  });
  return result ? ok(result) : err({ kind: 'not_enrolled' });
}
