import type { Channel } from './channel.js';
import type { Locale } from './locale.js';

export const SETTLEMENT_TYPES = ['urban', 'rural'] as const;
export type SettlementType = (typeof SETTLEMENT_TYPES)[number];

export interface Consent {
  given: boolean;
  at: Date;
  /** Which version of the personal-data policy text was shown. */
  policyVersion: string;
  withdrawnAt?: Date;
}

/**
 * A person who talks to Sputnik: a teacher, or a curator / tutor / centre staff member (their
 * cohort roles live on the Cohort, centre-wide staff on `isStaff`). Identity on each channel is
 * unique: one Telegram id, one WhatsApp id, one phone per participant.
 */
export interface Participant {
  id: string;
  fullName?: string;
  /** E.164, e.g. +77011234567. */
  phone?: string;
  telegramId?: number;
  /** Lower-case, without "@": lets an imported curator be recognised on first contact. */
  telegramUsername?: string;
  /** whatsapp-web.js chat id, e.g. 77011234567@c.us. */
  whatsappId?: string;
  /** Max user_id (the Max Bot API's user id; a private chat with the bot is addressed by it). */
  maxId?: number;
  organisation?: string;
  region?: string;
  district?: string;
  settlementType?: SettlementType;
  position?: string;
  subject?: string;
  locale: Locale;
  consent?: Consent;
  isStaff: boolean;
  /** When the person blocked the bot on a channel (a 403 from it): nothing is sent there until they write again. */
  unreachable?: Partial<Record<Channel, Date>>;
  /**
   * A code this person asked for (/link) to use this account on another messenger; only its hash
   * is kept, and only until it expires or is used.
   */
  linkCode?: { hash: string; expiresAt: Date };
  /** /stop: no reminders; the teacher still gets what they ask for. */
  remindersOptedOutAt?: Date;
  /** "Delete my data": personal fields are gone, the anonymous record stays for aggregates. */
  anonymisedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** The fields "delete my data" removes. */
export const PERSONAL_FIELDS = [
  'fullName',
  'phone',
  'telegramId',
  'telegramUsername',
  'whatsappId',
  'maxId',
  'linkCode',
  'organisation',
  'position',
] as const satisfies readonly (keyof Participant)[];
