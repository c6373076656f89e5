// A curator's decision on a teacher's stage, from the bot. The same decision from the CLI goes
// through the same service (src/progress/service.ts).
import type { Cohort } from '../../domain/cohort.js';
import { STAGE_STATUSES, type StageStatus } from '../../domain/stage.js';
import { translator } from '../../i18n/index.js';
import { setStageByHand, stagePlanOf } from '../../progress/service.js';
import type { FlowHandlers, Turn } from '../context.js';
import { displayName, me, text } from './common.js';
import { stageName } from '../../support-models/names.js';

async function curatedCohorts(turn: Turn): Promise<Cohort[]> {
  const { repos } = turn.services;
  const p = me(turn);
  const cohorts = p.isStaff ? await repos.cohorts.listByStatus('active') : await repos.cohorts.listForStaffMember(p.id);
  return cohorts.filter((c) => c.status === 'active' && (p.isStaff || c.curatorIds.includes(p.id)));
}

export const stage: Pick<FlowHandlers, 'actions' | 'optionSources'> = {
  optionSources: {
    async curated_cohorts(turn) {
      return (await curatedCohorts(turn)).map((c, i) => ({ id: String(i + 1), label: c.title, value: c.id }));
    },
    async cohort_teachers(turn, run) {
      const { repos } = turn.services;
      const enrollments = await repos.enrollments.listByCohort(text(run, 'cohortId'), 'active');
      const people = await repos.participants.findByIds(enrollments.map((e) => e.participantId));
      return people
        .filter((p) => !p.anonymisedAt)
        .map((p) => ({ label: displayName(p), value: p.id }))
        .sort((a, b) => a.label.localeCompare(b.label, 'ru'))
        .map((o, i) => ({ id: String(i + 1), ...o }));
    },
    async plan_stages(turn, run) {
      const cohort = await turn.services.repos.cohorts.findById(text(run, 'cohortId'));
      if (!cohort) return [];
      const plan = await stagePlanOf(turn.services.repos, cohort);
      return plan.stages.map((s, i) => ({
        id: String(i + 1),
        label: `${s.stage}. ${stageName(turn.session.locale, plan, s.stage)}`,
        value: String(s.stage),
      }));
    },
  },
  actions: {
    async pick_curated_cohort(turn, run) {
      const cohorts = await curatedCohorts(turn);
      if (cohorts.length === 0) return 'none';
      if (cohorts.length > 1) return undefined;
      run.data.cohortId = cohorts[0]!.id;
      return 'one';
    },
    async set_stage(turn, run) {
      const { repos } = turn.services;
      const status = text(run, 'status') as StageStatus;
      if (!STAGE_STATUSES.includes(status)) throw new Error(`unknown stage status ${status}`);
      const teacherId = text(run, 'teacherId');
      const stageNumber = Number(text(run, 'stage'));
      const comment = text(run, 'comment');
      const result = await setStageByHand(repos, {
        participantId: teacherId,
        cohortId: text(run, 'cohortId'),
        stage: stageNumber,
        status,
        comment,
        by: me(turn).id,
        at: turn.services.now(),
      });
      if (!result.ok) {
        turn.say('stage.failed');
        return undefined;
      }
      const teacher = await repos.participants.findById(teacherId);
      turn.say('stage.set', {
        stage: stageNumber,
        teacher: displayName(teacher),
        status: turn.t(`stage.status_${status}`),
      });
      if (teacher) {
        const tt = translator(teacher.locale);
        const cohort = await repos.cohorts.findById(text(run, 'cohortId'));
        const plan = cohort ? await stagePlanOf(repos, cohort) : undefined;
        turn.notify(
          teacher.id,
          tt('stage.teacher_notice', {
            stage: stageNumber,
            stageName: stageName(teacher.locale, plan, stageNumber),
            status: tt(`stage.status_${status}`),
            comment,
          }),
        );
      }
      return undefined;
    },
  },
};
