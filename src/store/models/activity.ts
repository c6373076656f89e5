import { Schema, type Connection, type Model } from 'mongoose';
import {
  LINK_STATUSES,
  type LinkStatus,
  ACTIVITY_LEVELS,
  ACTIVITY_STATUSES,
  ACTIVITY_TYPES,
  type Activity,
  type ActivityLevel,
  type ActivityStatus,
  type ActivityType,
} from '../../domain/activity.js';
import { ObjectId, idString, orUndefined, schemaOptions, text, type ObjectIdType } from './common.js';
import { COLLECTION_NAMES } from './collections.js';

export interface ActivityLinkDoc {
  url: string;
  checkedAt?: Date | null;
  reachable?: boolean | null;
  status?: LinkStatus | null;
  httpStatus?: number | null;
  failures?: number | null;
  attempts?: number | null;
  retryAt?: Date | null;
}

export interface ActivityReviewDoc {
  reviewerId: ObjectIdType;
  decision: 'accepted' | 'returned';
  comment?: string | null;
  at: Date;
}

export interface ActivityDoc {
  _id: ObjectIdType;
  participantId: ObjectIdType;
  cohortId: ObjectIdType;
  type: ActivityType;
  level: ActivityLevel;
  date: Date;
  title: string;
  links: ActivityLinkDoc[];
  note?: string | null;
  status: ActivityStatus;
  reviews: ActivityReviewDoc[];
  submittedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

const linkSchema = new Schema<ActivityLinkDoc>(
  {
    url: { type: String, required: true, maxlength: 2000, match: /^https?:\/\/\S+$/ },
    checkedAt: Date,
    reachable: Boolean,
    status: { type: String, enum: LINK_STATUSES },
    httpStatus: Number,
    failures: Number,
    attempts: Number,
    retryAt: Date,
  },
  { _id: false },
);

const reviewSchema = new Schema<ActivityReviewDoc>(
  {
    reviewerId: { type: ObjectId, ref: 'Participant', required: true },
    decision: { type: String, enum: ['accepted', 'returned'], required: true },
    comment: text(4000),
    at: { type: Date, required: true },
  },
  { _id: false },
);

const activitySchema = new Schema<ActivityDoc>(
  {
    participantId: { type: ObjectId, ref: 'Participant', required: true },
    cohortId: { type: ObjectId, ref: 'Cohort', required: true },
    type: { type: String, enum: ACTIVITY_TYPES, required: true },
    level: { type: String, enum: ACTIVITY_LEVELS, required: true },
    date: { type: Date, required: true },
    title: text(500, true),
    links: {
      type: [linkSchema],
      validate: { validator: (links: unknown[]) => links.length >= 1, message: 'at least one link is required' },
    },
    note: text(4000),
    status: { type: String, enum: ACTIVITY_STATUSES, default: 'submitted', required: true },
    reviews: { type: [reviewSchema], default: [] },
    submittedAt: { type: Date, required: true },
  },
  schemaOptions(COLLECTION_NAMES.activities),
);
activitySchema.index({ cohortId: 1, status: 1, submittedAt: 1 });
activitySchema.index({ participantId: 1, cohortId: 1, status: 1 });
activitySchema.index({ type: 1, level: 1 });

export function defineActivityModel(connection: Connection): Model<ActivityDoc> {
  return connection.model<ActivityDoc>('Activity', activitySchema);
}

export function toActivity(doc: ActivityDoc): Activity {
  return {
    id: idString(doc._id),
    participantId: idString(doc.participantId),
    cohortId: idString(doc.cohortId),
    type: doc.type,
    level: doc.level,
    date: doc.date,
    title: doc.title,
    links: doc.links.map((l) => ({
      url: l.url,
      checkedAt: orUndefined(l.checkedAt),
      reachable: orUndefined(l.reachable),
      status: orUndefined(l.status),
      httpStatus: orUndefined(l.httpStatus),
      failures: orUndefined(l.failures),
      ...(l.attempts ? { attempts: l.attempts } : {}),
      ...(l.retryAt ? { retryAt: l.retryAt } : {}),
    })),
    note: orUndefined(doc.note),
    status: doc.status,
    reviews: doc.reviews.map((r) => ({
      reviewerId: idString(r.reviewerId),
      decision: r.decision,
      comment: orUndefined(r.comment),
      at: r.at,
    })),
    submittedAt: doc.submittedAt,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
