import { translator } from '../../i18n/index.js';
import type { FlowHandlers } from '../context.js';
import { displayName, me, optionalText, text } from './common.js';

export const consultation: Pick<FlowHandlers, 'actions'> = {
  actions: {
    /** Routed to the teacher's own tutor, else the cohort's first tutor, else its first curator. */
    async open_consultation(turn, run) {
      const { repos } = turn.services;
      const teacher = me(turn);
      const cohortId = text(run, 'cohortId');
      const cohort = await repos.cohorts.findById(cohortId);
      const enrollment = await repos.enrollments.find(teacher.id, cohortId);
      const assigneeId = enrollment?.tutorId ?? cohort?.tutorIds[0] ?? cohort?.curatorIds[0];
      const topics = {
        methods: 'consultation.topic_methods',
        assessment: 'consultation.topic_assessment',
        planning: 'consultation.topic_planning',
        publication: 'consultation.topic_publication',
        digital: 'consultation.topic_digital',
      } as const;
      const topicId = text(run, 'topic');
      const topic = turn.t(topicId in topics ? topics[topicId as keyof typeof topics] : 'activity.type_other');
      const description = text(run, 'description');
      await repos.consultations.open({ participantId: teacher.id, cohortId, assigneeId, topic, description, openedAt: turn.services.now() });
      if (!assigneeId) {
        turn.say('consultation.opened_unassigned');
        return undefined;
      }
      const assignee = await repos.participants.findById(assigneeId);
      if (assignee) {
        turn.notify(assignee.id, translator(assignee.locale)('consultation.notify_assignee', {
          teacher: displayName(teacher), cohortTitle: cohort?.title ?? '', topic, description,
        }));
      }
      turn.say('consultation.opened');
      return undefined;
    },

    async next_consultation(turn, run) {
      const { repos } = turn.services;
      const skipped = Array.isArray(run.data.skipped) ? run.data.skipped : [];
      const open = (await repos.consultations.listByAssignee(me(turn).id, ['open', 'answered'])).filter((r) => !skipped.includes(r.id));
      const next = open[0];
      if (!next) return 'none';
      const teacher = await repos.participants.findById(next.participantId);
      const cohort = await repos.cohorts.findById(next.cohortId);
      Object.assign(run.data, {
        requestId: next.id,
        teacher: displayName(teacher),
        cohortTitle: cohort?.title ?? '',
        topic: next.topic,
        description: next.description,
      });
      return 'found';
    },

    async answer_consultation(turn, run) {
      const { repos } = turn.services;
      const id = text(run, 'requestId');
      const answer = text(run, 'answer');
      const now = turn.services.now();
      const request = await repos.consultations.addMessage(id, { authorId: me(turn).id, fromTeacher: false, text: answer, at: now });
      if (!request) return 'gone';
      await repos.consultations.setStatus(id, 'answered', now);
      const teacher = await repos.participants.findById(request.participantId);
      if (teacher) turn.notify(teacher.id, translator(teacher.locale)('consultation.answer_notice', { topic: request.topic, answer }));
      turn.say('consultations.answered');
      return undefined;
    },

    async close_consultation(turn, run) {
      const { repos } = turn.services;
      const request = await repos.consultations.setStatus(text(run, 'requestId'), 'closed', turn.services.now());
      if (!request) return 'gone';
      const teacher = await repos.participants.findById(request.participantId);
      if (teacher) turn.notify(teacher.id, translator(teacher.locale)('consultation.closed_notice', { topic: request.topic }));
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
