import type { Model } from 'mongoose';
import type { ActivityInput, ActivityRepository, ReviewError } from '../../domain/repositories.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { Activity, ActivityStatus } from '../../domain/activity.js';
import { failuresAfter } from '../../domain/link-check.js';
import { toActivity, type ActivityDoc } from '../models/activity.js';
import { AFTER_UPDATE, op, requireObjectId, toObjectId } from './ids.js';
import { setPresent } from './update.js';
import type { InProcessReader } from '../index.js';
import { projected, readCooperatively } from './cooperative.js';

export function createActivityRepository(model: Model<ActivityDoc>, reader?: InProcessReader): ActivityRepository {
  const byId = async (id: string) => {
    const _id = toObjectId(id);
    if (!_id) return undefined;
    const doc = await model.findById(_id).lean<ActivityDoc>();
    return doc ? toActivity(doc) : undefined;
  };

  /** Applies `change` only while the activity is in `from`; otherwise says why not. */
  const transition = async (
    id: string,
    from: ActivityStatus,
    change: Record<string, unknown>,
  ): Promise<Result<Activity, ReviewError>> => {
    const _id = toObjectId(id);
    if (!_id) return err({ kind: 'not_found' });
    const doc = await model.findOneAndUpdate({ _id, status: from }, change, AFTER_UPDATE).lean<ActivityDoc>();
    if (doc) return ok(toActivity(doc));
    const current = await byId(id);
    return err(current ? { kind: 'not_awaiting_review', status: current.status } : { kind: 'not_found' });
  };

  return {
    async submit(input: ActivityInput) {
      const doc = await model.create({
        ...input,
        participantId: requireObjectId(input.participantId, 'participantId'),
        cohortId: requireObjectId(input.cohortId, 'cohortId'),
        links: input.links.map((url) => ({ url })),
        status: 'submitted',
        reviews: [],
      });
      return toActivity(doc.toObject<ActivityDoc>());
    },
    findById: byId,
    async listByParticipant(participantId, cohortId) {
      const p = toObjectId(participantId);
      if (!p) return [];
      const c = cohortId === undefined ? undefined : toObjectId(cohortId);
      if (cohortId !== undefined && !c) return [];
      const docs = await model
        .find({ participantId: p, ...(c ? { cohortId: c } : {}) })
        .sort({ date: 1 })
        .lean<ActivityDoc[]>();
      return docs.map(toActivity);
    },
    async listByCohort(cohortId, status) {
      const c = toObjectId(cohortId);
      if (!c) return [];
      const docs = await readCooperatively(
        model
          .find({ cohortId: c, ...(status ? { status } : {}) })
          .sort({ submittedAt: 1 })
          .lean(),
        (d: ActivityDoc) => d,
      );
      return docs.map(toActivity);
    },
    async acceptedPerTeacher(cohortId) {
      const counts = new Map<string, number>();
      const c = toObjectId(cohortId);
      if (!c) return counts;
      const docs = projected<Pick<ActivityDoc, 'participantId'>>(
        model,
        reader,
        { cohortId: c, status: 'accepted' },
        { _id: 0, participantId: 1 },
      );
      for (const id of await readCooperatively(docs, (d: Pick<ActivityDoc, 'participantId'>) =>
        String(d.participantId),
      ))
        counts.set(id, (counts.get(id) ?? 0) + 1);
      return counts;
    },
    async countAccepted(participantId, cohortId) {
      const p = toObjectId(participantId);
      const c = toObjectId(cohortId);
      if (!p || !c) return 0;
      return model.countDocuments({ participantId: p, cohortId: c, status: 'accepted' });
    },
    async listWithLinksDue(cohortId, cutoff, now) {
      const c = toObjectId(cohortId);
      if (!c) return [];
      const due = { $or: [{ checkedAt: null }, { checkedAt: { $lt: cutoff } }] };
      const waiting = now ? [{ $or: [{ retryAt: null }, { retryAt: { $lte: now } }] }] : [];
      const docs = await model
        .find({ cohortId: c, links: op({ $elemMatch: { $and: [due, ...waiting] } }) })
        .sort({ submittedAt: 1 })
        .lean<ActivityDoc[]>();
      return docs.map(toActivity);
    },
    async recordLinkCheck(activityId, check) {
      const current = await byId(activityId);
      const link = current?.links.find((l) => l.url === check.url);
      if (!current || !link) return undefined;
      const failures = failuresAfter(link.failures, check.reachable);
      const doc = await model
        .findOneAndUpdate(
          { _id: toObjectId(activityId), 'links.url': check.url },
          {
            $set: {
              'links.$.checkedAt': check.checkedAt,
              'links.$.reachable': check.reachable,
              'links.$.status': check.status,
              'links.$.httpStatus': check.httpStatus ?? null,
              'links.$.failures': failures,
              'links.$.attempts': 0,
              'links.$.retryAt': null,
            },
          },
          AFTER_UPDATE,
        )
        .lean<ActivityDoc>();
      return doc ? toActivity(doc).links.find((l) => l.url === check.url) : undefined;
    },
    async recordLinkAttempt(activityId, url, retryAt) {
      const _id = toObjectId(activityId);
      if (!_id) return undefined;
      const doc = await model
        .findOneAndUpdate(
          { _id, 'links.url': url },
          { $inc: { 'links.$.attempts': 1 }, $set: { 'links.$.retryAt': retryAt } },
          AFTER_UPDATE,
        )
        .lean<ActivityDoc>();
      return doc ? toActivity(doc).links.find((l) => l.url === url) : undefined;
    },
    async replaceLink(activityId, oldUrl, newUrl) {
      const _id = toObjectId(activityId);
      if (!_id) return undefined;
      const doc = await model
        .findOneAndUpdate({ _id, 'links.url': oldUrl }, { $set: { 'links.$': { url: newUrl } } }, AFTER_UPDATE)
        .lean<ActivityDoc>();
      return doc ? toActivity(doc) : undefined;
    },
    review: (id, review) =>
      transition(id, 'submitted', {
        $set: { status: review.decision },
        $push: { reviews: { ...review, reviewerId: requireObjectId(review.reviewerId, 'reviewerId') } },
      }),
    resubmit: (id, patch) =>
      transition(id, 'returned', {
        $set: {
          ...setPresent({ ...patch, links: patch.links?.map((url) => ({ url })) }),
          status: 'submitted',
        },
      }),
  };
}
