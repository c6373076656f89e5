/**
 * The post-course year runs itself: stage prompts, questionnaire invitations, reminders, the
 * curators' notices and deadlines, the closing message — planned by the pure planner in
 * src/domain/post-course-plan.ts and sent from Agenda jobs.
 *
 * Public API (for src/app.ts):
 *
 *   const postCourse = createPostCourseScheduler({
 *     scheduler,           // createScheduler(...) from ./agenda.ts (Agenda 6 on the store's db)
 *     repos,               // store.repositories (needs repos.scheduledSends: the send log)
 *     engine,              // invitations go through engine.trigger(participant, 'surveys', ...)
 *     dispatcher,          // delivers plain texts and the engine's output
 *     content?,            // questionnaire titles; without it the id is shown
 *     logger,
 *     now?,                // injected clock (tests); default () => new Date()
 *     reports?,            // HalfYearReportSource: the monitoring issue attaches the half-year report
 *     settings?,           // Partial<ScheduleSettings>: nudge/closing offsets, report lead days, retries
 *     canReach?,           // who counts as reachable; default: has a chat that has not blocked the bot
 *     sweepEveryMs?,       // safety sweep interval (default 30 min)
 *     chunkSize?,          // sends between two job.touch() calls (default 25)
 *   });
 *   await postCourse.start();                     // after scheduler.start(): schedules the sweep, plans every active cohort
 *   await postCourse.cohortChanged(cohortId);     // after an import, a date or status change: reschedule, or cancel
 *   await postCourse.preview(cohortId, from, to); // CohortPreview | undefined: what goes to whom and when
 *   await postCourse.health();                    // { queueDepth, oldestOverdue, running, unconfirmedSends }
 *   await postCourse.stop();                      // before scheduler.stop(): no new chunks, waits for running ones
 *   await postCourse.teacherChanged(participantId); // she joined, consented, came back: her sends alone, at once
 *   await postCourse.runCohort(cohortId);         // what the cohort job does (tests, manual runs)
 *   await postCourse.runTeacher(cohortId, participantId); // what the teacher job does
 *   await postCourse.reconcile();                 // what the sweep does
 *
 * Agenda holds one job per cohort ("post-course:cohort", unique on data.cohortId) scheduled at the
 * cohort's next due instant, plus one recurring sweep: never a stored job per teacher per reminder.
 * Every send takes its idempotency key in the send log (unique index) before it goes, so a
 * duplicated job, a second instance or a rerun after a crash sends nothing twice; a key taken and
 * never confirmed (a crash mid-send) is not retried: at most once, and counted in health().
 *
 * The parts: ./state.ts reads a cohort from the store; ./planning.ts (pure, over
 * src/domain/post-course-plan.ts) says what is due and when to run next; ./compose.ts says what a
 * send says; ./send-log.ts sends it through the send log; this file holds the Agenda jobs.
 */
import type { Job } from 'agenda';
import type { Cohort } from '../domain/cohort.js';
import type { PlannedSend, ScheduleSettings } from '../domain/post-course-plan.js';
import type { Repositories } from '../domain/repositories.js';
import type { SendStatus } from '../domain/scheduled-send.js';
import { DEFAULT_SENDING_WINDOW, isInWindow } from '../domain/sending-window.js';
import type { Dispatcher } from '../delivery/dispatcher.js';
import type { Content, Engine } from '../engine/index.js';
import { problemText } from '../import/fields.js';
import type { Logger } from '../logger.js';
import type { Scheduler } from './agenda.js';
import { createComposer, type HalfYearReportSource } from './compose.js';
import { MAX_ROUNDS, nextRun, planDueAt } from './planning.js';
import { previewCohort, type CohortPreview } from './preview.js';
import { createSendLog } from './send-log.js';
import { loadCohortState, loadTeacherState, reachableByChat, type CohortState, type ReachCheck } from './state.js';

/** The log is read by operators: a plan's problems in English. */
const planLines = (problems: CohortState['planProblems']) => problems.map(problemText('en'));

export type { HalfYearReportSource } from './compose.js';

export const COHORT_JOB = 'post-course:cohort';
export const SWEEP_JOB = 'post-course:sweep';
/** One teacher's sends, planned alone after something of hers changed (see teacherChanged). */
export const TEACHER_JOB = 'post-course:teacher';

interface TeacherJobData {
  cohortId: string;
  participantId: string;
}

export interface PostCourseHealth {
  /** Cohort jobs due and not yet picked up. */
  queueDepth: number;
  /** The oldest due time among them: a stuck scheduler shows here first. */
  oldestOverdue: Date | null;
  /** Cohort jobs running now. */
  running: number;
  /** Sends taken and never confirmed for longer than a job's lock: crashes mid-send; not retried. */
  unconfirmedSends: number;
}

export interface RunResult {
  /** Sends this run took and made (sent, failed or undeliverable). */
  attempted: number;
  sent: number;
  /** Sends someone else had already taken. */
  skipped: number;
  /** When the cohort has something to send next; undefined: nothing left (or not active). */
  next?: Date;
}

export interface PostCourseScheduler {
  start(): Promise<void>;
  stop(timeoutMs?: number): Promise<void>;
  cohortChanged(cohortId: string): Promise<Date | undefined>;
  preview(cohortId: string, from: Date, to: Date): Promise<CohortPreview | undefined>;
  health(): Promise<PostCourseHealth>;
  runCohort(cohortId: string, options?: { touch?: () => Promise<void> }): Promise<RunResult>;
  /**
   * Something of one teacher's changed (she joined, gave consent, wrote to the bot from a new
   * chat, came back from /stop): her sends are planned alone, in a job that runs at once.
   * Without a cohort: each cohort she is active in.
   */
  teacherChanged(participantId: string, cohortId?: string): Promise<void>;
  /** What that job does (tests, manual runs): her due sends now; the cohort job no later than her next. */
  runTeacher(cohortId: string, participantId: string): Promise<RunResult>;
  reconcile(options?: { touch?: () => Promise<void> }): Promise<void>;
}

export interface PostCourseDeps {
  scheduler: Pick<Scheduler, 'agenda'>;
  repos: Repositories;
  engine: Pick<Engine, 'trigger'>;
  dispatcher: Dispatcher;
  content?: Content;
  logger: Logger;
  now?: () => Date;
  reports?: HalfYearReportSource;
  settings?: Partial<ScheduleSettings>;
  canReach?: ReachCheck;
  sweepEveryMs?: number;
  chunkSize?: number;
  /** A job holding its lock longer than this is presumed dead (Agenda's lock lifetime). */
  lockLifetimeMs?: number;
  /**
   * How long after one teacher's change her sends are planned (default 1 min): the reply to the
   * message that changed her, and the few questions that follow joining, go first.
   */
  teacherChangeDelayMs?: number;
}

export function createPostCourseScheduler(deps: PostCourseDeps): PostCourseScheduler {
  const { agenda } = deps.scheduler;
  const { repos, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const canReach = deps.canReach ?? reachableByChat;
  const chunkSize = Math.max(1, deps.chunkSize ?? 25);
  const sweepEveryMs = deps.sweepEveryMs ?? 30 * 60_000;
  const lockLifetimeMs = deps.lockLifetimeMs ?? 10 * 60_000;
  const teacherChangeDelayMs = deps.teacherChangeDelayMs ?? 60_000;
  const compose = createComposer({
    engine: deps.engine,
    ...(deps.content ? { content: deps.content } : {}),
    ...(deps.reports ? { reports: deps.reports } : {}),
  });
  const sendLog = createSendLog({ repos, dispatcher: deps.dispatcher, logger, now });
  let stopping = false;
  const inFlight = new Set<Promise<unknown>>();

  function track<T>(work: Promise<T>): Promise<T> {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => {});
    return work;
  }

  agenda.define<{ cohortId: string }>(COHORT_JOB, async (job: Job<{ cohortId: string }>) => {
    const result = await runCohort(job.attrs.data.cohortId, { touch: () => job.touch() });
    // Agenda saves the job's state after this returns: the next due instant is that state.
    job.attrs.nextRunAt = result.next ?? null;
  });
  agenda.define<TeacherJobData>(TEACHER_JOB, async (job: Job<TeacherJobData>) => {
    await runTeacher(job.attrs.data.cohortId, job.attrs.data.participantId);
  });
  agenda.define(SWEEP_JOB, async (job: Job) => {
    await reconcile({ touch: () => job.touch() });
  });

  async function cancel(cohortId: string): Promise<void> {
    await agenda.cancel({ name: COHORT_JOB, data: { cohortId } });
  }

  /** The cohort's job runs at `at` unless it is due sooner already (or running: it plans its own next run). */
  async function scheduleNoLaterThan(cohortId: string, at: Date): Promise<void> {
    const { jobs } = await agenda.queryJobs({ name: COHORT_JOB, data: { cohortId } });
    const job = jobs[0];
    if (job?.lockedAt) return;
    if (job?.nextRunAt && job.nextRunAt.getTime() <= at.getTime()) return;
    await schedule(cohortId, at);
  }

  async function schedule(cohortId: string, at: Date | undefined): Promise<void> {
    if (!at) {
      await cancel(cohortId);
      return;
    }
    const { jobs } = await agenda.queryJobs({ name: COHORT_JOB, data: { cohortId } });
    const job = jobs[0];
    // A running job plans its own next run when it finishes, from what it reads then.
    if (job?.lockedAt) return;
    if (job?.nextRunAt && job.nextRunAt.getTime() === at.getTime()) return;
    await agenda.create(COHORT_JOB, { cohortId }).unique({ 'data.cohortId': cohortId }).schedule(at).save();
  }

  function remember(state: CohortState, item: PlannedSend, status: SendStatus, at: Date, attempts: number): void {
    state.log.set(item.key, status, attempts, at.getTime(), status === 'sent' ? at.getTime() : Number.NaN);
  }

  /** One planned send through the send log; the cohort's state learns what became of it. */
  async function deliver(item: PlannedSend, state: CohortState): Promise<'sent' | 'attempted' | 'skipped'> {
    const send = {
      key: item.key,
      cohortId: state.cohort.id,
      kind: item.kind,
      occasion: item.occasion,
      recipientId: item.recipientId,
      dueAt: item.at,
      ...(item.attempts === undefined ? {} : { attempts: item.attempts }),
    };
    const result = await sendLog.send(send, () => compose(item, state));
    if (!result.taken) {
      // Someone else has it; to this run it is as good as sent.
      remember(state, item, 'sending', result.at, result.attempts);
      return 'skipped';
    }
    remember(state, item, result.outcome.status, result.at, result.attempts);
    return result.outcome.status === 'sent' ? 'sent' : 'attempted';
  }

  /**
   * Plans and sends what is due for the state read (a cohort, or one teacher of it), in rounds
   * while more falls due; returns what it did and when the state has something to send next.
   */
  async function sendDue(
    state: CohortState,
    log: Logger,
    options: { touch?: () => Promise<void> },
  ): Promise<RunResult & { stopped?: 'inactive' }> {
    const result: RunResult = { attempted: 0, sent: 0, skipped: 0 };
    const { cohort } = state;
    const window = cohort.sendingWindow ?? DEFAULT_SENDING_WINDOW;
    rounds: for (let round = 0; round < MAX_ROUNDS; round++) {
      const plan = await planDueAt(state, now(), deps.settings);
      const due = plan.due;
      if (due.length === 0) break;
      for (let i = 0; i < due.length; i += chunkSize) {
        if (stopping) break rounds;
        for (const item of due.slice(i, i + chunkSize)) {
          const done = await deliver(item, state);
          if (done === 'skipped') result.skipped++;
          else {
            result.attempted++;
            if (done === 'sent') result.sent++;
          }
        }
        // Keeps Agenda's lock: a fan-out longer than the lock lifetime must not start twice.
        await options.touch?.();
        const fresh = await repos.cohorts.findById(cohort.id);
        if (fresh?.status !== 'active') {
          log.info('cohort is no longer active; its sends stop here');
          return { ...result, stopped: 'inactive' };
        }
        if (!isInWindow(now(), cohort.timeZone, window)) break rounds;
      }
      // Planning again pays only when the plan had more falling due while this round ran.
      if (!plan.next || plan.next.getTime() > now().getTime()) break;
    }
    if (result.attempted + result.skipped > 0) {
      log.info({ sent: result.sent, attempted: result.attempted, skipped: result.skipped }, 'scheduled sends done');
    }
    const at = now();
    // Whatever stopped this run early (shutdown, too many rounds) leaves sends due: the job comes back at once.
    const next = nextRun(await planDueAt(state, at, deps.settings), at);
    return next ? { ...result, next } : result;
  }

  async function runCohort(cohortId: string, options: { touch?: () => Promise<void> } = {}): Promise<RunResult> {
    return track(
      (async () => {
        const cohort = await repos.cohorts.findById(cohortId);
        if (cohort?.status !== 'active') {
          await cancel(cohortId);
          return { attempted: 0, sent: 0, skipped: 0 };
        }
        const log = logger.child({ cohort: cohort.id });
        const state = await loadCohortState(repos, cohort, canReach);
        if (state.planProblems.length > 0) {
          log.error(
            { problems: planLines(state.planProblems) },
            'stage plan is invalid; nothing is sent for this cohort',
          );
          return { attempted: 0, sent: 0, skipped: 0 };
        }
        const { stopped, ...result } = await sendDue(state, log, options);
        if (stopped) {
          await cancel(cohortId);
          const { next: _, ...sofar } = result;
          return sofar;
        }
        return result;
      })(),
    );
  }

  /**
   * One teacher's part of the cohort's year, planned alone by the same planner: what is due for
   * her now goes through the send log now, and the cohort's job is brought forward if her next
   * send comes before it. The cohort job and the sweep plan her as before; the send log keeps
   * any send from going twice whichever plans it first.
   */
  async function runTeacher(cohortId: string, participantId: string): Promise<RunResult> {
    return track(
      (async () => {
        const cohort = await repos.cohorts.findById(cohortId);
        if (cohort?.status !== 'active') return { attempted: 0, sent: 0, skipped: 0 };
        const state = await loadTeacherState(repos, cohort, participantId, canReach);
        if (state.planProblems.length > 0 || state.teachers.length === 0) return { attempted: 0, sent: 0, skipped: 0 };
        const { stopped, ...result } = await sendDue(state, logger.child({ cohort: cohort.id }), {});
        if (stopped) {
          await cancel(cohortId);
          const { next: _, ...sofar } = result;
          return sofar;
        }
        if (result.next) await scheduleNoLaterThan(cohortId, result.next);
        return result;
      })(),
    );
  }

  async function teacherChanged(participantId: string, cohortId?: string): Promise<void> {
    const cohortIds = cohortId
      ? [cohortId]
      : (await repos.enrollments.listByParticipant(participantId))
          .filter((e) => e.status === 'active')
          .map((e) => e.cohortId);
    for (const id of cohortIds) {
      // A job rather than a call: it runs on whichever instance picks it up, after the reply to
      // the message that changed her has gone, and a second change before it runs is the same job.
      // Agenda runs jobs by the real clock, so the delay counts from it.
      await agenda
        .create<TeacherJobData>(TEACHER_JOB, { cohortId: id, participantId })
        .unique({ 'data.cohortId': id, 'data.participantId': participantId })
        .schedule(new Date(Date.now() + teacherChangeDelayMs))
        .save();
    }
  }

  async function planNext(cohort: Cohort): Promise<Date | undefined> {
    if (cohort.status !== 'active') return undefined;
    const state = await loadCohortState(repos, cohort, canReach);
    if (state.planProblems.length > 0) {
      logger.error(
        { cohort: cohort.id, problems: planLines(state.planProblems) },
        'stage plan is invalid; nothing is sent for this cohort',
      );
      return undefined;
    }
    const at = now();
    return nextRun(await planDueAt(state, at, deps.settings), at);
  }

  async function cohortChanged(cohortId: string): Promise<Date | undefined> {
    const cohort = await repos.cohorts.findById(cohortId);
    if (cohort?.status !== 'active') {
      await cancel(cohortId);
      return undefined;
    }
    const next = await planNext(cohort);
    await schedule(cohortId, next);
    return next;
  }

  async function reconcile(options: { touch?: () => Promise<void> } = {}): Promise<void> {
    const active = await repos.cohorts.listByStatus('active');
    const activeIds = new Set(active.map((c) => c.id));
    const { jobs } = await agenda.queryJobs({ name: COHORT_JOB });
    for (const job of jobs) {
      const cohortId = (job.data as { cohortId?: unknown } | undefined)?.cohortId;
      if (typeof cohortId === 'string' && !activeIds.has(cohortId)) await cancel(cohortId);
    }
    let n = 0;
    for (const cohort of active) {
      if (stopping) return;
      try {
        await schedule(cohort.id, await planNext(cohort));
      } catch (error) {
        logger.error({ err: error, cohort: cohort.id }, 'could not plan a cohort');
      }
      if (++n % chunkSize === 0) await options.touch?.();
    }
  }

  return {
    async start() {
      stopping = false;
      await agenda.every(sweepEveryMs, SWEEP_JOB);
      await track(reconcile());
    },
    async stop(timeoutMs = 30_000) {
      stopping = true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.allSettled([...inFlight]), timeout]);
      clearTimeout(timer);
    },
    cohortChanged: (cohortId) => track(cohortChanged(cohortId)),
    preview: (cohortId, from, to) =>
      previewCohort(
        {
          repos,
          canReach,
          ...(deps.content ? { content: deps.content } : {}),
          ...(deps.settings ? { settings: deps.settings } : {}),
        },
        cohortId,
        from,
        to,
      ),
    async health() {
      const at = now();
      const { jobs } = await agenda.queryJobs({ name: COHORT_JOB });
      let queueDepth = 0;
      let oldestOverdue: Date | null = null;
      let running = 0;
      for (const job of jobs) {
        if (job.lockedAt) {
          running++;
          continue;
        }
        if (job.nextRunAt && job.nextRunAt.getTime() <= at.getTime()) {
          queueDepth++;
          if (!oldestOverdue || job.nextRunAt < oldestOverdue) oldestOverdue = job.nextRunAt;
        }
      }
      const unconfirmedSends = await repos.scheduledSends.countUnconfirmed(new Date(at.getTime() - lockLifetimeMs));
      return { queueDepth, oldestOverdue, running, unconfirmedSends };
    },
    runCohort,
    teacherChanged: (participantId, cohortId) => track(teacherChanged(participantId, cohortId)),
    runTeacher,
    reconcile: (options) => track(reconcile(options)),
  };
}
