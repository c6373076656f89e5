/**
 * Group support events reach the teachers (seed 000 table 1, seed 003 §3.6).
 *
 * A curator or tutor announces an event in the bot (flows/event.yaml); one recurring Agenda job
 * ("events:announce", every minute) asks each active teacher of the cohort about each event from
 * today on that they have not been asked about: the "event-invite" flow shows the event and takes
 * the answer in one tap. Someone in the middle of a dialog gets a notice pointing to /events
 * instead. The repository marks each teacher invited before asking, so a restart asks nobody twice;
 * a teacher who joins later is asked about the events still ahead.
 *
 *   const events = createEventAnnouncer({ scheduler, repos, engine, dispatcher, logger });
 *   await events.start();     // after scheduler.start()
 *   await events.runOnce();   // what the job does (tests, manual runs)
 */
import type { Job } from 'agenda';
import { formatLocalDate, localDate } from '../domain/calendar.js';
import type { Repositories } from '../domain/repositories.js';
import type { Dispatcher } from '../delivery/dispatcher.js';
import type { Engine } from '../engine/index.js';
import { translator, type MessageKey } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import type { Scheduler } from './agenda.js';

export const EVENT_ANNOUNCE_JOB = 'events:announce';

export interface EventAnnouncerDeps {
  scheduler: Pick<Scheduler, 'agenda'>;
  repos: Repositories;
  engine: Pick<Engine, 'trigger'>;
  dispatcher: Dispatcher;
  logger: Logger;
  now?: () => Date;
  everyMs?: number;
}

export interface EventAnnouncer {
  start(): Promise<void>;
  /** Invitations sent (or, to someone busy, the notice); returns how many teachers were asked. */
  runOnce(): Promise<number>;
}

export function createEventAnnouncer(deps: EventAnnouncerDeps): EventAnnouncer {
  const { repos, logger } = deps;
  const now = deps.now ?? (() => new Date());

  async function runOnce(): Promise<number> {
    let asked = 0;
    for (const cohort of await repos.cohorts.listByStatus('active')) {
      const today = localDate(now(), cohort.timeZone);
      for (const enrollment of await repos.enrollments.listByCohort(cohort.id, 'active')) {
        const pending = (await repos.supportEvents.listNotInvited(cohort.id, enrollment.participantId)).filter(
          (e) => e.date >= today,
        );
        for (const event of pending) {
          if (!(await repos.supportEvents.markInvited(event.id, enrollment.participantId))) continue;
          const teacher = await repos.participants.findById(enrollment.participantId);
          if (!teacher || teacher.anonymisedAt) continue;
          const t = translator(teacher.locale);
          const busy = t('events.busy_notice', {
            cohortTitle: cohort.title,
            kind: t(`events.kind_${event.kind}` as MessageKey),
            date: formatLocalDate(event.date),
            time: event.time,
          });
          try {
            const started = await deps.engine.trigger(teacher.id, 'event-invite', { eventId: event.id }, busy);
            await deps.dispatcher.dispatch(started.out);
            asked++;
          } catch (error) {
            // One teacher's trouble must not keep the others from hearing of the event.
            logger.error({ err: error, cohort: cohort.id }, 'event invitation failed');
          }
        }
      }
    }
    if (asked > 0) logger.info({ asked }, 'group event invitations sent');
    return asked;
  }

  return {
    async start() {
      deps.scheduler.agenda.define(EVENT_ANNOUNCE_JOB, async (job: Job) => {
        await job.touch();
        await runOnce();
      });
      await deps.scheduler.agenda.every(deps.everyMs ?? 60_000, EVENT_ANNOUNCE_JOB);
    },
    runOnce,
  };
}
