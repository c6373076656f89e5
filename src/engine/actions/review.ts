import { REQUIRED_ACTIVITIES_PER_YEAR } from '../../domain/stage.js';
import { reevaluateStages } from '../../progress/service.js';
import { translator } from '../../i18n/index.js';
import type { FlowHandlers } from '../context.js';
import { describeActivity } from './activity.js';
import { displayName, me, optionalText, text } from './common.js';

export const review: Pick<FlowHandlers, 'actions'> = {
  actions: {
    /** The oldest submission in the reviewer's cohorts that they have not skipped in this run. */
    async next_submission(turn, run) {
      const { repos } = turn.services;
      const reviewer = me(turn);
      const skipped = Array.isArray(run.data.skipped) ? run.data.skipped : [];
      const cohorts = reviewer.isStaff
        ? await repos.cohorts.listByStatus('active')
        : (await repos.cohorts.listForStaffMember(reviewer.id)).filter((c) => c.curatorIds.includes(reviewer.id));
      const waiting = [];
      for (const cohort of cohorts) {
        for (const a of await repos.activities.listByCohort(cohort.id, 'submitted')) {
          if (!skipped.includes(a.id)) waiting.push({ a, cohort });
        }
      }
      waiting.sort((x, y) => x.a.submittedAt.getTime() - y.a.submittedAt.getTime());
      const next = waiting[0];
      if (!next) return 'none';
      const teacher = await repos.participants.findById(next.a.participantId);
      run.data.activityId = next.a.id;
      run.data.teacher = displayName(teacher);
      run.data.cohortTitle = next.cohort.title;
      run.data.summary = describeActivity(turn.t, next.a, next.cohort.timeZone);
      return 'found';
    },

    async accept_activity(turn, run) {
      const { repos } = turn.services;
      const result = await repos.activities.review(text(run, 'activityId'), { reviewerId: me(turn).id, decision: 'accepted', at: turn.services.now() });
      if (!result.ok) return 'already';
      const a = result.value;
      const teacher = await repos.participants.findById(a.participantId);
      const accepted = await repos.activities.countAccepted(a.participantId, a.cohortId);
      if (teacher) {
        turn.notify(teacher.id, translator(teacher.locale)('activity.accepted_notice', { title: a.title, accepted, required: REQUIRED_ACTIVITIES_PER_YEAR }));
      }
      await repos.audit.record({ at: turn.services.now(), actor: me(turn).id, action: 'activity.accepted', subjectType: 'activity', subjectId: a.id, cohortId: a.cohortId });
      await reevaluateStages(repos, { participantId: a.participantId, cohortId: a.cohortId, at: turn.services.now(), actor: me(turn).id, kind: 'activity.accepted' });
      turn.say('review.accepted');
      return undefined;
    },

    async return_activity(turn, run) {
      const { repos } = turn.services;
      const comment = optionalText(run, 'comment') ?? '';
      const result = await repos.activities.review(text(run, 'activityId'), { reviewerId: me(turn).id, decision: 'returned', comment, at: turn.services.now() });
      if (!result.ok) return 'already';
      const a = result.value;
      const teacher = await repos.participants.findById(a.participantId);
      if (teacher) turn.notify(teacher.id, translator(teacher.locale)('activity.returned_notice', { title: a.title, comment }));
      await repos.audit.record({ at: turn.services.now(), actor: me(turn).id, action: 'activity.returned', subjectType: 'activity', subjectId: a.id, cohortId: a.cohortId });
      await reevaluateStages(repos, { participantId: a.participantId, cohortId: a.cohortId, at: turn.services.now(), actor: me(turn).id, kind: 'activity.returned' });
      turn.say('review.returned');
      return undefined;
    },

    async skip_activity(_turn, run) {
      const skipped = Array.isArray(run.data.skipped) ? run.data.skipped : [];
      run.data.skipped = [...skipped, text(run, 'activityId')];
      return undefined;
    },
  },
};
