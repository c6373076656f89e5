// The teacher's individual plan (seed 000's individual route, seed 001's plan of activities, seed
// 003's trajectory): activities planned by type, level and month of the post-course year, set
// against the activities the curator accepted. Pure: a plan, the accepted activities and a date in;
// what is done, what is due and how far behind out.
import type { ActivityLevel, ActivityType } from './activity.js';
import { addOffset, type LocalDate } from './calendar.js';

/** One planned activity: what kind, at what level, in which month ("2026-04"). */
export interface PlannedActivity {
  id: string;
  type: ActivityType;
  level: ActivityLevel;
  month: string;
}

/** A tutor's or curator's remark on the plan; the teacher is told. */
export interface PlanComment {
  by: string;
  at: Date;
  text: string;
}

export interface IndividualPlan {
  items: PlannedActivity[];
  comments: PlanComment[];
  updatedAt?: Date;
}

/** Planned activities allowed in one plan: more than any regulation asks, few enough to read in a chat. */
export const MAX_PLANNED = 24;

export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The months of a post-course year, first to last ("2026-04" … "2027-03"). */
export function yearMonths(year: { start: LocalDate; end: LocalDate }): string[] {
  const months: string[] = [];
  let month = year.start.slice(0, 7);
  const last = year.end.slice(0, 7);
  while (month <= last && months.length < 13) {
    months.push(month);
    month = addOffset(`${month}-01`, '+1m').slice(0, 7);
  }
  return months;
}

export interface AcceptedFact {
  type: ActivityType;
  level: ActivityLevel;
}

export interface PlanItemState extends PlannedActivity {
  /** An accepted activity of this type was matched to it (each activity counts for one item). */
  done: boolean;
}

export interface PlanVsDone {
  items: PlanItemState[];
  planned: number;
  /** Planned for months that have ended by `today`. */
  due: number;
  /** Accepted activities, planned or not. */
  accepted: number;
  /** Items matched to an accepted activity. */
  donePlanned: number;
  /** Due items not covered by accepted activities: due − accepted, not below 0. */
  behind: number;
}

/**
 * Planned against done on `today`. An accepted activity marks off a planned item of the same type
 * (earliest month first); "behind" counts by number, since a teacher who ran a seminar instead of
 * the planned master class has not fallen behind.
 */
export function planVsDone(
  plan: Pick<IndividualPlan, 'items'> | undefined,
  accepted: readonly AcceptedFact[],
  today: LocalDate,
): PlanVsDone {
  const items = [...(plan?.items ?? [])].sort((a, b) => a.month.localeCompare(b.month) || a.id.localeCompare(b.id));
  const left = [...accepted];
  const states = items.map((item) => {
    const at = left.findIndex((a) => a.type === item.type);
    if (at >= 0) left.splice(at, 1);
    return { ...item, done: at >= 0 };
  });
  const thisMonth = today.slice(0, 7);
  const due = items.filter((i) => i.month < thisMonth).length;
  return {
    items: states,
    planned: items.length,
    due,
    accepted: accepted.length,
    donePlanned: states.filter((s) => s.done).length,
    behind: Math.max(0, due - accepted.length),
  };
}

/** Whether a teacher is behind their own plan by the model's margin (`behindBy`). */
export function isBehindPlan(state: PlanVsDone, behindBy: number): boolean {
  return state.behind >= behindBy;
}
