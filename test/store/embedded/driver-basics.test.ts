import net from 'node:net';
import { Binary, BSON, Decimal128, Long, ObjectId, UUID } from 'bson';
import { GridFSBucket, MongoClient, MongoServerError, type Db, type Document, type UpdateFilter } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStoreWithClient, uniqueDb, type StoreHandle } from './helpers.js';

let h: StoreHandle;

beforeAll(async () => {
  h = await startStoreWithClient();
});

afterAll(async () => {
  await h.close();
});

/** The driver's update typings reject `$push` on an untyped collection; the server is what is under test. */
function loose(update: object): UpdateFilter<Document> {
  return update as UpdateFilter<Document>;
}

function db(prefix: string): Db {
  return h.client.db(uniqueDb(prefix));
}

describe('embedded store: wire protocol and driver basics', () => {
  it('reports a standalone 7.0 server and answers ping/buildInfo', async () => {
    expect(h.store.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    expect(h.store.persistent).toBe(false);
    const admin = h.client.db('admin');
    expect(await admin.command({ ping: 1 })).toEqual({ ok: 1 });
    const info = await admin.command({ buildInfo: 1 });
    expect(info.version).toBe('7.0.0');
    const hello = await admin.command({ hello: 1 });
    expect(hello.isWritablePrimary).toBe(true);
    expect(hello.maxWireVersion).toBe(21);
    expect(hello.logicalSessionTimeoutMinutes).toBe(30);
    expect(hello.setName).toBeUndefined();
  });

  it('inserts and finds with sort, projection, skip and limit', async () => {
    const c = db('find').collection('people');
    await c.insertMany([
      { name: 'ann', age: 31, city: 'Almaty' },
      { name: 'bob', age: 25, city: 'Kazan' },
      { name: 'cid', age: 40, city: 'Almaty' },
      { name: 'dan', age: 25, city: 'Omsk' },
      { name: 'eve', age: 19, city: 'Kazan' },
    ]);
    const sorted = await c
      .find({}, { projection: { _id: 0, name: 1 } })
      .sort({ age: 1, name: -1 })
      .toArray();
    expect(sorted.map((d) => d.name)).toEqual(['eve', 'dan', 'bob', 'ann', 'cid']);
    const page = await c
      .find({ city: { $in: ['Almaty', 'Kazan'] } })
      .sort({ name: 1 })
      .skip(1)
      .limit(2)
      .toArray();
    expect(page.map((d) => d.name)).toEqual(['bob', 'cid']);
    const excl = await c.findOne({ name: 'ann' }, { projection: { city: 0 } });
    expect(Object.keys(excl ?? {})).toEqual(['_id', 'name', 'age']);
    const incl = await c.findOne({ name: 'ann' }, { projection: { age: 1, name: 1 } });
    expect(Object.keys(incl ?? {})).toEqual(['_id', 'name', 'age']);
    expect(await c.findOne({ name: 'nobody' })).toBeNull();
    const regex = await c
      .find({ name: { $regex: '^[ab]' } })
      .sort({ name: 1 })
      .toArray();
    expect(regex.map((d) => d.name)).toEqual(['ann', 'bob']);
  });

  it('applies update operators, upsert with $setOnInsert, arrayFilters, positional $ and pipeline updates', async () => {
    const c = db('update').collection('items');
    await c.insertOne({
      _id: 1 as unknown as ObjectId,
      n: 1,
      tags: ['a'],
      grades: [50, 80, 95],
      items: [
        { sku: 'x', qty: 1 },
        { sku: 'y', qty: 2 },
      ],
    });
    await c.updateOne(
      { _id: 1 as unknown as ObjectId },
      loose({ $inc: { n: 2 }, $push: { tags: 'b' }, $set: { 'meta.seen': true } }),
    );
    let doc = await c.findOne({ _id: 1 as unknown as ObjectId });
    expect(doc).toMatchObject({ n: 3, tags: ['a', 'b'], meta: { seen: true } });

    await c.updateOne(
      { _id: 1 as unknown as ObjectId },
      { $set: { 'grades.$[g]': 100 } },
      { arrayFilters: [{ g: { $gte: 80 } }] },
    );
    await c.updateOne({ _id: 1 as unknown as ObjectId, 'items.sku': 'y' }, { $inc: { 'items.$.qty': 10 } });
    doc = await c.findOne({ _id: 1 as unknown as ObjectId });
    expect(doc?.grades).toEqual([50, 100, 100]);
    expect(doc?.items).toEqual([
      { sku: 'x', qty: 1 },
      { sku: 'y', qty: 12 },
    ]);

    await c.updateOne({ _id: 1 as unknown as ObjectId }, [
      { $set: { total: { $add: ['$n', 10] } } },
      { $unset: 'tags' },
    ]);
    doc = await c.findOne({ _id: 1 as unknown as ObjectId });
    expect(doc?.total).toBe(13);
    expect(doc && 'tags' in doc).toBe(false);

    const up = await c.updateOne(
      { code: 'k1', 'profile.kind': { $eq: 'teacher' }, age: { $gt: 5 } },
      { $set: { status: 'new' }, $setOnInsert: { createdBy: 'upsert' } },
      { upsert: true },
    );
    expect(up.upsertedCount).toBe(1);
    const created = await c.findOne({ _id: up.upsertedId as ObjectId });
    expect(created).toEqual({
      _id: up.upsertedId,
      code: 'k1',
      profile: { kind: 'teacher' },
      status: 'new',
      createdBy: 'upsert',
    });
    const again = await c.updateOne(
      { code: 'k1' },
      { $set: { status: 'seen' }, $setOnInsert: { createdBy: 'second' } },
      { upsert: true },
    );
    expect(again).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await c.findOne({ code: 'k1' })).toMatchObject({ status: 'seen', createdBy: 'upsert' });

    const many = await c.updateMany({}, { $set: { touched: true } });
    expect(many.matchedCount).toBe(2);
    const noop = await c.updateOne({ code: 'k1' }, { $set: { touched: true } });
    expect(noop).toMatchObject({ matchedCount: 1, modifiedCount: 0 });

    const replaced = await c.replaceOne({ code: 'k1' }, { code: 'k1', replaced: true });
    expect(replaced.modifiedCount).toBe(1);
    expect(await c.findOne({ code: 'k1' }, { projection: { _id: 0 } })).toEqual({ code: 'k1', replaced: true });

    await expect(c.updateOne({ code: 'k1' }, { $set: { _id: 5 } })).rejects.toMatchObject({ code: 66 });
    await expect(c.updateOne({ code: 'k1' }, { $bogus: { a: 1 } } as never)).rejects.toBeInstanceOf(MongoServerError);
  });

  it('deletes one or many', async () => {
    const c = db('delete').collection('d');
    await c.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }, { k: 3 }]);
    expect((await c.deleteOne({ k: 1 })).deletedCount).toBe(1);
    expect((await c.deleteMany({ k: { $lte: 2 } })).deletedCount).toBe(2);
    expect(await c.countDocuments()).toBe(1);
  });

  it('findOneAndUpdate returns the document before or after, and findOneAndDelete/Replace work', async () => {
    const c = db('fam').collection('f');
    await c.insertMany([
      { k: 'a', v: 1, p: 2 },
      { k: 'a', v: 5, p: 1 },
    ]);
    const before = await c.findOneAndUpdate(
      { k: 'a' },
      { $inc: { v: 1 } },
      { sort: { p: 1 }, returnDocument: 'before' },
    );
    expect(before?.v).toBe(5);
    const after = await c.findOneAndUpdate(
      { k: 'a' },
      { $inc: { v: 1 } },
      { sort: { p: 1 }, returnDocument: 'after', projection: { _id: 0, v: 1 } },
    );
    expect(after).toEqual({ v: 7 });
    const meta = await c.findOneAndUpdate(
      { k: 'zz' },
      { $set: { v: 0 } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true },
    );
    expect(meta.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false });
    expect(meta.value?.k).toBe('zz');
    const replaced = await c.findOneAndReplace({ k: 'zz' }, { k: 'zz', v: 42 }, { returnDocument: 'after' });
    expect(replaced?.v).toBe(42);
    const removed = await c.findOneAndDelete({ k: 'zz' });
    expect(removed?.v).toBe(42);
    expect(await c.findOneAndUpdate({ k: 'missing' }, { $set: { v: 1 } })).toBeNull();
  });

  it('counts and lists distinct values', async () => {
    const c = db('count').collection('c');
    await c.insertMany([{ t: ['x', 'y'], n: 1 }, { t: ['y'], n: 2 }, { t: 'z', n: 3 }, { n: 4 }]);
    expect(await c.countDocuments({ n: { $gte: 2 } })).toBe(3);
    expect(await c.countDocuments({}, { skip: 1, limit: 2 })).toBe(2);
    expect(await c.estimatedDocumentCount()).toBe(4);
    expect(await c.distinct('t')).toEqual(['x', 'y', 'z']);
    expect(await c.distinct('n', { n: { $lt: 3 } })).toEqual([1, 2]);
    const legacy = await c.db.command({ count: 'c', query: { n: { $gt: 1 } }, limit: 1 });
    expect(legacy.n).toBe(1);
  });

  it('aggregates with $group, $lookup, $unwind, $facet and $sort', async () => {
    const d = db('agg');
    await d.collection('teachers').insertMany([
      { _id: 't1' as unknown as ObjectId, name: 'Ann', school: 's1' },
      { _id: 't2' as unknown as ObjectId, name: 'Bob', school: 's1' },
      { _id: 't3' as unknown as ObjectId, name: 'Cid', school: 's2' },
    ]);
    await d.collection('answers').insertMany([
      { teacher: 't1', score: 3, tags: ['a', 'b'] },
      { teacher: 't1', score: 5, tags: ['b'] },
      { teacher: 't2', score: 4, tags: [] },
      { teacher: 't3', score: 1, tags: ['a'] },
    ]);
    const bySchool = await d
      .collection('answers')
      .aggregate([
        { $lookup: { from: 'teachers', localField: 'teacher', foreignField: '_id', as: 't' } },
        { $unwind: '$t' },
        { $group: { _id: '$t.school', avg: { $avg: '$score' }, n: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(bySchool).toEqual([
      { _id: 's1', avg: 4, n: 3 },
      { _id: 's2', avg: 1, n: 1 },
    ]);
    const [facets] = await d
      .collection('answers')
      .aggregate([
        { $match: { score: { $gte: 3 } } },
        {
          $facet: {
            total: [{ $count: 'n' }],
            tags: [{ $unwind: '$tags' }, { $sortByCount: '$tags' }, { $sort: { _id: 1 } }],
          },
        },
      ])
      .toArray();
    expect(facets).toEqual({
      total: [{ n: 3 }],
      tags: [
        { _id: 'a', count: 1 },
        { _id: 'b', count: 2 },
      ],
    });
    // Stored documents are not changed by stages that write into their input (dotted $set).
    await d
      .collection('teachers')
      .aggregate([{ $set: { 'x.y': 1 } }, { $unwind: { path: '$name', includeArrayIndex: 'i' } }])
      .toArray();
    expect(await d.collection('teachers').findOne({ _id: 't1' as unknown as ObjectId })).toEqual({
      _id: 't1',
      name: 'Ann',
      school: 's1',
    });
    await expect(
      d
        .collection('answers')
        .aggregate([{ $out: 'copy' }])
        .toArray(),
    ).rejects.toMatchObject({ code: 238 });
  });

  it('lists collections, drops collections and databases', async () => {
    const d = db('ddl');
    await d.collection('a').insertOne({ x: 1 });
    await d.createCollection('b');
    await expect(d.createCollection('b')).rejects.toMatchObject({ code: 48, codeName: 'NamespaceExists' });
    const names = (await d.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).toEqual(['a', 'b']);
    expect((await d.listCollections({ name: 'a' }).toArray())[0]).toMatchObject({ name: 'a', type: 'collection' });
    expect(await d.collection('a').drop()).toBe(true);
    expect((await d.listCollections().toArray()).map((c) => c.name)).toEqual(['b']);
    const dbs = await h.client.db('admin').admin().listDatabases();
    expect(dbs.databases.map((x) => x.name)).toContain(d.databaseName);
    expect(await d.dropDatabase()).toBe(true);
    expect((await d.listCollections().toArray()).length).toBe(0);
    await d.collection('r1').insertOne({ v: 1 });
    await h.client.db('admin').command({ renameCollection: `${d.databaseName}.r1`, to: `${d.databaseName}.r2` });
    expect(await d.collection('r2').findOne({}, { projection: { _id: 0 } })).toEqual({ v: 1 });
  });

  it('round-trips ObjectId, Date, Long, Decimal128, Binary and UUID values and compares them in queries', async () => {
    const c = db('types').collection('t');
    const ids = [new ObjectId(), new ObjectId(), new ObjectId()];
    const when = new Date('2024-05-01T10:00:00.123Z');
    const big = Long.fromString('9007199254740993');
    await c.insertMany(ids.map((id, i) => ({ _id: id, when: new Date(when.getTime() + i * 1000), i })));
    await c.insertOne({
      _id: new ObjectId(),
      big,
      dec: Decimal128.fromString('12.50'),
      bin: new Binary(Buffer.from([1, 2, 3])),
      uuid: new UUID('3b241101-e2bb-4255-8caf-4136c566a962'),
    });
    const byId = await c.findOne({ _id: new ObjectId(ids[1]?.toHexString()) });
    expect(byId?.i).toBe(1);
    expect(byId?.when).toBeInstanceOf(Date);
    expect((byId!.when as Date).getTime()).toBe(when.getTime() + 1000);
    expect(
      (await c.find({ _id: { $in: [ids[0] as ObjectId, ids[2] as ObjectId] } }).toArray()).map((d) => d.i).sort(),
    ).toEqual([0, 2]);
    expect((await c.find({ when: { $gte: new Date(when.getTime() + 500) } }).toArray()).map((d) => d.i)).toEqual([
      1, 2,
    ]);
    expect(
      (
        await c
          .find({ i: { $exists: true } })
          .sort({ _id: -1 })
          .toArray()
      ).map((d) => d.i),
    ).toEqual([2, 1, 0]);
    const typed = await c.findOne({ big: { $exists: true } }, { promoteLongs: false });
    // The driver's CommonJS copy of bson and this file's ESM copy are different classes; compare by tag.
    expect((typed!.big as Long)._bsontype).toBe('Long');
    expect((typed!.big as Long).toString()).toBe('9007199254740993');
    expect((typed!.dec as Decimal128).toString()).toBe('12.50');
    expect(Buffer.from((typed!.bin as Binary).buffer)).toEqual(Buffer.from([1, 2, 3]));
    expect((typed!.uuid as UUID).toHexString()).toBe('3b241101-e2bb-4255-8caf-4136c566a962');
    expect(await c.countDocuments({ uuid: new UUID('3b241101-e2bb-4255-8caf-4136c566a962') })).toBe(1);
    expect(await c.countDocuments({ _id: { $type: 'objectId' } })).toBe(4);

    // Range comparisons and sorts across number types and big Longs / Decimal128.
    const nums = c.db.collection('nums');
    await nums.insertMany([
      { k: 'a', v: Decimal128.fromString('10') },
      { k: 'b', v: Decimal128.fromString('9.5') },
      { k: 'c', v: Long.fromString('9007199254740993') },
      { k: 'd', v: 3 },
      { k: 'e', v: 'text' },
    ]);
    expect(
      (
        await nums
          .find({ v: { $gt: 9 } })
          .sort({ k: 1 })
          .toArray()
      ).map((d) => d.k),
    ).toEqual(['a', 'b', 'c']);
    expect(
      (
        await nums
          .find({ v: { $lt: 100 } })
          .sort({ v: 1 })
          .toArray()
      ).map((d) => d.k),
    ).toEqual(['d', 'b', 'a']);
    expect(
      (await nums.aggregate([{ $sort: { v: -1 } }, { $project: { _id: 0, k: 1 } }]).toArray()).map((d) => d.k),
    ).toEqual(['e', 'c', 'a', 'b', 'd']);
  });

  it('resolves positional paths against the document before the update', async () => {
    const c = db('positional').collection('p');
    await c.insertOne({
      _id: 1 as unknown as ObjectId,
      deliveries: [
        { to: 'a', status: 'pending' },
        { to: 'b', status: 'sent' },
        { to: 'c', status: 'pending' },
      ],
    });
    // Two sibling paths into the same array, filtered on a field the update itself changes.
    await c.updateOne(
      { _id: 1 as unknown as ObjectId },
      { $set: { 'deliveries.$[d].status': 'failed', 'deliveries.$[d].reason': 'blocked' } },
      { arrayFilters: [{ 'd.status': 'pending' }] },
    );
    await c.updateOne(
      { _id: 1 as unknown as ObjectId, 'deliveries.to': 'b' },
      { $set: { 'deliveries.$.at': 5, 'deliveries.$.status': 'read' } },
    );
    await c.updateOne({ _id: 1 as unknown as ObjectId }, { $inc: { 'deliveries.$[].tries': 1 } });
    expect((await c.findOne({}))?.deliveries).toEqual([
      { to: 'a', status: 'failed', reason: 'blocked', tries: 1 },
      { to: 'b', status: 'read', at: 5, tries: 1 },
      { to: 'c', status: 'failed', reason: 'blocked', tries: 1 },
    ]);
    await expect(
      c.updateOne({}, { $set: { 'deliveries.$[x].a': 1 } }, { arrayFilters: [{ 'x.to': 'a' }, { 'y.to': 'b' }] }),
    ).rejects.toMatchObject({ code: 9 });
    await expect(c.updateOne({}, { $set: { 'deliveries.$.a': 1 } })).rejects.toMatchObject({ code: 2 });
    await expect(
      c.updateOne(
        {},
        { $set: { 'deliveries.$[x].a': 1, 'deliveries.$[y].a': 2 } },
        { arrayFilters: [{ 'x.to': 'a' }, { 'y.to': { $in: ['a', 'b'] } }] },
      ),
    ).rejects.toMatchObject({ code: 40 });
  });

  it('refuses updates that apply an operator to a value of the wrong type, as MongoDB does', async () => {
    const c = db('types_upd').collection('t');
    await c.insertOne({ _id: 1 as unknown as ObjectId, n: 1, s: 'text', arr: [1, 1, 2] });
    await expect(c.updateOne({}, { $inc: { s: 1 } })).rejects.toMatchObject({ code: 14 });
    await expect(c.updateOne({}, loose({ $push: { s: 1 } }))).rejects.toMatchObject({ code: 2 });
    await expect(c.updateOne({}, { $set: { 'n.x': 1 } })).rejects.toMatchObject({ code: 28 });
    await c.updateOne({}, loose({ $addToSet: { arr: { $each: [2, 3] } } }));
    expect((await c.findOne({}))?.arr).toEqual([1, 1, 2, 3]);
  });

  it('stores and reads back a file through GridFS', async () => {
    const d = db('gridfs');
    const bucket = new GridFSBucket(d, { bucketName: 'sessions' });
    const data = Buffer.alloc(600 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) % 251;
    await new Promise<void>((resolve, reject) => {
      const upload = bucket.openUploadStream('session.zip');
      upload.once('finish', () => resolve());
      upload.once('error', reject);
      upload.end(data);
    });
    const chunks: Buffer[] = [];
    for await (const chunk of bucket.openDownloadStreamByName('session.zip')) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    const files = await bucket.find({ filename: 'session.zip' }).toArray();
    expect(files[0]?.length).toBe(data.length);
    await bucket.delete(files[0]?._id as ObjectId);
    expect(await d.collection('sessions.chunks').countDocuments()).toBe(0);
  });

  it('executes a w:0 write (moreToCome, no reply) and a read on the same connection', async () => {
    const client = await MongoClient.connect(h.store.uri, { maxPoolSize: 1 });
    try {
      const c = client.db(uniqueDb('w0')).collection('w');
      const res = await c.insertOne({ fire: 'and-forget' }, { writeConcern: { w: 0 } });
      expect(res.acknowledged).toBe(false);
      expect(await c.findOne({ fire: 'and-forget' })).toMatchObject({ fire: 'and-forget' });
    } finally {
      await client.close();
    }
  });

  it('parses OP_MSG document sequences, ignores moreToCome and rejects OP_QUERY for non-handshake commands', async () => {
    const dbName = uniqueDb('raw');
    const socket = net.connect(h.store.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const replies: Buffer[] = [];
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const len = pending.readInt32LE(0);
        replies.push(pending.subarray(0, len));
        pending = pending.subarray(len);
      }
    });
    const next = async (count: number): Promise<void> => {
      for (let i = 0; i < 200 && replies.length < count; i++) await new Promise((r) => setTimeout(r, 5));
    };
    const opMsg = (id: number, flags: number, body: object, seq?: { id: string; docs: object[] }): Buffer => {
      const parts = [Buffer.from([0]), Buffer.from(BSON.serialize(body))];
      if (seq) {
        const docs = Buffer.concat(seq.docs.map((d) => Buffer.from(BSON.serialize(d))));
        const ident = Buffer.from(`${seq.id}\0`);
        const size = Buffer.alloc(4);
        size.writeInt32LE(4 + ident.length + docs.length);
        parts.push(Buffer.from([1]), size, ident, docs);
      }
      const payload = Buffer.concat(parts);
      const head = Buffer.alloc(20);
      head.writeInt32LE(20 + payload.length, 0);
      head.writeInt32LE(id, 4);
      head.writeInt32LE(2013, 12);
      head.writeUInt32LE(flags, 16);
      return Buffer.concat([head, payload]);
    };
    const body = (reply: Buffer) => BSON.deserialize(reply.subarray(21));

    socket.write(opMsg(1, 0, { insert: 'seq', $db: dbName }, { id: 'documents', docs: [{ _id: 1 }, { _id: 2 }] }));
    await next(1);
    expect(body(replies[0] as Buffer)).toMatchObject({ n: 2, ok: 1 });

    socket.write(opMsg(2, 2, { insert: 'seq', documents: [{ _id: 3 }], $db: dbName }));
    socket.write(opMsg(3, 0, { count: 'seq', $db: dbName }));
    await next(2);
    expect(replies).toHaveLength(2);
    expect(body(replies[1] as Buffer)).toMatchObject({ n: 3, ok: 1 });
    expect((replies[1] as Buffer).readInt32LE(8)).toBe(3);

    const query = Buffer.concat([
      Buffer.alloc(4),
      Buffer.from(`${dbName}.$cmd\0`),
      Buffer.alloc(8),
      Buffer.from(BSON.serialize({ find: 'seq' })),
    ]);
    const head = Buffer.alloc(16);
    head.writeInt32LE(16 + query.length, 0);
    head.writeInt32LE(4, 4);
    head.writeInt32LE(2004, 12);
    socket.write(Buffer.concat([head, query]));
    await next(3);
    const reply = replies[2] as Buffer;
    expect(reply.readInt32LE(12)).toBe(1);
    expect(BSON.deserialize(reply.subarray(36))).toMatchObject({ ok: 0, code: 352 });
    socket.destroy();
  });
});
