// An index on several fields of one array ({groups.channel, groups.chatId}) is accepted, as by
// MongoDB; only arrays in different fields of one document are parallel arrays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/index.js';
import { aProgramme } from '../../support/fixtures.js';
import { openTestStore } from '../../support/store.js';
import { startStoreWithClient, uniqueDb, type StoreHandle } from './helpers.js';

let handle: StoreHandle;
let store: Store;
beforeAll(async () => {
  handle = await startStoreWithClient();
  store = await openTestStore();
});
afterAll(async () => {
  await handle.close();
  await store.close();
});

describe('compound index over one array', () => {
  it('keys each element on its own: two cohorts may share a channel and a chat id in different groups', async () => {
    const c = handle.client
      .db(uniqueDb('samearray'))
      .collection<{ code: string; groups: Array<{ channel: string; chatId: string }> }>('cohorts');
    await c.createIndex({ 'groups.channel': 1, 'groups.chatId': 1 }, { unique: true });
    await c.insertOne({
      code: 'A',
      groups: [
        { channel: 'telegram', chatId: '1' },
        { channel: 'whatsapp', chatId: '2' },
      ],
    });
    // (telegram, 2) and (whatsapp, 1) were never a pair in A: no mixed keys, no false duplicate.
    await c.insertOne({
      code: 'B',
      groups: [
        { channel: 'telegram', chatId: '2' },
        { channel: 'whatsapp', chatId: '1' },
      ],
    });
    const dup = await c
      .insertOne({ code: 'C', groups: [{ channel: 'whatsapp', chatId: '2' }] })
      .catch((e: unknown) => e);
    expect(dup).toMatchObject({ code: 11000 });

    // A plain equality on both fields may match them in different elements: the index must not narrow it.
    const plain = await c.find({ 'groups.channel': 'telegram', 'groups.chatId': '2' }).sort({ code: 1 }).toArray();
    expect(plain.map((d) => d.code)).toEqual(['A', 'B']);
    const exact = await c.find({ groups: { $elemMatch: { channel: 'telegram', chatId: '2' } } }).toArray();
    expect(exact.map((d) => d.code)).toEqual(['B']);

    // Removing a group frees its pair.
    await c.updateOne({ code: 'A' }, { $pull: { groups: { channel: 'whatsapp' } } });
    await c.insertOne({ code: 'C', groups: [{ channel: 'whatsapp', chatId: '2' }] });
  });

  it('still refuses arrays in two different fields of one document', async () => {
    const c = handle.client.db(uniqueDb('parallel')).collection('c');
    await c.createIndex({ tags: 1, 'groups.chatId': 1 });
    await c.insertOne({ tags: ['a'], groups: [{ chatId: '1' }, { chatId: '2' }] });
    const parallel = await c
      .insertOne({ tags: ['a', 'b'], groups: [{ chatId: '1' }, { chatId: '2' }] })
      .catch((e: unknown) => e);
    expect(parallel).toMatchObject({ code: 171, codeName: 'CannotIndexParallelArrays' });
    const nested = handle.client.db(uniqueDb('parallel')).collection('n');
    await nested.createIndex({ 'a.x': 1, 'a.y.z': 1 });
    const inner = await nested
      .insertOne({
        a: [
          { x: 1, y: [{ z: 1 }, { z: 2 }] },
          { x: 2, y: { z: 3 } },
        ],
      })
      .catch((e: unknown) => e);
    // y is an array inside an element of a: one array path, so MongoDB accepts it too.
    expect(inner).toMatchObject({ acknowledged: true });
  });

  it('lets a cohort have a Telegram group and a WhatsApp group', async () => {
    const repos = store.repositories;
    const programme = await aProgramme(repos);
    const { cohort } = await repos.cohorts.upsertByCode({
      code: 'TWOGROUPS',
      programmeId: programme.id,
      title: 'Два чата',
      courseStart: new Date('2026-03-02'),
      courseEnd: new Date('2026-03-20'),
      timeZone: 'Asia/Almaty',
      locale: 'ru',
    });
    expect(
      (await repos.cohorts.bindGroup(cohort.id, { channel: 'telegram', chatId: '-1001', boundAt: new Date() })).ok,
    ).toBe(true);
    const second = await repos.cohorts.bindGroup(cohort.id, {
      channel: 'whatsapp',
      chatId: '12036300@g.us',
      boundAt: new Date(),
    });
    expect(second.ok).toBe(true);
    expect(
      (await repos.cohorts.bindGroup(cohort.id, { channel: 'telegram', chatId: '-1002', boundAt: new Date() })).ok,
    ).toBe(true);
    expect((await repos.cohorts.findById(cohort.id))?.groups.map((g) => g.chatId)).toEqual([
      '-1001',
      '12036300@g.us',
      '-1002',
    ]);
    expect((await repos.cohorts.findByGroup('whatsapp', '12036300@g.us'))?.code).toBe('TWOGROUPS');
  });
});
