import type { StageNumber, StageStatus } from './stage.js';

export const ENROLLMENT_STATUSES = ['active', 'completed', 'withdrawn'] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];

export interface StageProgress {
  stage: StageNumber;
  status: StageStatus;
  startedAt?: Date;
  completedAt?: Date;
  /** What set the status: "rule:<kind>" or "manual"; absent before the first evaluation. */
  cause?: string;
}

/** A stage set by hand by a curator or staff member; it wins over the rules (stage-progress.ts). */
export interface StageOverrideRecord {
  stage: StageNumber;
  status: StageStatus;
  at: Date;
  by: string;
  comment: string;
}

/** A teacher in a cohort: one per participant and cohort. */
export interface Enrollment {
  id: string;
  participantId: string;
  cohortId: string;
  /** The tutor assigned to this teacher (seed 003: a tutor follows a group of teachers). */
  tutorId?: string;
  status: EnrollmentStatus;
  currentStage: StageNumber;
  stages: StageProgress[];
  /** Oldest first; absent when no stage was ever set by hand. */
  stageOverrides?: StageOverrideRecord[];
  joinedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}
