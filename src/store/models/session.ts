import { Schema, type Connection, type Model } from 'mongoose';
import { CHANNEL_NAME, type Channel } from '../../domain/channel.js';
import type { Locale } from '../../domain/locale.js';
import type { FlowRun } from '../../engine/sessions.js';
import { COLLECTION_NAMES } from './collections.js';
import { localeField, type ObjectIdType } from './common.js';

export interface SessionDoc {
  _id: ObjectIdType;
  channel: Channel;
  userId: string;
  chatId: string;
  participantId?: string | null;
  locale: Locale;
  promptRef: number;
  /** Engine state, validated by the engine: kept as a plain object. */
  flow?: FlowRun | null;
  updatedAt: Date;
}

const sessionSchema = new Schema<SessionDoc>(
  {
    channel: { type: String, match: CHANNEL_NAME, required: true },
    userId: { type: String, required: true },
    chatId: { type: String, required: true },
    participantId: String,
    locale: localeField,
    promptRef: { type: Number, required: true, default: 0 },
    flow: Schema.Types.Mixed,
    updatedAt: { type: Date, required: true },
  },
  { collection: COLLECTION_NAMES.sessions, strict: true, strictQuery: 'throw', timestamps: false, minimize: false },
);
sessionSchema.index({ channel: 1, userId: 1 }, { unique: true });
sessionSchema.index({ participantId: 1 });

export interface InboundMessageDoc {
  _id: ObjectIdType;
  channel: Channel;
  messageId: string;
  status: 'processing' | 'done';
  claimedAt: Date;
}

const inboundMessageSchema = new Schema<InboundMessageDoc>(
  {
    channel: { type: String, match: CHANNEL_NAME, required: true },
    messageId: { type: String, required: true },
    status: { type: String, enum: ['processing', 'done'], required: true },
    claimedAt: { type: Date, required: true },
  },
  { collection: COLLECTION_NAMES.inboundMessages, strict: true, strictQuery: 'throw', timestamps: false },
);
inboundMessageSchema.index({ channel: 1, messageId: 1 }, { unique: true });
// Platforms redeliver within hours, not weeks: old ids are pruned by the scheduler.
inboundMessageSchema.index({ claimedAt: 1 });

export function defineSessionModels(connection: Connection): {
  session: Model<SessionDoc>;
  inboundMessage: Model<InboundMessageDoc>;
} {
  return {
    session: connection.model<SessionDoc>('Session', sessionSchema),
    inboundMessage: connection.model<InboundMessageDoc>('InboundMessage', inboundMessageSchema),
  };
}
