// Where a teacher is in the post-course year, from the stage plan and today's local date.
import { addOffset, localDate, type LocalDate } from './calendar.js';
import type { Cohort } from './cohort.js';
import type { Programme } from './programme.js';
import { DEFAULT_STAGE_RULES } from './stage-rules.js';
import {
  REQUIRED_ACTIVITIES_PER_YEAR,
  type StageNumber,
  type StagePlan,
  type StagePlanQuestionnaire,
} from './stage.js';

/**
 * The plan of programmes and cohorts from before support models, which carry none: the same year
 * as the default model, flows/models/kz-three-stage.yaml (test/support-models/load.test.ts keeps
 * them running alike). A programme imported now stores its model's plan, the default one included.
 */
export const DEFAULT_STAGE_PLAN: StagePlan = {
  stages: [
    { stage: 1, startOffset: '+1d', rules: DEFAULT_STAGE_RULES[1] },
    { stage: 2, startOffset: '+1m', rules: DEFAULT_STAGE_RULES[2] },
    { stage: 3, startOffset: '+10m', rules: DEFAULT_STAGE_RULES[3] },
  ],
  questionnaires: [
    { questionnaireId: 'exit', offset: '+1d', occasion: 'exit' },
    { questionnaireId: 'entry', offset: '+1d', occasion: 'entry' },
    { questionnaireId: 'stage-1-plan', offset: '+14d', occasion: 'stage-1' },
    { questionnaireId: 'difficulties', offset: '+2m', occasion: 'difficulties-2m' },
    { questionnaireId: 'stage-2-progress', offset: '+5m', occasion: 'stage-2' },
    { questionnaireId: 'impact', offset: '+6m', occasion: 'impact-6m' },
    { questionnaireId: 'stage-3-results', offset: '+10m', occasion: 'stage-3' },
    { questionnaireId: 'impact', offset: '+11m', occasion: 'impact-11m' },
  ],
};

/** How long a questionnaire stays open after it is due, unless the plan says otherwise. */
export const DEFAULT_QUESTIONNAIRE_WINDOW = '+1m';

export function effectivePlan(cohort: Pick<Cohort, 'stagePlan'>, programme?: Pick<Programme, 'stagePlan'>): StagePlan {
  return cohort.stagePlan ?? programme?.stagePlan ?? DEFAULT_STAGE_PLAN;
}

export interface PostCourseYear {
  /** The day after the course ends, local to the cohort. */
  start: LocalDate;
  /** The last day of the year (inclusive). */
  end: LocalDate;
}

export function postCourseYear(cohort: Pick<Cohort, 'courseEnd' | 'timeZone'>): PostCourseYear {
  const courseEnd = localDate(cohort.courseEnd, cohort.timeZone);
  return { start: addOffset(courseEnd, '+1d'), end: addOffset(courseEnd, '+12m') };
}

/** The stage a teacher of this cohort is in on `today`: the last one whose start has come. */
export function stageOn(
  plan: StagePlan,
  cohort: Pick<Cohort, 'courseEnd' | 'timeZone'>,
  today: LocalDate,
): StageNumber {
  const courseEnd = localDate(cohort.courseEnd, cohort.timeZone);
  let current: StageNumber = 1;
  for (const s of [...plan.stages].sort((a, b) => a.stage - b.stage)) {
    if (addOffset(courseEnd, s.startOffset) <= today) current = s.stage;
  }
  return current;
}

export interface OpenQuestionnaire extends StagePlanQuestionnaire {
  opens: LocalDate;
  closes: LocalDate;
}

/**
 * Questionnaires of the plan open on `today`: due, and not yet closed. A teacher who joins late
 * still gets what is open (catch-up), never what closed long ago.
 */
export function openQuestionnaires(
  plan: StagePlan,
  cohort: Pick<Cohort, 'courseEnd' | 'timeZone'>,
  today: LocalDate,
): OpenQuestionnaire[] {
  const courseEnd = localDate(cohort.courseEnd, cohort.timeZone);
  return plan.questionnaires
    .map((q) => {
      const opens = addOffset(courseEnd, q.offset);
      return { ...q, opens, closes: addOffset(opens, q.closesAfter ?? DEFAULT_QUESTIONNAIRE_WINDOW) };
    })
    .filter((q) => q.opens <= today && today <= q.closes);
}

/** The accepted activities a teacher of this plan owes in their post-course year. */
export function requiredActivities(plan: Pick<StagePlan, 'requiredActivities'>): number {
  return plan.requiredActivities ?? REQUIRED_ACTIVITIES_PER_YEAR;
}
