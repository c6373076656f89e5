// Telegram without Telegram, over real HTTP: `telegram-test-api` emulates the Bot API, and a small
// proxy of ours in front of it (the bot's TELEGRAM_API_ROOT) fills in what the emulator lacks:
//
// - methods it does not implement (setMyCommands, createChatInviteLink, getChat, getChatMember,
//   setWebhook with a relay that adds the secret header) are answered here and recorded;
// - getUpdates waits for the next user update up to the requested `timeout` (capped) instead of
//   answering at once, so an idle bot does not spin at 1,000 requests a second;
// - editMessageText / editMessageReplyMarkup behave as Telegram's do: an edit without
//   `reply_markup` removes the keyboard, an edit that changes nothing is a 400, a missing message
//   is a 400 (the emulator keeps the old keyboard and answers `null`);
// - sendMessage is checked against Telegram's limits (empty text, 4,096 characters, 64-byte
//   callback data) and can be made to fail as for a user who blocked the bot.
//
// Bot messages are read from the emulator's storage, never with a client's getUpdates: a fetch
// marks messages read, so with several clients in one chat only one would see each message.
// Each chat has a cursor: `next()` / `waitFor()` hand out the bot's messages in the order sent.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import type { TelegramClient } from 'telegram-test-api/lib/modules/telegramClient.js';

// ---------------------------------------------------------------------------------------------
// Types a test sees

export interface TelegramUser {
  id: number;
  firstName: string;
  /** Without it the user has no @username, as many teachers do not. */
  username?: string;
  languageCode?: string;
}

export interface Button {
  text: string;
  callbackData?: string;
  url?: string;
}

/** A message the bot sent, as it looks now (after any edits). */
export interface BotMessage {
  chatId: number;
  messageId: number;
  text: string;
  /** The inline keyboard, rows of buttons; empty when there is none. */
  keyboard: Button[][];
  /** How many edits the message has had. */
  version: number;
  /** Every text the message had, oldest first (one entry per text edit). */
  texts: string[];
  sentAt: number;
}

/** A Bot API call the bot made through the proxy. */
export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
  /** Who answered: the emulator (forwarded) or the proxy (implemented or fixed here). */
  answeredBy: 'emulator' | 'proxy';
  ok: boolean;
  result?: unknown;
  description?: string;
  at: number;
}

export interface EmulatorOptions {
  /** The bot's token; the bot must use the same one. */
  token: string;
  /** What getMe answers (the greeting button links to t.me/<username>). */
  botUsername?: string;
  botId?: number;
  /** getUpdates waits at most this long for a user update (the bot asks for 30 s or more). */
  longPollCapMs?: number;
  /** Default wait for next()/waitFor()/edited(). */
  waitTimeoutMs?: number;
}

export interface WaitOptions {
  timeoutMs?: number;
}

export type TextMatch = string | RegExp | ((message: BotMessage) => boolean);

// ---------------------------------------------------------------------------------------------
// Shapes of the emulator's storage (its typings depend on `typegram`, which is not installed)

interface StoredBotMessage {
  time: number;
  botToken: string;
  updateId: number;
  messageId: number;
  isRead: boolean;
  message: {
    chat_id: number | string;
    text?: string;
    reply_markup?: unknown;
    [key: string]: unknown;
  };
}

interface RawButton {
  text: string;
  callback_data?: string;
  url?: string;
}

type Json = Record<string, unknown>;

const TELEGRAM_TEXT_MAX = 4096;
const CALLBACK_DATA_MAX_BYTES = 64;

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
  ) {
    super(description);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parsePayload(body: Buffer, contentType: string | undefined, query: URLSearchParams): Json {
  const fromQuery = Object.fromEntries(query.entries());
  if (body.length === 0) return fromQuery;
  if (contentType?.includes('application/json'))
    return { ...fromQuery, ...(JSON.parse(body.toString('utf8')) as Json) };
  if (contentType?.includes('application/x-www-form-urlencoded'))
    return { ...fromQuery, ...Object.fromEntries(new URLSearchParams(body.toString('utf8'))) };
  // multipart (files): the proxy does not take it apart; the method is reported as unsupported.
  return { ...fromQuery, __multipart: true };
}

function parseMarkup(markup: unknown): { inline_keyboard: RawButton[][] } | undefined {
  const value = typeof markup === 'string' ? (JSON.parse(markup) as unknown) : markup;
  if (!value || typeof value !== 'object' || !('inline_keyboard' in value)) return undefined;
  const keyboard = (value as { inline_keyboard: RawButton[][] }).inline_keyboard;
  return keyboard.length > 0 ? { inline_keyboard: keyboard } : undefined;
}

function toButtons(markup: unknown): Button[][] {
  return (parseMarkup(markup)?.inline_keyboard ?? []).map((row) =>
    row.map((b) => ({
      text: b.text,
      ...(b.callback_data !== undefined ? { callbackData: b.callback_data } : {}),
      ...(b.url !== undefined ? { url: b.url } : {}),
    })),
  );
}

/** The labels of a keyboard, row by row: what a person sees under the message. */
export function labels(message: Pick<BotMessage, 'keyboard'>): string[][] {
  return message.keyboard.map((row) => row.map((b) => b.text));
}

/** Button text without the marks the bot adds (☐/☑ for ticks, ← and → for back and skip). */
function bareLabel(text: string): string {
  return text.replace(/^(☐|☑|←)\s/, '').replace(/\s→$/, '');
}

function describeMessage(m: BotMessage): string {
  const text = m.text.length > 160 ? `${m.text.slice(0, 160)}…` : m.text;
  const kb = m.keyboard.length
    ? ` [${labels(m)
        .map((r) => r.join(' | '))
        .join(' / ')}]`
    : '';
  return `#${m.messageId} ${JSON.stringify(text)}${kb}`;
}

function matches(match: TextMatch, m: BotMessage): boolean {
  if (typeof match === 'string') return m.text.includes(match);
  if (match instanceof RegExp) return match.test(m.text);
  return match(m);
}

// ---------------------------------------------------------------------------------------------

interface ChatInfo {
  id: number;
  type: 'private' | 'group' | 'supergroup';
  title?: string;
  firstName?: string;
}

export class TelegramEmulator {
  /** The Bot API root the bot must use (TELEGRAM_API_ROOT): the proxy. */
  readonly apiRoot: string;
  /** Every Bot API call the bot made, except getUpdates (counted in `pollCount`). */
  readonly calls: ApiCall[] = [];
  /** Webhook deliveries the proxy relayed to `webhookTarget`, with the app's answer. */
  readonly webhookDeliveries: { updateId: number; status: number }[] = [];
  /** How many getUpdates requests the bot made. */
  pollCount = 0;
  /** Where relayed webhook updates go (the app's real address); set it after the app listens. */
  webhookTarget: string | undefined;
  /** The webhook the bot registered with setWebhook, as Telegram would keep it. */
  webhook: { url: string; secretToken?: string; allowedUpdates?: string[] } | undefined;

  private readonly events = new EventEmitter();
  private readonly cursors = new Map<number, number>();
  private readonly versions = new Map<string, number>();
  private readonly history = new Map<string, string[]>();
  private readonly chats = new Map<number, ChatInfo>();
  private readonly blocked = new Set<number>();
  private readonly clients = new Map<string, TelegramClient>();
  private readonly inviteLinks: string[] = [];
  private readonly botUser: { id: number; is_bot: true; first_name: string; username: string };
  private readonly capMs: number;
  private readonly waitMs: number;
  private stopped = false;

  private constructor(
    readonly server: TelegramServer,
    private readonly proxy: Server,
    private readonly emulatorUrl: string,
    proxyUrl: string,
    readonly token: string,
    options: EmulatorOptions,
  ) {
    this.apiRoot = proxyUrl;
    this.botUser = {
      id: options.botId ?? 777000111,
      is_bot: true,
      first_name: 'Спутник',
      username: options.botUsername ?? 'sputnik_test_bot',
    };
    this.capMs = options.longPollCapMs ?? 1000;
    this.waitMs = options.waitTimeoutMs ?? 5000;
    this.events.setMaxListeners(0);
    // A user update in webhook mode reaches the relay only; in polling mode it wakes the long poll.
    for (const e of ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery'])
      server.on(e, () => this.events.emit('user'));
  }

  /** Starts the emulator and the proxy on 127.0.0.1, each on a free port. */
  static async start(options: EmulatorOptions): Promise<TelegramEmulator> {
    let server: TelegramServer | undefined;
    for (let attempt = 0; !server; attempt += 1) {
      const candidate = new TelegramServer({
        port: await freePort(),
        host: '127.0.0.1',
        storage: 'RAM',
        storeTimeout: 3600,
      });
      try {
        await candidate.start();
        server = candidate;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
    const emulatorUrl = server.config.apiURL;
    let emulator: TelegramEmulator | undefined;
    const proxy = createServer((req, res) => {
      if (!emulator) return res.writeHead(503).end();
      emulator.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ ok: false, error_code: 500, description: `proxy error: ${(error as Error).message}` }),
        );
      });
    });
    await new Promise<void>((resolve, reject) => {
      proxy.once('error', reject);
      proxy.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = proxy.address() as AddressInfo;
    emulator = new TelegramEmulator(server, proxy, emulatorUrl, `http://127.0.0.1:${port}`, options.token, options);
    return emulator;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.events.emit('stop');
    await new Promise<void>((resolve) => {
      this.proxy.close(() => resolve());
      this.proxy.closeAllConnections();
    });
    await this.server.stop();
  }

  // ------------------------------------------------------------------------- the bot's side

  /** Calls of one method, payloads only. */
  callsOf(method: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.payload);
  }

  /** Calls the proxy could not answer (methods neither the emulator nor the proxy implement). */
  unsupportedCalls(): ApiCall[] {
    return this.calls.filter((c) => !c.ok && c.description?.includes('not emulated'));
  }

  /** Invite links handed out by createChatInviteLink, in order. */
  invites(): string[] {
    return [...this.inviteLinks];
  }

  /** From now on, sending to this chat fails as for a user who blocked the bot (403). */
  blockBot(chatId: number): void {
    this.blocked.add(chatId);
  }

  /** Resolves once the bot has made its first getUpdates (polling) or setWebhook call. */
  async botConnected(options: WaitOptions = {}): Promise<void> {
    await this.waitUntil(
      () => (this.pollCount > 0 || this.webhook ? true : undefined),
      options.timeoutMs ?? 10_000,
      () =>
        `the bot neither polled nor set a webhook; calls so far: ${this.calls.map((c) => c.method).join(', ') || 'none'}`,
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (url.pathname === '/__webhook-relay') return this.relay(req, res);
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!m) return this.reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method] = m as unknown as [string, string, string];
    const body = await readBody(req);
    const payload = parsePayload(body, req.headers['content-type'], url.searchParams);
    if (token !== this.token) return this.reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    if (method === 'getUpdates') return this.getUpdates(req, res, body, payload);

    let answeredBy: ApiCall['answeredBy'] = 'proxy';
    let outcome: { status: number; body: Json };
    try {
      const own = this.ownMethod(method, payload);
      if (own !== undefined) outcome = { status: 200, body: { ok: true, result: own } };
      else if (FORWARDED.has(method)) {
        answeredBy = 'emulator';
        this.validate(method, payload);
        outcome = await this.forward(method, body, req.headers['content-type']);
        outcome.body = this.fixResult(method, payload, outcome.body);
      } else
        throw new ApiError(400, `Bad Request: method ${method} is not emulated by test/support/telegram-emulator.ts`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      outcome = { status: error.status, body: { ok: false, error_code: error.status, description: error.description } };
    }
    const ok = outcome.body.ok === true;
    this.calls.push({
      method,
      payload,
      answeredBy,
      ok,
      ...(ok
        ? { result: outcome.body.result }
        : { description: String(outcome.body.description ?? outcome.body.message ?? '') }),
      at: Date.now(),
    });
    this.reply(res, outcome.status, outcome.body);
    this.events.emit('bot');
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    if (res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private async forward(
    method: string,
    body: Buffer,
    contentType: string | undefined,
  ): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${this.emulatorUrl}/bot${this.token}/${method}`, {
      method: 'POST',
      headers: { 'content-type': contentType ?? 'application/json' },
      ...(body.length ? { body } : {}),
    });
    const json = (await response.json()) as Json;
    // The emulator answers its own failures as {message} with HTTP 500; Telegram says ok/error_code.
    if (!('ok' in json))
      return {
        status: response.status,
        body: { ok: false, error_code: response.status, description: String(json.message ?? 'emulator error') },
      };
    return { status: response.status, body: json };
  }

  /** Long polling as Telegram does it: an empty answer only after `timeout` seconds without news. */
  private async getUpdates(req: IncomingMessage, res: ServerResponse, body: Buffer, payload: Json): Promise<void> {
    this.pollCount += 1;
    if (this.pollCount === 1) this.events.emit('bot');
    const waitMs = Math.min(Number(payload.timeout ?? 0) * 1000, this.capMs);
    // Listen before asking, so an update arriving in between is not slept through.
    const woken = this.once(['user', 'stop'], waitMs);
    let gone = false;
    res.once('close', () => {
      gone = true;
      woken.cancel();
    });
    let answer = await this.forward('getUpdates', body, req.headers['content-type']);
    const empty = (a: { body: Json }) => Array.isArray(a.body.result) && a.body.result.length === 0;
    if (empty(answer) && waitMs > 0 && !gone) {
      await woken.promise;
      // Asking again marks updates read: never for a client that went away (the bot stopping).
      if (gone || this.stopped) return;
      answer = await this.forward('getUpdates', body, req.headers['content-type']);
    }
    woken.cancel();
    this.reply(res, answer.status, answer.body);
  }

  private once(names: string[], timeoutMs: number): { promise: Promise<void>; cancel: () => void } {
    let cancel = () => {};
    const promise = new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        for (const n of names) this.events.off(n, done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      for (const n of names) this.events.on(n, done);
      cancel = done;
    });
    return { promise, cancel };
  }

  /** Methods the proxy answers itself; undefined = not ours. */
  private ownMethod(method: string, p: Json): unknown {
    switch (method) {
      case 'getMe':
        return {
          ...this.botUser,
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
          can_connect_to_business: false,
          has_main_web_app: false,
        };
      case 'setMyCommands':
        if (!Array.isArray(p.commands) || p.commands.length === 0)
          throw new ApiError(400, 'Bad Request: commands must be a non-empty array');
        return true;
      case 'deleteMyCommands':
        return true;
      case 'setWebhook': {
        if (typeof p.url !== 'string' || !p.url.startsWith('https://'))
          throw new ApiError(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
        this.webhook = {
          url: p.url,
          ...(typeof p.secret_token === 'string' ? { secretToken: p.secret_token } : {}),
          ...(Array.isArray(p.allowed_updates) ? { allowedUpdates: p.allowed_updates as string[] } : {}),
        };
        // The emulator delivers user updates to our relay, which adds the secret header as Telegram does.
        this.server.setWebhook({ url: `${this.apiRoot}/__webhook-relay` }, this.token);
        return true;
      }
      case 'deleteWebhook':
        this.webhook = undefined;
        this.server.deleteWebhook(this.token);
        return true;
      case 'createChatInviteLink': {
        const chat = this.chatOf(p.chat_id);
        if (chat.type === 'private') throw new ApiError(400, 'Bad Request: chat not found');
        const link = `https://t.me/+${randomBytes(12).toString('base64url')}`;
        this.inviteLinks.push(link);
        return {
          invite_link: link,
          creator: this.botUser,
          creates_join_request: false,
          is_primary: false,
          is_revoked: false,
          ...(typeof p.name === 'string' ? { name: p.name } : {}),
        };
      }
      case 'getChat': {
        const chat = this.chatOf(p.chat_id);
        return {
          ...this.chatObject(chat),
          accent_color_id: 0,
          max_reaction_count: 11,
          accepted_gift_types: {
            unlimited_gifts: false,
            limited_gifts: false,
            unique_gifts: false,
            premium_subscription: false,
          },
        };
      }
      case 'getChatMember': {
        const userId = Number(p.user_id);
        const isBot = userId === this.botUser.id;
        return isBot
          ? {
              status: 'administrator',
              user: this.botUser,
              can_be_edited: false,
              is_anonymous: false,
              can_manage_chat: true,
              can_delete_messages: true,
              can_manage_video_chats: true,
              can_restrict_members: true,
              can_promote_members: false,
              can_change_info: true,
              can_invite_users: true,
              can_post_stories: false,
              can_edit_stories: false,
              can_delete_stories: false,
            }
          : { status: 'member', user: { id: userId, is_bot: false, first_name: `User${userId}` } };
      }
      case 'editMessageText':
      case 'editMessageReplyMarkup':
        return this.edit(method, p);
      case 'sendMessage':
        // Telegram refuses to write to someone who blocked the bot; otherwise the emulator stores it.
        if (this.blocked.has(Number(p.chat_id))) throw new ApiError(403, 'Forbidden: bot was blocked by the user');
        return undefined;
      default:
        return undefined;
    }
  }

  private validate(method: string, p: Json): void {
    if (method !== 'sendMessage') return;
    const text = typeof p.text === 'string' ? p.text : '';
    if (!text.trim()) throw new ApiError(400, 'Bad Request: message text is empty');
    if (text.length > TELEGRAM_TEXT_MAX) throw new ApiError(400, 'Bad Request: message is too long');
    this.validateMarkup(p.reply_markup);
  }

  private validateMarkup(markup: unknown): void {
    for (const b of parseMarkup(markup)?.inline_keyboard.flat() ?? []) {
      if (b.callback_data !== undefined && Buffer.byteLength(b.callback_data) > CALLBACK_DATA_MAX_BYTES)
        throw new ApiError(400, 'Bad Request: BUTTON_DATA_INVALID');
      if (b.url !== undefined && !/^(https?|tg):\/\//.test(b.url))
        throw new ApiError(400, `Bad Request: inline keyboard button URL '${b.url}' is invalid`);
    }
  }

  /** The emulator's sendMessage answer has a millisecond date and always a private chat; fix both. */
  private fixResult(method: string, p: Json, body: Json): Json {
    // answerCallbackQuery and deleteMessage answer `true` in Telegram, `null` in the emulator.
    if (body.ok === true && body.result === null) return { ...body, result: true };
    if (method !== 'sendMessage' || body.ok !== true || !body.result || typeof body.result !== 'object') return body;
    const result = body.result as Json;
    const chat = this.chatOf(p.chat_id);
    return {
      ...body,
      result: {
        ...result,
        date: Math.floor(Number(result.date) / 1000),
        chat: this.chatObject(chat),
        from: this.botUser,
      },
    };
  }

  private edit(method: 'editMessageText' | 'editMessageReplyMarkup', p: Json): unknown {
    if (p.inline_message_id !== undefined)
      throw new ApiError(400, 'Bad Request: inline messages are not emulated by test/support/telegram-emulator.ts');
    const stored = this.stored(Number(p.chat_id), Number(p.message_id));
    if (!stored) throw new ApiError(400, 'Bad Request: message to edit not found');
    const markup = parseMarkup(p.reply_markup);
    this.validateMarkup(markup);
    const next = { ...stored.message };
    if (method === 'editMessageText') {
      const text = typeof p.text === 'string' ? p.text : '';
      if (!text.trim()) throw new ApiError(400, 'Bad Request: message text is empty');
      if (text.length > TELEGRAM_TEXT_MAX) throw new ApiError(400, 'Bad Request: MESSAGE_TOO_LONG');
      next.text = text;
    }
    // Telegram: a keyboard not given in the edit is gone afterwards.
    if (markup) next.reply_markup = markup;
    else delete next.reply_markup;
    const same =
      next.text === stored.message.text &&
      JSON.stringify(parseMarkup(next.reply_markup) ?? null) ===
        JSON.stringify(parseMarkup(stored.message.reply_markup) ?? null);
    if (same)
      throw new ApiError(
        400,
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    const key = `${stored.message.chat_id}:${stored.messageId}`;
    if (next.text !== stored.message.text)
      this.history.set(key, [...(this.history.get(key) ?? [stored.message.text ?? '']), next.text ?? '']);
    stored.message = next;
    this.versions.set(key, (this.versions.get(key) ?? 0) + 1);
    const chat = this.chatOf(stored.message.chat_id);
    return {
      message_id: stored.messageId,
      date: Math.floor(stored.time / 1000),
      edit_date: Math.floor(Date.now() / 1000),
      chat: this.chatObject(chat),
      from: this.botUser,
      text: next.text,
      ...(markup ? { reply_markup: markup } : {}),
    };
  }

  /** The emulator posts user updates here once a webhook is set; they go on to the app with the secret. */
  private async relay(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const update = JSON.parse(body.toString('utf8')) as { update_id: number };
    let status = 0;
    if (this.webhookTarget) {
      const response = await fetch(this.webhookTarget, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.webhook?.secretToken ? { 'x-telegram-bot-api-secret-token': this.webhook.secretToken } : {}),
        },
        body,
      });
      status = response.status;
      await response.arrayBuffer();
    }
    this.webhookDeliveries.push({ updateId: update.update_id, status });
    // The emulator throws (unhandled) on anything but 2xx: the app's answer is recorded instead.
    this.reply(res, 200, { ok: true });
    this.events.emit('bot');
  }

  // ------------------------------------------------------------------------- chats and users

  private chatOf(chatId: unknown): ChatInfo {
    const id = Number(chatId);
    const known = this.chats.get(id);
    if (known) return known;
    if (id > 0) return { id, type: 'private', firstName: `User${id}` };
    throw new ApiError(400, 'Bad Request: chat not found');
  }

  private chatObject(chat: ChatInfo): Json {
    return chat.type === 'private'
      ? { id: chat.id, type: 'private', first_name: chat.firstName ?? 'User' }
      : { id: chat.id, type: chat.type, title: chat.title ?? 'Group' };
  }

  /** The emulator's client for this user in this chat (its private chat by default). */
  client(user: TelegramUser, chat?: { id: number; type: 'group' | 'supergroup'; title: string }): TelegramClient {
    const key = `${user.id}@${chat?.id ?? user.id}`;
    let client = this.clients.get(key);
    if (!client) {
      client = this.server.getClient(this.token, {
        userId: user.id,
        firstName: user.firstName,
        userName: user.username ?? `user${user.id}`,
        chatId: chat?.id ?? user.id,
        type: chat?.type ?? 'private',
        chatTitle: chat?.title ?? user.firstName,
        timeout: 5000,
      });
      this.clients.set(key, client);
    }
    return client;
  }

  /** The user writing to the bot in their private chat. */
  privateChat(user: TelegramUser): ChatSession {
    this.chats.set(user.id, { id: user.id, type: 'private', firstName: user.firstName });
    return new ChatSession(this, user, { id: user.id, type: 'private' });
  }

  /** A group (supergroup by default; give it an id like -100...). */
  group(chat: { id: number; title: string; type?: 'group' | 'supergroup' }): GroupChat {
    const info: ChatInfo = { id: chat.id, type: chat.type ?? 'supergroup', title: chat.title };
    this.chats.set(chat.id, info);
    return new GroupChat(this, info);
  }

  /** @internal the chat object a user's updates carry */
  userMessage(user: TelegramUser, chat: ChatInfo, text: string, command: boolean): Json {
    const client = this.client(
      user,
      chat.type === 'private' ? undefined : { id: chat.id, type: chat.type, title: chat.title ?? '' },
    );
    const message = (command ? client.makeCommand(text) : client.makeMessage(text)) as unknown as Json;
    return this.normaliseUser(message, user, chat);
  }

  /** @internal */
  normaliseUser(message: Json, user: TelegramUser, chat: ChatInfo): Json {
    const from: Json = {
      id: user.id,
      is_bot: false,
      first_name: user.firstName,
      ...(user.username ? { username: user.username } : {}),
      ...(user.languageCode ? { language_code: user.languageCode } : {}),
    };
    return { ...message, from, chat: this.chatObject(chat) };
  }

  // ------------------------------------------------------------------------- reading bot messages

  private stored(chatId: number, messageId: number): StoredBotMessage | undefined {
    return (this.server.storage.botMessages as unknown as StoredBotMessage[]).find(
      (u) => u.botToken === this.token && u.messageId === messageId && String(u.message.chat_id) === String(chatId),
    );
  }

  private view(u: StoredBotMessage): BotMessage {
    const key = `${u.message.chat_id}:${u.messageId}`;
    const text = u.message.text ?? '';
    return {
      chatId: Number(u.message.chat_id),
      messageId: u.messageId,
      text,
      keyboard: toButtons(u.message.reply_markup),
      version: this.versions.get(key) ?? 0,
      texts: this.history.get(key) ?? [text],
      sentAt: u.time,
    };
  }

  /** Everything the bot has sent to a chat, as it looks now. */
  messages(chatId: number): BotMessage[] {
    return (this.server.storage.botMessages as unknown as StoredBotMessage[])
      .filter((u) => u.botToken === this.token && String(u.message.chat_id) === String(chatId))
      .map((u) => this.view(u));
  }

  /** One message as it looks now (text and keyboard after edits). */
  message(chatId: number, messageId: number): BotMessage {
    const stored = this.stored(chatId, messageId);
    if (!stored) throw new Error(`the bot sent no message #${messageId} to chat ${chatId} (or it was deleted)`);
    return this.view(stored);
  }

  /** Messages to a chat after its cursor (not yet handed out by next/waitFor). */
  unread(chatId: number): BotMessage[] {
    const cursor = this.cursors.get(chatId) ?? 0;
    return this.messages(chatId).filter((m) => m.messageId > cursor);
  }

  /** Moves a chat's cursor past everything sent so far. */
  skipAll(chatId: number): BotMessage[] {
    const unread = this.unread(chatId);
    const last = unread.at(-1);
    if (last) this.cursors.set(chatId, last.messageId);
    return unread;
  }

  /** The next bot message to a chat; fails after the timeout, saying what did arrive. */
  next(chatId: number, options: WaitOptions = {}): Promise<BotMessage> {
    return this.waitFor(chatId, () => true, options);
  }

  /**
   * The first message to a chat after its cursor that matches; the cursor moves past it. Messages
   * before it that do not match are passed over (and named if the wait fails).
   */
  waitFor(chatId: number, match: TextMatch, options: WaitOptions = {}): Promise<BotMessage> {
    const timeoutMs = options.timeoutMs ?? this.waitMs;
    return this.waitUntil(
      () => {
        const found = this.unread(chatId).find((m) => matches(match, m));
        if (found) this.cursors.set(chatId, found.messageId);
        return found;
      },
      timeoutMs,
      () => {
        const unread = this.unread(chatId);
        const recent = this.messages(chatId).slice(-3);
        const elsewhere = (this.server.storage.botMessages as unknown as StoredBotMessage[])
          .filter((u) => String(u.message.chat_id) !== String(chatId))
          .slice(-3)
          .map((u) => `to ${u.message.chat_id}: ${describeMessage(this.view(u))}`);
        const failed = this.calls
          .filter((c) => !c.ok)
          .slice(-3)
          .map((c) => `${c.method}: ${c.description}`);
        return [
          `no bot message to chat ${chatId}${typeof match === 'function' ? '' : ` matching ${String(match)}`} within ${timeoutMs} ms.`,
          `Unread in this chat: ${unread.length ? unread.map(describeMessage).join('; ') : 'none'}.`,
          `Last messages in this chat: ${recent.length ? recent.map(describeMessage).join('; ') : 'none'}.`,
          `Last messages elsewhere: ${elsewhere.length ? elsewhere.join('; ') : 'none'}.`,
          ...(failed.length ? [`Failed API calls: ${failed.join('; ')}.`] : []),
        ].join('\n');
      },
    );
  }

  /** Waits until a message has been edited past `after.version` (or matches `until`); returns it. */
  edited(after: BotMessage, options: WaitOptions & { until?: (m: BotMessage) => boolean } = {}): Promise<BotMessage> {
    const timeoutMs = options.timeoutMs ?? this.waitMs;
    const until = options.until ?? ((m: BotMessage) => m.version > after.version);
    return this.waitUntil(
      () => {
        const stored = this.stored(after.chatId, after.messageId);
        const now = stored && this.view(stored);
        return now && until(now) ? now : undefined;
      },
      timeoutMs,
      () => {
        const stored = this.stored(after.chatId, after.messageId);
        return `message #${after.messageId} in chat ${after.chatId} was not edited as expected within ${timeoutMs} ms; it is now ${stored ? describeMessage(this.view(stored)) : 'gone'} (version ${stored ? this.view(stored).version : '-'}, was ${after.version}). Edit calls: ${JSON.stringify(
          this.calls
            .filter((c) => c.method.startsWith('edit'))
            .slice(-3)
            .map((c) => ({ method: c.method, ok: c.ok, description: c.description })),
        )}`;
      },
    );
  }

  /** Waits for a recorded Bot API call (e.g. createChatInviteLink) matching `where`. */
  call(
    method: string,
    where: (payload: Record<string, unknown>) => boolean = () => true,
    options: WaitOptions = {},
  ): Promise<ApiCall> {
    const timeoutMs = options.timeoutMs ?? this.waitMs;
    return this.waitUntil(
      () => this.calls.find((c) => c.method === method && where(c.payload)),
      timeoutMs,
      () => `no ${method} call within ${timeoutMs} ms; calls: ${this.calls.map((c) => c.method).join(', ')}`,
    );
  }

  /** Checks `probe` now and after every bot call until it gives a value; fails after the timeout. */
  waitUntil<T>(probe: () => T | undefined, timeoutMs: number, explain: () => string): Promise<T> {
    const first = probe();
    if (first !== undefined) return Promise.resolve(first);
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        let value: T | undefined;
        try {
          value = probe();
        } catch (error) {
          finish();
          reject(error as Error);
          return;
        }
        if (value !== undefined) {
          finish();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(explain()));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.events.off('bot', check);
      };
      this.events.on('bot', check);
    });
  }

  /** @internal a button press as Telegram delivers it: the message as the user sees it now. */
  callbackFor(user: TelegramUser, chat: ChatInfo, message: BotMessage, label: string): Json {
    const current = this.message(message.chatId, message.messageId);
    const candidates = current.keyboard.flat().filter((b) => b.text === label);
    const found = candidates.length ? candidates : current.keyboard.flat().filter((b) => bareLabel(b.text) === label);
    if (found.length !== 1) {
      const shown = current.keyboard.length
        ? labels(current)
            .map((r) => r.join(' | '))
            .join(' / ')
        : 'no keyboard';
      throw new Error(
        `${found.length ? 'more than one' : 'no'} button "${label}" under message #${current.messageId} ${JSON.stringify(current.text.slice(0, 80))}; it shows: ${shown}`,
      );
    }
    const button = found[0]!;
    if (button.callbackData === undefined)
      throw new Error(`button "${label}" is a link (${button.url ?? '?'}), not a callback button`);
    const client = this.client(
      user,
      chat.type === 'private' ? undefined : { id: chat.id, type: chat.type, title: chat.title ?? '' },
    );
    const query = client.makeCallbackQuery(button.callbackData) as unknown as Json;
    const stored = this.stored(current.chatId, current.messageId)!;
    const callbackMessage = {
      message_id: current.messageId,
      date: Math.floor(current.sentAt / 1000),
      chat: this.chatObject(chat),
      from: this.botUser,
      text: current.text,
      ...(parseMarkup(stored.message.reply_markup) ? { reply_markup: parseMarkup(stored.message.reply_markup) } : {}),
    };
    const from = this.normaliseUser({}, user, chat).from;
    return { ...query, from, message: callbackMessage, chat_instance: String(chat.id) };
  }
}

/** Methods the emulator implements and the proxy forwards. */
const FORWARDED = new Set(['sendMessage', 'answerCallbackQuery', 'deleteMessage']);

/** A user in a chat: what they send, and the bot's messages to that chat. */
export class ChatSession {
  constructor(
    private readonly tg: TelegramEmulator,
    readonly user: TelegramUser,
    readonly chat: ChatInfo,
  ) {}

  get chatId(): number {
    return this.chat.id;
  }

  private client(): TelegramClient {
    return this.tg.client(
      this.user,
      this.chat.type === 'private'
        ? undefined
        : { id: this.chat.id, type: this.chat.type, title: this.chat.title ?? '' },
    );
  }

  /** A plain text message (no entities: "/menu" sent this way is not a command to Telegram). */
  async send(text: string): Promise<void> {
    await this.client().sendMessage(this.tg.userMessage(this.user, this.chat, text, false) as never);
  }

  /** A command with its bot_command entity, e.g. "/start FG72" or "/bind FG72". */
  async command(text: string): Promise<void> {
    await this.client().sendCommand(this.tg.userMessage(this.user, this.chat, text, true) as never);
  }

  /** Presses the inline button with this label (☐/☑/←/→ marks may be left out) under a bot message. */
  async press(message: BotMessage, label: string): Promise<void> {
    await this.client().sendCallback(this.tg.callbackFor(this.user, this.chat, message, label) as never);
  }

  next(options?: WaitOptions): Promise<BotMessage> {
    return this.tg.next(this.chat.id, options);
  }

  waitFor(match: TextMatch, options?: WaitOptions): Promise<BotMessage> {
    return this.tg.waitFor(this.chat.id, match, options);
  }

  edited(message: BotMessage, options?: WaitOptions & { until?: (m: BotMessage) => boolean }): Promise<BotMessage> {
    return this.tg.edited(message, options);
  }

  /** The message as it looks now. */
  current(message: BotMessage): BotMessage {
    return this.tg.message(message.chatId, message.messageId);
  }

  unread(): BotMessage[] {
    return this.tg.unread(this.chat.id);
  }
}

/** A group the bot is in; members write through `as(user)`. */
export class GroupChat {
  constructor(
    private readonly tg: TelegramEmulator,
    readonly chat: ChatInfo,
  ) {}

  get id(): number {
    return this.chat.id;
  }

  /** A member writing in the group. */
  as(user: TelegramUser): ChatSession {
    return new ChatSession(this.tg, user, this.chat);
  }

  /** The service message Telegram sends when someone joins (e.g. by the invite link). */
  async join(user: TelegramUser): Promise<void> {
    const client = this.tg.client(user, {
      id: this.chat.id,
      type: this.chat.type as 'group' | 'supergroup',
      title: this.chat.title ?? '',
    });
    const base = this.tg.normaliseUser(client.makeMessage('') as unknown as Json, user, this.chat);
    delete base.text;
    await client.sendMessage({ ...base, new_chat_members: [base.from] } as never);
  }

  next(options?: WaitOptions): Promise<BotMessage> {
    return this.tg.next(this.chat.id, options);
  }

  waitFor(match: TextMatch, options?: WaitOptions): Promise<BotMessage> {
    return this.tg.waitFor(this.chat.id, match, options);
  }

  unread(): BotMessage[] {
    return this.tg.unread(this.chat.id);
  }
}
