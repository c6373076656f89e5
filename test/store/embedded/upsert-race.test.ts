import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedStore, type EmbeddedStore } from '../../../src/store/embedded/index.js';
import { uniqueDb } from './helpers.js';

let store: EmbeddedStore;
const clients: MongoClient[] = [];

beforeAll(async () => {
  store = await startEmbeddedStore();
  for (let i = 0; i < 4; i++) clients.push(await MongoClient.connect(store.uri, { maxPoolSize: 5 }));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await store.close();
});

describe('embedded store: concurrent upserts', () => {
  it('20 concurrent findOneAndUpdate upserts over several connections end in one document with n == 20', async () => {
    const dbName = uniqueDb('race');
    await clients[0]?.db(dbName).collection('counters').createIndex({ key: 1 }, { unique: true });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (clients[i % clients.length] as MongoClient)
          .db(dbName)
          .collection('counters')
          .findOneAndUpdate({ key: 'x' }, { $inc: { n: 1 } }, { upsert: true, returnDocument: 'after' }),
      ),
    );
    expect(results.map((r) => r?.n).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const docs = await clients[1]?.db(dbName).collection('counters').find().toArray();
    expect(docs).toHaveLength(1);
    expect(docs?.[0]).toMatchObject({ key: 'x', n: 20 });
  });

  it('concurrent updateOne upserts without a unique index still create one document', async () => {
    const dbName = uniqueDb('race2');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (clients[i % clients.length] as MongoClient)
          .db(dbName)
          .collection('c')
          .updateOne({ key: 'y' }, { $inc: { n: 1 } }, { upsert: true }),
      ),
    );
    const docs = await clients[2]?.db(dbName).collection('c').find().toArray();
    expect(docs).toHaveLength(1);
    expect(docs?.[0]?.n).toBe(20);
  });
});
