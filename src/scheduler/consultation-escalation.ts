// A consultation request nobody answered for N days (CONSULTATION_ESCALATION_DAYS, default 3) goes
// to the cohort's curators, once: they see it in /consultations and can answer or take it over.
import type { Repositories } from '../domain/repositories.js';
import type { Outbound } from '../engine/events.js';
import { translator } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import type { Scheduler } from './agenda.js';

export const ESCALATION_JOB = 'consultations:escalate';

export interface EscalationDeps {
  repos: Repositories;
  /** The dispatcher, or anything that takes the messages (a test's list). */
  dispatcher: { dispatch(out: readonly Outbound[]): Promise<unknown> };
  escalationDays: number;
  logger: Logger;
  now?: () => Date;
}

/** One pass; returns how many requests were escalated. A request is escalated at most once. */
export async function escalateConsultations(deps: EscalationDeps): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const { repos } = deps;
  const before = new Date(now.getTime() - deps.escalationDays * 86_400_000);
  let escalated = 0;
  for (const request of await repos.consultations.listUnescalated(before)) {
    // A request the teacher's tutor answered is not "unanswered", whatever its status says.
    if (request.messages.some((m) => !m.fromTeacher)) continue;
    const cohort = await repos.cohorts.findById(request.cohortId);
    const curators = (cohort?.curatorIds ?? []).filter((id) => id !== request.assigneeId);
    if (!cohort || curators.length === 0) continue;
    if (!(await repos.consultations.markEscalated(request.id, now))) continue;
    const [teacher, assignee] = await Promise.all([
      repos.participants.findById(request.participantId),
      request.assigneeId ? repos.participants.findById(request.assigneeId) : undefined,
    ]);
    const out = [];
    for (const curatorId of curators) {
      const curator = await repos.participants.findById(curatorId);
      if (!curator) continue;
      const t = translator(curator.locale);
      const text = t('consultations.escalated_notice', {
        teacher: teacher?.fullName ?? '—',
        cohortTitle: cohort.title,
        days: deps.escalationDays,
        topic: request.topic,
        assignee: assignee?.fullName ?? t('consultations.assignee_none'),
      });
      out.push({
        to: { kind: 'participant' as const, participantId: curator.id },
        message: { kind: 'text' as const, text },
      });
    }
    await deps.dispatcher.dispatch(out);
    await repos.audit.record({
      at: now,
      actor: 'system',
      action: 'consultation.escalated',
      subjectType: 'consultation',
      subjectId: request.id,
      cohortId: request.cohortId,
    });
    escalated += 1;
  }
  return escalated;
}

/** Runs the pass every hour on Agenda. */
export async function scheduleConsultationEscalation(scheduler: Scheduler, deps: EscalationDeps): Promise<void> {
  scheduler.agenda.define(ESCALATION_JOB, async () => {
    const escalated = await escalateConsultations(deps);
    if (escalated) deps.logger.info({ escalated }, 'consultation requests escalated');
  });
  await scheduler.agenda.every(60 * 60_000, ESCALATION_JOB);
}
