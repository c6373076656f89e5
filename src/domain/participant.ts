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
 * Where a person is reached on one channel. `id` is the channel's own id of the person's private
 * chat (Telegram's user id, WhatsApp's "77011234567@c.us"); an imported curator may be known by
 * `username` only until they first write. One address per channel per participant.
 */
export interface ChannelAddress {
  channel: Channel;
  id?: string;
  /** Lower-case, without "@": lets an imported person be recognised on first contact. */
  username?: string;
  /** When the person blocked the bot there (a 403): nothing is sent there until they write again. */
  unreachableSince?: Date;
}

/** The courier-style URN of an address: "telegram:12345", "whatsapp:77011234567@c.us". */
export function addressUrn(channel: Channel, id: string): string {
  return `${channel}:${id}`;
}

/** The participant's address on a channel, if any. */
export function addressOn(p: Pick<Participant, 'addresses'>, channel: Channel): ChannelAddress | undefined {
  return p.addresses.find((a) => a.channel === channel);
}

/** The participant's chat id on a channel (their private chat), if they have written from it. */
export function idOn(p: Pick<Participant, 'addresses'>, channel: Channel): string | undefined {
  return addressOn(p, channel)?.id;
}

/** The addresses with the one on `address.channel` replaced (or added). */
export function withAddress(addresses: readonly ChannelAddress[], address: ChannelAddress): ChannelAddress[] {
  const i = addresses.findIndex((a) => a.channel === address.channel);
  return i < 0 ? [...addresses, address] : addresses.map((a, j) => (j === i ? address : a));
}

/**
 * A person who talks to Sputnik: a teacher, or a curator / tutor / centre staff member (their
 * cohort roles live on the Cohort, centre-wide staff on `isStaff`). Identity on each channel is
 * unique: an address (channel + id) and a phone belong to one participant at most.
 */
export interface Participant {
  id: string;
  fullName?: string;
  /** E.164, e.g. +77011234567. */
  phone?: string;
  /** One per channel, in the order they were added (the first is written to first). */
  addresses: ChannelAddress[];
  organisation?: string;
  region?: string;
  district?: string;
  settlementType?: SettlementType;
  position?: string;
  subject?: string;
  locale: Locale;
  consent?: Consent;
  isStaff: boolean;
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

/**
 * What the post-course scheduler needs of a person: who can be written to and how, in which
 * language, under which name. Read for thousands of teachers at once, so nothing more.
 */
export type Recipient = Pick<
  Participant,
  'id' | 'fullName' | 'locale' | 'addresses' | 'consent' | 'remindersOptedOutAt' | 'anonymisedAt'
>;

/** The fields "delete my data" removes. */
export const PERSONAL_FIELDS = [
  'fullName',
  'phone',
  'addresses',
  'linkCode',
  'organisation',
  'position',
] as const satisfies readonly (keyof Participant)[];
