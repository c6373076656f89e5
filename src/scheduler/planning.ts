// The scheduler's side of planning: what is due at an instant and when a cohort's job should run
// next, from the state read by ./state.ts. The rules themselves are src/domain/post-course-plan.ts.
// The planner pauses every few hundred teachers here, so a cohort of thousands never keeps the bot
// from answering.
import { withHeapHeld } from '../memory/heap-hold.js';
import { planDueCooperatively, type DuePlan, type ScheduleSettings } from '../domain/post-course-plan.js';
import { giveTheLoopATurn, plannerInput, type CohortState } from './state.js';

/** How many plan-and-send rounds one run makes at most: time passes while a long fan-out runs. */
export const MAX_ROUNDS = 4;

/** The sends due at `at` (in the order a person should read them) and when the next one goes. */
export function planDueAt(state: CohortState, at: Date, settings?: Partial<ScheduleSettings>): Promise<DuePlan> {
  // The plan is built of objects that survive until it is sent (see ../memory/heap-hold.ts).
  return withHeapHeld(() => planDueCooperatively(plannerInput(state, at, settings), giveTheLoopATurn));
}

/** When the cohort's job should run next: now if something is already due, else the next send. */
export function nextRun(plan: DuePlan, at: Date): Date | undefined {
  return plan.due.length > 0 ? at : plan.next;
}
