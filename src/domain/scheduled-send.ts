// The log of scheduled sends: one record per idempotency key, taken before the message goes out.
// Whoever takes the key sends; a second job, a second instance or a rerun after a crash finds it
// taken and sends nothing.

/** What the post-course scheduler sends. */
export const SEND_KINDS = [
  'stage',
  'invite',
  'reminder',
  'non-responders',
  'activity-nudge',
  'report-reminder',
  'closing',
  'final-survey',
] as const;
export type SendKind = (typeof SEND_KINDS)[number];

/** Everything that goes through the send log: the year's sends and the invitations of a monitoring sample. */
export const LOGGED_SEND_KINDS = [...SEND_KINDS, 'sample-invite'] as const;
export type LoggedSendKind = (typeof LOGGED_SEND_KINDS)[number];

export const SEND_STATUSES = ['sending', 'sent', 'failed', 'undeliverable'] as const;
/**
 * `sending`: taken and not confirmed. A crash leaves it so; it is never sent again (at most once).
 * `failed`: a retryable error (network, rate limit); tried again later, a few times.
 * `undeliverable`: blocked, no channel, nothing to send: trying again will not help.
 */
export type SendStatus = (typeof SEND_STATUSES)[number];

export interface SendKey {
  cohortId: string;
  kind: LoggedSendKind;
  /** The stage, questionnaire occasion, deadline...: what distinguishes two sends of one kind. */
  occasion: string;
  recipientId: string;
}

/**
 * Deterministic: the same send always has the same key, whoever plans it and whenever. Joined, not
 * concatenated: a template literal makes a chain of five string pieces (~190 bytes) that V8 keeps
 * as it is, and a plan makes a key for every send of the year, keeping a month's (25,000 for a
 * 5,000-teacher cohort's `schedule show`); a join makes one flat string (~90 bytes), no slower.
 */
export function sendKey(k: SendKey): string {
  return [k.cohortId, k.kind, k.occasion, k.recipientId].join('|');
}

export interface ScheduledSend extends SendKey {
  key: string;
  status: SendStatus;
  /** When the planner wanted it to go. */
  dueAt: Date;
  /** The last attempt: when the key was taken. */
  attemptedAt: Date;
  /** When the message was handed to the channel. */
  sentAt?: Date;
  attempts: number;
  /** Why it failed, for staff; never a message text or a phone number. */
  detail?: string;
}

/**
 * What planning needs of a logged send: whether it went, and when and how often it was tried. A
 * cohort's log has tens of thousands of records; reading only these fields keeps planning light.
 */
export type SendRecord = Pick<ScheduledSend, 'key' | 'status' | 'attemptedAt' | 'sentAt' | 'attempts'>;
