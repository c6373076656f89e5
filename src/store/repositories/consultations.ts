import type { Model } from 'mongoose';
import type { ConsultationRepository } from '../../domain/repositories.js';
import { toConsultationRequest, type ConsultationRequestDoc } from '../models/consultation.js';
import { AFTER_UPDATE, op, requireObjectId, toObjectId } from './ids.js';

export function createConsultationRepository(model: Model<ConsultationRequestDoc>): ConsultationRepository {
  const update = async (id: string, change: Record<string, unknown>) => {
    const _id = toObjectId(id);
    if (!_id) return undefined;
    const doc = await model.findOneAndUpdate({ _id }, change, AFTER_UPDATE).lean<ConsultationRequestDoc>();
    return doc ? toConsultationRequest(doc) : undefined;
  };
  const list = async (filter: Record<string, unknown>) => {
    const docs = await model.find(filter).sort({ openedAt: 1 }).lean<ConsultationRequestDoc[]>();
    return docs.map(toConsultationRequest);
  };

  return {
    async open(input) {
      const doc = await model.create({
        ...input,
        participantId: requireObjectId(input.participantId, 'participantId'),
        cohortId: requireObjectId(input.cohortId, 'cohortId'),
        assigneeId: input.assigneeId ? requireObjectId(input.assigneeId, 'assigneeId') : undefined,
        status: 'open',
        messages: [],
      });
      return toConsultationRequest(doc.toObject<ConsultationRequestDoc>());
    },
    async findById(id) {
      const _id = toObjectId(id);
      if (!_id) return undefined;
      const doc = await model.findById(_id).lean<ConsultationRequestDoc>();
      return doc ? toConsultationRequest(doc) : undefined;
    },
    addMessage: (id, message) =>
      update(id, {
        $push: { messages: { ...message, authorId: requireObjectId(message.authorId, 'authorId') } },
      }),
    setStatus: (id, status, at) =>
      update(
        id,
        status === 'closed' ? { $set: { status, closedAt: at } } : { $set: { status }, $unset: { closedAt: '' } },
      ),
    async listByAssignee(assigneeId, statuses) {
      const a = toObjectId(assigneeId);
      return a ? list({ assigneeId: a, status: op({ $in: [...statuses] }) }) : [];
    },
    async listByCohort(cohortId, statuses) {
      const c = toObjectId(cohortId);
      if (!c) return [];
      return list({ cohortId: c, ...(statuses ? { status: op({ $in: [...statuses] }) } : {}) });
    },
    async listByParticipant(participantId) {
      const p = toObjectId(participantId);
      return p ? list({ participantId: p }) : [];
    },
    assign: (id, assigneeId) => update(id, { $set: { assigneeId: requireObjectId(assigneeId, 'assigneeId') } }),
    listUnescalated: (before) => list({ status: 'open', openedAt: op({ $lt: before }), escalatedAt: null }),
    async markEscalated(id, at) {
      const _id = toObjectId(id);
      if (!_id) return undefined;
      const doc = await model
        .findOneAndUpdate({ _id, escalatedAt: null }, { $set: { escalatedAt: at } }, AFTER_UPDATE)
        .lean<ConsultationRequestDoc>();
      return doc ? toConsultationRequest(doc) : undefined;
    },
  };
}
