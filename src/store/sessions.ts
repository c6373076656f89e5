import { createHash } from 'node:crypto';
import type { Model } from 'mongoose';
import type { Session, SessionStore } from '../engine/sessions.js';
import type { InboundMessageDoc, SessionDoc } from './models/session.js';
import { duplicateKeyField, op } from './repositories/ids.js';
import { setOrUnset } from './repositories/update.js';

/**
 * A platform's message id can carry the sender's address (Telegram `chat:message`, WhatsApp
 * `false_7701…@c.us_…`): only a digest is kept, which finds a redelivery and names nobody.
 */
function claimKey(messageId: string): string {
  return createHash('sha256').update(messageId).digest('base64url');
}

function toSession(doc: SessionDoc): Session {
  return {
    channel: doc.channel,
    userId: doc.userId,
    chatId: doc.chatId,
    participantId: doc.participantId ?? undefined,
    locale: doc.locale,
    promptRef: doc.promptRef,
    flow: doc.flow ?? undefined,
    updatedAt: doc.updatedAt,
  };
}

export function createSessionStore(models: {
  session: Model<SessionDoc>;
  inboundMessage: Model<InboundMessageDoc>;
}): SessionStore {
  const { session: sessions, inboundMessage: inbound } = models;
  return {
    async load(channel, userId) {
      const doc = await sessions.findOne({ channel, userId }).lean<SessionDoc>();
      return doc ? toSession(doc) : undefined;
    },
    async save(session) {
      // Spelled out so a finished flow or a forgotten participant is really cleared.
      await sessions.updateOne(
        { channel: session.channel, userId: session.userId },
        setOrUnset({
          chatId: session.chatId,
          locale: session.locale,
          promptRef: session.promptRef,
          updatedAt: session.updatedAt,
          flow: session.flow,
          participantId: session.participantId,
        }),
        { upsert: true },
      );
    },
    async delete(channel, userId) {
      await sessions.deleteOne({ channel, userId });
    },
    async deleteForParticipant(participantId) {
      await sessions.deleteMany({ participantId });
    },
    async claimMessage(channel, rawId, at, staleAfterMs) {
      const messageId = claimKey(rawId);
      try {
        await inbound.create({ channel, messageId, status: 'processing', claimedAt: at });
        return 'new';
      } catch (error) {
        if (duplicateKeyField(error) === undefined) throw error;
      }
      // Taken over only if the first attempt died mid-way; the conditional update lets one winner through.
      const takeover = await inbound.updateOne(
        { channel, messageId, status: 'processing', claimedAt: op({ $lt: new Date(at.getTime() - staleAfterMs) }) },
        { $set: { claimedAt: at } },
      );
      return takeover.modifiedCount === 1 ? 'new' : 'duplicate';
    },
    async completeMessage(channel, rawId) {
      await inbound.updateOne({ channel, messageId: claimKey(rawId) }, { $set: { status: 'done' } });
    },
  };
}
