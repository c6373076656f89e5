// Who can be drawn into a sample: read from the store's enrollments with their participant,
// cohort and programme joined in. Samples themselves are kept through the store's repository.
import { Types } from 'mongoose';
import type { Models } from '../store/models/index.js';
import type { Pipeline } from './pipelines.js';
import type { SamplingUnit } from './sampling.js';
import { COLLECTIONS, type Scope } from './scope.js';

const oid = (hex: string) => new Types.ObjectId(hex);

/**
 * One unit per teacher who can be asked: enrolled (not withdrawn) in the cohorts in scope, not
 * staff, not anonymised, consent not withdrawn. A teacher in two cohorts counts once, with the
 * most recent enrollment's programme direction.
 */
export function samplingUnitsPipeline(scope: Pick<Scope, 'cohortIds'>): Pipeline {
  return [
    {
      $match: {
        ...(scope.cohortIds ? { cohortId: { $in: scope.cohortIds.map(oid) } } : {}),
        status: { $ne: 'withdrawn' },
      },
    },
    { $sort: { joinedAt: -1, _id: 1 } },
    { $group: { _id: '$participantId', cohortId: { $first: '$cohortId' } } },
    { $lookup: { from: COLLECTIONS.participants, localField: '_id', foreignField: '_id', as: 'p' } },
    { $unwind: '$p' },
    { $match: { 'p.isStaff': { $ne: true }, 'p.anonymisedAt': null, 'p.consent.withdrawnAt': null } },
    { $lookup: { from: COLLECTIONS.cohorts, localField: 'cohortId', foreignField: '_id', as: 'c' } },
    { $addFields: { programmeId: { $first: '$c.programmeId' } } },
    { $lookup: { from: COLLECTIONS.programmes, localField: 'programmeId', foreignField: '_id', as: 'g' } },
    {
      $project: {
        _id: 0,
        participantId: '$_id',
        cohortId: 1,
        region: { $ifNull: ['$p.region', null] },
        settlementType: { $ifNull: ['$p.settlementType', null] },
        direction: { $ifNull: [{ $first: '$g.direction' }, null] },
      },
    },
  ];
}

export async function loadSamplingUnits(
  models: Pick<Models, 'enrollment'>,
  scope: Pick<Scope, 'cohortIds'>,
): Promise<SamplingUnit[]> {
  const rows = await models.enrollment.collection.aggregate(samplingUnitsPipeline(scope)).toArray();
  return rows.map((r) => ({
    participantId: String(r.participantId),
    cohortId: String(r.cohortId),
    region: (r.region as string | null) ?? null,
    direction: (r.direction as string | null) ?? null,
    settlementType: (r.settlementType as string | null) ?? null,
  }));
}
