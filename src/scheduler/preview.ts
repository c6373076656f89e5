// What the scheduler will send for a cohort in a period, as the planner sees it today: for
// `schedule show` and for staff who want to know before it happens. It assumes nobody answers in
// the meantime, so reminders and non-responder lists are the most there could be.
import { localDate, type LocalDate } from '../domain/calendar.js';
import type { Cohort } from '../domain/cohort.js';
import type { Locale } from '../domain/locale.js';
import { planUntilCooperatively, type PlannedSend, type ScheduleSettings } from '../domain/post-course-plan.js';
import type { Repositories } from '../domain/repositories.js';
import type { StagePlan } from '../domain/stage.js';
import { localClock } from '../domain/sending-window.js';
import type { Content } from '../engine/index.js';
import type { ImportProblem } from '../import/fields.js';
import { localized } from '../questionnaires/index.js';
import { displayName } from './messages.js';
import { withHeapHeld } from '../memory/heap-hold.js';
import { giveTheLoopATurn, loadCohortState, plannerInput, type CohortState, type ReachCheck } from './state.js';

const DESCRIBED_PER_TURN = 2_000;

export interface PreviewItem extends PlannedSend {
  /** The cohort's local date and time of `at`. */
  date: LocalDate;
  time: string;
  recipientName: string;
  recipientRole: 'teacher' | 'curator';
  /** The questionnaire's title in the preview's language, when the content is known. */
  surveyTitle?: string;
}

export interface CohortPreview {
  cohort: Cohort;
  /** Problems with the stage plan: nothing is sent until they are fixed. */
  planProblems: ImportProblem[];
  items: PreviewItem[];
  /** The plan the items come from (stage names). */
  plan?: StagePlan;
  /** Enrolled teachers no chat reaches yet (they have not written to the bot): nothing goes to them. */
  notJoined: number;
  /** What those teachers would get in the period had they joined now. */
  onceJoined: PreviewItem[];
}

export interface PreviewDeps {
  repos: Repositories;
  content?: Content;
  canReach?: ReachCheck;
  settings?: Partial<ScheduleSettings>;
  /** Questionnaire titles and names as the reader reads them (`schedule show --lang kk`); Russian by default. */
  locale?: Locale;
}

/**
 * Sends planned from `from` (inclusive) to `to` (exclusive); undefined for an unknown cohort. With
 * V8's heap held, as the cohort's job plans (src/memory/heap-hold.ts).
 */
export function previewCohort(
  deps: PreviewDeps,
  cohortId: string,
  from: Date,
  to: Date,
): Promise<CohortPreview | undefined> {
  return withHeapHeld(() => preview(deps, cohortId, from, to));
}

async function preview(deps: PreviewDeps, cohortId: string, from: Date, to: Date): Promise<CohortPreview | undefined> {
  const cohort = await deps.repos.cohorts.findById(cohortId);
  if (!cohort) return undefined;
  const state = await loadCohortState(deps.repos, cohort, deps.canReach);
  const waiting = new Set(state.teachers.filter((t) => !t.reachable).map((t) => t.participantId));
  if (state.planProblems.length > 0) {
    return { cohort, planProblems: state.planProblems, items: [], notJoined: waiting.size, onceJoined: [] };
  }
  const curatorIds = new Set(cohort.curatorIds);
  // Thousands of sends share a few instants: each instant's local date and time is worked out once.
  const wallClock = new Map<number, { date: LocalDate; time: string }>();
  const localAt = (at: Date) => {
    let local = wallClock.get(at.getTime());
    if (!local) {
      local = { date: localDate(at, cohort.timeZone), time: localClock(at, cohort.timeZone) };
      wallClock.set(at.getTime(), local);
    }
    return local;
  };
  const locale = deps.locale ?? 'ru';
  // Thousands of sends go to each person: her name is cleaned once.
  const names = new Map<string, string>();
  const nameOf = (people: CohortState['people'], id: string) => {
    let name = names.get(id);
    if (name === undefined) {
      name = displayName(people.get(id), locale);
      names.set(id, name);
    }
    return name;
  };
  // A month of a 5,000-teacher cohort is ~25,000 sends: described a batch at a time, with the event
  // loop given a turn between batches (all at once held it ~150 ms).
  const describe = async (planned: PlannedSend[], people: CohortState['people']): Promise<PreviewItem[]> => {
    // Each planned send becomes its item in place: the plan is this preview's own, nothing else
    // holds it, and a copy of 25,000 sends was ~12 MB more at the preview's peak.
    const out = planned as PreviewItem[];
    for (let i = 0; i < out.length; i++) {
      const item = out[i] as PreviewItem;
      const title = item.survey ? deps.content?.questionnaires.get(item.survey.questionnaireId)?.title : undefined;
      const { date, time } = localAt(item.at);
      item.date = date;
      item.time = time;
      item.recipientName = nameOf(people, item.recipientId);
      item.recipientRole =
        curatorIds.has(item.recipientId) && (item.kind === 'non-responders' || item.kind === 'report-reminder')
          ? 'curator'
          : 'teacher';
      if (title) item.surveyTitle = localized(title, locale);
      if ((i + 1) % DESCRIBED_PER_TURN === 0) await giveTheLoopATurn();
    }
    return out;
  };
  // Only the period is kept, and the planner pauses between steps: a preview asked of the running bot must not keep it from answering.
  const plan = (input: ReturnType<typeof plannerInput>) => planUntilCooperatively(input, to, giveTheLoopATurn);
  const items = await describe(await plan(plannerInput(state, from, deps.settings)), state.people);
  let onceJoined: PreviewItem[] = [];
  if (waiting.size > 0) {
    // The same plan with the waiting teachers reached and consenting, as joining makes them.
    const joined: CohortState = {
      ...state,
      teachers: state.teachers.map((t) =>
        waiting.has(t.participantId) ? { ...t, reachable: true, consented: true } : t,
      ),
    };
    onceJoined = (await describe(await plan(plannerInput(joined, from, deps.settings)), joined.people)).filter(
      (p) => waiting.has(p.recipientId) && p.kind !== 'non-responders' && p.kind !== 'report-reminder',
    );
  }
  return { cohort, planProblems: [], plan: state.plan, items, notJoined: waiting.size, onceJoined };
}
