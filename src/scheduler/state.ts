// Reads what the planner needs about one cohort from the store: its plan, its active teachers
// (reachability, consent, /stop, completed questionnaires, accepted activities), its curators and
// its send log. Planning itself is pure (src/domain/post-course-plan.ts).
import { withHeapHeld } from '../memory/heap-hold.js';
import type { Cohort } from '../domain/cohort.js';
import type { Recipient } from '../domain/participant.js';
import {
  stagePlanProblems,
  type PlannerInput,
  type PlannerStaff,
  type PlannerTeacher,
} from '../domain/post-course-plan.js';
import type { Repositories } from '../domain/repositories.js';
import type { SendRecords } from '../domain/send-records.js';
import { effectivePlan } from '../domain/stage-plan.js';
import type { StagePlan } from '../domain/stage.js';
import { chatsOf } from '../engine/identity.js';
import type { ImportProblem } from '../import/fields.js';
import { planProblems } from '../import/zod-problems.js';

export interface CohortState {
  cohort: Cohort;
  plan: StagePlan;
  /** Why the plan cannot be used, each at its path under the plan; the cohort is skipped until someone fixes it. */
  planProblems: ImportProblem[];
  teachers: PlannerTeacher[];
  /** The same teachers by participant id: composing a send looks one up, and a cohort has thousands. */
  teacherById: Map<string, PlannerTeacher>;
  curators: PlannerStaff[];
  /** Every person the planner may name: teachers and curators. */
  people: Map<string, Recipient>;
  /** Mutable on purpose: the runner records each send here as it goes, then plans again. */
  log: SendRecords;
}

/** Someone a message can reach now. The default: a chat on some channel that has not blocked the bot. */
export type ReachCheck = (p: Recipient) => boolean;

/**
 * How many records stateOf handles between two turns of the event loop: a 5,000-teacher cohort
 * has ~35,000 sends and ~16,000 answers to index, ~40 ms of work in one piece.
 */
const RECORDS_PER_TURN = 2_000;
/** Gives the event loop a turn: between batches of a large cohort's reading, planning and describing. */
export const giveTheLoopATurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
export const reachableByChat: ReachCheck = (p) => chatsOf(p).length > 0;

export function loadCohortState(
  repos: Repositories,
  cohort: Cohort,
  canReach: ReachCheck = reachableByChat,
): Promise<CohortState> {
  // Everything read here survives as the cohort's state (see ../memory/heap-hold.ts).
  return withHeapHeld(() => readCohortState(repos, cohort, canReach));
}

async function readCohortState(repos: Repositories, cohort: Cohort, canReach: ReachCheck): Promise<CohortState> {
  // Only what planning looks at: join dates, completed occasions, accepted counts, send outcomes.
  const [programme, enrollments, completed, acceptedBy, log] = await Promise.all([
    repos.programmes.findById(cohort.programmeId),
    repos.enrollments.activeMembers(cohort.id),
    repos.responses.completedOccasions(cohort.id),
    repos.activities.acceptedPerTeacher(cohort.id),
    repos.scheduledSends.recordsByCohort(cohort.id),
  ]);
  const people = await repos.participants.recipientsByIds([
    ...new Set([...enrollments.map((e) => e.participantId), ...cohort.curatorIds]),
  ]);
  return await stateOf(
    cohort,
    effectivePlan(cohort, programme),
    { enrollments, completed, acceptedBy, log, people },
    canReach,
  );
}

/**
 * One teacher of the cohort as the planner sees her, and nothing of anyone else's: her sends
 * planned from this are exactly her part of the whole cohort's plan (the planner decides each
 * teacher's sends from her own facts alone). The curators' sends are left to the cohort's job.
 * No teacher when she is not active in the cohort.
 */
export async function loadTeacherState(
  repos: Repositories,
  cohort: Cohort,
  participantId: string,
  canReach: ReachCheck = reachableByChat,
): Promise<CohortState> {
  const [programme, enrollments, completed, accepted, log, people] = await Promise.all([
    repos.programmes.findById(cohort.programmeId),
    repos.enrollments.activeMembers(cohort.id, participantId),
    repos.responses.completedOccasions(cohort.id, participantId),
    repos.activities.countAccepted(participantId, cohort.id),
    repos.scheduledSends.recordsByCohort(cohort.id, participantId),
    repos.participants.recipientsByIds([participantId]),
  ]);
  const state = await stateOf(
    { ...cohort, curatorIds: [] },
    effectivePlan(cohort, programme),
    { enrollments, completed, acceptedBy: new Map([[participantId, accepted]]), log, people },
    canReach,
  );
  return { ...state, cohort };
}

interface CohortFacts {
  enrollments: { participantId: string; joinedAt: Date }[];
  completed: { participantId: string; questionnaireId: string; occasion: string }[];
  acceptedBy: Map<string, number>;
  log: SendRecords;
  people: Recipient[];
}

async function stateOf(
  cohort: Cohort,
  plan: StagePlan,
  { enrollments, completed, acceptedBy, log, people: recipients }: CohortFacts,
  canReach: ReachCheck,
): Promise<CohortState> {
  let handled = 0;
  const people = new Map<string, Recipient>();
  // Indexed loops: a for-of with an await in its body made an iterator result object per record
  // (61,000 for a 5,000-teacher cohort) that lived as long as the loop's turn.
  for (let i = 0; i < recipients.length; i++) {
    const p = recipients[i] as Recipient;
    people.set(p.id, p);
    if (++handled % RECORDS_PER_TURN === 0) await giveTheLoopATurn();
  }

  // A cohort's answers name a few questionnaire runs: each run's key is made once and every
  // teacher's set holds that one string (16,000 answers made 16,000 keys of ~70 bytes each).
  const runKeys = new Map<string, Map<string, string>>();
  const runKey = (questionnaireId: string, occasion: string) => {
    let byOccasion = runKeys.get(questionnaireId);
    if (!byOccasion) {
      byOccasion = new Map();
      runKeys.set(questionnaireId, byOccasion);
    }
    let key = byOccasion.get(occasion);
    if (key === undefined) {
      key = `${questionnaireId}|${occasion}`;
      byOccasion.set(occasion, key);
    }
    return key;
  };
  const completedBy = new Map<string, Set<string>>();
  for (let i = 0; i < completed.length; i++) {
    const r = completed[i] as CohortFacts['completed'][number];
    let set = completedBy.get(r.participantId);
    if (!set) {
      set = new Set<string>();
      completedBy.set(r.participantId, set);
    }
    set.add(runKey(r.questionnaireId, r.occasion));
    if (++handled % RECORDS_PER_TURN === 0) await giveTheLoopATurn();
  }

  const teachers: PlannerTeacher[] = [];
  const teacherById = new Map<string, PlannerTeacher>();
  for (let i = 0; i < enrollments.length; i++) {
    const e = enrollments[i] as CohortFacts['enrollments'][number];
    const p = people.get(e.participantId);
    if (!p) continue;
    const teacher: PlannerTeacher = {
      participantId: p.id,
      joinedAt: e.joinedAt,
      reachable: canReach(p),
      consented: p.consent?.given === true && !p.consent.withdrawnAt,
      optedOut: p.remindersOptedOutAt !== undefined,
      anonymised: p.anonymisedAt !== undefined,
      acceptedActivities: acceptedBy.get(p.id) ?? 0,
      completed: completedBy.get(p.id) ?? new Set(),
    };
    teachers.push(teacher);
    teacherById.set(teacher.participantId, teacher);
    if (++handled % RECORDS_PER_TURN === 0) await giveTheLoopATurn();
  }
  const curators: PlannerStaff[] = cohort.curatorIds.flatMap((id) => {
    const p = people.get(id);
    return p
      ? [
          {
            participantId: p.id,
            reachable: canReach(p),
            optedOut: p.remindersOptedOutAt !== undefined,
            anonymised: p.anonymisedAt !== undefined,
          },
        ]
      : [];
  });

  return {
    cohort,
    plan,
    planProblems: planProblems(stagePlanProblems(plan)),
    teachers,
    teacherById,
    curators,
    people,
    log,
  };
}

export function plannerInput(state: CohortState, now: Date, settings: PlannerInput['settings']): PlannerInput {
  return {
    cohort: state.cohort,
    plan: state.plan,
    teachers: state.teachers,
    curators: state.curators,
    log: state.log,
    now,
    ...(settings ? { settings } : {}),
  };
}
