import type { Model } from 'mongoose';
import { PERSONAL_FIELDS, type Participant } from '../../domain/participant.js';
import type {
  IdentityConflict,
  ParticipantInput,
  ParticipantProfilePatch,
  ParticipantRepository,
} from '../../domain/repositories.js';
import { err, ok, type Result } from '../../domain/result.js';
import { toParticipant, type ParticipantDoc } from '../models/participant.js';
import { AFTER_UPDATE, duplicateKeyField, op, toObjectId, toObjectIds } from './ids.js';
import { setPresent } from './update.js';

const IDENTITY_FIELDS = ['phone', 'telegramId', 'whatsappId', 'maxId'] as const;

function asIdentityConflict(error: unknown): IdentityConflict | undefined {
  const field = duplicateKeyField(error);
  return IDENTITY_FIELDS.find((f) => f === field) ? { kind: 'identity_taken', field: field as IdentityConflict['field'] } : undefined;
}

function normaliseUsername<T extends { telegramUsername?: string }>(input: T): T {
  return input.telegramUsername === undefined
    ? input
    : { ...input, telegramUsername: input.telegramUsername.replace(/^@/, '').toLowerCase() };
}

export function createParticipantRepository(model: Model<ParticipantDoc>): ParticipantRepository {
  const findOne = async (filter: Record<string, unknown>) => {
    const doc = await model.findOne(filter).lean<ParticipantDoc>();
    return doc ? toParticipant(doc) : undefined;
  };
  const update = async (id: string, change: Record<string, unknown>) => {
    const _id = toObjectId(id);
    if (!_id) return undefined;
    const doc = await model.findOneAndUpdate({ _id }, change, AFTER_UPDATE).lean<ParticipantDoc>();
    return doc ? toParticipant(doc) : undefined;
  };

  return {
    async create(input: ParticipantInput): Promise<Result<Participant, IdentityConflict>> {
      try {
        const doc = await model.create(normaliseUsername(input));
        return ok(toParticipant(doc.toObject<ParticipantDoc>()));
      } catch (error) {
        const conflict = asIdentityConflict(error);
        if (conflict) return err(conflict);
        throw error;
      }
    },
    async findById(id) {
      const _id = toObjectId(id);
      return _id ? findOne({ _id }) : undefined;
    },
    async findByIds(ids) {
      const docs = await model.find({ _id: op({ $in: toObjectIds(ids) }) }).lean<ParticipantDoc[]>();
      return docs.map(toParticipant);
    },
    async listStaff() {
      const docs = await model.find({ isStaff: true, anonymisedAt: null }).lean<ParticipantDoc[]>();
      return docs.map(toParticipant);
    },
    findByTelegramId: (telegramId) => findOne({ telegramId }),
    findByWhatsappId: (whatsappId) => findOne({ whatsappId }),
    findByMaxId: (maxId) => findOne({ maxId }),
    findByLinkCode: (hash) => findOne({ 'linkCode.hash': hash }),
    setLinkCode: (id, linkCode) => update(id, linkCode ? { $set: { linkCode } } : { $unset: { linkCode: '' } }),
    findByPhone: (phone) => findOne({ phone }),
    findByTelegramUsername: (username) =>
      findOne({ telegramUsername: username.replace(/^@/, '').toLowerCase() }),
    async updateProfile(id, patch: ParticipantProfilePatch) {
      try {
        const participant = await update(id, { $set: setPresent(normaliseUsername(patch)) });
        return participant ? ok(participant) : undefined;
      } catch (error) {
        const conflict = asIdentityConflict(error);
        if (conflict) return err(conflict);
        throw error;
      }
    },
    recordConsent: (id, policyVersion, at) =>
      update(id, { $set: { consent: { given: true, at, policyVersion } } }),
    refuseConsent: (id, policyVersion, at) =>
      update(id, { $set: { consent: { given: false, at, policyVersion } } }),
    withdrawConsent: (id, at) =>
      update(id, { $set: { 'consent.given': false, 'consent.withdrawnAt': at } }),
    setRemindersOptOut: (id, at) =>
      update(id, at ? { $set: { remindersOptedOutAt: at } } : { $unset: { remindersOptedOutAt: '' } }),
    setUnreachable: (id, channel, at) =>
      update(id, at ? { $set: { [`unreachable.${channel}`]: at } } : { $unset: { [`unreachable.${channel}`]: '' } }),
    anonymise: (id, at) =>
      update(id, {
        $unset: Object.fromEntries(PERSONAL_FIELDS.map((f) => [f, ''])),
        $set: { anonymisedAt: at, remindersOptedOutAt: at },
      }),
  };
}
