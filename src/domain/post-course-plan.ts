// The post-course year as a list of sends: pure, from a cohort, its plan, its teachers, its send
// log and "now". Nothing is stored per teacher per reminder: what is due is recomputed each time,
// and the send log (one record per idempotency key) says what has gone. So a changed course date
// moves everything not yet sent, a late joiner is caught up, and a rerun sends nothing twice.
import { z } from 'zod';
import { addDays, addOffset, isOffset, localDate, type LocalDate } from './calendar.js';
import type { Cohort } from './cohort.js';
import { sendKey, type SendKind } from './scheduled-send.js';
import type { SendRecordsView } from './send-records.js';
import {
  DEFAULT_SENDING_WINDOW,
  nextWindowStart,
  plusLocalDays,
  startOfLocalDay,
  windowOpeningOnOrBefore,
  type SendingWindow,
} from './sending-window.js';
import { DEFAULT_QUESTIONNAIRE_WINDOW, postCourseYear, requiredActivities } from './stage-plan.js';
import { stageRulesSchema } from './stage-rules.js';
import {
  MAX_STAGES,
  type Offset,
  type StageNumber,
  type StagePlan,
  type StagePlanFinalSurvey,
  type StagePlanReminders,
} from './stage.js';

/** Reminders when the plan does not say: 3 days after the invitation, then 3 days later; then the curators. */
export const DEFAULT_REMINDERS: StagePlanReminders = { afterDays: 3, maxCount: 2 };

export interface ScheduleSettings {
  /** When teachers short of accepted activities are nudged. */
  activityNudgeOffset: Offset;
  /** The closing message: the last day of the post-course year. */
  closingOffset: Offset;
  /** How long after its day a closing message still goes to someone reached late. */
  closingCatchUp: Offset;
  /** How long after a questionnaire closes the curators can still get its non-responders. */
  nonRespondersCatchUp: Offset;
  /** Days before 1 June and 1 October the curators are reminded of the half-year report. */
  reportLeadDays: number;
  /** Attempts at a send that keeps failing with a retryable error. */
  maxAttempts: number;
  /** Wait before the next attempt, times the attempts made. */
  retryAfterMs: number;
}

export const DEFAULT_SCHEDULE_SETTINGS: ScheduleSettings = {
  activityNudgeOffset: '+9m',
  closingOffset: '+12m',
  closingCatchUp: '+1m',
  nonRespondersCatchUp: '+1m',
  reportLeadDays: 5,
  maxAttempts: 3,
  retryAfterMs: 15 * 60_000,
};

/** Seed 001: the half-year report is due by 1 June (first half) and by 1 October (second). */
export const HALF_YEAR_DEADLINES = [
  { month: 6, day: 1, half: 1 },
  { month: 10, day: 1, half: 2 },
] as const;

export interface PlannerTeacher {
  participantId: string;
  joinedAt: Date;
  /** A chat on an enabled channel reaches them (they wrote to the bot and did not block it). */
  reachable: boolean;
  /** Consent given and not withdrawn. */
  consented: boolean;
  /** /stop. */
  optedOut: boolean;
  anonymised: boolean;
  acceptedActivities: number;
  /** "questionnaireId|occasion" of every questionnaire the teacher completed in this cohort. */
  completed: ReadonlySet<string>;
}

export interface PlannerStaff {
  participantId: string;
  reachable: boolean;
  optedOut: boolean;
  anonymised: boolean;
}

export interface PlannerInput {
  cohort: Pick<Cohort, 'id' | 'status' | 'courseEnd' | 'timeZone' | 'sendingWindow'>;
  plan: StagePlan;
  /** Active enrollments only. */
  teachers: readonly PlannerTeacher[];
  curators: readonly PlannerStaff[];
  /** The cohort's send log by key. */
  log: SendRecordsView;
  now: Date;
  settings?: Partial<ScheduleSettings>;
}

export interface PlannedSend {
  key: string;
  kind: SendKind;
  occasion: string;
  recipientId: string;
  /** When it goes: inside the sending window, never before the window `now` is in or opens next. */
  at: Date;
  /** From this instant on it is no longer sent (the next stage began, the questionnaire closed...). */
  until: Date;
  stage?: StageNumber;
  /** Invitations, reminders, the final survey, non-responders: which questionnaire run, open until when. */
  survey?: { questionnaireId: string; occasion: string; closes: LocalDate };
  /** Reminders: which one (1-based). */
  reminder?: number;
  /** Non-responders: the teachers who never completed the questionnaire. */
  teacherIds?: string[];
  /** Report reminders: the deadline and which half-year. */
  deadline?: LocalDate;
  half?: 1 | 2;
  /** A retry: attempts made so far (the log record's count, for a compare-and-set retake). */
  attempts?: number;
}

/** Within one instant, the order a person reads things in: the stage first, then what it asks. */
const KIND_ORDER: Record<SendKind, number> = {
  stage: 0,
  closing: 1,
  'final-survey': 2,
  invite: 3,
  reminder: 4,
  'activity-nudge': 5,
  'report-reminder': 6,
  'non-responders': 7,
};

const completedKey = (questionnaireId: string, occasion: string) => `${questionnaireId}|${occasion}`;

export function remindersOf(plan: StagePlan): StagePlanReminders {
  return plan.reminders ?? DEFAULT_REMINDERS;
}

/** The plan's final survey: named, or else the questionnaire that opens last. */
export function finalSurveyOf(plan: StagePlan): StagePlanFinalSurvey | undefined {
  if (plan.finalSurvey) return plan.finalSurvey;
  let last: { q: StagePlan['questionnaires'][number]; opens: LocalDate } | undefined;
  for (const q of plan.questionnaires) {
    // Any fixed date orders offsets the same way.
    const opens = addOffset('2001-01-31', q.offset);
    if (!last || opens >= last.opens) last = { q, opens };
  }
  return last ? { questionnaireId: last.q.questionnaireId, occasion: last.q.occasion } : undefined;
}

/** The report deadlines a cohort's curators are reminded of: from the first after the year starts to the first on or after it ends. */
export function halfYearDeadlines(year: { start: LocalDate; end: LocalDate }): { deadline: LocalDate; half: 1 | 2 }[] {
  const result: { deadline: LocalDate; half: 1 | 2 }[] = [];
  const first = Number(year.start.slice(0, 4));
  for (let y = first; y <= first + 3; y++) {
    for (const d of HALF_YEAR_DEADLINES) {
      const deadline = `${y}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
      if (deadline <= year.start) continue;
      result.push({ deadline, half: d.half });
      if (deadline >= year.end) return result;
    }
  }
  return result;
}

const maxDate = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);
const minDate = (a: Date, b: Date) => (a.getTime() <= b.getTime() ? a : b);

type Placement =
  /** In the log as sent, or taken and unconfirmed: `at` is when it went (or was taken). */
  | { state: 'done'; at: Date }
  /** Undeliverable, or out of attempts: it will not go. */
  | { state: 'dead' }
  | { state: 'pending'; at: Date; attempts?: number }
  /** Its time has passed (or it would fall after `until`): it will not go. */
  | { state: 'expired' };

/** The most instants one of a plan's memoised time-zone computations remembers (see `memo`). */
const MEMO_LIMIT = 2_048;

/** How many teachers a cooperative plan handles between two pauses (a few milliseconds of work). */
const TEACHERS_PER_STEP = 250;

/**
 * The planner proper: hands each pending send to `accept`, in no particular order, and yields
 * between steps of a few hundred teachers so that a caller can give the event loop a turn.
 */
function* planSteps(input: PlannerInput, accept: (send: PlannedSend) => void): Generator<void, void, undefined> {
  const { cohort, plan, log, now } = input;
  if (cohort.status !== 'active') return;
  const settings = { ...DEFAULT_SCHEDULE_SETTINGS, ...input.settings };
  const tz = cohort.timeZone;
  const window: SendingWindow = cohort.sendingWindow ?? DEFAULT_SENDING_WINDOW;
  // The zone arithmetic is memoised for this one plan: thousands of teachers share a few instants
  // (the same course end, the same invitation morning), so each is worked out once per cohort.
  // Each cache is emptied when it reaches MEMO_LIMIT: the instants a send actually went at are
  // nearly all different (~35,000 in a 5,000-teacher cohort's year), and remembering every one kept
  // several MB for the whole plan; the shared instants are worked out again after an emptying.
  const memo = <K, V>(compute: (key: K) => V): ((key: K) => V) => {
    const cache = new Map<K, V>();
    return (key) => {
      let value = cache.get(key);
      if (value === undefined) {
        value = compute(key);
        if (cache.size >= MEMO_LIMIT) cache.clear();
        cache.set(key, value);
      }
      return value;
    };
  };
  const windowedMs = memo((ms: number) => nextWindowStart(new Date(ms), tz, window));
  const windowed = (instant: Date) => windowedMs(instant.getTime());
  const dayStart = memo((date: LocalDate) => startOfLocalDay(date, tz));
  const localDayOfMs = memo((ms: number) => localDate(new Date(ms), tz));
  const floor = windowed(now);
  const courseEnd = localDate(cohort.courseEnd, tz);
  const year = postCourseYear(cohort);
  let handled = 0;

  function place(key: string, nominal: Date, until: Date): Placement {
    const row = log.rowOf(key);
    let earliest = nominal;
    let attempts: number | undefined;
    if (row >= 0) {
      const status = log.status(row);
      if (status === 'sent' || status === 'sending') {
        const sentAt = log.sentAt(row);
        return { state: 'done', at: new Date(Number.isNaN(sentAt) ? log.attemptedAt(row) : sentAt) };
      }
      const tried = log.attempts(row);
      if (status === 'undeliverable' || tried >= settings.maxAttempts) return { state: 'dead' };
      earliest = maxDate(nominal, new Date(log.attemptedAt(row) + settings.retryAfterMs * tried));
      attempts = tried;
    }
    const at = windowed(maxDate(earliest, floor));
    if (at.getTime() >= until.getTime()) return { state: 'expired' };
    return attempts === undefined ? { state: 'pending', at } : { state: 'pending', at, attempts };
  }

  function push(placement: Placement, send: Omit<PlannedSend, 'at' | 'attempts'>): void {
    if (placement.state !== 'pending') return;
    // `send` is always a fresh literal: completing it in place spares a copy per planned send.
    const planned = send as PlannedSend;
    planned.at = placement.at;
    if (placement.attempts !== undefined) planned.attempts = placement.attempts;
    accept(planned);
  }

  const cohortId = cohort.id;
  const key = (kind: SendKind, occasion: string, recipientId: string) =>
    sendKey({ cohortId, kind, occasion, recipientId });
  const writable = (t: PlannerTeacher) => t.reachable && t.consented && !t.optedOut && !t.anonymised;
  const teachers = input.teachers.filter((t) => !t.anonymised);
  const writableTeachers = teachers.filter(writable);
  const yearOver = dayStart(addDays(year.end, 1));

  // Stage prompts: each stage until the next one starts, so a late joiner gets only the current one.
  const stages = [...plan.stages].sort(
    (a, b) =>
      addOffset(courseEnd, a.startOffset).localeCompare(addOffset(courseEnd, b.startOffset)) || a.stage - b.stage,
  );
  for (const [i, s] of stages.entries()) {
    const nominal = dayStart(addOffset(courseEnd, s.startOffset));
    const next = stages[i + 1];
    const until = next ? dayStart(addOffset(courseEnd, next.startOffset)) : yearOver;
    const occasion = `stage-${s.stage}`;
    for (const t of writableTeachers) {
      const k = key('stage', occasion, t.participantId);
      push(place(k, maxDate(nominal, t.joinedAt), until), {
        key: k,
        kind: 'stage',
        occasion,
        recipientId: t.participantId,
        until,
        stage: s.stage,
      });
      if (++handled % TEACHERS_PER_STEP === 0) yield;
    }
  }

  // Questionnaires: the invitation while open, reminders every N days, then the curators.
  const reminders = remindersOf(plan);
  const afterReminderDaysMs = memo((ms: number) => plusLocalDays(new Date(ms), reminders.afterDays, tz));
  const afterReminderDays = (instant: Date) => afterReminderDaysMs(instant.getTime());
  const reachableCurators = input.curators.filter((c) => c.reachable && !c.anonymised);
  for (const q of plan.questionnaires) {
    const opens = addOffset(courseEnd, q.offset);
    const closes = addOffset(opens, q.closesAfter ?? DEFAULT_QUESTIONNAIRE_WINDOW);
    const closed = dayStart(addDays(closes, 1));
    const base = { survey: { questionnaireId: q.questionnaireId, occasion: q.occasion, closes }, until: closed };
    /** Non-responders by the local date their reminders ran out: one message per date. */
    const exhausted = new Map<LocalDate, { at: Date; teacherIds: string[] }>();

    for (const t of teachers) {
      if (++handled % TEACHERS_PER_STEP === 0) yield;
      const done = t.completed.has(completedKey(q.questionnaireId, q.occasion));
      const canSend = writable(t) && !done;
      const inviteKey = key('invite', q.occasion, t.participantId);
      const invite = place(inviteKey, maxDate(dayStart(opens), t.joinedAt), closed);
      if (canSend)
        push(invite, { key: inviteKey, kind: 'invite', occasion: q.occasion, recipientId: t.participantId, ...base });
      // Only someone actually invited (or about to be) can be reminded or reported as silent.
      if (!(invite.state === 'done' || (invite.state === 'pending' && canSend))) continue;

      let previous = invite.at;
      let remindersRan = true;
      for (let n = 1; n <= reminders.maxCount; n++) {
        const occasion = `${q.occasion}#${n}`;
        const k = key('reminder', occasion, t.participantId);
        const placed = place(k, afterReminderDays(previous), closed);
        if (placed.state === 'done') {
          previous = placed.at;
          continue;
        }
        if (placed.state === 'pending' && canSend) {
          push(placed, { key: k, kind: 'reminder', occasion, recipientId: t.participantId, reminder: n, ...base });
          previous = placed.at;
          continue;
        }
        remindersRan = false;
        break;
      }
      if (done) continue;
      const ranOut = remindersRan ? minDate(afterReminderDays(previous), closed) : closed;
      const when = windowed(ranOut);
      const date = localDayOfMs(when.getTime());
      const group = exhausted.get(date) ?? { at: when, teacherIds: [] };
      group.at = maxDate(group.at, when);
      group.teacherIds.push(t.participantId);
      exhausted.set(date, group);
    }

    const stale = dayStart(addOffset(closes, settings.nonRespondersCatchUp));
    for (const [date, group] of exhausted) {
      const occasion = `${q.occasion}@${date}`;
      for (const c of reachableCurators) {
        const k = key('non-responders', occasion, c.participantId);
        push(place(k, group.at, stale), {
          key: k,
          kind: 'non-responders',
          occasion,
          recipientId: c.participantId,
          survey: { questionnaireId: q.questionnaireId, occasion: q.occasion, closes },
          until: stale,
          teacherIds: [...group.teacherIds].sort(),
        });
      }
    }
  }

  // Month 9: teachers short of the year's three accepted activities.
  {
    const nominal = dayStart(addOffset(courseEnd, settings.activityNudgeOffset));
    const occasion = `activities${settings.activityNudgeOffset}`;
    for (const t of writableTeachers) {
      if (++handled % TEACHERS_PER_STEP === 0) yield;
      if (t.acceptedActivities >= requiredActivities(plan)) continue;
      const k = key('activity-nudge', occasion, t.participantId);
      push(place(k, maxDate(nominal, t.joinedAt), yearOver), {
        key: k,
        kind: 'activity-nudge',
        occasion,
        recipientId: t.participantId,
        until: yearOver,
      });
    }
  }

  // Curators: a few days before each half-year report is due; a weekend moves it earlier, not later.
  for (const { deadline, half } of halfYearDeadlines(year)) {
    const nominal = windowOpeningOnOrBefore(addDays(deadline, -settings.reportLeadDays), tz, window);
    const until = dayStart(deadline);
    const occasion = `half-year@${deadline}`;
    for (const c of reachableCurators) {
      // A curator's own /stop silences their reminders; a teacher's never does.
      if (c.optedOut) continue;
      const k = key('report-reminder', occasion, c.participantId);
      push(place(k, nominal, until), {
        key: k,
        kind: 'report-reminder',
        occasion,
        recipientId: c.participantId,
        until,
        deadline,
        half,
      });
    }
  }

  // The end of the year: a closing message, and the final survey to whoever has not completed it.
  {
    const closingDay = addOffset(courseEnd, settings.closingOffset);
    const nominal = dayStart(closingDay);
    const until = dayStart(addOffset(closingDay, settings.closingCatchUp));
    const final = finalSurveyOf(plan);
    for (const t of writableTeachers) {
      if (++handled % TEACHERS_PER_STEP === 0) yield;
      const k = key('closing', 'year-end', t.participantId);
      const closing = place(k, maxDate(nominal, t.joinedAt), until);
      push(closing, { key: k, kind: 'closing', occasion: 'year-end', recipientId: t.participantId, until });
      if (!final || t.completed.has(completedKey(final.questionnaireId, final.occasion))) continue;
      if (closing.state !== 'done' && closing.state !== 'pending') continue;
      const fk = key('final-survey', final.occasion, t.participantId);
      push(place(fk, closing.at, until), {
        key: fk,
        kind: 'final-survey',
        occasion: final.occasion,
        recipientId: t.participantId,
        until,
        survey: { ...final, closes: closingDay },
      });
    }
  }
}

/** Within one instant, the order a person reads things in; then by recipient, for a stable plan. */
function byTime(a: PlannedSend, b: PlannedSend): number {
  return (
    a.at.getTime() - b.at.getTime() ||
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    (a.recipientId < b.recipientId ? -1 : a.recipientId > b.recipientId ? 1 : 0)
  );
}

/** Gives the event loop a turn; the scheduler passes `() => new Promise((r) => setImmediate(r))`. */
export type Pause = () => Promise<void>;

function drain(steps: Generator<void, void, undefined>): void {
  while (!steps.next().done);
}

async function drainCooperatively(steps: Generator<void, void, undefined>, pause: Pause): Promise<void> {
  while (!steps.next().done) await pause();
}

/** Every send of the cohort's year still to go, in the order they go. */
export function planCohort(input: PlannerInput): PlannedSend[] {
  const out: PlannedSend[] = [];
  drain(planSteps(input, (send) => out.push(send)));
  return out.sort(byTime);
}

/** planCohort, pausing between steps: a cohort of thousands never holds the event loop for long. */
export async function planCohortCooperatively(input: PlannerInput, pause: Pause): Promise<PlannedSend[]> {
  const out: PlannedSend[] = [];
  await drainCooperatively(
    planSteps(input, (send) => out.push(send)),
    pause,
  );
  return out.sort(byTime);
}

/**
 * planCohortCooperatively up to `until` (exclusive): what a preview of a period shows, without
 * keeping the rest of the year (a 5,000-teacher cohort has ~140,000 sends left in it).
 */
export async function planUntilCooperatively(input: PlannerInput, until: Date, pause: Pause): Promise<PlannedSend[]> {
  const out: PlannedSend[] = [];
  const t = until.getTime();
  await drainCooperatively(
    planSteps(input, (send) => {
      if (send.at.getTime() < t) out.push(send);
    }),
    pause,
  );
  return out.sort(byTime);
}

export interface DuePlan {
  /** What goes now, in order (as dueAt(planCohort(input), input.now)). */
  due: PlannedSend[];
  /** When the cohort next has something to send after now (as nextSendAt). */
  next?: Date;
}

function dueCollector(now: Date): { accept: (send: PlannedSend) => void; result: () => DuePlan } {
  const due: PlannedSend[] = [];
  const t = now.getTime();
  let next: Date | undefined;
  return {
    // What is not due is only compared, never kept: the year's other sends die young.
    accept(send) {
      if (send.at.getTime() <= t) due.push(send);
      else if (!next || send.at.getTime() < next.getTime()) next = send.at;
    },
    result: () => (next ? { due: due.sort(byTime), next } : { due: due.sort(byTime) }),
  };
}

/** What the cohort sends now and when next, without sorting or keeping the rest of its year. */
export function planDue(input: PlannerInput): DuePlan {
  const collector = dueCollector(input.now);
  drain(planSteps(input, collector.accept));
  return collector.result();
}

/** planDue, pausing between steps. */
export async function planDueCooperatively(input: PlannerInput, pause: Pause): Promise<DuePlan> {
  const collector = dueCollector(input.now);
  await drainCooperatively(planSteps(input, collector.accept), pause);
  return collector.result();
}

/** What goes now: planned for this instant or earlier (only ever inside the window). */
export function dueAt(planned: readonly PlannedSend[], now: Date): PlannedSend[] {
  return planned.filter((p) => p.at.getTime() <= now.getTime());
}

/** When the cohort next has something to send; undefined when its year has nothing left. */
export function nextSendAt(planned: readonly PlannedSend[], now: Date): Date | undefined {
  let next: Date | undefined;
  for (const p of planned) if (p.at.getTime() > now.getTime() && (!next || p.at < next)) next = p.at;
  return next;
}

// Messages are keys of the i18n `imports` namespace: whoever shows a problem words it (src/import/zod-problems.ts).
const offset = z.string().refine(isOffset, { message: 'imports.z_offset' });
const occasionText = z.string().regex(/^[A-Za-z0-9_.-]{1,60}$/, { message: 'imports.z_occasion' });

const planText = (max: number) =>
  z.strictObject({
    ru: z.string().min(1).max(max),
    kk: z.string().min(1).max(max).optional(),
    en: z.string().min(1).max(max).optional(),
  });

/** A stage plan as data (programme or cohort), checked before the scheduler trusts it. */
export const stagePlanSchema = z
  .strictObject({
    stages: z
      .array(
        z.strictObject({
          stage: z.number().int().min(1).max(MAX_STAGES),
          startOffset: offset,
          title: planText(120).optional(),
          prompt: planText(2000).optional(),
          rules: stageRulesSchema.optional(),
        }),
      )
      .min(1),
    questionnaires: z.array(
      z.strictObject({
        questionnaireId: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/),
        offset,
        occasion: occasionText,
        // What reports call this run; a model's run title or a cohort file's. It changes nothing in the year.
        title: planText(80).optional(),
        closesAfter: offset.optional(),
      }),
    ),
    reminders: z
      .strictObject({ afterDays: z.number().int().min(1).max(60), maxCount: z.number().int().min(0).max(10) })
      .optional(),
    finalSurvey: z.strictObject({ questionnaireId: z.string().min(1), occasion: occasionText }).optional(),
    requiredActivities: z.number().int().min(1).max(100).optional(),
    model: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/)
      .optional(),
    tutorRequired: z.boolean().optional(),
  })
  .superRefine((plan, ctx) => {
    const seen = new Set<string>();
    plan.questionnaires.forEach((q, i) => {
      // The occasion is part of every idempotency key: two entries with one occasion would share their sends.
      if (seen.has(q.occasion))
        ctx.addIssue({
          code: 'custom',
          path: ['questionnaires', i, 'occasion'],
          message: 'imports.z_occasion_twice',
          params: { occasion: q.occasion },
        });
      seen.add(q.occasion);
    });
    const stages = new Set<number>();
    plan.stages.forEach((s, i) => {
      if (stages.has(s.stage))
        ctx.addIssue({
          code: 'custom',
          path: ['stages', i, 'stage'],
          message: 'imports.z_stage_twice',
          params: { stage: s.stage },
        });
      stages.add(s.stage);
    });
  });

/**
 * Every problem with a plan, each with its path under the plan; empty when the plan is usable.
 * Worded where they are shown (`planProblems` in src/import/zod-problems.ts).
 */
export function stagePlanProblems(plan: unknown): readonly z.core.$ZodIssue[] {
  const parsed = stagePlanSchema.safeParse(plan, { reportInput: true });
  return parsed.success ? [] : parsed.error.issues;
}
