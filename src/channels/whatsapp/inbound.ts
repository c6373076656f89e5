// A WhatsApp message as the engine sees it: a normalised InboundEvent, or nothing to act on.
import { toE164 } from '../../domain/phone.js';
import { normaliseIncomingText } from '../../domain/text.js';
import type { InboundEvent, InboundPayload } from '../../engine/events.js';
import { isGroupId, isPersonId, type PortMessage } from './port.js';

/** System entries WhatsApp delivers as messages: nobody wrote them, nobody is answered. */
const NOT_FROM_A_PERSON = new Set([
  'revoked',
  'e2e_notification',
  'notification',
  'notification_template',
  'gp2',
  'group_notification',
  'call_log',
  'protocol',
  'ciphertext',
  'debug',
  'broadcast_notification',
  'unknown',
]);

function payloadOf(message: PortMessage): InboundPayload | undefined {
  if (message.type === 'chat') return { kind: 'text', text: normaliseIncomingText(message.body) };
  if (NOT_FROM_A_PERSON.has(message.type)) return undefined;
  // Photos, voice notes, stickers, documents, locations, contacts, polls: not an answer to a question.
  return { kind: 'unsupported', what: message.type };
}

export function inboundFromMessage(message: PortMessage, now: () => Date): InboundEvent | undefined {
  const group = isGroupId(message.chatId);
  if (!group && !isPersonId(message.chatId)) return undefined;
  if (!isPersonId(message.authorId)) return undefined;
  const payload = payloadOf(message);
  if (!payload) return undefined;
  const phone = toE164(`+${message.authorId.slice(0, message.authorId.indexOf('@'))}`);
  return {
    channel: 'whatsapp',
    messageId: message.id,
    chat: { id: message.chatId, type: group ? 'group' : 'private' },
    from: { id: message.authorId, ...(phone ? { phone } : {}) },
    at: Number.isFinite(message.timestamp) && message.timestamp > 0 ? new Date(message.timestamp * 1000) : now(),
    payload,
  };
}
