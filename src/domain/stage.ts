import type { StageRules } from './stage-rules.js';

/**
 * The three stages of the post-course year (seed 001): 1 — plan of activities approved at school;
 * 2 — carry out the plan, publish materials and send links to the curator; 3 — present results
 * with active links.
 */
export const STAGE_NUMBERS = [1, 2, 3] as const;
export type StageNumber = (typeof STAGE_NUMBERS)[number];

export const STAGE_STATUSES = ['not_started', 'in_progress', 'completed'] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];

/**
 * Offsets are relative to the course end date: "+7d", "+1m", "+10m", "+2w". Months are a unit of
 * their own (calendar months, not 30 days).
 */
export type Offset = string;
export const OFFSET_PATTERN = /^\+\d{1,3}[dwm]$/;

export interface StagePlanStage {
  stage: StageNumber;
  startOffset: Offset;
  /** What puts the stage in progress and completes it. Absent: the default plan's rules for this stage. */
  rules?: StageRules;
}

export interface StagePlanQuestionnaire {
  questionnaireId: string;
  offset: Offset;
  /** Distinguishes repeated runs of one questionnaire, e.g. "impact-6m" and "impact-11m". */
  occasion: string;
  /** How long after `offset` it stays open (default one month). */
  closesAfter?: Offset;
}

/** Reminders to a teacher who has not completed a questionnaire they were invited to. */
export interface StagePlanReminders {
  /** Days after the invitation (and after each reminder) before the next reminder. */
  afterDays: number;
  /** At most this many reminders; then the curators are told who never answered. */
  maxCount: number;
}

/** The survey that closes the year, sent with the closing message to whoever has not completed it. */
export interface StagePlanFinalSurvey {
  questionnaireId: string;
  occasion: string;
}

export interface StagePlan {
  stages: StagePlanStage[];
  questionnaires: StagePlanQuestionnaire[];
  /** Absent: the scheduler's defaults (after 3 days, at most 2). */
  reminders?: StagePlanReminders;
  /** Absent: the plan's last questionnaire. */
  finalSurvey?: StagePlanFinalSurvey;
  /** Accepted activities a teacher owes in the post-course year. Absent: REQUIRED_ACTIVITIES_PER_YEAR. */
  requiredActivities?: number;
}

/** The post-course year: at least this many accepted activities (Tutaev rules, seed 000). */
export const REQUIRED_ACTIVITIES_PER_YEAR = 3;
