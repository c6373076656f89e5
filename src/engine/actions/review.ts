import { decideActivity } from '../../staff/decisions.js';
import type { FlowHandlers, Turn } from '../context.js';
import type { FlowRun } from '../sessions.js';
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
      return decide(turn, run, 'accepted');
    },

    async return_activity(turn, run) {
      return decide(turn, run, 'returned');
    },

    async skip_activity(_turn, run) {
      const skipped = Array.isArray(run.data.skipped) ? run.data.skipped : [];
      run.data.skipped = [...skipped, text(run, 'activityId')];
      return undefined;
    },
  },
};

async function decide(turn: Turn, run: FlowRun, decision: 'accepted' | 'returned'): Promise<string | undefined> {
  const outcome = await decideActivity(turn.services.repos, {
    activityId: text(run, 'activityId'),
    reviewerId: me(turn).id,
    decision,
    ...(decision === 'returned' ? { comment: optionalText(run, 'comment') ?? '' } : {}),
    at: turn.services.now(),
  });
  if (!outcome.ok) return 'already';
  for (const notice of outcome.notices) turn.notify(notice.participantId, notice.text);
  turn.say(decision === 'accepted' ? 'review.accepted' : 'review.returned');
  return undefined;
}
