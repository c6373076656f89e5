import { Schema, type Connection, type Model } from 'mongoose';
import {
  BROADCAST_STATUSES,
  DELIVERY_STATUSES,
  type Broadcast,
  type BroadcastStatus,
  type DeliveryStatus,
} from '../../domain/broadcast.js';
import { CHANNEL_NAME, type Channel } from '../../domain/channel.js';
import {
  ObjectId,
  idString,
  optionalIdString,
  orUndefined,
  schemaOptions,
  text,
  type ObjectIdType,
} from './common.js';
import { COLLECTION_NAMES } from './collections.js';

export interface DeliveryDoc {
  channel: Channel;
  chatId: string;
  participantId?: ObjectIdType | null;
  status: DeliveryStatus;
  reason?: string | null;
  at?: Date | null;
}

export interface BroadcastDoc {
  _id: ObjectIdType;
  cohortId: ObjectIdType;
  authorId: ObjectIdType;
  text: string;
  link?: string | null;
  toGroups: boolean;
  toParticipants: boolean;
  status: BroadcastStatus;
  deliveries: DeliveryDoc[];
  sentAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const deliverySchema = new Schema<DeliveryDoc>(
  {
    channel: { type: String, match: CHANNEL_NAME, required: true },
    chatId: { type: String, required: true },
    participantId: { type: ObjectId, ref: 'Participant' },
    status: { type: String, enum: DELIVERY_STATUSES, default: 'pending', required: true },
    reason: text(500),
    at: Date,
  },
  { _id: false },
);

const broadcastSchema = new Schema<BroadcastDoc>(
  {
    cohortId: { type: ObjectId, ref: 'Cohort', required: true },
    authorId: { type: ObjectId, ref: 'Participant', required: true },
    text: text(4000, true),
    link: { type: String, maxlength: 2000, match: /^https?:\/\/\S+$/ },
    toGroups: { type: Boolean, default: true, required: true },
    toParticipants: { type: Boolean, default: false, required: true },
    status: { type: String, enum: BROADCAST_STATUSES, default: 'draft', required: true },
    deliveries: { type: [deliverySchema], default: [] },
    sentAt: Date,
  },
  schemaOptions(COLLECTION_NAMES.broadcasts),
);
broadcastSchema.index({ cohortId: 1, createdAt: -1 });
broadcastSchema.index({ status: 1 });

export function defineBroadcastModel(connection: Connection): Model<BroadcastDoc> {
  return connection.model<BroadcastDoc>('Broadcast', broadcastSchema);
}

export function toBroadcast(doc: BroadcastDoc): Broadcast {
  return {
    id: idString(doc._id),
    cohortId: idString(doc.cohortId),
    authorId: idString(doc.authorId),
    text: doc.text,
    link: orUndefined(doc.link),
    toGroups: doc.toGroups,
    toParticipants: doc.toParticipants,
    status: doc.status,
    deliveries: doc.deliveries.map((d) => ({
      channel: d.channel,
      chatId: d.chatId,
      participantId: optionalIdString(d.participantId),
      status: d.status,
      reason: orUndefined(d.reason),
      at: orUndefined(d.at),
    })),
    sentAt: orUndefined(doc.sentAt),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
