import { Schema, type Connection, type Model } from 'mongoose';
import type { Locale } from '../../domain/locale.js';
import { CHANNEL_NAME } from '../../domain/channel.js';
import {
  addressUrn,
  SETTLEMENT_TYPES,
  type ChannelAddress,
  type Consent,
  type Participant,
  type SettlementType,
} from '../../domain/participant.js';
import { E164_PATTERN } from '../../domain/phone.js';
import { idString, localeField, orUndefined, schemaOptions, text, type ObjectIdType } from './common.js';
import { COLLECTION_NAMES } from './collections.js';

export interface ParticipantDoc {
  _id: ObjectIdType;
  fullName?: string | null;
  phone?: string | null;
  addresses?: AddressDoc[] | null;
  /** `channel:id` of each address with an id: the unique index that keeps an address to one person. */
  urns?: string[] | null;
  linkCode?: { hash: string; expiresAt: Date } | null;
  organisation?: string | null;
  region?: string | null;
  district?: string | null;
  settlementType?: SettlementType | null;
  position?: string | null;
  subject?: string | null;
  locale: Locale;
  consent?: Consent | null;
  isStaff: boolean;
  remindersOptedOutAt?: Date | null;
  anonymisedAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AddressDoc {
  channel: string;
  id?: string | null;
  username?: string | null;
  unreachableSince?: Date | null;
}

/** The fields of documents written before addresses existed (read on load, rewritten at start-up). */
export interface LegacyParticipantFields {
  telegramId?: number | null;
  telegramUsername?: string | null;
  whatsappId?: string | null;
  /** Max's user_id, a number then. */
  maxId?: number | null;
  unreachable?: { telegram?: Date | null; whatsapp?: Date | null; max?: Date | null } | null;
}

const addressSchema = new Schema<AddressDoc>(
  {
    channel: { type: String, match: CHANNEL_NAME, required: true },
    id: { type: String, trim: true, maxlength: 200 },
    // Telegram's and Max's rule alike: letters, digits, underscores; stored lower-case.
    username: { type: String, trim: true, lowercase: true, match: /^[a-z][a-z0-9_]{2,63}$/ },
    unreachableSince: Date,
  },
  { _id: false },
);

const consentSchema = new Schema<Consent>(
  {
    given: { type: Boolean, required: true },
    at: { type: Date, required: true },
    policyVersion: { type: String, required: true },
    withdrawnAt: Date,
  },
  { _id: false },
);

const participantSchema = new Schema<ParticipantDoc>(
  {
    fullName: text(200),
    phone: { type: String, match: [E164_PATTERN, 'phone must be in E.164 form, e.g. +77011234567'] },
    // No default: an empty array would be indexed as one shared "undefined" key by the unique index.
    addresses: { type: [addressSchema], default: undefined },
    urns: { type: [String], default: undefined },
    linkCode: {
      type: new Schema(
        { hash: { type: String, required: true }, expiresAt: { type: Date, required: true } },
        { _id: false },
      ),
      required: false,
    },
    organisation: text(500),
    region: text(200),
    district: text(200),
    settlementType: { type: String, enum: SETTLEMENT_TYPES },
    position: text(200),
    subject: text(200),
    locale: localeField,
    consent: { type: consentSchema, required: false },
    isStaff: { type: Boolean, default: false, required: true },
    remindersOptedOutAt: Date,
    anonymisedAt: Date,
  },
  schemaOptions(COLLECTION_NAMES.participants),
);
// One person per address on each channel and per phone; sparse because not everyone has them.
participantSchema.index({ urns: 1 }, { unique: true, sparse: true });
participantSchema.index({ 'linkCode.hash': 1 }, { sparse: true });
participantSchema.index({ phone: 1 }, { unique: true, sparse: true });
participantSchema.index({ 'addresses.username': 1 });
// Monitoring breakdowns and stratified sampling.
participantSchema.index({ region: 1, settlementType: 1 });

export function defineParticipantModel(connection: Connection): Model<ParticipantDoc> {
  return connection.model<ParticipantDoc>('Participant', participantSchema);
}

/** The `urns` field that goes with a list of addresses (absent when none has an id). */
export function urnsOf(addresses: readonly ChannelAddress[]): string[] | undefined {
  const urns = addresses.flatMap((a) => (a.id ? [addressUrn(a.channel, a.id)] : []));
  return urns.length > 0 ? urns : undefined;
}

/** Addresses of a document, including those of the fields used before addresses existed. */
export function addressesOf(doc: ParticipantDoc & LegacyParticipantFields): ChannelAddress[] {
  const out: ChannelAddress[] = (doc.addresses ?? []).map((a) => ({
    channel: a.channel,
    ...(a.id ? { id: a.id } : {}),
    ...(a.username ? { username: a.username } : {}),
    ...(a.unreachableSince ? { unreachableSince: a.unreachableSince } : {}),
  }));
  const has = (channel: string) => out.some((a) => a.channel === channel);
  if (!has('telegram') && (typeof doc.telegramId === 'number' || doc.telegramUsername)) {
    out.push({
      channel: 'telegram',
      ...(typeof doc.telegramId === 'number' ? { id: String(doc.telegramId) } : {}),
      ...(doc.telegramUsername ? { username: doc.telegramUsername } : {}),
      ...(doc.unreachable?.telegram ? { unreachableSince: doc.unreachable.telegram } : {}),
    });
  }
  if (!has('whatsapp') && doc.whatsappId) {
    out.push({
      channel: 'whatsapp',
      id: doc.whatsappId,
      ...(doc.unreachable?.whatsapp ? { unreachableSince: doc.unreachable.whatsapp } : {}),
    });
  }
  if (!has('max') && typeof doc.maxId === 'number') {
    out.push({
      channel: 'max',
      id: String(doc.maxId),
      ...(doc.unreachable?.max ? { unreachableSince: doc.unreachable.max } : {}),
    });
  }
  return out;
}

export function toParticipant(doc: ParticipantDoc): Participant {
  return {
    id: idString(doc._id),
    fullName: orUndefined(doc.fullName),
    phone: orUndefined(doc.phone),
    addresses: addressesOf(doc),
    linkCode: doc.linkCode ? { hash: doc.linkCode.hash, expiresAt: doc.linkCode.expiresAt } : undefined,
    organisation: orUndefined(doc.organisation),
    region: orUndefined(doc.region),
    district: orUndefined(doc.district),
    settlementType: orUndefined(doc.settlementType),
    position: orUndefined(doc.position),
    subject: orUndefined(doc.subject),
    locale: doc.locale,
    consent: doc.consent
      ? {
          given: doc.consent.given,
          at: doc.consent.at,
          policyVersion: doc.consent.policyVersion,
          withdrawnAt: orUndefined(doc.consent.withdrawnAt),
        }
      : undefined,
    isStaff: doc.isStaff,
    remindersOptedOutAt: orUndefined(doc.remindersOptedOutAt),
    anonymisedAt: orUndefined(doc.anonymisedAt),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
