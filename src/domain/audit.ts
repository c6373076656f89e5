/**
 * Who did what, for accountability (consent, deletion, reviews, bindings, exports). Details never
 * hold personal data: ids only.
 */
export interface AuditEvent {
  id: string;
  at: Date;
  /** Participant id, or "system" for the scheduler and start-up. */
  actor: string;
  action: string;
  subjectType: string;
  subjectId?: string;
  cohortId?: string;
  details?: Record<string, string | number | boolean | null>;
}
