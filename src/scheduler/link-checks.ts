/**
 * Activity links stay alive (seed 001: results are presented "with active links").
 *
 * One recurring Agenda job ("links:check", every 10 minutes by default) looks at every active
 * cohort, works out which links are due (src/domain/link-check.ts: never checked — i.e. just
 * submitted or replaced —, a few days before a results-review stage or a half-year report, or
 * a month since the last check) and checks them with src/links/check.ts. Each result is stored on
 * the link; a link found dead twice in a row is reported once to the teacher (the "links" flow
 * asks for a new one) and to the cohort's curators.
 *
 * A check that got no answer at all (no network, DNS, timeout) decides nothing, for any link: it
 * is not a failure, nobody is told, the last verdict stands and the link is tried again 15 minutes
 * later, doubling up to a day (domain/result-link.ts). Production servers go offline for a while;
 * that must not make a teacher hear that their link is dead.
 *
 * Links given in questionnaire answers (domain/result-link.ts) are checked in the same pass, on
 * the same calendar; the server's answer decides them at once. Found open, the
 * teacher's results count as presented: their stages are re-evaluated and the change audited.
 * Found dead, the teacher is told once (the "links" flow asks for a working one) and so are the
 * cohort's curators.
 *
 *   const links = createLinkCheckService({ scheduler, repos, engine, dispatcher, checker, logger });
 *   await links.start();     // after scheduler.start()
 *   await links.runOnce();   // what the job does (tests, manual runs)
 */
import type { Job } from 'agenda';
import type { Activity, ActivityLink } from '../domain/activity.js';
import type { Cohort } from '../domain/cohort.js';
import { linkCheckCutoff, isLinkDue, shouldAlert, type LinkCheckSettings } from '../domain/link-check.js';
import { linkVerdict, resultLinkChange, resultLinkCheck, retryAt, type ResultLink } from '../domain/result-link.js';
import { halfYearDeadlines } from '../domain/post-course-plan.js';
import type { Repositories } from '../domain/repositories.js';
import type { StagePlan } from '../domain/stage.js';
import { effectivePlan, postCourseYear } from '../domain/stage-plan.js';
import type { Dispatcher } from '../delivery/dispatcher.js';
import type { Engine, Outbound } from '../engine/index.js';
import { translator } from '../i18n/index.js';
import type { LinkChecker } from '../links/check.js';
import type { Logger } from '../logger.js';
import { recordResultLinks } from '../progress/result-links.js';
import { reevaluateStages } from '../progress/service.js';
import type { QuestionnaireCatalog } from '../questionnaires/index.js';
import { localized } from '../questionnaires/index.js';
import type { Scheduler } from './agenda.js';
import { displayName } from './messages.js';

export const LINK_CHECK_JOB = 'links:check';

export interface LinkCheckDeps {
  scheduler: Pick<Scheduler, 'agenda'>;
  repos: Repositories;
  engine: Pick<Engine, 'trigger'>;
  dispatcher: Dispatcher;
  checker: LinkChecker;
  logger: Logger;
  now?: () => Date;
  everyMs?: number;
  settings?: LinkCheckSettings;
  /**
   * Start offsets of the stages whose review needs live links. Default: the last stage of the
   * cohort's plan (the Kazakhstan model's stage 3, "results with active links").
   */
  reviewStageOffsets?: (plan: StagePlan) => string[];
  /** Questionnaire titles for the notices about links in answers (the id is shown without it). */
  questionnaires?: Pick<QuestionnaireCatalog, 'get'>;
}

export interface LinkCheckRun {
  /** Links a server answered for (alive or not). */
  checked: number;
  alive: number;
  /** Links whose teachers and curators were told on this run (activities: dead twice; answers: dead). */
  alerted: number;
  /** Links no check could reach (no network, DNS, timeout): the verdict stays as it was, tried again later. */
  unknown: number;
}

export interface LinkCheckService {
  start(): Promise<void>;
  runOnce(): Promise<LinkCheckRun>;
}

function lastStageOffset(plan: StagePlan): string[] {
  const stages = [...plan.stages].sort((a, b) => a.stage - b.stage);
  const last = stages.at(-1);
  return last ? [last.startOffset] : [];
}

export function createLinkCheckService(deps: LinkCheckDeps): LinkCheckService {
  const { repos, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const reviewOffsets = deps.reviewStageOffsets ?? lastStageOffset;

  async function alert(cohort: Cohort, activity: Activity, link: ActivityLink): Promise<void> {
    const teacher = await repos.participants.findById(activity.participantId);
    if (!teacher) return;
    const tt = translator(teacher.locale);
    const params = { title: activity.title, url: link.url };
    const started = await deps.engine.trigger(teacher.id, 'links', {}, tt('links.busy_notice', params));
    const out: Outbound[] = [];
    if (started.status === 'started') {
      out.push({
        to: { kind: 'participant', participantId: teacher.id },
        message: { kind: 'text', text: tt('links.dead_notice', params) },
      });
    }
    out.push(...started.out);
    for (const curator of await repos.participants.findByIds(cohort.curatorIds)) {
      const t = translator(curator.locale);
      const status = t(`links.status_${link.status ?? 'unreachable'}` as 'links.status_dead', {
        httpStatus: link.httpStatus ?? '',
      });
      out.push({
        to: { kind: 'participant', participantId: curator.id },
        message: {
          kind: 'text',
          text: t('links.curator_dead', {
            teacher: displayName(teacher, curator.locale),
            cohortTitle: cohort.title,
            title: activity.title,
            url: link.url,
            status,
          }),
        },
      });
    }
    await deps.dispatcher.dispatch(out);
  }

  const titleOf = (link: ResultLink, locale: Parameters<typeof localized>[1]) => {
    const q = deps.questionnaires?.get(link.questionnaireId);
    return q ? localized(q.title, locale) : link.questionnaireId;
  };

  async function alertResult(cohort: Cohort, link: ResultLink): Promise<void> {
    const teacher = await repos.participants.findById(link.participantId);
    if (!teacher) return;
    const tt = translator(teacher.locale);
    const state = (t: typeof tt) =>
      t(`links.status_${link.status ?? 'dead'}` as 'links.status_dead', { httpStatus: link.httpStatus ?? '' });
    const params = { title: titleOf(link, teacher.locale), url: link.url, status: state(tt) };
    const started = await deps.engine.trigger(teacher.id, 'links', {}, tt('links.result_busy_notice', params));
    const out: Outbound[] = [];
    if (started.status === 'started') {
      out.push({
        to: { kind: 'participant', participantId: teacher.id },
        message: { kind: 'text', text: tt('links.result_dead_notice', params) },
      });
    }
    out.push(...started.out);
    for (const curator of await repos.participants.findByIds(cohort.curatorIds)) {
      const t = translator(curator.locale);
      const text = t('links.curator_result_dead', {
        teacher: displayName(teacher, curator.locale),
        cohortTitle: cohort.title,
        title: titleOf(link, curator.locale),
        url: link.url,
        status: state(t),
      });
      out.push({ to: { kind: 'participant', participantId: curator.id }, message: { kind: 'text', text } });
    }
    await deps.dispatcher.dispatch(out);
  }

  // Answers completed before links in answers were recorded get their records once per process.
  const backfilled = new Set<string>();
  async function backfill(cohort: Cohort, at: Date): Promise<void> {
    if (backfilled.has(cohort.id)) return;
    const recorded = new Set((await repos.resultLinks.listByCohorts([cohort.id])).map((l) => l.responseId));
    for (const response of await repos.responses.listByCohort(cohort.id, { status: 'completed' })) {
      if (!recorded.has(response.id)) await recordResultLinks(repos, response, response.completedAt ?? at);
    }
    backfilled.add(cohort.id);
  }

  async function runResultLinks(cohort: Cohort, cutoff: Date, at: Date, result: LinkCheckRun): Promise<void> {
    await backfill(cohort, at);
    const due = await repos.resultLinks.listDue(cohort.id, cutoff, at);
    if (due.length === 0) return;
    const checks = await deps.checker.checkAll(due.map((l) => l.url));
    for (const [i, check] of checks.entries()) {
      const link = due[i]!;
      const outcome = resultLinkCheck(check, link.attempts);
      const stored = await repos.resultLinks.recordCheck(link.id, link.url, outcome);
      if (!stored) continue;
      if (outcome.kind === 'unknown') {
        result.unknown++;
        continue;
      }
      result.checked++;
      if (outcome.reachable) result.alive++;
      const change = resultLinkChange(stored.before, stored.after);
      if (change === 'none') continue;
      const event = {
        participantId: link.participantId,
        cohortId: link.cohortId,
        at: outcome.at,
        actor: 'system',
      } as const;
      await reevaluateStages(repos, { ...event, kind: change === 'became-live' ? 'results.presented' : 'link.dead' });
      if (change === 'became-dead' && (await repos.resultLinks.markTold(link.id, outcome.at))) {
        result.alerted++;
        await alertResult(cohort, stored.after);
      }
    }
  }

  async function runCohort(cohort: Cohort, result: LinkCheckRun): Promise<void> {
    const at = now();
    const programme = await repos.programmes.findById(cohort.programmeId);
    const plan = effectivePlan(cohort, programme);
    const cutoff = linkCheckCutoff(
      {
        courseEnd: cohort.courseEnd,
        timeZone: cohort.timeZone,
        reviewStageOffsets: reviewOffsets(plan),
        reportDeadlines: halfYearDeadlines(postCourseYear(cohort)).map((d) => d.deadline),
      },
      at,
      deps.settings,
    );
    await runResultLinks(cohort, cutoff, at, result);
    const activities = await repos.activities.listWithLinksDue(cohort.id, cutoff, at);
    const due = activities.flatMap((activity) =>
      activity.links.filter((l) => isLinkDue(l, cutoff, at)).map((l) => ({ activity, link: l })),
    );
    if (due.length === 0) return;
    const checks = await deps.checker.checkAll(due.map((d) => d.link.url));
    for (const [i, check] of checks.entries()) {
      const { activity, link } = due[i]!;
      // No answer at all decides nothing: never a failure, never a notice; tried again later.
      if (linkVerdict(check.status) === 'unknown') {
        await repos.activities.recordLinkAttempt(
          activity.id,
          check.url,
          retryAt(check.checkedAt, (link.attempts ?? 0) + 1),
        );
        result.unknown++;
        continue;
      }
      const stored = await repos.activities.recordLinkCheck(activity.id, {
        url: check.url,
        checkedAt: check.checkedAt,
        reachable: check.reachable,
        status: check.status,
        ...(check.httpStatus !== undefined ? { httpStatus: check.httpStatus } : {}),
      });
      result.checked++;
      if (check.reachable) result.alive++;
      // A plan whose live-link rule names no questionnaire counts accepted activities' links too.
      const change = stored ? resultLinkChange(link, stored) : 'none';
      if (change !== 'none' && activity.status === 'accepted') {
        const event = {
          participantId: activity.participantId,
          cohortId: activity.cohortId,
          at: check.checkedAt,
          actor: 'system',
        } as const;
        await reevaluateStages(repos, { ...event, kind: change === 'became-live' ? 'results.presented' : 'link.dead' });
      }
      if (stored && shouldAlert(stored.failures ?? 0)) {
        result.alerted++;
        await alert(cohort, activity, stored);
      }
    }
  }

  async function runOnce(): Promise<LinkCheckRun> {
    const result: LinkCheckRun = { checked: 0, alive: 0, alerted: 0, unknown: 0 };
    for (const cohort of await repos.cohorts.listByStatus('active')) {
      try {
        await runCohort(cohort, result);
      } catch (error) {
        // One cohort's trouble must not stop the others' checks.
        logger.error({ err: error, cohort: cohort.id }, 'link check failed for a cohort');
      }
    }
    if (result.checked > 0 || result.unknown > 0) logger.info(result, 'links checked');
    return result;
  }

  return {
    async start() {
      deps.scheduler.agenda.define(LINK_CHECK_JOB, async (job: Job) => {
        await job.touch();
        await runOnce();
      });
      await deps.scheduler.agenda.every(deps.everyMs ?? 10 * 60_000, LINK_CHECK_JOB);
    },
    runOnce,
  };
}
