import type { Channel } from './channel.js';
import type { Locale } from './locale.js';
import type { SendingWindow } from './sending-window.js';
import type { StagePlan } from './stage.js';

export const COHORT_STATUSES = ['active', 'finished', 'archived'] as const;
export type CohortStatus = (typeof COHORT_STATUSES)[number];

/** A chat group bound to a cohort: a Telegram group bound by a curator, a WhatsApp group the bot created. */
export interface CohortGroup {
  channel: Channel;
  chatId: string;
  title?: string;
  inviteLink?: string;
  boundAt: Date;
  boundBy?: string;
}

/** One run of a programme. Its post-course year starts at `courseEnd`. */
export interface Cohort {
  id: string;
  /** Invite code: joins a teacher by deep link or typed code; short, upper-case, unambiguous. */
  code: string;
  programmeId: string;
  title: string;
  courseStart: Date;
  courseEnd: Date;
  timeZone: string;
  locale: Locale;
  status: CohortStatus;
  /** Participant ids of the curators and tutors: they may act on this cohort. */
  curatorIds: string[];
  tutorIds: string[];
  groups: CohortGroup[];
  /** Overrides the programme's plan when present. */
  stagePlan?: StagePlan;
  /** When scheduled messages may go out; absent: weekdays 09:00–20:00 in `timeZone`. */
  sendingWindow?: SendingWindow;
  /** The sandbox's demo cohort: left out of monitoring, exports and reports unless asked for by name. */
  demo?: boolean;
  createdAt: Date;
  updatedAt: Date;
}
