// Sending, always through the send log: a send takes its idempotency key (unique index) before
// anything goes, then records the outcome. A duplicated job, a second instance or a rerun after a
// crash finds the key taken and sends nothing; a key taken and never confirmed (a crash mid-send)
// is not retried: at most once.
import type { Repositories } from '../domain/repositories.js';
import type { SendKey } from '../domain/scheduled-send.js';
import type { Dispatcher } from '../delivery/dispatcher.js';
import type { Logger } from '../logger.js';
import type { Composed, Outcome } from './compose.js';

export interface SendLogDeps {
  repos: Pick<Repositories, 'scheduledSends'>;
  dispatcher: Dispatcher;
  logger: Logger;
  now: () => Date;
}

export interface LoggedSend extends SendKey {
  key: string;
  /** When the planner wanted it to go. */
  dueAt: Date;
  /** A retry: attempts made so far (the log record's count, for a compare-and-set retake). */
  attempts?: number;
}

export type SendResult =
  /** Someone else had taken the key: to this caller it is as good as sent. */
  { taken: false; at: Date; attempts: number } | { taken: true; outcome: Outcome; at: Date; attempts: number };

/** What the dispatcher's deliveries mean for the send as a whole. */
export function outcomeOf(deliveries: Awaited<ReturnType<Dispatcher['dispatch']>>): Outcome {
  const first = deliveries[0];
  if (!first) return { status: 'undeliverable', detail: 'nothing to send' };
  if (first.outcome.ok) {
    const failed = deliveries.filter((d) => !d.outcome.ok).length;
    // Once the first message is through, sending again would repeat it: the rest is reported, not retried.
    return failed > 0
      ? { status: 'sent', detail: `${failed} of ${deliveries.length} messages not delivered` }
      : { status: 'sent' };
  }
  return {
    status: first.outcome.retryable ? 'failed' : 'undeliverable',
    detail: `${first.outcome.kind}: ${first.outcome.detail}`,
  };
}

export function createSendLog(deps: SendLogDeps) {
  const { repos, logger, now } = deps;
  return {
    /** Takes the key, composes (only once the key is ours: composing may start a dialog), sends, records the outcome. */
    async send(item: LoggedSend, compose: () => Promise<Composed>): Promise<SendResult> {
      const takenAt = now();
      const { attempts: before, ...record } = item;
      const mine =
        before === undefined
          ? (await repos.scheduledSends.take({ ...record, at: takenAt })) === 'mine'
          : await repos.scheduledSends.retake(item.key, before, takenAt);
      const attempts = (before ?? 0) + 1;
      if (!mine) return { taken: false, at: takenAt, attempts };
      let outcome: Outcome;
      try {
        const composed = await compose();
        outcome = Array.isArray(composed) ? outcomeOf(await deps.dispatcher.dispatch(composed)) : composed;
      } catch (error) {
        // Nothing reached the person (the dispatcher reports send errors as outcomes): safe to try again.
        logger.error({ err: error, cohort: item.cohortId, kind: item.kind }, 'scheduled send failed');
        outcome = { status: 'failed', detail: (error as Error).message };
      }
      const finishedAt = now();
      await repos.scheduledSends.finish(item.key, {
        status: outcome.status,
        at: finishedAt,
        ...(outcome.detail ? { detail: outcome.detail } : {}),
      });
      if (outcome.status !== 'sent') {
        logger.warn(
          { cohort: item.cohortId, kind: item.kind, status: outcome.status, detail: outcome.detail },
          'scheduled send not delivered',
        );
      }
      return { taken: true, outcome, at: finishedAt, attempts };
    },
  };
}

export type SendLog = ReturnType<typeof createSendLog>;
