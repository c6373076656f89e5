import { MongoServerError, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPPORTED_COMMANDS } from '../../../src/store/embedded/index.js';
import { startStoreWithClient, uniqueDb, type StoreHandle } from './helpers.js';

let h: StoreHandle;
let d: Db;

beforeAll(async () => {
  h = await startStoreWithClient();
  d = h.client.db(uniqueDb('honest'));
  await d.collection('c').insertMany([{ name: 'Ann' }, { name: 'ann' }]);
});

afterAll(async () => {
  await h.close();
});

async function serverError(p: Promise<unknown>): Promise<MongoServerError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MongoServerError);
  return err as MongoServerError;
}

describe('embedded store: refuses what it cannot honour', () => {
  it('answers an unknown command with CommandNotFound', async () => {
    const err = await serverError(d.command({ frobnicate: 1 }));
    expect(err.code).toBe(59);
    expect(err.codeName).toBe('CommandNotFound');
    expect(err.message).toBe("no such command: 'frobnicate'");
    expect(SUPPORTED_COMMANDS).toContain('findAndModify');
    expect(SUPPORTED_COMMANDS).not.toContain('frobnicate');
  });

  it('rejects $text, $where and non-simple collations clearly', async () => {
    const text = await serverError(
      d
        .collection('c')
        .find({ $text: { $search: 'ann' } })
        .toArray(),
    );
    expect(text.codeName).toBe('NotImplemented');
    expect(text.message).toContain('$text');
    const where = await serverError(d.collection('c').find({ $where: 'this.name.length > 2' }).toArray());
    expect(where.message).toContain('$where');
    const collation = await serverError(
      d
        .collection('c')
        .find({ name: 'ann' }, { collation: { locale: 'en', strength: 2 } })
        .toArray(),
    );
    expect(collation.code).toBe(238);
    expect(collation.message).toContain('collation');
    expect(await d.collection('c').countDocuments({ name: 'ann' }, { collation: { locale: 'simple' } })).toBe(1);
    await expect(d.collection('c').createIndex({ name: 'text' })).rejects.toMatchObject({ code: 67 });
    await expect(d.createCollection('capped', { capped: true, size: 4096 })).rejects.toMatchObject({ code: 238 });
  });

  it('refuses to start a transaction', async () => {
    const session = h.client.startSession();
    try {
      session.startTransaction();
      const err = await serverError(d.collection('c').insertOne({ name: 'tx' }, { session }));
      // As with a real standalone mongod, the driver rewraps IllegalOperation (20) into its
      // "does not support retryable writes" message and keeps the server's error as originalError.
      const original = (err as MongoServerError & { originalError?: MongoServerError }).originalError;
      expect(original?.code).toBe(20);
      expect(original?.message).toContain('Transaction numbers are only allowed on a replica set member or mongos');
      expect(original?.message).toContain('without transactions');
      await session.abortTransaction().catch(() => undefined);
    } finally {
      await session.endSession();
    }
    expect(await d.collection('c').countDocuments({ name: 'tx' })).toBe(0);
  });

  it('rejects unknown command fields and unsupported aggregation stages, but accepts harmless options', async () => {
    const unknownField = await serverError(d.command({ find: 'c', filter: {}, frob: true }));
    expect(unknownField.code).toBe(40415);
    expect(unknownField.message).toBe("BSON field 'find.frob' is an unknown field.");
    const merge = await serverError(
      d
        .collection('c')
        .aggregate([{ $merge: { into: 'x' } }])
        .toArray(),
    );
    expect(merge.message).toContain('$merge');
    const tailable = await serverError(d.command({ find: 'c', tailable: true }));
    expect(tailable.codeName).toBe('NotImplemented');
    const ok = await d.command({
      find: 'c',
      filter: { $comment: 'why', name: 'Ann' },
      comment: 'harmless',
      maxTimeMS: 1000,
      readConcern: { level: 'majority' },
      hint: { _id: 1 },
      allowDiskUse: true,
    });
    expect(ok.cursor.firstBatch).toHaveLength(1);
    const w = await d
      .collection('c')
      .insertOne({ name: 'journaled' }, { writeConcern: { w: 'majority', j: true, wtimeoutMS: 100 } });
    expect(w.acknowledged).toBe(true);
  });

  it('refuses authentication instead of pretending', async () => {
    const err = await serverError(
      h.client.db('admin').command({ saslStart: 1, mechanism: 'SCRAM-SHA-256', payload: Buffer.from('') }),
    );
    expect(err.code).toBe(18);
  });
});
