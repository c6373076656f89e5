// Participants stored before channel addresses existed (one field per channel) are moved to the one
// address shape at start-up: found by address and username, unreachable marks kept, ids unique.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { migrateParticipantAddresses } from '../../../src/store/migrate-addresses.js';
import type { Store } from '../../../src/store/index.js';
import { openTestStore } from '../../support/store.js';

let store: Store;

beforeAll(async () => {
  store = await openTestStore();
});

afterAll(async () => {
  await store?.close();
});

describe('participants written before channel addresses', () => {
  it('are read in the address shape, rewritten once, and keep their unique identities', async () => {
    const blockedAt = new Date('2026-03-01T10:00:00Z');
    const maxPerson = new Types.ObjectId();
    const old = {
      _id: new Types.ObjectId(),
      locale: 'ru',
      isStaff: false,
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    const raw = store.models.participant.collection;
    await raw.insertMany([
      {
        ...old,
        fullName: 'Петрова Анна',
        telegramId: 4242,
        telegramUsername: 'anna_p',
        unreachable: { telegram: blockedAt },
      },
      {
        ...old,
        _id: new Types.ObjectId(),
        fullName: 'Жумабаева Гульнара',
        phone: '+77015550011',
        whatsappId: '77015550011@c.us',
      },
      { ...old, _id: new Types.ObjectId(), fullName: 'Смирнова Ольга', telegramUsername: 'olga_curator' },
      // Max's first version kept its user_id as a number, beside the Telegram one.
      {
        ...old,
        _id: maxPerson,
        fullName: 'Волкова Светлана',
        telegramId: 5550001,
        maxId: 7600,
        unreachable: { max: blockedAt },
      },
    ]);
    const anna = store.repositories.participants;
    // Read before the migration: the old fields already come out as addresses.
    expect((await anna.findById(String(old._id)))?.addresses).toEqual([
      { channel: 'telegram', id: '4242', username: 'anna_p', unreachableSince: blockedAt },
    ]);

    expect(await migrateParticipantAddresses(store.models.participant)).toBe(4);
    expect(await migrateParticipantAddresses(store.models.participant)).toBe(0);
    expect((await anna.findByAddress('telegram', '4242'))?.fullName).toBe('Петрова Анна');
    expect((await anna.findByAddress('whatsapp', '77015550011@c.us'))?.fullName).toBe('Жумабаева Гульнара');
    expect((await anna.findByPhone('+77015550011'))?.addresses).toEqual([
      { channel: 'whatsapp', id: '77015550011@c.us' },
    ]);
    expect((await anna.findByUsername('telegram', '@Olga_Curator'))?.addresses).toEqual([
      { channel: 'telegram', username: 'olga_curator' },
    ]);
    expect((await anna.findByAddress('max', '7600'))?.addresses).toEqual([
      { channel: 'telegram', id: '5550001' },
      { channel: 'max', id: '7600', unreachableSince: blockedAt },
    ]);
    expect(await raw.findOne({ _id: maxPerson })).not.toHaveProperty('maxId');
    const stored = await raw.findOne({ _id: old._id });
    expect(stored).not.toHaveProperty('telegramId');
    expect(stored).not.toHaveProperty('unreachable');
    expect(stored?.urns).toEqual(['telegram:4242']);
    // The migrated id is still one person's: a newcomer cannot take it.
    expect(await anna.create({ locale: 'ru', addresses: [{ channel: 'telegram', id: '4242' }] })).toEqual({
      ok: false,
      error: { kind: 'identity_taken', field: 'address' },
    });
  });
});
