import { localDate } from '../../domain/calendar.js';
import { effectivePlan, openQuestionnaires } from '../../domain/stage-plan.js';
import { localized } from '../../questionnaires/index.js';
import type { FlowHandlers, Turn } from '../context.js';
import type { FlowRun } from '../sessions.js';
import { activeEnrollments, me, text } from './common.js';

export interface OpenSurvey {
  cohortId: string;
  cohortTitle: string;
  timeZone: string;
  questionnaireId: string;
  occasion: string;
  title: string;
}

/**
 * Questionnaires waiting for this teacher: open by the stage plan and not completed, plus any run
 * started and not finished (also after its window, so an answer given is never stranded).
 */
export async function openQuestionnairesFor(turn: Turn): Promise<OpenSurvey[]> {
  const { repos, questionnaires } = turn.services;
  const p = me(turn);
  const result: OpenSurvey[] = [];
  const seen = new Set<string>();
  const add = (s: OpenSurvey) => {
    const key = `${s.cohortId}|${s.questionnaireId}|${s.occasion}`;
    if (!seen.has(key)) {
      seen.add(key);
      result.push(s);
    }
  };
  for (const { cohort } of await activeEnrollments(turn)) {
    const programme = await repos.programmes.findById(cohort.programmeId);
    const today = localDate(turn.services.now(), cohort.timeZone);
    const responses = await repos.responses.listByCohort(cohort.id);
    const mine = responses.filter((r) => r.participantId === p.id);
    for (const r of mine.filter((x) => x.status === 'in_progress')) {
      const q = questionnaires.get(r.questionnaireId, r.questionnaireVersion);
      if (q)
        add({
          cohortId: cohort.id,
          cohortTitle: cohort.title,
          timeZone: cohort.timeZone,
          questionnaireId: r.questionnaireId,
          occasion: r.occasion,
          title: localized(q.title, turn.session.locale),
        });
    }
    for (const item of openQuestionnaires(effectivePlan(cohort, programme), cohort, today)) {
      const done = mine.some(
        (r) => r.questionnaireId === item.questionnaireId && r.occasion === item.occasion && r.status === 'completed',
      );
      const q = questionnaires.get(item.questionnaireId);
      if (!done && q)
        add({
          cohortId: cohort.id,
          cohortTitle: cohort.title,
          timeZone: cohort.timeZone,
          questionnaireId: item.questionnaireId,
          occasion: item.occasion,
          title: localized(q.title, turn.session.locale),
        });
    }
  }
  return result;
}

function use(run: FlowRun, survey: OpenSurvey): void {
  run.data.cohortId = survey.cohortId;
  run.data.cohortTitle = survey.cohortTitle;
  run.data.timeZone = survey.timeZone;
  run.data.questionnaireId = survey.questionnaireId;
  run.data.occasion = survey.occasion;
}

export const surveys: Pick<FlowHandlers, 'actions' | 'optionSources'> = {
  optionSources: {
    async open_questionnaires(turn) {
      const open = await openQuestionnairesFor(turn);
      const cohorts = new Set(open.map((s) => s.cohortId));
      return open.map((s, i) => ({
        id: String(i + 1),
        label: cohorts.size > 1 ? `${s.title} (${s.cohortTitle})` : s.title,
        value: `${s.cohortId}|${s.questionnaireId}|${s.occasion}`,
      }));
    },
  },
  actions: {
    async list_open_questionnaires(turn, run) {
      // A questionnaire named in advance (an invitation) is run directly.
      if (typeof run.data.questionnaireId === 'string' && typeof run.data.cohortId === 'string') return 'one';
      const open = await openQuestionnairesFor(turn);
      if (open.length === 0) return 'none';
      if (open.length === 1) {
        use(run, open[0]!);
        return 'one';
      }
      return 'many';
    },
    async use_picked_questionnaire(turn, run) {
      const [cohortId, questionnaireId, occasion] = text(run, 'pick').split('|');
      const open = await openQuestionnairesFor(turn);
      const survey = open.find(
        (s) => s.cohortId === cohortId && s.questionnaireId === questionnaireId && s.occasion === occasion,
      );
      if (!survey) return 'gone';
      use(run, survey);
      return undefined;
    },
  },
};
