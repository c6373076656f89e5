import { Schema, type Connection, type Model } from 'mongoose';
import { ENROLLMENT_STATUSES, type Enrollment, type EnrollmentStatus } from '../../domain/enrollment.js';
import { ACTIVITY_LEVELS, ACTIVITY_TYPES, type ActivityLevel, type ActivityType } from '../../domain/activity.js';
import { MONTH_PATTERN } from '../../domain/individual-plan.js';
import { MAX_STAGES, STAGE_STATUSES, type StageNumber, type StageStatus } from '../../domain/stage.js';
import { ObjectId, idString, optionalIdString, orUndefined, schemaOptions, type ObjectIdType } from './common.js';
import { COLLECTION_NAMES } from './collections.js';

export interface StageProgressDoc {
  stage: StageNumber;
  status: StageStatus;
  startedAt?: Date | null;
  completedAt?: Date | null;
  cause?: string | null;
}

export interface StageOverrideDoc {
  stage: StageNumber;
  status: StageStatus;
  at: Date;
  by: string;
  comment: string;
}

export interface PlanDoc {
  items: { id: string; type: ActivityType; level: ActivityLevel; month: string }[];
  comments: { by: string; at: Date; text: string }[];
  updatedAt?: Date | null;
}

export interface EnrollmentDoc {
  _id: ObjectIdType;
  participantId: ObjectIdType;
  cohortId: ObjectIdType;
  tutorId?: ObjectIdType | null;
  status: EnrollmentStatus;
  currentStage: StageNumber;
  stages: StageProgressDoc[];
  stageOverrides?: StageOverrideDoc[] | null;
  plan?: PlanDoc | null;
  joinedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

const stageProgressSchema = new Schema<StageProgressDoc>(
  {
    stage: { type: Number, min: 1, max: MAX_STAGES, required: true },
    status: { type: String, enum: STAGE_STATUSES, required: true },
    startedAt: Date,
    completedAt: Date,
    cause: String,
  },
  { _id: false },
);

const stageOverrideSchema = new Schema<StageOverrideDoc>(
  {
    stage: { type: Number, min: 1, max: MAX_STAGES, required: true },
    status: { type: String, enum: STAGE_STATUSES, required: true },
    at: { type: Date, required: true },
    by: { type: String, required: true },
    comment: { type: String, required: true, maxlength: 1000 },
  },
  { _id: false },
);

const planSchema = new Schema<PlanDoc>(
  {
    items: {
      type: [
        new Schema(
          {
            id: { type: String, required: true },
            type: { type: String, enum: ACTIVITY_TYPES, required: true },
            level: { type: String, enum: ACTIVITY_LEVELS, required: true },
            month: { type: String, match: MONTH_PATTERN, required: true },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    comments: {
      type: [
        new Schema(
          {
            by: { type: String, required: true },
            at: { type: Date, required: true },
            text: { type: String, required: true, maxlength: 1000 },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    updatedAt: Date,
  },
  { _id: false },
);

const enrollmentSchema = new Schema<EnrollmentDoc>(
  {
    participantId: { type: ObjectId, ref: 'Participant', required: true },
    cohortId: { type: ObjectId, ref: 'Cohort', required: true },
    tutorId: { type: ObjectId, ref: 'Participant' },
    status: { type: String, enum: ENROLLMENT_STATUSES, default: 'active', required: true },
    currentStage: { type: Number, min: 1, max: MAX_STAGES, default: 1, required: true },
    // The plan's stages, given on enrolment (repositories/enrollments.ts): never a fixed list.
    stages: { type: [stageProgressSchema], required: true },
    stageOverrides: { type: [stageOverrideSchema], default: undefined },
    plan: { type: planSchema, default: undefined },
    joinedAt: { type: Date, required: true },
  },
  schemaOptions(COLLECTION_NAMES.enrollments),
);
enrollmentSchema.index({ participantId: 1, cohortId: 1 }, { unique: true });
enrollmentSchema.index({ cohortId: 1, status: 1 });
enrollmentSchema.index({ tutorId: 1 });

export function defineEnrollmentModel(connection: Connection): Model<EnrollmentDoc> {
  return connection.model<EnrollmentDoc>('Enrollment', enrollmentSchema);
}

export function toEnrollment(doc: EnrollmentDoc): Enrollment {
  return {
    id: idString(doc._id),
    participantId: idString(doc.participantId),
    cohortId: idString(doc.cohortId),
    tutorId: optionalIdString(doc.tutorId),
    status: doc.status,
    currentStage: doc.currentStage,
    stages: doc.stages.map((s) => ({
      stage: s.stage,
      status: s.status,
      startedAt: orUndefined(s.startedAt),
      completedAt: orUndefined(s.completedAt),
      ...(s.cause ? { cause: s.cause } : {}),
    })),
    ...(doc.stageOverrides?.length
      ? {
          stageOverrides: doc.stageOverrides.map((o) => ({
            stage: o.stage,
            status: o.status,
            at: o.at,
            by: o.by,
            comment: o.comment,
          })),
        }
      : {}),
    ...(doc.plan
      ? {
          plan: {
            items: (doc.plan.items ?? []).map((i) => ({ id: i.id, type: i.type, level: i.level, month: i.month })),
            comments: (doc.plan.comments ?? []).map((c) => ({ by: c.by, at: c.at, text: c.text })),
            ...(doc.plan.updatedAt ? { updatedAt: doc.plan.updatedAt } : {}),
          },
        }
      : {}),
    joinedAt: doc.joinedAt,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
