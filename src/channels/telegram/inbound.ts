// A Telegram update as the engine sees it: a normalised InboundEvent, or nothing to act on.
import type { Message, Update } from 'grammy/types';
import { normaliseIncomingText } from '../../domain/text.js';
import type { InboundEvent, InboundPayload } from '../../engine/events.js';

const MEDIA_KINDS = [
  'sticker',
  'photo',
  'voice',
  'video',
  'video_note',
  'audio',
  'document',
  'animation',
  'location',
  'contact',
  'poll',
  'dice',
  'venue',
] as const;

function payloadOf(message: Message): InboundPayload | undefined {
  if (message.new_chat_members?.length) return { kind: 'member_joined' };
  if (typeof message.text === 'string') return { kind: 'text', text: normaliseIncomingText(message.text) };
  const media = MEDIA_KINDS.find((k) => k in message);
  if (media) return { kind: 'unsupported', what: media };
  return undefined;
}

export function chatType(type: string): 'private' | 'group' | undefined {
  if (type === 'private') return 'private';
  if (type === 'group' || type === 'supergroup') return 'group';
  return undefined;
}

/** Message updates only; button presses are read by the adapter (they may just flip a checkbox). */
export function inboundFromMessage(update: Update): InboundEvent | undefined {
  const message = update.message;
  if (!message?.from || message.from.is_bot) return undefined;
  const type = chatType(message.chat.type);
  if (!type) return undefined;
  const payload = payloadOf(message);
  if (!payload) return undefined;
  return {
    channel: 'telegram',
    // Message ids are per chat in Telegram: the chat id makes them unique.
    messageId: `${message.chat.id}:${message.message_id}`,
    chat: { id: String(message.chat.id), type },
    from: { id: String(message.from.id), ...(message.from.username ? { username: message.from.username } : {}) },
    at: new Date(message.date * 1000),
    payload,
  };
}

/**
 * Text is normalised before any handler reads it (commands, the engine), so
 * nothing downstream stores or echoes a bidi override or a zero-width character.
 */
export function normaliseUpdateText(update: Update): void {
  for (const message of [update.message, update.edited_message]) {
    if (!message) continue;
    if (typeof message.text === 'string') message.text = normaliseIncomingText(message.text);
    if (typeof message.caption === 'string') message.caption = normaliseIncomingText(message.caption);
  }
}
