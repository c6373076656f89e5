// The Max channel's edge cases, as a table: an update as Max sends it -> what the adapter makes of it.
import type { Message, Update } from '@maxhub/max-bot-api/types';
import { describe, expect, it } from 'vitest';
import { parseChatId, readUpdate } from '../../../src/channels/max/inbound.js';
import { BOT, person } from '../../support/max-fake-api.js';

const maria = person(7301, 'Мария', 'maria_t');
const T = Date.parse('2026-06-01T07:00:00Z');

function message(
  over: Partial<Message['body']> & { chat?: 'dialog' | 'chat' | 'channel'; sender?: Message['sender'] },
): Message {
  const chat = over.chat ?? 'dialog';
  return {
    sender: over.sender === undefined ? maria : over.sender,
    recipient: {
      chat_id: chat === 'dialog' ? 5007301 : -42,
      chat_type: chat,
      user_id: chat === 'dialog' ? BOT.user_id : null,
      post_id: null,
    },
    timestamp: T,
    body: {
      mid: 'mid.1',
      seq: 1,
      text: over.text === undefined ? 'привет' : over.text,
      ...(over.attachments ? { attachments: over.attachments } : {}),
    },
  };
}

const created = (m: Message): Update => ({ update_type: 'message_created', timestamp: T, message: m });
const from = { id: '7301', username: 'maria_t' };
const at = new Date(T);

const cases: [string, Update, unknown][] = [
  [
    'a text in the private chat',
    created(message({})),
    {
      kind: 'event',
      event: {
        channel: 'max',
        messageId: 'm:mid.1',
        chat: { id: '7301', type: 'private' },
        from,
        at,
        payload: { kind: 'text', text: 'привет' },
      },
    },
  ],
  [
    'a text in a group: the chat is "chat:<id>"',
    created(message({ chat: 'chat', text: '/bind TUT-2026' })),
    {
      kind: 'event',
      event: {
        channel: 'max',
        messageId: 'm:mid.1',
        chat: { id: 'chat:-42', type: 'group' },
        from,
        at,
        payload: { kind: 'text', text: '/bind TUT-2026' },
      },
    },
  ],
  [
    'a sticker without text',
    created(
      message({
        text: null,
        attachments: [{ type: 'sticker', payload: { url: 'u', code: 'c' }, width: 1, height: 1 }],
      }),
    ),
    { kind: 'event', event: expect.objectContaining({ payload: { kind: 'unsupported', what: 'sticker' } }) },
  ],
  [
    'a photo with a caption is its text',
    created(
      message({ text: 'мой урок', attachments: [{ type: 'image', payload: { url: 'u', token: 't', photo_id: 1 } }] }),
    ),
    { kind: 'event', event: expect.objectContaining({ payload: { kind: 'text', text: 'мой урок' } }) },
  ],
  ['an empty message', created(message({ text: '   ' })), { kind: 'ignore', why: 'empty message' }],
  [
    'a message from another bot',
    created(message({ sender: { ...maria, is_bot: true } })),
    { kind: 'ignore', why: 'from a bot' },
  ],
  ["the bot's own message", created(message({ sender: { ...BOT } })), { kind: 'ignore', why: 'from a bot' }],
  ['a channel post', created(message({ chat: 'channel' })), { kind: 'ignore', why: 'a channel' }],
  ['a post without sender', created(message({ sender: null })), { kind: 'ignore', why: 'no sender (a channel post)' }],
  [
    'Start without a payload is /start',
    { update_type: 'bot_started', timestamp: T, chat_id: 5007301, user: maria },
    {
      kind: 'event',
      event: {
        channel: 'max',
        messageId: `start:7301:${T}`,
        chat: { id: '7301', type: 'private' },
        from,
        at,
        payload: { kind: 'text', text: '/start' },
      },
    },
  ],
  [
    'a deep link max.ru/<bot>?start=CODE is /start CODE',
    { update_type: 'bot_started', timestamp: T, chat_id: 5007301, user: maria, payload: ' TUT-2026 ' },
    { kind: 'event', event: expect.objectContaining({ payload: { kind: 'text', text: '/start TUT-2026' } }) },
  ],
  [
    'the person stops the bot',
    { update_type: 'bot_stopped', timestamp: T, chat_id: 5007301, user: maria },
    { kind: 'unreachable', userId: 7301, at },
  ],
  [
    'the person deletes the chat',
    { update_type: 'dialog_removed', timestamp: T, chat_id: 5007301, user: maria },
    { kind: 'unreachable', userId: 7301, at },
  ],
  [
    'the bot is added to a group',
    { update_type: 'bot_added', timestamp: T, chat_id: -42, user: maria, is_channel: false },
    { kind: 'bot_added', chatId: 'chat:-42', userId: 7301 },
  ],
  [
    'the bot is added to a channel',
    { update_type: 'bot_added', timestamp: T, chat_id: -43, user: maria, is_channel: true },
    { kind: 'ignore', why: 'added to a channel' },
  ],
  [
    'someone joins a group',
    { update_type: 'user_added', timestamp: T, chat_id: -42, user: maria, inviter_id: null, is_channel: false },
    {
      kind: 'event',
      event: {
        channel: 'max',
        messageId: `join:-42:7301:${T}`,
        chat: { id: 'chat:-42', type: 'group' },
        from,
        at,
        payload: { kind: 'member_joined' },
      },
    },
  ],
  [
    'a bot joins a group',
    { update_type: 'user_added', timestamp: T, chat_id: -42, user: { ...maria, is_bot: true }, is_channel: false },
    { kind: 'ignore', why: 'a bot joined' },
  ],
  [
    'a button press carries the message text and keyboard',
    {
      update_type: 'message_callback',
      timestamp: T,
      callback: { timestamp: T, callback_id: 'cb.9', payload: '3|c|yes', user: maria },
      message: {
        ...message({ sender: BOT, text: 'Вопрос?' }),
        body: {
          mid: 'mid.out.1',
          seq: 2,
          text: 'Вопрос?',
          attachments: [
            { type: 'inline_keyboard', payload: { buttons: [[{ type: 'callback', text: 'Да', payload: '3|c|yes' }]] } },
          ],
        },
      },
    },
    {
      kind: 'press',
      press: {
        callbackId: 'cb.9',
        chat: { id: '7301', type: 'private' },
        from,
        messageId: 'mid.out.1',
        text: 'Вопрос?',
        rows: [[{ type: 'callback', text: 'Да', payload: '3|c|yes' }]],
        payload: '3|c|yes',
        at,
      },
    },
  ],
  [
    'a press whose message Max did not send along',
    {
      update_type: 'message_callback',
      timestamp: T,
      callback: { timestamp: T, callback_id: 'cb.9', payload: '3|c|yes', user: maria },
      message: null,
    },
    { kind: 'ignore', why: 'a press without its message' },
  ],
  [
    'an edited message is not an answer',
    { update_type: 'message_edited', timestamp: T, message: message({}) },
    { kind: 'ignore', why: 'message_edited' },
  ],
];

describe('Max updates -> engine events', () => {
  it.each(cases)('%s', (_name, update, expected) => {
    expect(readUpdate(update, BOT.user_id)).toEqual(expected);
  });
});

describe('Max chat ids', () => {
  it.each([
    ['7301', { userId: 7301 }],
    ['chat:-42', { chatId: -42 }],
    ['chat:17', { chatId: 17 }],
    ['77011234567@c.us', undefined],
    ['', undefined],
  ])('%s', (id, expected) => {
    expect(parseChatId(id)).toEqual(expected);
  });
});
