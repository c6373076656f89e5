import type { Model } from 'mongoose';
import type { ResultLinkRepository } from '../../domain/repositories.js';
import { toResultLink, type ResultLinkDoc } from '../models/result-link.js';
import { AFTER_UPDATE, op, requireObjectId, toObjectId, toObjectIds } from './ids.js';

/** The check state of a link nobody has checked yet. */
const UNCHECKED = {
  checkedAt: null,
  reachable: null,
  status: null,
  httpStatus: null,
  liveSince: null,
  attempts: 0,
  retryAt: null,
  toldAt: null,
};

export function createResultLinkRepository(model: Model<ResultLinkDoc>): ResultLinkRepository {
  const byId = async (id: string) => {
    const _id = toObjectId(id);
    if (!_id) return undefined;
    const doc = await model.findById(_id).lean<ResultLinkDoc>();
    return doc ? toResultLink(doc) : undefined;
  };
  const list = async (filter: Record<string, unknown>) =>
    (await model.find(filter).sort({ recordedAt: 1, _id: 1 }).lean<ResultLinkDoc[]>()).map(toResultLink);

  return {
    async record(input) {
      const key = { responseId: requireObjectId(input.responseId, 'responseId'), questionId: input.questionId };
      const fields = {
        participantId: requireObjectId(input.participantId, 'participantId'),
        cohortId: requireObjectId(input.cohortId, 'cohortId'),
        questionnaireId: input.questionnaireId,
      };
      // A corrected answer is a new link: its checks start again. The same answer recorded twice changes nothing.
      const changed = await model
        .findOneAndUpdate(
          { ...key, url: op({ $ne: input.url }) },
          { $set: { ...fields, url: input.url, recordedAt: input.at, ...UNCHECKED } },
          AFTER_UPDATE,
        )
        .lean<ResultLinkDoc>();
      if (changed) return toResultLink(changed);
      const doc = await model
        .findOneAndUpdate(
          key,
          { $setOnInsert: { ...fields, url: input.url, recordedAt: input.at, attempts: 0 } },
          { ...AFTER_UPDATE, upsert: true },
        )
        .lean<ResultLinkDoc>();
      return toResultLink(doc!);
    },
    findById: byId,
    async listByResponse(responseId) {
      const r = toObjectId(responseId);
      return r ? list({ responseId: r }) : [];
    },
    async listByParticipant(participantId, cohortId) {
      const p = toObjectId(participantId);
      if (!p) return [];
      const c = cohortId === undefined ? undefined : toObjectId(cohortId);
      if (cohortId !== undefined && !c) return [];
      return list({ participantId: p, ...(c ? { cohortId: c } : {}) });
    },
    async listByCohorts(cohortIds) {
      const ids = toObjectIds(cohortIds);
      return ids.length ? list({ cohortId: op({ $in: ids }) }) : [];
    },
    async listDue(cohortId, cutoff, now) {
      const c = toObjectId(cohortId);
      if (!c) return [];
      return list({
        cohortId: c,
        url: op({ $ne: '' }),
        $and: [
          { $or: [{ checkedAt: null }, { checkedAt: op({ $lt: cutoff }) }] },
          { $or: [{ retryAt: null }, { retryAt: op({ $lte: now }) }] },
        ],
      });
    },
    async recordCheck(id, url, check) {
      const _id = toObjectId(id);
      const before = _id && (await byId(id));
      if (!_id || !before || before.url !== url) return undefined;
      let change: Record<string, unknown>;
      if (check.kind === 'unknown') {
        // Nobody answered: the last real verdict stands, and the link is tried again later.
        change = { $set: { attempts: before.attempts + 1, retryAt: check.retryAt } };
      } else {
        const liveSince = check.reachable
          ? before.reachable === true && before.liveSince
            ? before.liveSince
            : check.at
          : null;
        change = {
          $set: {
            checkedAt: check.at,
            reachable: check.reachable,
            status: check.status,
            httpStatus: check.httpStatus ?? null,
            liveSince,
            attempts: 0,
            retryAt: null,
            // Open again: a later dead spell is told again.
            ...(check.reachable ? { toldAt: null } : {}),
          },
        };
      }
      const doc = await model.findOneAndUpdate({ _id, url }, change, AFTER_UPDATE).lean<ResultLinkDoc>();
      return doc ? { before, after: toResultLink(doc) } : undefined;
    },
    async markTold(id, at) {
      const _id = toObjectId(id);
      if (!_id) return false;
      const result = await model.updateOne({ _id, reachable: false, toldAt: null }, { $set: { toldAt: at } });
      return result.modifiedCount === 1;
    },
    async replaceUrl(id, oldUrl, newUrl, at) {
      const _id = toObjectId(id);
      if (!_id) return undefined;
      const doc = await model
        .findOneAndUpdate({ _id, url: oldUrl }, { $set: { url: newUrl, recordedAt: at, ...UNCHECKED } }, AFTER_UPDATE)
        .lean<ResultLinkDoc>();
      return doc ? toResultLink(doc) : undefined;
    },
  };
}
