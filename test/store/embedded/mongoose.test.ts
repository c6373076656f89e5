import mongoose, { Schema, type Connection } from 'mongoose';
import { MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedStore, type EmbeddedStore } from '../../../src/store/embedded/index.js';
import { uniqueDb } from './helpers.js';

let store: EmbeddedStore;
const connections: Connection[] = [];
const commands = new Set<string>();

beforeAll(async () => {
  store = await startEmbeddedStore();
});

afterAll(async () => {
  await Promise.all(connections.map((c) => c.close()));
  await store.close();
});

async function connect(dbName: string): Promise<Connection> {
  const conn = mongoose.createConnection(store.uri, { dbName, autoIndex: false, monitorCommands: true });
  conn.getClient().on('commandStarted', (e) => commands.add(e.commandName));
  await conn.asPromise();
  connections.push(conn);
  return conn;
}

interface School {
  code: string;
  name: string;
}

interface Teacher {
  email: string;
  name: { first: string; last: string };
  school: mongoose.Types.ObjectId;
  cohort: string;
  role: 'teacher' | 'mentor';
  subjects: string[];
  answers: Array<{ question: string; score: number }>;
  visits: number;
  createdAt?: Date;
  updatedAt?: Date;
}

const schoolSchema = new Schema<School>(
  { code: { type: String, required: true, unique: true }, name: String },
  { timestamps: true },
);

const teacherSchema = new Schema<Teacher>(
  {
    email: { type: String, required: true, unique: true },
    name: { first: String, last: String },
    school: { type: Schema.Types.ObjectId, ref: 'School', required: true },
    cohort: { type: String, required: true },
    role: { type: String, enum: ['teacher', 'mentor'], default: 'teacher' },
    subjects: [String],
    answers: [new Schema({ question: String, score: Number }, { _id: false })],
    visits: { type: Number, default: 0 },
  },
  { timestamps: true },
);
teacherSchema.index({ cohort: 1, 'name.last': 1 }, { unique: true });

function models(conn: Connection) {
  return {
    School: conn.model<School>('School', schoolSchema),
    Teacher: conn.model<Teacher>('Teacher', teacherSchema),
  };
}

describe('embedded store: mongoose 9', () => {
  it('syncs indexes idempotently and survives a second connection to the same database', async () => {
    const dbName = uniqueDb('mg_sync');
    const conn = await connect(dbName);
    const { School, Teacher } = models(conn);
    await School.init();
    await Teacher.init();
    expect(await Teacher.syncIndexes()).toEqual([]);
    expect(await Teacher.syncIndexes()).toEqual([]);
    const diff = await Teacher.diffIndexes();
    expect(diff).toEqual({ toDrop: [], toCreate: [] });
    const names = (await Teacher.listIndexes()).map((i) => i.name).sort();
    expect(names).toEqual(['_id_', 'cohort_1_name.last_1', 'email_1']);

    // A second connection re-runs autoCreate against existing collections (NamespaceExists is expected and ignored).
    const again = await connect(dbName);
    const second = models(again);
    await second.Teacher.init();
    await second.School.init();
    expect(await second.Teacher.syncIndexes()).toEqual([]);
  });

  it('performs the CRUD, aggregation, bulk and populate calls the bot uses', async () => {
    const conn = await connect(uniqueDb('mg_crud'));
    const { School, Teacher } = models(conn);
    await School.syncIndexes();
    await Teacher.syncIndexes();

    const school = await School.create({ code: 'S-1', name: 'Lyceum 1' });
    expect(school.get('createdAt')).toBeInstanceOf(Date);
    const ann = await Teacher.create({
      email: 'ann@x.kz',
      name: { first: 'Ann', last: 'A' },
      school: school._id,
      cohort: 'c1',
      subjects: ['math'],
      answers: [{ question: 'q1', score: 4 }],
    });
    expect(ann.role).toBe('teacher');
    await Teacher.insertMany([
      {
        email: 'bob@x.kz',
        name: { first: 'Bob', last: 'B' },
        school: school._id,
        cohort: 'c1',
        role: 'mentor',
        subjects: ['art'],
      },
      {
        email: 'cid@x.kz',
        name: { first: 'Cid', last: 'C' },
        school: school._id,
        cohort: 'c2',
        subjects: ['math', 'art'],
      },
    ]);
    await expect(
      Teacher.create({
        email: 'bad@x.kz',
        name: { first: 'X', last: 'X' },
        school: school._id,
        cohort: 'c1',
        role: 'boss' as never,
      }),
    ).rejects.toThrow(/not a valid enum value/);

    const sorted = await Teacher.find({ cohort: 'c1' }).sort({ email: -1 }).lean();
    expect(sorted.map((t) => t.email)).toEqual(['bob@x.kz', 'ann@x.kz']);
    expect(sorted[0]?.school).toBeInstanceOf(mongoose.Types.ObjectId);
    const found = await Teacher.findOne({ email: 'cid@x.kz' });
    expect(found?.subjects).toEqual(['math', 'art']);

    const upserted = await Teacher.findOneAndUpdate(
      { email: 'dan@x.kz' },
      { $set: { cohort: 'c2', 'name.first': 'Dan', 'name.last': 'D', school: school._id }, $inc: { visits: 1 } },
      { upsert: true, returnDocument: 'after', setDefaultsOnInsert: true },
    );
    expect(upserted?.email).toBe('dan@x.kz');
    expect(upserted?.role).toBe('teacher');
    expect(upserted?.visits).toBe(1);
    expect(upserted?.createdAt).toBeInstanceOf(Date);
    const bumped = await Teacher.findOneAndUpdate(
      { email: 'dan@x.kz' },
      { $inc: { visits: 1 } },
      { returnDocument: 'after', upsert: true },
    );
    expect(bumped?.visits).toBe(2);
    expect(bumped?.createdAt?.getTime()).toBe(upserted?.createdAt?.getTime());

    const many = await Teacher.updateMany({ cohort: 'c2' }, { $addToSet: { subjects: 'history' } });
    expect(many.modifiedCount).toBe(2);
    await Teacher.updateOne({ email: 'ann@x.kz' }, { $push: { answers: { question: 'q2', score: 5 } } });
    expect((await Teacher.findOne({ email: 'ann@x.kz' }).lean())?.answers).toEqual([
      { question: 'q1', score: 4 },
      { question: 'q2', score: 5 },
    ]);

    expect(await Teacher.countDocuments({ cohort: 'c2' })).toBe(2);
    expect(await Teacher.estimatedDocumentCount()).toBe(4);
    expect((await Teacher.distinct('cohort')).sort()).toEqual(['c1', 'c2']);

    const stats = await Teacher.aggregate<{ _id: string; n: number; subjects: number }>([
      { $match: { school: school._id } },
      { $group: { _id: '$cohort', n: { $sum: 1 }, subjects: { $sum: { $size: '$subjects' } } } },
      { $sort: { _id: 1 } },
    ]);
    expect(stats).toEqual([
      { _id: 'c1', n: 2, subjects: 2 },
      { _id: 'c2', n: 2, subjects: 4 },
    ]);

    const bulk = await Teacher.bulkWrite([
      {
        insertOne: {
          document: { email: 'eve@x.kz', name: { first: 'Eve', last: 'E' }, school: school._id, cohort: 'c3' },
        },
      },
      { updateOne: { filter: { email: 'bob@x.kz' }, update: { $set: { role: 'teacher' } } } },
      { deleteOne: { filter: { email: 'cid@x.kz' } } },
    ]);
    expect(bulk.insertedCount).toBe(1);
    expect(bulk.modifiedCount).toBe(1);
    expect(bulk.deletedCount).toBe(1);

    const populated = await Teacher.findOne({ email: 'eve@x.kz' }).populate<{ school: School }>('school');
    expect(populated?.school.code).toBe('S-1');

    expect((await Teacher.deleteOne({ email: 'eve@x.kz' })).deletedCount).toBe(1);
    expect(await Teacher.countDocuments()).toBe(3);

    const dup = await Teacher.create({
      email: 'ann@x.kz',
      name: { first: 'Ann', last: 'Z' },
      school: school._id,
      cohort: 'c9',
    }).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(MongoServerError);
    expect((dup as MongoServerError).code).toBe(11000);
    expect((dup as MongoServerError).keyValue).toEqual({ email: 'ann@x.kz' });
    const compoundDup = await Teacher.create({
      email: 'new@x.kz',
      name: { first: 'N', last: 'A' },
      school: school._id,
      cohort: 'c1',
    }).catch((e: unknown) => e);
    expect((compoundDup as MongoServerError).keyValue).toEqual({ cohort: 'c1', 'name.last': 'A' });

    // Everything mongoose sent was understood; this is the list the allow-lists were checked against.
    for (const name of [
      'create',
      'createIndexes',
      'listIndexes',
      'insert',
      'find',
      'findAndModify',
      'update',
      'delete',
      'aggregate',
      'count',
      'distinct',
    ]) {
      expect(commands).toContain(name);
    }
  });
});
