// The mongoose calls the rest of Sputnik relies on, against whichever store this run uses.
import { trusted } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/index.js';
import { aCohort, aParticipant } from '../../support/fixtures.js';
import { openTestStore } from '../../support/store.js';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store?.close();
});

describe('mongoose on the store', () => {
  it('syncIndexes is idempotent and leaves the unique indexes in place', async () => {
    const { enrollment, participant } = store.models;
    await enrollment.syncIndexes();
    await participant.syncIndexes();
    const indexes = await participant.listIndexes();
    const telegram = indexes.find((i) => i.key && 'urns' in i.key);
    expect(telegram).toMatchObject({ unique: true, sparse: true });
    const enrollmentIndexes = await enrollment.listIndexes();
    expect(enrollmentIndexes.find((i) => i.unique)?.key).toEqual({ participantId: 1, cohortId: 1 });
  });

  it('create, find, findOneAndUpdate, countDocuments, aggregate and bulkWrite', async () => {
    const { participant: Participant } = store.models;
    await Participant.create([
      { fullName: 'А', locale: 'ru', region: 'Акмолинская', settlementType: 'rural' },
      { fullName: 'Б', locale: 'kk', region: 'Акмолинская', settlementType: 'urban' },
      { fullName: 'В', locale: 'ru', region: 'Алматы', settlementType: 'urban' },
    ]);
    const found = await Participant.find({ region: 'Акмолинская' }).sort({ fullName: -1 }).lean();
    expect(found.map((p) => p.fullName)).toEqual(['Б', 'А']);
    const updated = await Participant.findOneAndUpdate(
      { fullName: 'В' },
      { $set: { district: 'Бостандыкский' } },
      { returnDocument: 'after' },
    ).lean();
    expect(updated?.district).toBe('Бостандыкский');
    // The connection sanitises query filters: an operator written by us is marked trusted, as the repositories do.
    expect(
      await Participant.countDocuments({
        settlementType: 'urban',
        region: trusted({ $in: ['Акмолинская', 'Алматы'] }),
      }),
    ).toBe(2);

    const byRegion = await Participant.aggregate<{ _id: string; n: number }>([
      { $match: { region: { $in: ['Акмолинская', 'Алматы'] } } },
      { $group: { _id: '$region', n: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ]);
    expect(byRegion).toEqual([
      { _id: 'Акмолинская', n: 2 },
      { _id: 'Алматы', n: 1 },
    ]);

    const result = await Participant.bulkWrite([
      { insertOne: { document: { fullName: 'Г', locale: 'en', region: 'Алматы' } } },
      { updateOne: { filter: { fullName: 'А' }, update: { $set: { subject: 'физика' } } } },
      { deleteOne: { filter: { fullName: 'Б' } } },
    ]);
    expect([result.insertedCount, result.modifiedCount, result.deletedCount]).toEqual([1, 1, 1]);
    expect(await Participant.countDocuments({ region: trusted({ $in: ['Акмолинская', 'Алматы'] }) })).toBe(3);
  });

  it('joins enrollments to participants with $lookup for breakdowns', async () => {
    const repos = store.repositories;
    const cohort = await aCohort(repos);
    const rural = await aParticipant(repos, { settlementType: 'rural' });
    const urban = await aParticipant(repos, { settlementType: 'urban' });
    for (const p of [rural, urban])
      await repos.enrollments.enroll({ participantId: p.id, cohortId: cohort.id, at: new Date(), stages: [1, 2, 3] });
    const rows = await store.models.enrollment.aggregate<{ _id: string; n: number }>([
      { $match: { cohortId: store.models.cohort.castObject({ _id: cohort.id })._id } },
      { $lookup: { from: 'participants', localField: 'participantId', foreignField: '_id', as: 'p' } },
      { $unwind: '$p' },
      { $group: { _id: '$p.settlementType', n: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ]);
    expect(rows).toEqual([
      { _id: 'rural', n: 1 },
      { _id: 'urban', n: 1 },
    ]);
  });

  it('reports a duplicate enrollment as E11000 with the key', async () => {
    const repos = store.repositories;
    const cohort = await aCohort(repos);
    const teacher = await aParticipant(repos);
    const doc = { participantId: teacher.id, cohortId: cohort.id, joinedAt: new Date() };
    await store.models.enrollment.create(doc);
    await expect(store.models.enrollment.create(doc)).rejects.toMatchObject({
      code: 11000,
      keyPattern: { participantId: 1, cohortId: 1 },
    });
  });
});
