import type { Model } from 'mongoose';
import type { EnrollmentRepository } from '../../domain/repositories.js';
import { toEnrollment, type EnrollmentDoc } from '../models/enrollment.js';
import { AFTER_UPDATE, requireObjectId, toObjectId } from './ids.js';
import { idString } from '../models/common.js';
import type { InProcessReader } from '../index.js';
import { projected, readCooperatively } from './cooperative.js';

export function createEnrollmentRepository(
  model: Model<EnrollmentDoc>,
  reader?: InProcessReader,
): EnrollmentRepository {
  const update = async (id: string, change: Record<string, unknown>, options: object = {}) => {
    const _id = toObjectId(id);
    if (!_id) return undefined;
    const doc = await model.findOneAndUpdate({ _id }, change, { ...AFTER_UPDATE, ...options }).lean<EnrollmentDoc>();
    return doc ? toEnrollment(doc) : undefined;
  };

  return {
    async enroll({ participantId, cohortId, at, tutorId, stages }) {
      if (stages.length === 0) throw new Error('an enrollment needs the stages of its plan');
      const raw = await model
        .findOneAndUpdate(
          {
            participantId: requireObjectId(participantId, 'participantId'),
            cohortId: requireObjectId(cohortId, 'cohortId'),
          },
          {
            $setOnInsert: {
              joinedAt: at,
              status: 'active',
              currentStage: Math.min(...stages),
              stages: [...stages].sort((a, b) => a - b).map((stage) => ({ stage, status: 'not_started' })),
              ...(tutorId ? { tutorId: requireObjectId(tutorId, 'tutorId') } : {}),
            },
          },
          { ...AFTER_UPDATE, upsert: true, includeResultMetadata: true },
        )
        .lean<{ value: EnrollmentDoc; lastErrorObject?: { updatedExisting?: boolean } }>();
      return { enrollment: toEnrollment(raw.value), created: raw.lastErrorObject?.updatedExisting === false };
    },
    async findById(id) {
      const _id = toObjectId(id);
      if (!_id) return undefined;
      const doc = await model.findById(_id).lean<EnrollmentDoc>();
      return doc ? toEnrollment(doc) : undefined;
    },
    async find(participantId, cohortId) {
      const p = toObjectId(participantId);
      const c = toObjectId(cohortId);
      if (!p || !c) return undefined;
      const doc = await model.findOne({ participantId: p, cohortId: c }).lean<EnrollmentDoc>();
      return doc ? toEnrollment(doc) : undefined;
    },
    async listByCohort(cohortId, status) {
      const c = toObjectId(cohortId);
      if (!c) return [];
      return readCooperatively(
        model
          .find({ cohortId: c, ...(status ? { status } : {}) })
          .sort({ joinedAt: 1 })
          .lean(),
        toEnrollment,
      );
    },
    async activeMembers(cohortId, participantId) {
      const c = toObjectId(cohortId);
      const p = participantId === undefined ? undefined : toObjectId(participantId);
      if (!c || (participantId !== undefined && !p)) return [];
      const docs = projected<Pick<EnrollmentDoc, 'participantId' | 'joinedAt'>>(
        model,
        reader,
        { cohortId: c, status: 'active', ...(p ? { participantId: p } : {}) },
        { _id: 0, participantId: 1, joinedAt: 1 },
      );
      return readCooperatively(docs, (d: Pick<EnrollmentDoc, 'participantId' | 'joinedAt'>) => ({
        participantId: idString(d.participantId),
        joinedAt: d.joinedAt,
      }));
    },
    async listByParticipant(participantId) {
      const p = toObjectId(participantId);
      if (!p) return [];
      const docs = await model.find({ participantId: p }).sort({ joinedAt: -1 }).lean<EnrollmentDoc[]>();
      return docs.map(toEnrollment);
    },
    setStage: (id, stage, status, at) =>
      update(
        id,
        {
          $set: {
            'stages.$[s].status': status,
            ...(status === 'in_progress' ? { 'stages.$[s].startedAt': at, currentStage: stage } : {}),
            ...(status === 'completed' ? { 'stages.$[s].completedAt': at } : {}),
          },
        },
        { arrayFilters: [{ 's.stage': stage }] },
      ),
    saveStages: (id, stages, currentStage) =>
      update(id, {
        $set: {
          currentStage,
          stages: stages.map((s) => ({
            stage: s.stage,
            status: s.status,
            ...(s.startedAt ? { startedAt: s.startedAt } : {}),
            ...(s.completedAt ? { completedAt: s.completedAt } : {}),
            ...(s.cause ? { cause: s.cause } : {}),
          })),
        },
      }),
    addStageOverride: (id, o) =>
      update(id, {
        $push: { stageOverrides: { stage: o.stage, status: o.status, at: o.at, by: o.by, comment: o.comment } },
      }),
    setPlanItems: (id, items, at) =>
      update(id, {
        $set: {
          'plan.items': items.map((i) => ({ id: i.id, type: i.type, level: i.level, month: i.month })),
          'plan.updatedAt': at,
        },
      }),
    addPlanComment: (id, c) => update(id, { $push: { 'plan.comments': { by: c.by, at: c.at, text: c.text } } }),
    setStatus: (id, status) => update(id, { $set: { status } }),
    assignTutor: (id, tutorId) =>
      update(id, tutorId ? { $set: { tutorId: requireObjectId(tutorId, 'tutorId') } } : { $unset: { tutorId: '' } }),
  };
}
