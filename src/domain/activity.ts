export const ACTIVITY_TYPES = [
  'open_lesson',
  'master_class',
  'webinar',
  'seminar',
  'training',
  'consultation',
  'contest',
  'publication',
  'speech',
  'other',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** Seed 001: school first; a positive review lets the teacher move up a level. */
export const ACTIVITY_LEVELS = ['school', 'district', 'region', 'republic'] as const;
export type ActivityLevel = (typeof ACTIVITY_LEVELS)[number];

export const ACTIVITY_STATUSES = ['submitted', 'accepted', 'returned'] as const;
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];

/**
 * What the last check of a link found (seed 001: results must carry *active* links). alive: 2xx
 * after redirects; dead: an HTTP error; timeout / unreachable: no answer; redirect_loop: more than
 * five redirects; unsafe: it points into a private network and was not fetched; invalid: not http(s).
 */
export const LINK_STATUSES = ['alive', 'dead', 'timeout', 'unreachable', 'redirect_loop', 'unsafe', 'invalid'] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];

export interface ActivityLink {
  url: string;
  /** Filled by the link checker (src/links/); the seeds want "active links" at report time. */
  checkedAt?: Date;
  reachable?: boolean;
  status?: LinkStatus;
  /** The HTTP status of the last answer, when there was one. */
  httpStatus?: number;
  /** Checks in a row that found it not alive; 0 after an alive one. */
  failures?: number;
  /**
   * Checks in a row that got no answer at all (no network, DNS, timeout): they decide nothing, the
   * last verdict stands, and the link is not tried again before `retryAt` (domain/result-link.ts).
   */
  attempts?: number;
  retryAt?: Date;
}

export interface ActivityReview {
  reviewerId: string;
  decision: 'accepted' | 'returned';
  comment?: string;
  at: Date;
}

/** An activity the teacher ran and reported, with links to the published materials. */
export interface Activity {
  id: string;
  participantId: string;
  cohortId: string;
  type: ActivityType;
  level: ActivityLevel;
  date: Date;
  title: string;
  links: ActivityLink[];
  note?: string;
  status: ActivityStatus;
  /** Every review, oldest first: a returned and resubmitted activity keeps its history. */
  reviews: ActivityReview[];
  submittedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}
