import { answerConsultationRequest, closeConsultationRequest } from '../../staff/decisions.js';
import type { ConsultationRequest, ConsultationStatus } from '../../domain/consultation.js';
import type { Participant } from '../../domain/participant.js';
import { translator } from '../../i18n/index.js';
import type { FlowHandlers, Turn } from '../context.js';
import { displayName, me, optionalText, text } from './common.js';

/**
 * The requests a person handles: those assigned to them, and for a curator (or staff) every request
 * in their cohorts, whoever it is assigned to. Oldest first.
 */
export async function visibleConsultations(
  turn: Turn,
  statuses: readonly ConsultationStatus[],
): Promise<ConsultationRequest[]> {
  const { repos } = turn.services;
  const person = me(turn);
  const byId = new Map((await repos.consultations.listByAssignee(person.id, statuses)).map((r) => [r.id, r]));
  const cohorts = person.isStaff
    ? await repos.cohorts.listByStatus('active')
    : await repos.cohorts.listForStaffMember(person.id);
  for (const cohort of cohorts.filter((c) => person.isStaff || c.curatorIds.includes(person.id))) {
    for (const r of await repos.consultations.listByCohort(cohort.id, statuses)) byId.set(r.id, r);
  }
  return [...byId.values()].sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime());
}

/**
 * Opens a request routed to the teacher's own tutor, else the cohort's first tutor, else its first
 * curator, and tells the assignee. Returns the assignee's id, undefined when the cohort has no staff.
 */
export async function routeConsultation(
  turn: Turn,
  request: { teacher: Participant; cohortId: string; topic: string; description: string },
): Promise<string | undefined> {
  const { repos } = turn.services;
  const { teacher, cohortId, topic, description } = request;
  const cohort = await repos.cohorts.findById(cohortId);
  const enrollment = await repos.enrollments.find(teacher.id, cohortId);
  const assigneeId = enrollment?.tutorId ?? cohort?.tutorIds[0] ?? cohort?.curatorIds[0];
  await repos.consultations.open({
    participantId: teacher.id,
    cohortId,
    assigneeId,
    topic,
    description,
    openedAt: turn.services.now(),
  });
  const assignee = assigneeId ? await repos.participants.findById(assigneeId) : undefined;
  if (assignee) {
    turn.notify(
      assignee.id,
      translator(assignee.locale)('consultation.notify_assignee', {
        teacher: displayName(teacher),
        cohortTitle: cohort?.title ?? '',
        topic,
        description,
      }),
    );
  }
  return assigneeId;
}

export const consultation: Pick<FlowHandlers, 'actions'> = {
  actions: {
    /** Routed to the teacher's own tutor, else the cohort's first tutor, else its first curator. */
    async open_consultation(turn, run) {
      const topics = {
        methods: 'consultation.topic_methods',
        assessment: 'consultation.topic_assessment',
        planning: 'consultation.topic_planning',
        publication: 'consultation.topic_publication',
        digital: 'consultation.topic_digital',
      } as const;
      const topicId = text(run, 'topic');
      const topic = turn.t(topicId in topics ? topics[topicId as keyof typeof topics] : 'activity.type_other');
      const assigneeId = await routeConsultation(turn, {
        teacher: me(turn),
        cohortId: text(run, 'cohortId'),
        topic,
        description: text(run, 'description'),
      });
      turn.say(assigneeId ? 'consultation.opened' : 'consultation.opened_unassigned');
      return undefined;
    },

    async next_consultation(turn, run) {
      const { repos } = turn.services;
      const skipped = Array.isArray(run.data.skipped) ? run.data.skipped : [];
      const open = (await visibleConsultations(turn, ['open', 'answered'])).filter((r) => !skipped.includes(r.id));
      const next = open[0];
      if (!next) return 'none';
      const teacher = await repos.participants.findById(next.participantId);
      const cohort = await repos.cohorts.findById(next.cohortId);
      const assignee =
        next.assigneeId === me(turn).id
          ? undefined
          : next.assigneeId
            ? await repos.participants.findById(next.assigneeId)
            : undefined;
      Object.assign(run.data, {
        requestId: next.id,
        teacher: displayName(teacher),
        cohortTitle: cohort?.title ?? '',
        topic: next.topic,
        description: next.description,
        assignee:
          next.assigneeId === me(turn).id
            ? turn.t('consultations.assignee_me')
            : assignee
              ? displayName(assignee)
              : turn.t('consultations.assignee_none'),
      });
      return 'found';
    },

    async take_consultation(turn, run) {
      const { repos } = turn.services;
      const before = await repos.consultations.findById(text(run, 'requestId'));
      if (!before) return 'gone';
      if (before.assigneeId === me(turn).id) return undefined;
      await repos.consultations.assign(before.id, me(turn).id);
      await repos.audit.record({
        at: turn.services.now(),
        actor: me(turn).id,
        action: 'consultation.taken',
        subjectType: 'consultation',
        subjectId: before.id,
        cohortId: before.cohortId,
      });
      const previous = before.assigneeId ? await repos.participants.findById(before.assigneeId) : undefined;
      if (previous)
        turn.notify(
          previous.id,
          translator(previous.locale)('consultations.taken_notice', {
            curator: displayName(me(turn)),
            topic: before.topic,
          }),
        );
      turn.say('consultations.taken');
      return undefined;
    },

    async answer_consultation(turn, run) {
      const answered = await answerConsultationRequest(turn.services.repos, {
        requestId: text(run, 'requestId'),
        authorId: me(turn).id,
        text: text(run, 'answer'),
        at: turn.services.now(),
      });
      if (!answered) return 'gone';
      for (const notice of answered.notices) turn.notify(notice.participantId, notice.text);
      turn.say('consultations.answered');
      return undefined;
    },

    async close_consultation(turn, run) {
      const closed = await closeConsultationRequest(turn.services.repos, {
        requestId: text(run, 'requestId'),
        at: turn.services.now(),
      });
      if (!closed) return 'gone';
      for (const notice of closed.notices) turn.notify(notice.participantId, notice.text);
      turn.say('consultations.closed');
      return undefined;
    },

    async skip_consultation(_turn, run) {
      const skipped = Array.isArray(run.data.skipped) ? run.data.skipped : [];
      run.data.skipped = [...skipped, optionalText(run, 'requestId') ?? ''];
      return undefined;
    },
  },
};
