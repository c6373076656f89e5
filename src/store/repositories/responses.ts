import type { Model } from 'mongoose';
import type { ResponseKey, ResponseRepository } from '../../domain/repositories.js';
import { toResponse, type ResponseDoc } from '../models/response.js';
import { AFTER_UPDATE, op, requireObjectId, toObjectId } from './ids.js';
import type { InProcessReader } from '../index.js';
import { projected, readCooperatively } from './cooperative.js';

function keyFilter(key: ResponseKey) {
  const participantId = toObjectId(key.participantId);
  const cohortId = toObjectId(key.cohortId);
  if (!participantId || !cohortId) return undefined;
  return { participantId, cohortId, questionnaireId: key.questionnaireId, occasion: key.occasion };
}

export function createResponseRepository(model: Model<ResponseDoc>, reader?: InProcessReader): ResponseRepository {
  const byId = async (id: string) => {
    const _id = toObjectId(id);
    if (!_id) return undefined;
    const doc = await model.findById(_id).lean<ResponseDoc>();
    return doc ? toResponse(doc) : undefined;
  };
  const update = async (filter: Record<string, unknown>, change: Record<string, unknown>) => {
    const doc = await model.findOneAndUpdate(filter, change, AFTER_UPDATE).lean<ResponseDoc>();
    return doc ? toResponse(doc) : undefined;
  };

  return {
    async startOrResume(key) {
      const raw = await model
        .findOneAndUpdate(
          {
            participantId: requireObjectId(key.participantId, 'participantId'),
            cohortId: requireObjectId(key.cohortId, 'cohortId'),
            questionnaireId: key.questionnaireId,
            occasion: key.occasion,
          },
          {
            $setOnInsert: {
              questionnaireVersion: key.questionnaireVersion,
              status: 'in_progress',
              answers: [],
              startedAt: key.at,
            },
          },
          { ...AFTER_UPDATE, upsert: true, includeResultMetadata: true },
        )
        .lean<{ value: ResponseDoc; lastErrorObject?: { updatedExisting?: boolean } }>();
      return { response: toResponse(raw.value), created: raw.lastErrorObject?.updatedExisting === false };
    },
    findById: byId,
    async find(key) {
      const filter = keyFilter(key);
      if (!filter) return undefined;
      const doc = await model.findOne(filter).lean<ResponseDoc>();
      return doc ? toResponse(doc) : undefined;
    },
    async listInProgress(participantId) {
      const p = toObjectId(participantId);
      if (!p) return [];
      const docs = await model
        .find({ participantId: p, status: 'in_progress' })
        .sort({ startedAt: 1 })
        .lean<ResponseDoc[]>();
      return docs.map(toResponse);
    },
    async listByCohort(cohortId, filter = {}) {
      const c = toObjectId(cohortId);
      if (!c) return [];
      const query = model
        .find({
          cohortId: c,
          ...(filter.questionnaireId ? { questionnaireId: filter.questionnaireId } : {}),
          ...(filter.status ? { status: filter.status } : {}),
        })
        .sort({ startedAt: 1 })
        .lean();
      return readCooperatively(query, toResponse);
    },
    async runsByCohort(cohortId) {
      const c = toObjectId(cohortId);
      if (!c) return [];
      type Run = Pick<
        ResponseDoc,
        'participantId' | 'questionnaireId' | 'occasion' | 'status' | 'startedAt' | 'completedAt'
      >;
      const docs = projected<Run>(
        model,
        reader,
        { cohortId: c },
        { _id: 0, participantId: 1, questionnaireId: 1, occasion: 1, status: 1, startedAt: 1, completedAt: 1 },
      );
      const runs = await readCooperatively(docs, (d: Run) => ({
        participantId: String(d.participantId),
        questionnaireId: d.questionnaireId,
        occasion: d.occasion,
        status: d.status,
        startedAt: d.startedAt,
        ...(d.completedAt ? { completedAt: d.completedAt } : {}),
      }));
      // Sorted here, stably, as listByCohort's sort gives them: the answers are never read for it.
      return runs.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    },
    async completedOccasions(cohortId, participantId) {
      const c = toObjectId(cohortId);
      const p = participantId === undefined ? undefined : toObjectId(participantId);
      if (!c || (participantId !== undefined && !p)) return [];
      // The planner needs which occasions each teacher completed, not the answers.
      const docs = projected<Pick<ResponseDoc, 'participantId' | 'questionnaireId' | 'occasion'>>(
        model,
        reader,
        { cohortId: c, status: 'completed', ...(p ? { participantId: p } : {}) },
        { _id: 0, participantId: 1, questionnaireId: 1, occasion: 1 },
      );
      // In this process a teacher's answers hold one shared ObjectId (the store keeps a repeated id
      // once): its hex string is made once per teacher, not once per answer (16,000 answers of a
      // 5,000-teacher cohort made ~3 MB of strings and conversion garbage that outlived the read).
      // Through the driver every document has its own ObjectId, and a cache would only add to it.
      const hexOf = reader ? sameIdOnce() : (id: unknown) => String(id);
      return readCooperatively(docs, (d: Pick<ResponseDoc, 'participantId' | 'questionnaireId' | 'occasion'>) => ({
        participantId: hexOf(d.participantId),
        questionnaireId: d.questionnaireId,
        occasion: d.occasion,
      }));
    },
    async saveAnswer(responseId, answer) {
      const _id = toObjectId(responseId);
      if (!_id) return undefined;
      // Replace in place when the question was answered before, append otherwise; the filter on
      // the second step makes a concurrent duplicate impossible.
      const replaced = await update(
        { _id, 'answers.questionId': answer.questionId },
        { $set: { 'answers.$': answer } },
      );
      if (replaced) return replaced;
      const appended = await update(
        { _id, 'answers.questionId': op({ $ne: answer.questionId }) },
        { $push: { answers: answer } },
      );
      return appended ?? byId(responseId);
    },
    async removeAnswer(responseId, questionId) {
      const _id = toObjectId(responseId);
      if (!_id) return undefined;
      return update({ _id }, { $pull: { answers: { questionId } } });
    },
    async complete(responseId, at) {
      const _id = toObjectId(responseId);
      if (!_id) return undefined;
      return update({ _id }, { $set: { status: 'completed', completedAt: at } });
    },
  };
}

/** An id's string, made once per ObjectId object for the length of one read. */
function sameIdOnce(): (id: unknown) => string {
  const made = new Map<unknown, string>();
  return (id) => {
    let hex = made.get(id);
    if (hex === undefined) {
      hex = String(id);
      made.set(id, hex);
    }
    return hex;
  };
}
