// The calls every incoming message makes (sessions, message claims, update claims and leases) run
// in the process that serves the embedded store without the wire. What they write and read there
// must be exactly what the same calls write and read through the driver (another instance, or
// MongoDB), and the unique claims must refuse each other across the two.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/engine/sessions.js';
import { createStoreCoordination } from '../../../src/store/coordination.js';
import { driverDb, type DirectDb } from '../../../src/store/direct.js';
import type { Store } from '../../../src/store/index.js';
import { createSessionStore } from '../../../src/store/sessions.js';
import { openTestStore } from '../../support/store.js';

let store: Store;
let wire: DirectDb;
beforeAll(async () => {
  store = await openTestStore();
  const db = store.connection.db;
  if (!db) throw new Error('no db');
  wire = driverDb(db);
});
afterAll(async () => {
  await store?.close();
});

const at = new Date(Date.UTC(2026, 11, 3, 8, 30));

/** A session in the middle of a questionnaire, with the optional parts a flow leaves unset. */
const aSession = (userId: string): Session => ({
  channel: 'telegram',
  userId,
  chatId: `chat-${userId}`,
  participantId: '6b112b44fa4062cada2bc40e',
  locale: 'kk',
  promptRef: 7,
  updatedAt: at,
  flow: {
    flowId: 'survey',
    stepId: 'run',
    data: { code: 'TUT-2026', count: 3, big: 2 ** 40, agreed: true, picked: ['a', 'b'], none: null },
    history: ['language', 'consent'],
    shown: { stepId: 'run', options: [{ id: '1', label: 'Да', value: 'yes' }] },
    questionnaire: {
      responseId: '6b112b44fa4062cada2bc40f',
      questionnaireId: 'exit',
      version: 2,
      step: { kind: 'asking', questionId: 'q3', editing: false },
      history: ['q1', 'q2'],
    },
  },
});

describe('in this process and through the driver alike', () => {
  it('a session is stored as the same document and read back the same', async () => {
    const direct = createSessionStore(store.direct);
    const driver = createSessionStore(wire);
    await direct.save(aSession('in-process'));
    await driver.save(aSession('driver'));
    const raw = store.connection.collection('sessions');
    const a = await raw.findOne({ userId: 'in-process' });
    const b = await raw.findOne({ userId: 'driver' });
    const strip = (doc: Record<string, unknown> | null) => {
      const { _id, userId, chatId, ...rest } = doc ?? {};
      return { keys: Object.keys(doc ?? {}), rest };
    };
    expect(strip(a)).toEqual(strip(b));
    expect(a?.__v).toBe(0);
    expect(await direct.load('telegram', 'driver')).toEqual(aSession('driver'));
    expect(await driver.load('telegram', 'in-process')).toEqual(aSession('in-process'));

    // A finished flow and a forgotten participant are cleared, whichever way it is saved.
    const { flow, participantId, ...done } = aSession('in-process');
    await direct.save({ ...done, promptRef: 8 });
    expect(await driver.load('telegram', 'in-process')).toEqual({ ...done, promptRef: 8 });
    await direct.delete('telegram', 'in-process');
    expect(await driver.load('telegram', 'in-process')).toBeUndefined();
  });

  it('a message claimed one way is a duplicate the other way, until it is stale and unfinished', async () => {
    const direct = createSessionStore(store.direct);
    const driver = createSessionStore(wire);
    expect(await direct.claimMessage('whatsapp', 'msg-1', at, 60_000)).toBe('new');
    expect(await driver.claimMessage('whatsapp', 'msg-1', at, 60_000)).toBe('duplicate');
    expect(await direct.claimMessage('whatsapp', 'msg-1', at, 60_000)).toBe('duplicate');
    // The first attempt died mid-way: a redelivery two minutes later is taken over, once.
    const later = new Date(at.getTime() + 120_000);
    expect(await driver.claimMessage('whatsapp', 'msg-1', later, 60_000)).toBe('new');
    expect(await direct.claimMessage('whatsapp', 'msg-1', later, 60_000)).toBe('duplicate');
    // A completed one is never taken over.
    expect(await driver.claimMessage('whatsapp', 'msg-2', at, 60_000)).toBe('new');
    await direct.completeMessage('whatsapp', 'msg-2');
    expect(await direct.claimMessage('whatsapp', 'msg-2', later, 60_000)).toBe('duplicate');
    expect(await store.connection.collection('inbound_messages').countDocuments({})).toBe(2);
  });

  it("an update is claimed once, a lease held once, and a chat's earlier update seen, across the two", async () => {
    const a = createStoreCoordination(store.direct, { instanceId: 'direct-a' });
    const b = createStoreCoordination(wire, { instanceId: 'wire-b' });
    await a.start();
    await b.start();
    try {
      const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).claimUpdate('test', 7)));
      expect(claims.filter(Boolean)).toHaveLength(1);

      expect(await a.acquire('chat:q', 60_000)).toEqual({ held: true });
      expect(await b.acquire('chat:q', 60_000)).toMatchObject({ held: false, holder: 'direct-a' });
      await a.release('chat:q');
      expect(await b.acquire('chat:q', 60_000)).toEqual({ held: true });
      expect(await a.acquire('chat:q', 60_000)).toMatchObject({ held: false, holder: 'wire-b' });

      expect(await b.claimUpdate('test', 11, 'chat:maria')).toBe(true);
      expect(await a.earlierInFlight('test', 'chat:maria', 12)).toBe(true);
      expect(await a.earlierInFlight('test', 'chat:maria', 11)).toBe(false);
      expect(await a.earlierInFlight('test', 'chat:boris', 12)).toBe(false);
      await b.finishUpdate('test', 11);
      expect(await a.earlierInFlight('test', 'chat:maria', 12)).toBe(false);
      expect(await b.isAlive('direct-a')).toBe(true);
      expect(await a.isAlive('wire-b')).toBe(true);
      expect(await a.isAlive('nobody')).toBe(false);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
