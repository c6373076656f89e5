// Who can be drawn into a sample: read from the store's enrollments with their participant,
// cohort and programme joined in. Samples themselves are kept through the store's repository.
import { Types } from 'mongoose';
import type { Models } from '../store/models/index.js';
import type { Pipeline } from './pipelines.js';
import type { SamplingUnit } from './sampling.js';
import type { Scope } from './scope.js';

const oid = (hex: string) => new Types.ObjectId(hex);

/**
 * The teachers who can be drawn, one per person: enrolled (not withdrawn) in the cohorts in scope,
 * with the cohort of their most recent enrollment. Only the counting happens in the pipeline; the
 * people, cohorts and programmes are joined in TypeScript (`loadSamplingUnits`): on the embedded
 * store each `$lookup`/`$unwind` stage after the `$group` ran on mingo for every teacher.
 */
export function samplingUnitsPipeline(scope: Pick<Scope, 'cohortIds' | 'excludeCohortIds'>): Pipeline {
  return [
    {
      $match: {
        ...(scope.cohortIds
          ? { cohortId: { $in: scope.cohortIds.map(oid) } }
          : scope.excludeCohortIds?.length
            ? { cohortId: { $nin: scope.excludeCohortIds.map(oid) } }
            : {}),
        status: { $ne: 'withdrawn' },
      },
    },
    { $sort: { joinedAt: -1, _id: 1 } },
    { $group: { _id: '$participantId', cohortId: { $first: '$cohortId' } } },
  ];
}

/**
 * One unit per teacher who can be asked: enrolled (not withdrawn) in the cohorts in scope, not
 * staff, not anonymised, consent not withdrawn. A teacher in two cohorts counts once, with the
 * most recent enrollment's programme direction.
 */
export async function loadSamplingUnits(
  models: Pick<Models, 'enrollment' | 'participant' | 'cohort' | 'programme'>,
  scope: Pick<Scope, 'cohortIds' | 'excludeCohortIds'>,
): Promise<SamplingUnit[]> {
  const enrolled = await models.enrollment.collection.aggregate(samplingUnitsPipeline(scope)).toArray();
  if (enrolled.length === 0) return [];
  const people = new Map(
    (
      await models.participant.collection
        .find(
          // Not `_id: {$in: [...]}` with the enrolled ids: with the other conditions the embedded
          // store tests that list per teacher (time in the square of the teachers).
          {
            isStaff: { $ne: true },
            anonymisedAt: null,
            'consent.withdrawnAt': null,
          },
          { projection: { region: 1, settlementType: 1 } },
        )
        .toArray()
    ).map((p) => [String(p._id), p]),
  );
  const cohorts = await models.cohort.collection
    .find(
      { _id: { $in: [...new Map(enrolled.map((e) => [String(e.cohortId), e.cohortId])).values()] } },
      { projection: { programmeId: 1 } },
    )
    .toArray();
  const programmeOf = new Map(cohorts.map((c) => [String(c._id), c.programmeId]));
  const programmes = await models.programme.collection
    .find(
      { _id: { $in: cohorts.flatMap((c) => (c.programmeId ? [c.programmeId] : [])) } },
      { projection: { direction: 1 } },
    )
    .toArray();
  const directionOf = new Map(programmes.map((g) => [String(g._id), g.direction]));
  return enrolled.flatMap((e): SamplingUnit[] => {
    const person = people.get(String(e._id));
    if (!person) return [];
    const programmeId = programmeOf.get(String(e.cohortId));
    return [
      {
        participantId: String(e._id),
        cohortId: String(e.cohortId),
        region: (person.region as string | null | undefined) ?? null,
        direction:
          ((programmeId === undefined ? undefined : directionOf.get(String(programmeId))) as
            | string
            | null
            | undefined) ?? null,
        settlementType: (person.settlementType as string | null | undefined) ?? null,
      },
    ];
  });
}
