import type { StageNumber, StageStatus } from './stage.js';

export const ENROLLMENT_STATUSES = ['active', 'completed', 'withdrawn'] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];

export interface StageProgress {
  stage: StageNumber;
  status: StageStatus;
  startedAt?: Date;
  completedAt?: Date;
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
  joinedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}
