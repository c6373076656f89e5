import type { Model } from 'mongoose';
import type { SupportEventRepository } from '../../domain/repositories.js';
import { toSupportEvent, type SupportEventDoc } from '../models/support-event.js';
import { AFTER_UPDATE, op, requireObjectId, toObjectId } from './ids.js';

export function createSupportEventRepository(model: Model<SupportEventDoc>): SupportEventRepository {
  const byId = async (id: string) => {
    const _id = toObjectId(id);
    if (!_id) return undefined;
    const doc = await model.findById(_id).lean<SupportEventDoc>();
    return doc ? toSupportEvent(doc) : undefined;
  };
  return {
    async create(input) {
      const doc = await model.create({
        cohortId: requireObjectId(input.cohortId, 'cohortId'),
        kind: input.kind,
        date: input.date,
        time: input.time,
        ...(input.link ? { link: input.link } : {}),
        createdBy: requireObjectId(input.createdBy, 'createdBy'),
        createdAt: input.createdAt,
      });
      return toSupportEvent(doc.toObject() as SupportEventDoc);
    },
    findById: byId,
    async listByCohort(cohortId) {
      const c = toObjectId(cohortId);
      if (!c) return [];
      const docs = await model.find({ cohortId: c }).sort({ date: 1, time: 1 }).lean<SupportEventDoc[]>();
      return docs.map(toSupportEvent);
    },
    async listNotInvited(cohortId, participantId) {
      const c = toObjectId(cohortId);
      const p = toObjectId(participantId);
      if (!c || !p) return [];
      const docs = await model
        .find({ cohortId: c, invited: op({ $ne: p }) })
        .sort({ date: 1, time: 1 })
        .lean<SupportEventDoc[]>();
      return docs.map(toSupportEvent);
    },
    async markInvited(eventId, participantId) {
      const _id = toObjectId(eventId);
      if (!_id) return false;
      const p = requireObjectId(participantId, 'participantId');
      // Only the first call adds the teacher: the announcing job may run again after a restart.
      const result = await model.updateOne({ _id, invited: op({ $ne: p }) }, { $push: { invited: p } });
      return result.modifiedCount === 1;
    },
    async answer(eventId, participantId, answer, at) {
      const _id = toObjectId(eventId);
      if (!_id) return undefined;
      const p = requireObjectId(participantId, 'participantId');
      await model.updateOne({ _id }, { $pull: { attendance: { participantId: p } } });
      const doc = await model
        .findOneAndUpdate({ _id }, { $push: { attendance: { participantId: p, answer, at } } }, AFTER_UPDATE)
        .lean<SupportEventDoc>();
      return doc ? toSupportEvent(doc) : undefined;
    },
  };
}
