import { Schema, type Connection, type Model } from 'mongoose';
import {
  BROADCAST_STATUSES,
  DELIVERY_STATUSES,
  type Broadcast,
  type BroadcastStatus,
  type DeliveryStatus,
} from '../../domain/broadcast.js';
import { CHANNEL_NAME, type Channel } from '../../domain/channel.js';
import { ObjectId, idString, optionalIdString, orUndefined, schemaOptions, text, type ObjectIdType } from './common.js';
import { COLLECTION_NAMES } from './collections.js';

export interface DeliveryDoc {
  channel: Channel;
  chatId: string;
  participantId?: ObjectIdType | null;
  status: DeliveryStatus;
  reason?: string | null;
  at?: Date | null;
  by?: string | null;
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
    by: { type: String, maxlength: 200 },
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

/**
 * A recipient of a broadcast, in its own document: claiming and recording a delivery touches this
 * small document only. (Kept inside the broadcast, each update rewrote and re-indexed a document
 * that grows with the broadcast, and a broadcast cost the square of its size.)
 */
export interface BroadcastDeliveryDoc extends DeliveryDoc {
  _id: ObjectIdType;
  broadcastId: ObjectIdType;
  /** Place in the recipient list: the order of sending and of the report. */
  seq: number;
}

const broadcastDeliverySchema = new Schema<BroadcastDeliveryDoc>(
  {
    broadcastId: { type: ObjectId, ref: 'Broadcast', required: true },
    seq: { type: Number, required: true, min: 0 },
    channel: { type: String, match: CHANNEL_NAME, required: true },
    chatId: { type: String, required: true },
    participantId: { type: ObjectId, ref: 'Participant' },
    status: { type: String, enum: DELIVERY_STATUSES, default: 'pending', required: true },
    reason: text(500),
    at: Date,
    by: { type: String, maxlength: 200 },
  },
  { collection: COLLECTION_NAMES.broadcastDeliveries, strict: true, strictQuery: 'throw', versionKey: false },
);
// Unique: a recipient list written twice (two instances starting one broadcast) stays one list.
broadcastDeliverySchema.index({ broadcastId: 1, seq: 1 }, { unique: true });
broadcastDeliverySchema.index({ broadcastId: 1, channel: 1, chatId: 1 });
broadcastDeliverySchema.index({ participantId: 1 });
broadcastDeliverySchema.index({ chatId: 1 });

export function defineBroadcastDeliveryModel(connection: Connection): Model<BroadcastDeliveryDoc> {
  return connection.model<BroadcastDeliveryDoc>('BroadcastDelivery', broadcastDeliverySchema);
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
      by: orUndefined(d.by),
    })),
    sentAt: orUndefined(doc.sentAt),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
