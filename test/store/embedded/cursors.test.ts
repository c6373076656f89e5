import type { CommandStartedEvent } from 'mongodb';
import { Long, MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedStore, type EmbeddedStore } from '../../../src/store/embedded/index.js';
import { uniqueDb } from './helpers.js';

let store: EmbeddedStore;
let client: MongoClient;
const started: CommandStartedEvent[] = [];

beforeAll(async () => {
  store = await startEmbeddedStore();
  client = await MongoClient.connect(store.uri, { monitorCommands: true });
  client.on('commandStarted', (e) => started.push(e));
});

afterAll(async () => {
  await client.close();
  await store.close();
});

describe('embedded store: cursors', () => {
  it('returns 2,500 documents in order over several getMore batches', async () => {
    const c = client.db(uniqueDb('cur')).collection('many');
    await c.insertMany(Array.from({ length: 2500 }, (_, i) => ({ i, pad: 'x'.repeat(50) })));
    started.length = 0;
    const seen: number[] = [];
    for await (const doc of c.find({}, { batchSize: 100 }).sort({ i: 1 })) seen.push(doc.i as number);
    expect(seen).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    const getMores = started.filter((e) => e.commandName === 'getMore');
    expect(getMores.length).toBe(24);
    expect(getMores.every((e) => e.command.getMore instanceof Long || typeof e.command.getMore === 'object')).toBe(
      true,
    );

    const viaAggregate = await c
      .aggregate([{ $match: { i: { $gte: 1000 } } }, { $project: { _id: 0, i: 1 } }], { batchSize: 300 })
      .toArray();
    expect(viaAggregate).toHaveLength(1500);
    expect(viaAggregate[1499]).toEqual({ i: 2499 });
  });

  it('honours limit across batches and closes singleBatch cursors', async () => {
    const c = client.db(uniqueDb('lim')).collection('l');
    await c.insertMany(Array.from({ length: 300 }, (_, i) => ({ i })));
    expect(await c.find({}).limit(250).batchSize(40).toArray()).toHaveLength(250);
    const reply = await c.db.command({ find: 'l', filter: {}, limit: 5, singleBatch: true });
    expect(reply.cursor.firstBatch).toHaveLength(5);
    expect(Number(reply.cursor.id)).toBe(0);
    const empty = await c.db.command({ find: 'l', batchSize: 0 });
    expect(empty.cursor.firstBatch).toHaveLength(0);
    expect(empty.cursor.id).not.toEqual(0);
  });

  it('frees a cursor closed early and answers CursorNotFound for killed or unknown ids', async () => {
    const d = client.db(uniqueDb('kill'));
    const c = d.collection('k');
    await c.insertMany(Array.from({ length: 500 }, (_, i) => ({ i })));
    const cursor = c.find({}, { batchSize: 50 });
    await cursor.next();
    const id = cursor.id;
    expect(id && !id.isZero()).toBe(true);
    started.length = 0;
    await cursor.close();
    const kill = started.find((e) => e.commandName === 'killCursors');
    expect(kill).toBeDefined();
    const err = await d.command({ getMore: id as Long, collection: 'k' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect((err as MongoServerError).code).toBe(43);
    expect((err as MongoServerError).codeName).toBe('CursorNotFound');
    const unknown = await d.command({ getMore: Long.fromNumber(123456789), collection: 'k' }).catch((e: unknown) => e);
    expect((unknown as MongoServerError).code).toBe(43);

    const other = await d.command({ find: 'k', batchSize: 10 });
    const result = await d.command({ killCursors: 'k', cursors: [other.cursor.id, Long.fromNumber(42)] });
    expect(result.cursorsKilled.map(String)).toEqual([String(other.cursor.id)]);
    expect(result.cursorsNotFound.map(String)).toEqual(['42']);
  });
});
