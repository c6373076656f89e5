// Samples drawn for a survey, kept so the draw can be shown again and its questionnaire sent. The
// scheduler reads `pendingSampleInvitations` and calls `markSampleInvited` once it has invited
// someone; nothing here sends messages.
import { Schema, Types, trusted, type Connection, type Model } from 'mongoose';
import { err, ok, type Result } from '../domain/result.js';
import { COLLECTIONS, type Scope } from './scope.js';
import { cohortMatch, type Pipeline } from './pipelines.js';
import type { Sample, SamplingUnit, Stratum } from './sampling.js';

const oid = (hex: string) => new Types.ObjectId(hex);

/**
 * One unit per teacher who can be asked: enrolled (not withdrawn) in the cohorts in scope, not
 * staff, not anonymised, consent not withdrawn. A teacher in two cohorts counts once, with the
 * most recent enrollment's programme direction.
 */
export function samplingUnitsPipeline(scope: Pick<Scope, 'cohortIds' | 'excludeCohortIds'>): Pipeline {
  return [
    { $match: { ...cohortMatch(scope), status: { $ne: 'withdrawn' } } },
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

export async function loadSamplingUnits(connection: Connection, scope: Pick<Scope, 'cohortIds' | 'excludeCohortIds'>): Promise<SamplingUnit[]> {
  const rows = await connection.collection(COLLECTIONS.enrollments).aggregate(samplingUnitsPipeline(scope)).toArray();
  return rows.map((r) => ({
    participantId: String(r.participantId),
    cohortId: String(r.cohortId),
    region: (r.region as string | null) ?? null,
    direction: (r.direction as string | null) ?? null,
    settlementType: (r.settlementType as string | null) ?? null,
  }));
}

interface SampleMemberDoc {
  participantId: Types.ObjectId;
  cohortId: Types.ObjectId;
  stratum: string;
  invitedAt?: Date | null;
}

export interface SampleDoc {
  _id: Types.ObjectId;
  seed: string;
  size: number;
  population: number;
  cohortIds?: Types.ObjectId[] | null;
  strata: Stratum[];
  members: SampleMemberDoc[];
  createdBy: string;
  assignment?: { questionnaireId: string; occasion: string; assignedAt: Date; assignedBy: string } | null;
  createdAt: Date;
  updatedAt: Date;
}

const sampleSchema = new Schema<SampleDoc>(
  {
    seed: { type: String, required: true, maxlength: 200 },
    size: { type: Number, required: true, min: 0 },
    population: { type: Number, required: true, min: 0 },
    cohortIds: { type: [Schema.Types.ObjectId], default: undefined },
    strata: [
      new Schema(
        { key: String, region: String, direction: String, settlementType: String, population: Number, quota: Number, sampled: Number },
        { _id: false },
      ),
    ],
    members: [
      new Schema(
        {
          participantId: { type: Schema.Types.ObjectId, required: true },
          cohortId: { type: Schema.Types.ObjectId, required: true },
          stratum: { type: String, required: true },
          invitedAt: Date,
        },
        { _id: false },
      ),
    ],
    createdBy: { type: String, required: true },
    assignment: new Schema(
      {
        questionnaireId: { type: String, required: true, match: /^[a-z0-9][a-z0-9_-]{0,63}$/ },
        occasion: { type: String, required: true, maxlength: 100 },
        assignedAt: { type: Date, required: true },
        assignedBy: { type: String, required: true },
      },
      { _id: false },
    ),
  },
  { collection: 'monitoring_samples', timestamps: true, strict: true, strictQuery: 'throw' },
);
sampleSchema.index({ 'assignment.questionnaireId': 1 });

/** The model on this connection; defined here because samples belong to monitoring alone. */
export function sampleModel(connection: Connection): Model<SampleDoc> {
  return (connection.models.MonitoringSample as Model<SampleDoc> | undefined) ?? connection.model<SampleDoc>('MonitoringSample', sampleSchema);
}

export async function saveSample(connection: Connection, sample: Sample, meta: { createdBy: string; cohortIds?: readonly string[] }): Promise<string> {
  const doc = await sampleModel(connection).create({
    seed: sample.seed,
    size: sample.size,
    population: sample.population,
    ...(meta.cohortIds ? { cohortIds: meta.cohortIds.map(oid) } : {}),
    strata: sample.strata,
    members: sample.members.map((m) => ({ participantId: oid(m.participantId), cohortId: oid(m.cohortId), stratum: JSON.stringify([m.region, m.direction, m.settlementType]) })),
    createdBy: meta.createdBy,
  });
  return doc._id.toHexString();
}

export type AssignError = { kind: 'not_found' } | { kind: 'already_assigned'; questionnaireId: string };

/** Gives the sample its questionnaire once; the scheduler then invites its members. */
export async function assignQuestionnaire(
  connection: Connection,
  sampleId: string,
  assignment: { questionnaireId: string; occasion: string; at: Date; by: string },
): Promise<Result<{ members: number }, AssignError>> {
  if (!Types.ObjectId.isValid(sampleId)) return err({ kind: 'not_found' });
  const model = sampleModel(connection);
  const updated = await model
    .findOneAndUpdate(
      { _id: oid(sampleId), assignment: null },
      { $set: { assignment: { questionnaireId: assignment.questionnaireId, occasion: assignment.occasion, assignedAt: assignment.at, assignedBy: assignment.by } } },
      { returnDocument: 'after' },
    )
    .lean<SampleDoc>();
  if (updated) return ok({ members: updated.members.length });
  const existing = await model.findById(oid(sampleId)).lean<SampleDoc>();
  return existing?.assignment ? err({ kind: 'already_assigned', questionnaireId: existing.assignment.questionnaireId }) : err({ kind: 'not_found' });
}

export interface SampleInvitation {
  sampleId: string;
  participantId: string;
  cohortId: string;
  questionnaireId: string;
  occasion: string;
}

/** Members of assigned samples not invited yet: the scheduler's work list. */
export async function pendingSampleInvitations(connection: Connection): Promise<SampleInvitation[]> {
  const samples = await sampleModel(connection).find({ assignment: trusted({ $ne: null }) }).lean<SampleDoc[]>();
  return samples.flatMap((s) =>
    s.members
      .filter((m) => !m.invitedAt)
      .map((m) => ({
        sampleId: s._id.toHexString(),
        participantId: m.participantId.toHexString(),
        cohortId: m.cohortId.toHexString(),
        questionnaireId: s.assignment!.questionnaireId,
        occasion: s.assignment!.occasion,
      })),
  );
}

export async function markSampleInvited(connection: Connection, sampleId: string, participantId: string, at: Date): Promise<boolean> {
  // The member condition is in the filter: timestamps change updatedAt, so modifiedCount alone
  // would report an already invited member as modified.
  const r = await sampleModel(connection).updateOne(
    { _id: oid(sampleId), members: trusted({ $elemMatch: { participantId: oid(participantId), invitedAt: null } }) },
    { $set: { 'members.$[m].invitedAt': at } },
    { arrayFilters: [{ 'm.participantId': oid(participantId), 'm.invitedAt': null }] },
  );
  return r.modifiedCount > 0;
}

export async function findSample(connection: Connection, sampleId: string): Promise<SampleDoc | undefined> {
  if (!Types.ObjectId.isValid(sampleId)) return undefined;
  return (await sampleModel(connection).findById(oid(sampleId)).lean<SampleDoc>()) ?? undefined;
}
