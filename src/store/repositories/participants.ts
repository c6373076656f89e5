import type { Model, Types } from 'mongoose';
import {
  addressUrn,
  PERSONAL_FIELDS,
  withAddress,
  type ChannelAddress,
  type Participant,
  type Recipient,
} from '../../domain/participant.js';
import type {
  IdentityConflict,
  ParticipantInput,
  ParticipantProfilePatch,
  ParticipantRepository,
} from '../../domain/repositories.js';
import { err, ok, type Result } from '../../domain/result.js';
import { idString } from '../models/common.js';
import {
  addressesOf,
  toParticipant,
  urnsOf,
  type LegacyParticipantFields,
  type ParticipantDoc,
} from '../models/participant.js';
import type { InProcessReader } from '../index.js';
import { AFTER_UPDATE, duplicateKeyField, op, toObjectId, toObjectIds } from './ids.js';
import { setPresent } from './update.js';
import { projected, readCooperatively } from './cooperative.js';

type RecipientDoc = ParticipantDoc & LegacyParticipantFields;
/** Recipient's fields, and the address fields of documents stored before addresses existed. */
const RECIPIENT_FIELDS = {
  fullName: 1,
  locale: 1,
  addresses: 1,
  consent: 1,
  remindersOptedOutAt: 1,
  anonymisedAt: 1,
  telegramId: 1,
  telegramUsername: 1,
  whatsappId: 1,
  maxId: 1,
  unreachable: 1,
} as const;

function asIdentityConflict(error: unknown): IdentityConflict | undefined {
  const field = duplicateKeyField(error);
  if (field === 'phone') return { kind: 'identity_taken', field: 'phone' };
  if (field === 'urns') return { kind: 'identity_taken', field: 'address' };
  return undefined;
}

const normaliseUsername = (username: string) => username.replace(/^@/, '').toLowerCase();

function normaliseAddress(a: ChannelAddress): ChannelAddress {
  return a.username === undefined ? a : { ...a, username: normaliseUsername(a.username) };
}

/** The stored form of a list of addresses: `urns` rides along for the unique index. */
function addressFields(addresses: readonly ChannelAddress[]): Record<string, unknown> {
  const normalised = addresses.map(normaliseAddress);
  const urns = urnsOf(normalised);
  return { addresses: normalised, ...(urns ? { urns } : {}) };
}

export function createParticipantRepository(
  model: Model<ParticipantDoc>,
  reader?: InProcessReader,
): ParticipantRepository {
  const findOne = async (filter: Record<string, unknown>) => {
    const doc = await model.findOne(filter).lean<ParticipantDoc>();
    return doc ? toParticipant(doc) : undefined;
  };
  /**
   * Every incoming message looks its person up by address or id: in this process when it serves
   * the store. Only for a field equal to a string or an ObjectId made here, never a caller's
   * value unchecked: mongoose's casting and filter sanitising, which refuse an operator object
   * passed where a value belongs, are not on this path.
   */
  const findOneByKey = async (field: '_id' | 'urns', value: string | Types.ObjectId) => {
    if (!reader) return findOne({ [field]: value });
    const doc = reader.findOne(model.collection.collectionName, { [field]: value }) as ParticipantDoc | undefined;
    return doc ? toParticipant(doc) : undefined;
  };
  const findById = async (id: string) => {
    const _id = toObjectId(id);
    return _id ? findOneByKey('_id', _id) : undefined;
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
        const { addresses, ...rest } = input;
        const doc = await model.create({ ...rest, ...addressFields(addresses ?? []) });
        return ok(toParticipant(doc.toObject<ParticipantDoc>()));
      } catch (error) {
        const conflict = asIdentityConflict(error);
        if (conflict) return err(conflict);
        throw error;
      }
    },
    findById,
    async findByIds(ids) {
      return readCooperatively(model.find({ _id: op({ $in: toObjectIds(ids) }) }).lean(), toParticipant);
    },
    async recipientsByIds(ids) {
      const docs = projected<RecipientDoc>(model, reader, { _id: { $in: toObjectIds(ids) } }, RECIPIENT_FIELDS);
      return readCooperatively(docs, (d: RecipientDoc): Recipient => {
        const r: Recipient = { id: idString(d._id), locale: d.locale, addresses: addressesOf(d) };
        if (d.fullName) r.fullName = d.fullName;
        if (d.consent) {
          r.consent = { given: d.consent.given, at: d.consent.at, policyVersion: d.consent.policyVersion };
          if (d.consent.withdrawnAt) r.consent.withdrawnAt = d.consent.withdrawnAt;
        }
        if (d.remindersOptedOutAt) r.remindersOptedOutAt = d.remindersOptedOutAt;
        if (d.anonymisedAt) r.anonymisedAt = d.anonymisedAt;
        return r;
      });
    },
    findByAddress: (channel, id) => findOneByKey('urns', addressUrn(channel, id)),
    async listStaff() {
      const docs = await model.find({ isStaff: true, anonymisedAt: null }).lean<ParticipantDoc[]>();
      return docs.map(toParticipant);
    },
    findByLinkCode: (hash) => findOne({ 'linkCode.hash': hash }),
    setLinkCode: (id, linkCode) => update(id, linkCode ? { $set: { linkCode } } : { $unset: { linkCode: '' } }),
    findByPhone: (phone) => findOne({ phone }),
    findByUsername: (channel, username) =>
      findOne({ addresses: op({ $elemMatch: { channel, username: normaliseUsername(username) } }) }),
    async linkAddress(id, address) {
      const current = await findById(id);
      if (!current) return undefined;
      const before = current.addresses.find((a) => a.channel === address.channel);
      const keep = {
        ...(before?.unreachableSince && before.id === address.id ? { unreachableSince: before.unreachableSince } : {}),
        // A username the centre imported stays until the platform reports another.
        ...(address.username === undefined && before?.username ? { username: before.username } : {}),
      };
      try {
        const participant = await update(id, {
          $set: addressFields(withAddress(current.addresses, { ...address, ...keep })),
        });
        return participant ? ok(participant) : undefined;
      } catch (error) {
        const conflict = asIdentityConflict(error);
        if (conflict) return err(conflict);
        throw error;
      }
    },
    async updateProfile(id, patch: ParticipantProfilePatch) {
      try {
        const participant = await update(id, { $set: setPresent(patch) });
        return participant ? ok(participant) : undefined;
      } catch (error) {
        const conflict = asIdentityConflict(error);
        if (conflict) return err(conflict);
        throw error;
      }
    },
    recordConsent: (id, policyVersion, at) => update(id, { $set: { consent: { given: true, at, policyVersion } } }),
    refuseConsent: (id, policyVersion, at) => update(id, { $set: { consent: { given: false, at, policyVersion } } }),
    withdrawConsent: (id, at) => update(id, { $set: { 'consent.given': false, 'consent.withdrawnAt': at } }),
    setRemindersOptOut: (id, at) =>
      update(id, at ? { $set: { remindersOptedOutAt: at } } : { $unset: { remindersOptedOutAt: '' } }),
    async setUnreachable(id, channel, at) {
      const current = await findById(id);
      const address = current?.addresses.find((a) => a.channel === channel);
      if (!current || !address) return current;
      const { unreachableSince: _was, ...rest } = address;
      const next = withAddress(current.addresses, at ? { ...rest, unreachableSince: at } : rest);
      return update(id, { $set: addressFields(next) });
    },
    anonymise: (id, at) =>
      update(id, {
        $unset: Object.fromEntries([...PERSONAL_FIELDS, 'urns'].map((f) => [f, ''])),
        $set: { anonymisedAt: at, remindersOptedOutAt: at },
      }),
  };
}
