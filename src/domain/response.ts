/**
 * An answer as stored: plain values only, never objects, so an answer can never be read back as a
 * query operator. Dates are ISO dates (yyyy-mm-dd) in a string; ranking and multiple choice are
 * arrays of option ids.
 */
export type AnswerValue = string | number | boolean | string[];

export interface Answer {
  questionId: string;
  value: AnswerValue | null;
  /** "Other" free text that accompanies a choice. */
  otherText?: string;
  skipped: boolean;
  answeredAt: Date;
}

export const RESPONSE_STATUSES = ['in_progress', 'completed', 'abandoned'] as const;
export type ResponseStatus = (typeof RESPONSE_STATUSES)[number];

/** One participant's run of one questionnaire version on one occasion. */
export interface Response {
  id: string;
  participantId: string;
  cohortId: string;
  questionnaireId: string;
  questionnaireVersion: number;
  /** Distinguishes repeated runs, e.g. "impact-6m"; "adhoc-…" for runs not from the plan. */
  occasion: string;
  status: ResponseStatus;
  answers: Answer[];
  startedAt: Date;
  completedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}
