import { Schema, type Connection, type Model } from 'mongoose';
import type { Locale } from '../../domain/locale.js';
import {
  SETTLEMENT_TYPES,
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
  telegramId?: number | null;
  telegramUsername?: string | null;
  whatsappId?: string | null;
  maxId?: number | null;
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
  unreachable?: { telegram?: Date | null; whatsapp?: Date | null; max?: Date | null } | null;
  createdAt: Date;
  updatedAt: Date;
}

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
    telegramId: { type: Number, validate: Number.isSafeInteger },
    // Telegram's rule: 5-32 characters, starting with a letter.
    telegramUsername: { ...text(32), lowercase: true, match: /^[a-z][a-z0-9_]{4,31}$/ },
    whatsappId: { type: String, match: /^\d{6,20}@c\.us$/ },
    maxId: { type: Number, validate: Number.isSafeInteger },
    linkCode: { type: new Schema({ hash: { type: String, required: true }, expiresAt: { type: Date, required: true } }, { _id: false }), required: false },
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
    unreachable: { telegram: Date, whatsapp: Date, max: Date },
  },
  schemaOptions(COLLECTION_NAMES.participants),
);
// One person per identity on each channel; sparse because most people have only one of them.
participantSchema.index({ telegramId: 1 }, { unique: true, sparse: true });
participantSchema.index({ whatsappId: 1 }, { unique: true, sparse: true });
participantSchema.index({ maxId: 1 }, { unique: true, sparse: true });
participantSchema.index({ 'linkCode.hash': 1 }, { sparse: true });
participantSchema.index({ phone: 1 }, { unique: true, sparse: true });
participantSchema.index({ telegramUsername: 1 });
// Monitoring breakdowns and stratified sampling.
participantSchema.index({ region: 1, settlementType: 1 });

export function defineParticipantModel(connection: Connection): Model<ParticipantDoc> {
  return connection.model<ParticipantDoc>('Participant', participantSchema);
}

export function toParticipant(doc: ParticipantDoc): Participant {
  return {
    id: idString(doc._id),
    fullName: orUndefined(doc.fullName),
    phone: orUndefined(doc.phone),
    telegramId: orUndefined(doc.telegramId),
    telegramUsername: orUndefined(doc.telegramUsername),
    whatsappId: orUndefined(doc.whatsappId),
    maxId: orUndefined(doc.maxId),
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
    unreachable: doc.unreachable?.telegram || doc.unreachable?.whatsapp || doc.unreachable?.max
      ? {
          ...(doc.unreachable.telegram ? { telegram: doc.unreachable.telegram } : {}),
          ...(doc.unreachable.whatsapp ? { whatsapp: doc.unreachable.whatsapp } : {}),
          ...(doc.unreachable.max ? { max: doc.unreachable.max } : {}),
        }
      : undefined,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
