// The scheduler's side of planning, pure: what is due at an instant and when a cohort's job should
// run next, from the state read by ./state.ts. The rules themselves are src/domain/post-course-plan.ts.
import { dueAt, nextSendAt, planCohort, type PlannedSend, type ScheduleSettings } from '../domain/post-course-plan.js';
import { plannerInput, type CohortState } from './state.js';

/** How many plan-and-send rounds one run makes: time passes while a long fan-out runs. */
export const MAX_ROUNDS = 4;

/** Every send the planner sees for the cohort at `at`. */
export function planAt(state: CohortState, at: Date, settings?: Partial<ScheduleSettings>): PlannedSend[] {
  return planCohort(plannerInput(state, at, settings));
}

/** The sends due at `at`, in the order a person should read them. */
export function dueNow(state: CohortState, at: Date, settings?: Partial<ScheduleSettings>): PlannedSend[] {
  return dueAt(planAt(state, at, settings), at);
}

/** When the cohort's job should run next: now if something is already due, else the next send. */
export function nextRun(planned: readonly PlannedSend[], at: Date): Date | undefined {
  return dueAt(planned, at).length > 0 ? at : nextSendAt(planned, at);
}
