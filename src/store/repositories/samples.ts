import type { Model } from 'mongoose';
import { err, ok } from '../../domain/result.js';
import type { SampleRepository, SavedSample } from '../../domain/sample.js';
import { idString } from '../models/common.js';
import type { SampleDoc } from '../models/sample.js';
import { op, requireObjectId, toObjectId } from './ids.js';

function toSample(doc: SampleDoc): SavedSample {
  return {
    id: idString(doc._id),
    seed: doc.seed,
    size: doc.size,
    population: doc.population,
    ...(doc.cohortIds ? { cohortIds: doc.cohortIds.map(idString) } : {}),
    strata: doc.strata.map((s) => ({
      key: s.key,
      region: s.region ?? null,
      direction: s.direction ?? null,
      settlementType: s.settlementType ?? null,
      population: s.population,
      quota: s.quota,
      sampled: s.sampled,
    })),
    members: doc.members.map((m) => ({
      participantId: idString(m.participantId),
      cohortId: idString(m.cohortId),
      stratum: m.stratum,
      ...(m.invitedAt ? { invitedAt: m.invitedAt } : {}),
    })),
    createdBy: doc.createdBy,
    ...(doc.assignment ? { assignment: { ...doc.assignment } } : {}),
    createdAt: doc.createdAt,
  };
}

export function createSampleRepository(model: Model<SampleDoc>): SampleRepository {
  return {
    async create(sample) {
      const doc = await model.create({
        seed: sample.seed,
        size: sample.size,
        population: sample.population,
        ...(sample.cohortIds ? { cohortIds: sample.cohortIds.map((id) => requireObjectId(id, 'cohortId')) } : {}),
        strata: [...sample.strata],
        members: sample.members.map((m) => ({
          participantId: requireObjectId(m.participantId, 'participantId'),
          cohortId: requireObjectId(m.cohortId, 'cohortId'),
          stratum: m.stratum,
        })),
        createdBy: sample.createdBy,
      });
      return idString(doc._id);
    },

    async findById(id) {
      const oid = toObjectId(id);
      if (!oid) return undefined;
      const doc = await model.findById(oid).lean<SampleDoc>();
      return doc ? toSample(doc) : undefined;
    },

    async assign(id, assignment) {
      const oid = toObjectId(id);
      if (!oid) return err({ kind: 'not_found' });
      const updated = await model
        .findOneAndUpdate({ _id: oid, assignment: null }, { $set: { assignment } }, { returnDocument: 'after' })
        .lean<SampleDoc>();
      if (updated) return ok({ members: updated.members.length });
      const existing = await model.findById(oid).lean<SampleDoc>();
      return existing?.assignment
        ? err({ kind: 'already_assigned', questionnaireId: existing.assignment.questionnaireId })
        : err({ kind: 'not_found' });
    },

    async pendingInvitations() {
      const samples = await model.find({ assignment: op({ $ne: null }) }).lean<SampleDoc[]>();
      return samples.flatMap((s) => {
        const assignment = s.assignment;
        if (!assignment) return [];
        return s.members
          .filter((m) => !m.invitedAt)
          .map((m) => ({
            sampleId: idString(s._id),
            participantId: idString(m.participantId),
            cohortId: idString(m.cohortId),
            questionnaireId: assignment.questionnaireId,
            occasion: assignment.occasion,
          }));
      });
    },

    async markInvited(sampleId, participantId, at) {
      const sid = toObjectId(sampleId);
      const pid = toObjectId(participantId);
      if (!sid || !pid) return false;
      // The member condition is in the filter: timestamps change updatedAt, so modifiedCount alone
      // would report an already invited member as modified.
      const r = await model.updateOne(
        { _id: sid, members: op({ $elemMatch: { participantId: pid, invitedAt: null } }) },
        { $set: { 'members.$[m].invitedAt': at } },
        { arrayFilters: [{ 'm.participantId': pid, 'm.invitedAt': null }] },
      );
      return r.modifiedCount > 0;
    },
  };
}
