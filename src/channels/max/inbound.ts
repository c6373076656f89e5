// A Max update as Sputnik sees it: an engine event, a button press (the adapter reads the keyboard
// first), a change in whether the bot can write to someone, or nothing to act on. Pure: the edge
// cases are a table in test/channels/max/inbound.test.ts.
import type { Message, Update, User } from '@maxhub/max-bot-api/types';
import type { InboundEvent, InboundPayload } from '../../engine/events.js';
import { rowsOf, type Rows } from './keyboard.js';

/**
 * Chat ids as the engine and the store see them. A private chat is the person's user_id (Max
 * sends to a person by user_id); a group is "chat:<chat_id>", so the sender knows which to call.
 */
export const groupChatId = (chatId: number): string => `chat:${chatId}`;

export function parseChatId(id: string): { userId: number } | { chatId: number } | undefined {
  const group = /^chat:(-?\d{1,20})$/.exec(id);
  if (group) return { chatId: Number(group[1]) };
  return /^\d{1,20}$/.test(id) ? { userId: Number(id) } : undefined;
}

export interface ButtonPress {
  callbackId: string;
  chat: InboundEvent['chat'];
  from: InboundEvent['from'];
  /** The message the keyboard hangs on: its text and keyboard as Max delivered them. */
  messageId: string | undefined;
  text: string;
  rows: Rows | undefined;
  payload: string;
  at: Date;
}

export type MaxInput =
  | { kind: 'event'; event: InboundEvent }
  | { kind: 'press'; press: ButtonPress }
  /** bot_stopped / dialog_removed: write to them again only when they write first. */
  | { kind: 'unreachable'; userId: number; at: Date }
  | { kind: 'bot_added'; chatId: string; userId: number }
  | { kind: 'ignore'; why: string };

const fromOf = (user: User): InboundEvent['from'] => ({
  id: String(user.user_id),
  ...(user.username ? { username: user.username } : {}),
});

/** Max timestamps are milliseconds (unlike Telegram's seconds). */
const dateOf = (ms: number): Date => new Date(ms);

function chatOf(message: Pick<Message, 'recipient'>, user: User): InboundEvent['chat'] | undefined {
  const { recipient } = message;
  if (recipient.chat_type === 'dialog') return { id: String(user.user_id), type: 'private' };
  if (recipient.chat_type === 'chat' && recipient.chat_id !== null)
    return { id: groupChatId(recipient.chat_id), type: 'group' };
  // Channels are one-way broadcasts: nobody answers a bot there.
  return undefined;
}

function payloadOf(message: Message): InboundPayload | undefined {
  const text = message.body.text;
  if (typeof text === 'string' && text.trim() !== '') return { kind: 'text', text };
  const media = message.body.attachments?.find((a) => a.type !== 'inline_keyboard');
  if (media) return { kind: 'unsupported', what: media.type };
  return undefined;
}

export function readUpdate(update: Update, botUserId?: number): MaxInput {
  switch (update.update_type) {
    case 'message_created': {
      const { message } = update;
      const sender = message.sender;
      if (!sender) return { kind: 'ignore', why: 'no sender (a channel post)' };
      if (sender.is_bot || sender.user_id === botUserId) return { kind: 'ignore', why: 'from a bot' };
      const chat = chatOf(message, sender);
      if (!chat) return { kind: 'ignore', why: 'a channel' };
      const payload = payloadOf(message);
      if (!payload) return { kind: 'ignore', why: 'empty message' };
      return {
        kind: 'event',
        event: {
          channel: 'max',
          messageId: `m:${message.body.mid}`,
          chat,
          from: fromOf(sender),
          at: dateOf(message.timestamp),
          payload,
        },
      };
    }
    case 'message_callback': {
      const { callback, message } = update;
      if (!message) return { kind: 'ignore', why: 'a press without its message' };
      const chat = chatOf(message, callback.user);
      if (!chat) return { kind: 'ignore', why: 'a channel' };
      return {
        kind: 'press',
        press: {
          callbackId: callback.callback_id,
          chat,
          from: fromOf(callback.user),
          messageId: message.body.mid,
          text: message.body.text ?? '',
          rows: rowsOf(message.body.attachments),
          payload: callback.payload ?? '',
          at: dateOf(callback.timestamp),
        },
      };
    }
    case 'bot_started': {
      // The Start button, or a deep link max.ru/<bot>?start=<payload>: the same as Telegram's /start.
      const code = update.payload?.trim();
      return {
        kind: 'event',
        event: {
          channel: 'max',
          messageId: `start:${update.user.user_id}:${update.timestamp}`,
          chat: { id: String(update.user.user_id), type: 'private' },
          from: fromOf(update.user),
          at: dateOf(update.timestamp),
          payload: { kind: 'text', text: code ? `/start ${code}` : '/start' },
        },
      };
    }
    case 'bot_stopped':
    case 'dialog_removed':
      return { kind: 'unreachable', userId: update.user.user_id, at: dateOf(update.timestamp) };
    case 'bot_added':
      if (update.is_channel) return { kind: 'ignore', why: 'added to a channel' };
      return { kind: 'bot_added', chatId: groupChatId(update.chat_id), userId: update.user.user_id };
    case 'user_added': {
      if (update.is_channel) return { kind: 'ignore', why: 'a channel subscriber' };
      if (update.user.is_bot || update.user.user_id === botUserId) return { kind: 'ignore', why: 'a bot joined' };
      return {
        kind: 'event',
        event: {
          channel: 'max',
          messageId: `join:${update.chat_id}:${update.user.user_id}:${update.timestamp}`,
          chat: { id: groupChatId(update.chat_id), type: 'group' },
          from: fromOf(update.user),
          at: dateOf(update.timestamp),
          payload: { kind: 'member_joined' },
        },
      };
    }
    default:
      return { kind: 'ignore', why: update.update_type };
  }
}
