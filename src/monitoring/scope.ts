// What an aggregate, an export or a report looks at. Access rules and filters are resolved into one
// `Scope` before any pipeline is built, so a pipeline can never widen what its caller may see.

/** Segments every aggregate can be broken down by (design README: "no analysis by segment"). */
export const DIMENSIONS = [
  'cohort',
  'programme',
  'direction',
  'region',
  'district',
  'settlementType',
  'organisation',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export function isDimension(value: string): value is Dimension {
  return (DIMENSIONS as readonly string[]).includes(value);
}

export interface Scope {
  /** Cohort ids (hex) the caller may see and asked for; undefined means every cohort (staff, unfiltered). */
  cohortIds?: readonly string[];
  /**
   * Cohorts left out when `cohortIds` is absent: the sandbox's demo cohorts, which count only when
   * someone asks for them by name.
   */
  excludeCohortIds?: readonly string[];
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  questionnaireId?: string;
  questionnaireVersion?: number;
  /**
   * Only these teachers (hex ids): one region, district, settlement type or organisation picked
   * as a filter (`segmentParticipantIds`). Absent: every teacher of the cohorts in scope.
   */
  participantIds?: readonly string[];
  /** Break the figures down by this segment; absent: one total row. */
  by?: Dimension;
}

/** Collection names the pipelines join to: the store's own (its models are named from the same table). */
export { COLLECTION_NAMES as COLLECTIONS } from '../store/models/index.js';

/** Teacher profile fields a filter can pick one value of (the cohort and programme filter by cohort). */
export const PROFILE_SEGMENTS = ['region', 'district', 'settlementType', 'organisation'] as const;
export type SegmentFilter = Partial<Record<(typeof PROFILE_SEGMENTS)[number], string>>;
