import { formatLocalDate, localDate } from '../../domain/calendar.js';
import { effectivePlan, postCourseYear, requiredActivities, stageOn } from '../../domain/stage-plan.js';
import { reevaluateStages } from '../../progress/service.js';
import { stageName as nameOfStage } from '../../support-models/names.js';
import type { FlowHandlers } from '../context.js';
import { activeEnrollments, me, todayIn } from './common.js';
import { openQuestionnairesFor } from './surveys.js';
import { behindMargin, planStateOf } from './plan.js';
import { isBehindPlan } from '../../domain/individual-plan.js';

export const progress: Pick<FlowHandlers, 'actions'> = {
  actions: {
    async show_progress(turn) {
      const { repos } = turn.services;
      const t = turn.t;
      const enrolled = await activeEnrollments(turn);
      if (enrolled.length === 0) {
        turn.say('progress.no_cohort');
        return undefined;
      }
      const open = await openQuestionnairesFor(turn);
      for (const { cohort } of enrolled) {
        const programme = await repos.programmes.findById(cohort.programmeId);
        const plan = effectivePlan(cohort, programme);
        const required = requiredActivities(plan);
        const stage = stageOn(plan, cohort, todayIn(turn, cohort.timeZone));
        // The same statuses the reports show: evaluated from the teacher's facts, saved if they moved.
        const evaluated = await reevaluateStages(repos, {
          participantId: me(turn).id,
          cohortId: cohort.id,
          at: turn.services.now(),
          actor: me(turn).id,
          kind: 'recount',
        });
        const stageLines = (evaluated?.stages ?? []).flatMap((s) => {
          const stageName = nameOfStage(turn.session.locale, plan, s.stage);
          const date = s.completedAt ?? s.startedAt;
          const line = t(`progress.stage_${s.status}`, {
            stage: s.stage,
            stageName,
            date: date ? formatLocalDate(localDate(date, cohort.timeZone)) : '',
          });
          const manual = s.cause.kind === 'manual' ? [t('progress.stage_manual', { comment: s.cause.comment })] : [];
          return [line, ...manual];
        });
        const year = postCourseYear(cohort);
        const activities = await repos.activities.listByParticipant(me(turn).id, cohort.id);
        const count = (status: string) => activities.filter((a) => a.status === status).length;
        const accepted = count('accepted');
        // The individual plan against what was accepted, when the teacher has one.
        const enrollment = await repos.enrollments.find(me(turn).id, cohort.id);
        const planned = enrollment?.plan?.items.length
          ? await planStateOf(turn.services, cohort, enrollment)
          : undefined;
        const planLines = planned
          ? [
              t('plan.summary', { planned: planned.planned, due: planned.due, accepted: planned.accepted }),
              ...(isBehindPlan(planned, await behindMargin(turn.services, cohort))
                ? [t('plan.behind', { behind: planned.behind })]
                : []),
            ]
          : [];
        const surveys = open.filter((s) => s.cohortId === cohort.id).map((s) => `«${s.title}»`);
        const lines = [
          t('progress.header', { cohortTitle: cohort.title }),
          t('progress.year', { start: formatLocalDate(year.start), end: formatLocalDate(year.end) }),
          t('progress.stage', {
            stage,
            stages: plan.stages.length,
            stageName: nameOfStage(turn.session.locale, plan, stage),
          }),
          ...(stageLines.length > 0 ? [t('progress.stages_title'), ...stageLines] : []),
          t('progress.activities', { accepted, required }),
          ...(count('submitted') > 0 ? [t('progress.pending', { count: count('submitted') })] : []),
          ...(count('returned') > 0 ? [t('progress.returned', { count: count('returned') })] : []),
          ...(accepted >= required ? [t('progress.goal_met')] : []),
          ...planLines,
          surveys.length > 0 ? t('progress.surveys', { list: surveys.join(', ') }) : t('progress.surveys_none'),
        ];
        turn.reply({ kind: 'text', text: lines.join('\n') });
      }
      return undefined;
    },
  },
};
