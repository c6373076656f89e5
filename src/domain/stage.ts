import type { LocalizedText } from './locale.js';
import type { StageRules } from './stage-rules.js';

/**
 * Stages are numbered 1, 2, 3… in the order they start; how many there are is the support
 * model's business (flows/models/*.yaml): three in the Kazakhstan rules (seed 001), two in the
 * school model (seed 002). An enrollment gets exactly its plan's stages.
 */
export type StageNumber = number;
/** More stages than any regulation has: a bound for stored data. */
export const MAX_STAGES = 12;

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
  /** The stage's name from the support model; absent: the default plan's names (progress.stage_N). */
  title?: LocalizedText;
  /** The message when the stage begins ({cohortTitle}, {required}, {yearEnd}); absent: the catalog's. */
  prompt?: LocalizedText;
  /** What puts the stage in progress and completes it. Absent: the default plan's rules for this stage. */
  rules?: StageRules;
}

export interface StagePlanQuestionnaire {
  questionnaireId: string;
  offset: Offset;
  /** Distinguishes repeated runs of one questionnaire, e.g. "impact-6m" and "impact-11m". */
  occasion: string;
  /** The occasion's name for people (support-models/names.ts: occasionName); absent, it is named by its offset. */
  title?: LocalizedText;
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
  /** The support model (flows/models/<id>.yaml) the plan was made from, for its ratings and individual plan. */
  model?: string;
  /** Every teacher has a tutor (seed 003): one who joins without one is given the cohort's least busy tutor. */
  tutorRequired?: boolean;
}

/** The post-course year: at least this many accepted activities (Tutaev rules, seed 000). */
export const REQUIRED_ACTIVITIES_PER_YEAR = 3;
