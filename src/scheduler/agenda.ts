// Agenda 6 on the store's own database. Jobs are defined by the scheduler issue; this module owns
// the instance's life: start, health, graceful stop.
import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import type { Logger } from '../logger.js';

export interface SchedulerOptions {
  db: Db;
  logger: Logger;
  /** Poll interval in ms. A number on purpose: Agenda 6 misreads '300 milliseconds' as minutes. */
  processEveryMs?: number;
  /** How long a running job may keep its lock before another worker takes it over. */
  lockLifetimeMs?: number;
}

export interface Scheduler {
  readonly agenda: Agenda;
  start(): Promise<void>;
  state(): 'stopped' | 'running';
  /** Lets running jobs finish (up to `timeoutMs`), then stops polling. */
  stop(timeoutMs?: number): Promise<void>;
}

export function createScheduler({
  db,
  logger,
  processEveryMs = 5_000,
  lockLifetimeMs = 10 * 60_000,
}: SchedulerOptions): Scheduler {
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: db, collection: 'agenda_jobs' }),
    processEvery: processEveryMs,
    defaultLockLifetime: lockLifetimeMs,
    name: 'sputnik',
  });
  // The Db is the store's: draining Agenda must not close it (a passed-in Db is not Agenda's to close).
  agenda.on('error', (error) => logger.error({ err: error }, 'scheduler error'));
  agenda.on('fail', (error: Error | string, job: { attrs?: { name?: string } } | { jobName?: string }) => {
    const name = 'attrs' in job ? job.attrs?.name : 'jobName' in job ? job.jobName : undefined;
    logger.error({ err: error, job: name }, 'job failed');
  });
  let running = false;

  return {
    agenda,
    async start() {
      await agenda.start();
      running = true;
    },
    state: () => (running ? 'running' : 'stopped'),
    async stop(timeoutMs = 30_000) {
      if (!running) return;
      running = false;
      const result = await agenda.drain({ timeout: timeoutMs });
      // A job still running here keeps its lock and is picked up again once the lock expires.
      if (result.timedOut) logger.warn({ stillRunning: result.running }, 'scheduler stopped before all jobs finished');
    },
  };
}
