import { Schema, type Connection, type Model } from 'mongoose';
import { CHANNEL_NAME, type Channel } from '../../domain/channel.js';
import { COHORT_STATUSES, type Cohort, type CohortStatus } from '../../domain/cohort.js';
import type { Locale } from '../../domain/locale.js';
import {
  ObjectId,
  idString,
  localeField,
  optionalIdString,
  orUndefined,
  schemaOptions,
  text,
  type ObjectIdType,
} from './common.js';
import { sendingWindowSchema, toSendingWindow, type SendingWindowDoc } from './sending-window.js';
import { stagePlanSchema, toStagePlan, type StagePlanDoc } from './stage-plan.js';
import { COLLECTION_NAMES } from './collections.js';

export interface CohortGroupDoc {
  channel: Channel;
  chatId: string;
  title?: string | null;
  inviteLink?: string | null;
  boundAt: Date;
  boundBy?: ObjectIdType | null;
}

export interface CohortDoc {
  _id: ObjectIdType;
  code: string;
  programmeId: ObjectIdType;
  title: string;
  courseStart: Date;
  courseEnd: Date;
  timeZone: string;
  locale: Locale;
  status: CohortStatus;
  curatorIds: ObjectIdType[];
  tutorIds: ObjectIdType[];
  groups: CohortGroupDoc[];
  stagePlan?: StagePlanDoc | null;
  sendingWindow?: SendingWindowDoc | null;
  createdAt: Date;
  updatedAt: Date;
}

const groupSchema = new Schema<CohortGroupDoc>(
  {
    channel: { type: String, match: CHANNEL_NAME, required: true },
    chatId: { type: String, required: true },
    title: text(300),
    inviteLink: text(500),
    boundAt: { type: Date, required: true },
    boundBy: { type: ObjectId, ref: 'Participant' },
  },
  { _id: false },
);

const cohortSchema = new Schema<CohortDoc>(
  {
    code: { ...text(32, true), uppercase: true },
    programmeId: { type: ObjectId, ref: 'Programme', required: true },
    title: text(500, true),
    courseStart: { type: Date, required: true },
    courseEnd: { type: Date, required: true },
    timeZone: { type: String, required: true },
    locale: localeField,
    status: { type: String, enum: COHORT_STATUSES, default: 'active', required: true },
    curatorIds: [{ type: ObjectId, ref: 'Participant' }],
    tutorIds: [{ type: ObjectId, ref: 'Participant' }],
    groups: [groupSchema],
    stagePlan: { type: stagePlanSchema, required: false },
    sendingWindow: { type: sendingWindowSchema, required: false },
  },
  schemaOptions(COLLECTION_NAMES.cohorts),
);
cohortSchema.index({ code: 1 }, { unique: true });
cohortSchema.index({ programmeId: 1, courseEnd: 1 });
cohortSchema.index({ status: 1, courseEnd: 1 });
// The bot resolves an incoming group message to its cohort by chat id.
cohortSchema.index({ 'groups.channel': 1, 'groups.chatId': 1 });
cohortSchema.index({ curatorIds: 1 });
cohortSchema.index({ tutorIds: 1 });

export function defineCohortModel(connection: Connection): Model<CohortDoc> {
  return connection.model<CohortDoc>('Cohort', cohortSchema);
}

export function toCohort(doc: CohortDoc): Cohort {
  return {
    id: idString(doc._id),
    code: doc.code,
    programmeId: idString(doc.programmeId),
    title: doc.title,
    courseStart: doc.courseStart,
    courseEnd: doc.courseEnd,
    timeZone: doc.timeZone,
    locale: doc.locale,
    status: doc.status,
    curatorIds: doc.curatorIds.map(idString),
    tutorIds: doc.tutorIds.map(idString),
    groups: doc.groups.map((g) => ({
      channel: g.channel,
      chatId: g.chatId,
      title: orUndefined(g.title),
      inviteLink: orUndefined(g.inviteLink),
      boundAt: g.boundAt,
      boundBy: optionalIdString(g.boundBy),
    })),
    stagePlan: doc.stagePlan ? toStagePlan(doc.stagePlan) : undefined,
    sendingWindow: doc.sendingWindow ? toSendingWindow(doc.sendingWindow) : undefined,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
