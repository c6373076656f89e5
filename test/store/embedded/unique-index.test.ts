import { MongoBulkWriteError, MongoServerError, type ObjectId, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStoreWithClient, uniqueDb, type StoreHandle } from './helpers.js';

let h: StoreHandle;

beforeAll(async () => {
  h = await startStoreWithClient();
});

afterAll(async () => {
  await h.close();
});

function db(prefix: string): Db {
  return h.client.db(uniqueDb(prefix));
}

async function dupError(p: Promise<unknown>): Promise<MongoServerError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MongoServerError);
  return err as MongoServerError;
}

describe('embedded store: unique indexes', () => {
  it('rejects a duplicate insert with a MongoDB-shaped E11000', async () => {
    const d = db('uniq');
    const c = d.collection('users');
    expect(await c.createIndex({ email: 1 }, { unique: true })).toBe('email_1');
    await c.insertOne({ email: 'a@x.kz', n: 1 });
    const err = await dupError(c.insertOne({ email: 'a@x.kz', n: 2 }));
    expect(err.code).toBe(11000);
    expect(err.message).toBe(
      `E11000 duplicate key error collection: ${d.databaseName}.users index: email_1 dup key: { email: "a@x.kz" }`,
    );
    expect(err.keyPattern).toEqual({ email: 1 });
    expect(err.keyValue).toEqual({ email: 'a@x.kz' });
    expect(await c.countDocuments()).toBe(1);

    const idErr = await dupError(c.insertOne({ _id: (await c.findOne())?._id as ObjectId, email: 'other' }));
    expect(idErr.code).toBe(11000);
    expect(idErr.message).toMatch(/index: _id_ dup key: \{ _id: ObjectId\('[0-9a-f]{24}'\) \}/);
    expect(idErr.keyPattern).toEqual({ _id: 1 });
  });

  it('reports write errors by index for ordered and unordered batches', async () => {
    const c = db('batch').collection('b');
    await c.createIndex({ k: 1 }, { unique: true });
    const ordered = await c.insertMany([{ k: 1 }, { k: 2 }, { k: 1 }, { k: 3 }]).catch((e: unknown) => e);
    expect(ordered).toBeInstanceOf(MongoBulkWriteError);
    expect((ordered as MongoBulkWriteError).writeErrors).toMatchObject([{ index: 2, code: 11000 }]);
    expect(await c.countDocuments()).toBe(2);
    const unordered = await c
      .insertMany([{ k: 4 }, { k: 1 }, { k: 5 }, { k: 2 }], { ordered: false })
      .catch((e: unknown) => e);
    expect([(unordered as MongoBulkWriteError).writeErrors].flat().map((w) => w.index)).toEqual([1, 3]);
    expect(await c.countDocuments()).toBe(4);
  });

  it('treats missing fields as null and enforces compound keys', async () => {
    const c = db('compound').collection('c');
    await c.createIndex({ school: 1, code: 1 }, { unique: true, name: 'school_code' });
    await c.insertMany([
      { school: 's1', code: 'a' },
      { school: 's1', code: 'b' },
      { school: 's2', code: 'a' },
    ]);
    const err = await dupError(c.insertOne({ school: 's1', code: 'a' }));
    expect(err.keyPattern).toEqual({ school: 1, code: 1 });
    expect(err.keyValue).toEqual({ school: 's1', code: 'a' });
    expect(err.message).toContain('index: school_code dup key: { school: "s1", code: "a" }');
    await c.insertOne({ school: 's3' });
    const missing = await dupError(c.insertOne({ school: 's3', code: null }));
    expect(missing.keyValue).toEqual({ school: 's3', code: null });
    // 1 and 1.0 are the same key, as in MongoDB.
    await c.insertOne({ school: 9, code: 1 });
    await dupError(c.insertOne({ school: 9.0, code: 1 }));
  });

  it('enforces uniqueness on update, replace, upsert and findOneAndUpdate, leaving documents untouched', async () => {
    const c = db('upd').collection('u');
    await c.createIndex({ login: 1 }, { unique: true });
    await c.insertMany([
      { login: 'ann', v: 1 },
      { login: 'bob', v: 1 },
    ]);
    const viaUpdate = await dupError(c.updateOne({ login: 'bob' }, { $set: { login: 'ann', v: 2 } }));
    expect(viaUpdate.code).toBe(11000);
    expect(viaUpdate.keyValue).toEqual({ login: 'ann' });
    expect(await c.findOne({ login: 'bob' }, { projection: { _id: 0 } })).toEqual({ login: 'bob', v: 1 });
    await dupError(c.replaceOne({ login: 'bob' }, { login: 'ann' }));
    const viaUpsert = await dupError(
      c.updateOne({ login: 'cid' }, { $set: { v: 3 }, $setOnInsert: { login: 'ann' } }, { upsert: true }),
    );
    expect(viaUpsert.code).toBe(11000);
    await dupError(c.updateOne({ nope: 1 }, { $set: { login: 'bob' } }, { upsert: true }));
    const viaFam = await dupError(c.findOneAndUpdate({ login: 'bob' }, { $set: { login: 'ann' } }));
    expect(viaFam.keyPattern).toEqual({ login: 1 });
    expect(await c.countDocuments()).toBe(2);
    // A multi-update stops at the first violation; documents before it stay updated.
    await c.createIndex({ slot: 1 }, { unique: true, sparse: true });
    await c.insertOne({ login: 'dan', slot: 7 });
    await dupError(c.updateMany({ slot: { $exists: false } }, { $set: { slot: 7 } }));
    expect(await c.countDocuments({ slot: 7 })).toBe(1);
  });

  it('fails to create a unique index over existing duplicates, like MongoDB', async () => {
    const c = db('build').collection('b');
    await c.insertMany([{ tag: 'x' }, { tag: 'y' }, { tag: 'x' }]);
    const err = await dupError(c.createIndex({ tag: 1 }, { unique: true }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ tag: 'x' });
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
    await c.createIndex({ tag: 1 });
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'tag_1']);
  });

  it('lists indexes with their options and stops enforcing after dropIndexes', async () => {
    const c = db('list').collection('l');
    await c.createIndex({ a: 1 }, { unique: true });
    await c.createIndex({ b: -1, c: 1 }, { name: 'bc', sparse: true });
    await c.createIndex({ d: 1 }, { unique: true, partialFilterExpression: { active: true } });
    expect(await c.createIndex({ a: 1 }, { unique: true })).toBe('a_1');
    await expect(c.createIndex({ a: 1 }, { name: 'other' })).rejects.toMatchObject({ code: 85 });
    await expect(c.createIndex({ z: 1 }, { name: 'a_1' })).rejects.toMatchObject({ code: 86 });
    const indexes = await c.listIndexes().toArray();
    expect(indexes).toEqual([
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { a: 1 }, name: 'a_1', unique: true },
      { v: 2, key: { b: -1, c: 1 }, name: 'bc', sparse: true },
      { v: 2, key: { d: 1 }, name: 'd_1', unique: true, partialFilterExpression: { active: true } },
    ]);
    // Missing `a` counts as null for the unique a_1 index, so the partial-index check uses its own collection.
    const p = c.db.collection('partial');
    await p.createIndex({ d: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await p.insertMany([
      { d: 1, active: false },
      { d: 1, active: false },
      { d: 1, active: true },
    ]);
    await dupError(p.insertOne({ d: 1, active: true }));

    await c.insertOne({ a: 1 });
    await dupError(c.insertOne({ a: 1 }));
    await c.dropIndex('a_1');
    await c.insertOne({ a: 1 });
    expect(await c.countDocuments({ a: 1 })).toBe(2);
    await c.dropIndex({ b: -1, c: 1 } as never);
    await c.dropIndexes();
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
    await expect(c.dropIndex('_id_')).rejects.toMatchObject({ code: 72 });
    await expect(c.dropIndex('nope')).rejects.toMatchObject({ code: 27 });
    await expect(c.db.collection('missing').listIndexes().toArray()).rejects.toMatchObject({
      code: 26,
      codeName: 'NamespaceNotFound',
    });
  });

  it('indexes array elements (multikey) for uniqueness and lookups', async () => {
    const c = db('multi').collection('m');
    await c.createIndex({ phones: 1 }, { unique: true });
    await c.insertOne({ phones: ['+7701', '+7702'] });
    const err = await dupError(c.insertOne({ phones: ['+7703', '+7702'] }));
    expect(err.keyValue).toEqual({ phones: '+7702' });
    expect((await c.findOne({ phones: '+7701' }))?.phones).toEqual(['+7701', '+7702']);
  });
});
