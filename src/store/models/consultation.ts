import { Schema, type Connection, type Model } from 'mongoose';
import { CONSULTATION_STATUSES, type ConsultationRequest, type ConsultationStatus } from '../../domain/consultation.js';
import { ObjectId, idString, optionalIdString, orUndefined, schemaOptions, text, type ObjectIdType } from './common.js';
import { COLLECTION_NAMES } from './collections.js';

export interface ConsultationMessageDoc {
  authorId: ObjectIdType;
  fromTeacher: boolean;
  text: string;
  at: Date;
}

export interface ConsultationRequestDoc {
  _id: ObjectIdType;
  participantId: ObjectIdType;
  cohortId: ObjectIdType;
  assigneeId?: ObjectIdType | null;
  topic: string;
  description: string;
  status: ConsultationStatus;
  messages: ConsultationMessageDoc[];
  openedAt: Date;
  closedAt?: Date | null;
  escalatedAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const messageSchema = new Schema<ConsultationMessageDoc>(
  {
    authorId: { type: ObjectId, ref: 'Participant', required: true },
    fromTeacher: { type: Boolean, required: true },
    text: text(4000, true),
    at: { type: Date, required: true },
  },
  { _id: false },
);

const consultationSchema = new Schema<ConsultationRequestDoc>(
  {
    participantId: { type: ObjectId, ref: 'Participant', required: true },
    cohortId: { type: ObjectId, ref: 'Cohort', required: true },
    assigneeId: { type: ObjectId, ref: 'Participant' },
    topic: text(200, true),
    description: text(4000, true),
    status: { type: String, enum: CONSULTATION_STATUSES, default: 'open', required: true },
    messages: { type: [messageSchema], default: [] },
    openedAt: { type: Date, required: true },
    closedAt: Date,
    escalatedAt: Date,
  },
  schemaOptions(COLLECTION_NAMES.consultations),
);
consultationSchema.index({ cohortId: 1, status: 1 });
consultationSchema.index({ assigneeId: 1, status: 1 });
consultationSchema.index({ participantId: 1, openedAt: -1 });

export function defineConsultationModel(connection: Connection): Model<ConsultationRequestDoc> {
  return connection.model<ConsultationRequestDoc>('ConsultationRequest', consultationSchema);
}

export function toConsultationRequest(doc: ConsultationRequestDoc): ConsultationRequest {
  return {
    id: idString(doc._id),
    participantId: idString(doc.participantId),
    cohortId: idString(doc.cohortId),
    assigneeId: optionalIdString(doc.assigneeId),
    topic: doc.topic,
    description: doc.description,
    status: doc.status,
    messages: doc.messages.map((m) => ({
      authorId: idString(m.authorId),
      fromTeacher: m.fromTeacher,
      text: m.text,
      at: m.at,
    })),
    openedAt: doc.openedAt,
    closedAt: orUndefined(doc.closedAt),
    ...(doc.escalatedAt ? { escalatedAt: doc.escalatedAt } : {}),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
