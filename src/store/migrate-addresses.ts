// Participants written before channel addresses existed kept one field per channel (telegramId,
// telegramUsername, whatsappId, maxId, unreachable.{telegram,whatsapp,max}). They are rewritten once at
// start-up into `addresses` + `urns`, so lookups by address find them; toParticipant also reads the
// old fields, so a document the migration has not reached yet still loads right.
import type { Model } from 'mongoose';
import { addressesOf, urnsOf, type LegacyParticipantFields, type ParticipantDoc } from './models/participant.js';

const LEGACY = ['telegramId', 'telegramUsername', 'whatsappId', 'maxId', 'unreachable'] as const;

/** Rewrites every participant that still has an old per-channel field; returns how many. */
export async function migrateParticipantAddresses(model: Model<ParticipantDoc>): Promise<number> {
  // The driver's collection, not the model: the schema no longer knows these fields (strictQuery).
  const collection = model.collection;
  const legacy = collection.find({ $or: LEGACY.map((field) => ({ [field]: { $exists: true } })) });
  let migrated = 0;
  for await (const raw of legacy) {
    const doc = raw as unknown as ParticipantDoc & LegacyParticipantFields;
    const addresses = addressesOf(doc);
    const urns = urnsOf(addresses);
    await collection.updateOne(
      { _id: doc._id },
      {
        $set: { addresses, ...(urns ? { urns } : {}) },
        $unset: Object.fromEntries(LEGACY.map((field) => [field, ''])),
      },
    );
    migrated += 1;
  }
  return migrated;
}
