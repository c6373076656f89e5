import { createHash } from 'node:crypto';
import type { Session, SessionStore } from '../engine/sessions.js';
import type { DirectDb } from './direct.js';
import type { InboundMessageDoc, SessionDoc } from './models/session.js';
import { COLLECTION_NAMES } from './models/collections.js';
import { duplicateKeyField } from './repositories/ids.js';
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

/**
 * Every message a person sends reads and writes here, so these are plain collection calls
 * (./direct.ts: in this process when it serves the embedded store), not mongoose. The documents
 * are the ones mongoose wrote before (the models in ./models/session.ts, `__v` included); the
 * values are already of their schema's types, so there is nothing to cast.
 */
export function createSessionStore(db: DirectDb): SessionStore {
  const sessions = db.collection<SessionDoc>(COLLECTION_NAMES.sessions);
  const inbound = db.collection<InboundMessageDoc>(COLLECTION_NAMES.inboundMessages);
  return {
    async load(channel, userId) {
      const doc = await sessions.findOne({ channel, userId });
      return doc ? toSession(doc) : undefined;
    },
    async save(session) {
      // Spelled out so a finished flow or a forgotten participant is really cleared.
      await sessions.updateOne(
        { channel: session.channel, userId: session.userId },
        {
          ...setOrUnset({
            chatId: session.chatId,
            locale: session.locale,
            promptRef: session.promptRef,
            updatedAt: session.updatedAt,
            flow: session.flow,
            participantId: session.participantId,
          }),
          $setOnInsert: { __v: 0 },
        },
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
        await inbound.insertOne({ channel, messageId, status: 'processing', claimedAt: at, __v: 0 });
        return 'new';
      } catch (error) {
        if (duplicateKeyField(error) === undefined) throw error;
      }
      // Taken over only if the first attempt died mid-way; the conditional update lets one winner through.
      const takeover = await inbound.updateOne(
        { channel, messageId, status: 'processing', claimedAt: { $lt: new Date(at.getTime() - staleAfterMs) } },
        { $set: { claimedAt: at } },
      );
      return takeover.modifiedCount === 1 ? 'new' : 'duplicate';
    },
    async completeMessage(channel, rawId) {
      await inbound.updateOne({ channel, messageId: claimKey(rawId) }, { $set: { status: 'done' } });
    },
  };
}
