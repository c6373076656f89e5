// grammY's own way to test a bot without a server: updates go in through bot.handleUpdate, every
// outgoing API call is recorded and answered by a transformer. Fast enough to try every case.
import type { Transformer } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { createBroadcastService } from '../../src/delivery/broadcasts.js';
import { createDispatcher } from '../../src/delivery/dispatcher.js';
import type { ChannelSender } from '../../src/delivery/ports.js';
import { createTelegramBot, createTelegramChannel, type TelegramChannel } from '../../src/channels/telegram/index.js';
import type { Engine } from '../../src/engine/index.js';
import type { Monitoring } from '../../src/monitoring/index.js';
import type { Store } from '../../src/store/index.js';
import { provideStaffTools } from './staff-tools.js';
import { silentLogger } from './store.js';

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
  /** The message id handed out for a sendMessage. */
  messageId?: number;
}

export interface SentMessage {
  text: string;
  message_id: number;
  reply_markup?: { inline_keyboard: { text: string; callback_data?: string; url?: string }[][] };
}

export const BOT_INFO: UserFromGetMe = {
  id: 42,
  is_bot: true,
  first_name: 'Спутник',
  username: 'sputnik_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

export class TelegramHarness {
  readonly calls: ApiCall[] = [];
  readonly channel: TelegramChannel;
  private updateId = 0;
  private messageId = 100;
  /** Methods that fail, as Telegram would: method -> [error_code, description]. */
  readonly failures = new Map<string, [number, string]>();

  /**
   * `apiRoot`: where calls the transformer does not see go (API calls made inside a grammY
   * conversation use an Api of their own); by default nowhere.
   */
  constructor(store: Store, engine: Engine, monitoring?: Monitoring, options: { apiRoot?: string } = {}) {
    const bot = createTelegramBot({
      token: '123456789:TEST',
      apiRoot: options.apiRoot ?? 'http://127.0.0.1:9',
      botInfo: BOT_INFO,
      throttle: false,
    });
    const record: Transformer = async (_prev, method, payload) => {
      const call: ApiCall = { method, payload: payload as Record<string, unknown> };
      this.calls.push(call);
      const failure = this.failures.get(method);
      if (failure) return { ok: false, error_code: failure[0], description: failure[1] } as never;
      if (method === 'sendMessage') call.messageId = ++this.messageId;
      const result =
        method === 'sendMessage'
          ? {
              message_id: call.messageId,
              date: 0,
              chat: { id: Number((payload as { chat_id: unknown }).chat_id), type: 'private' },
              text: (payload as { text: string }).text,
            }
          : method === 'createChatInviteLink'
            ? {
                invite_link: 'https://t.me/+AbCdEf',
                creator: BOT_INFO,
                creates_join_request: false,
                is_primary: false,
                is_revoked: false,
              }
            : true;
      return { ok: true, result } as never;
    };
    bot.api.config.use(record);
    const senders: ChannelSender[] = [];
    const dispatcher = createDispatcher({ senders, repos: store.repositories, logger: silentLogger });
    const broadcasts = createBroadcastService({ repos: store.repositories, dispatcher, logger: silentLogger });
    provideStaffTools(engine, store, broadcasts, monitoring);
    this.channel = createTelegramChannel({
      bot,
      engine,
      dispatcher: () => dispatcher,
      repos: store.repositories,
      logger: silentLogger,
    });
    senders.push(this.channel.sender);
    this.bot = bot;
  }

  private readonly bot: ReturnType<typeof createTelegramBot>;

  /** The bot's API, its calls recorded like every other (for what the channel does at start, e.g. menus). */
  get api() {
    return this.bot.api;
  }

  private update(body: Omit<Update, 'update_id'>): Promise<void> {
    return this.bot.handleUpdate({ update_id: ++this.updateId, ...body } as Update);
  }

  user(id: number, username?: string) {
    return { id, is_bot: false, first_name: `User${id}`, ...(username ? { username } : {}) };
  }

  /** A text (or command) from a user in their private chat, or in a group when `chat` is given. */
  text(from: { id: number; username?: string }, text: string, chat?: { id: number; title: string }): Promise<void> {
    const command = /^\/\w+/.exec(text);
    return this.update({
      message: {
        message_id: ++this.messageId,
        date: Math.floor(Date.now() / 1000),
        chat: chat
          ? { id: chat.id, type: 'supergroup', title: chat.title }
          : { id: from.id, type: 'private', first_name: 'User' },
        from: this.user(from.id, from.username),
        text,
        ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
      },
    } as Omit<Update, 'update_id'>);
  }

  sticker(from: { id: number }): Promise<void> {
    return this.update({
      message: {
        message_id: ++this.messageId,
        date: 0,
        chat: { id: from.id, type: 'private', first_name: 'User' },
        from: this.user(from.id),
        sticker: {
          file_id: 'x',
          file_unique_id: 'x',
          type: 'regular',
          width: 1,
          height: 1,
          is_animated: false,
          is_video: false,
        },
      },
    } as Omit<Update, 'update_id'>);
  }

  joined(member: { id: number }, chat: { id: number; title: string }): Promise<void> {
    return this.update({
      message: {
        message_id: ++this.messageId,
        date: 0,
        chat: { id: chat.id, type: 'supergroup', title: chat.title },
        from: this.user(member.id),
        new_chat_members: [this.user(member.id)],
      },
    } as Omit<Update, 'update_id'>);
  }

  blocked(from: { id: number }): Promise<void> {
    return this.update({
      my_chat_member: {
        chat: { id: from.id, type: 'private', first_name: 'User' },
        from: this.user(from.id),
        date: 0,
        old_chat_member: { status: 'member', user: BOT_INFO },
        new_chat_member: { status: 'kicked', user: BOT_INFO, until_date: 0 },
      },
    } as Omit<Update, 'update_id'>);
  }

  /** The last message the bot sent to a chat, with its keyboard. */
  lastSent(chatId: number): SentMessage {
    const call = this.calls.filter((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === chatId).at(-1);
    if (!call) throw new Error(`nothing sent to ${chatId}; calls: ${this.calls.map((c) => c.method).join(', ')}`);
    return {
      text: call.payload.text as string,
      message_id: call.messageId ?? 0,
      ...(call.payload.reply_markup ? { reply_markup: call.payload.reply_markup as SentMessage['reply_markup'] } : {}),
    };
  }

  /** Presses a button of a message the bot sent (its current keyboard, after any edits). */
  press(from: { id: number; username?: string }, message: SentMessage, label: string): Promise<void> {
    const button = message.reply_markup?.inline_keyboard
      .flat()
      .find((b) => b.text === label || b.text.endsWith(` ${label}`));
    if (!button?.callback_data) throw new Error(`no button "${label}" in ${JSON.stringify(message.reply_markup)}`);
    return this.update({
      callback_query: {
        id: String(++this.messageId),
        from: this.user(from.id, from.username),
        chat_instance: 'x',
        data: button.callback_data,
        message: {
          message_id: message.message_id,
          date: 0,
          chat: { id: from.id, type: 'private', first_name: 'User' },
          text: message.text,
          ...(message.reply_markup ? { reply_markup: message.reply_markup } : {}),
        },
      },
    } as Omit<Update, 'update_id'>);
  }

  callsOf(method: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.payload);
  }

  texts(chatId: number): string[] {
    return this.callsOf('sendMessage')
      .filter((p) => Number(p.chat_id) === chatId)
      .map((p) => p.text as string);
  }
}
