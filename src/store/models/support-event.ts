import { Schema, type Connection, type Model } from 'mongoose';
import {
  ATTENDANCE_ANSWERS,
  GROUP_EVENT_KINDS,
  type AttendanceAnswer,
  type GroupEventKind,
  type SupportEvent,
} from '../../domain/support-event.js';
import { ObjectId, idString, orUndefined, schemaOptions, type ObjectIdType } from './common.js';
import { COLLECTION_NAMES } from './collections.js';

export interface SupportEventDoc {
  _id: ObjectIdType;
  cohortId: ObjectIdType;
  kind: GroupEventKind;
  date: string;
  time: string;
  link?: string | null;
  createdBy: ObjectIdType;
  invited: ObjectIdType[];
  attendance: { participantId: ObjectIdType; answer: AttendanceAnswer; at: Date }[];
  createdAt: Date;
  updatedAt: Date;
}

const supportEventSchema = new Schema<SupportEventDoc>(
  {
    cohortId: { type: ObjectId, ref: 'Cohort', required: true },
    kind: { type: String, enum: GROUP_EVENT_KINDS, required: true },
    date: { type: String, match: /^\d{4}-\d{2}-\d{2}$/, required: true },
    time: { type: String, match: /^\d{2}:\d{2}$/, required: true },
    link: { type: String, maxlength: 2000 },
    createdBy: { type: ObjectId, ref: 'Participant', required: true },
    invited: { type: [ObjectId], default: [] },
    attendance: {
      type: [
        new Schema(
          {
            participantId: { type: ObjectId, required: true },
            answer: { type: String, enum: ATTENDANCE_ANSWERS, required: true },
            at: { type: Date, required: true },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
  },
  schemaOptions(COLLECTION_NAMES.supportEvents),
);
supportEventSchema.index({ cohortId: 1, date: 1 });

export function defineSupportEventModel(connection: Connection): Model<SupportEventDoc> {
  return connection.model<SupportEventDoc>('SupportEvent', supportEventSchema);
}

export function toSupportEvent(doc: SupportEventDoc): SupportEvent {
  return {
    id: idString(doc._id),
    cohortId: idString(doc.cohortId),
    kind: doc.kind,
    date: doc.date,
    time: doc.time,
    ...(orUndefined(doc.link) ? { link: doc.link as string } : {}),
    createdBy: idString(doc.createdBy),
    createdAt: doc.createdAt,
    invited: (doc.invited ?? []).map(idString),
    attendance: (doc.attendance ?? []).map((a) => ({
      participantId: idString(a.participantId),
      answer: a.answer,
      at: a.at,
    })),
  };
}
