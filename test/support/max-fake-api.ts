// A local fake of the Max Bot API over real HTTP: the methods Sputnik's Max channel calls, with the
// request and response shapes of @maxhub/max-bot-api's types. It records every call, plays the
// people (messages, button presses, joins, blocking the bot) as updates for long polling, and can
// refuse calls (429, 403) the way Max does. Files go as on Max (dev.max.ru/docs-api/methods/POST/
// uploads): POST /uploads?type= gives a one-file upload URL (here on the same server), the file is
// posted there as multipart/form-data (field `data`) and the answer carries the token a message
// attaches (`{type: 'file', payload: {token}}`; pictures: `{type: 'image', payload: {photos}}`).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BotInfo, Chat, Message, Update, User } from '@maxhub/max-bot-api/types';

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
}

export interface SentMessage {
  mid: string;
  /** user_id for a private chat, chat_id for a group. */
  to: { userId: number } | { chatId: number };
  text: string;
  attachments: { type: string; payload?: unknown }[];
}

interface Injected {
  method: string;
  path: RegExp;
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  times: number;
}

export const BOT: BotInfo = {
  user_id: 900_001,
  name: 'Спутник',
  first_name: 'Спутник',
  username: 'sputnik_bot',
  is_bot: true,
  last_activity_time: 0,
};

export function person(userId: number, firstName = 'Мария', username: string | null = null): User {
  return { user_id: userId, name: firstName, first_name: firstName, username, is_bot: false, last_activity_time: 0 };
}

export class MaxFakeApi {
  readonly token = 'max-test-token-0123456789';
  readonly calls: RecordedCall[] = [];
  readonly messages = new Map<string, SentMessage>();
  /** Group chats the bot is in: chat_id -> what GET /chats/{id} answers. */
  readonly chats = new Map<number, Pick<Chat, 'title' | 'link'>>();
  /** People who blocked the bot: sending to them is refused with 403. */
  readonly blocked = new Set<number>();
  /** Files uploaded, by the token a message attaches. */
  readonly uploads = new Map<string, Upload>();
  /** The upload server is out of reach: POST /uploads hands out a URL nobody answers at. */
  uploadsOffline = false;
  /** The next N messages with a file answer `attachment.not.ready`, as Max does while it processes one. */
  notReady = 0;
  private server: Server | undefined;
  private readonly queue: Update[] = [];
  private delivered = 0;
  private seq = 0;
  private clock = Date.parse('2026-06-01T07:00:00Z');
  private readonly injected: Injected[] = [];
  private readonly callbacks = new Map<string, string>();
  private waitingPoll: (() => void) | undefined;
  private readonly pollWaiters: { marker: number; resolve: () => void }[] = [];
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.route(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.waitingPoll?.();
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  /** The next `times` calls matching method and path answer `status` with Max's error body. */
  refuse(
    method: string,
    path: RegExp,
    status: number,
    body: { code: string; message: string },
    options: { times?: number; headers?: Record<string, string> } = {},
  ): void {
    this.injected.push({
      method,
      path,
      status,
      body,
      times: options.times ?? 1,
      ...(options.headers ? { headers: options.headers } : {}),
    });
  }

  // ---- people acting ----------------------------------------------------------------------------

  private now(): number {
    this.clock += 1000;
    return this.clock;
  }

  private dialog(userId: number): Message['recipient'] {
    return { chat_id: 5_000_000 + userId, chat_type: 'dialog', user_id: BOT.user_id, post_id: null };
  }

  /** A person writes in their private chat with the bot. */
  write(user: User, text: string): Promise<void> {
    return this.push({
      update_type: 'message_created',
      timestamp: this.now(),
      message: {
        sender: user,
        recipient: this.dialog(user.user_id),
        timestamp: this.clock,
        body: { mid: `mid.in.${++this.seq}`, seq: this.seq, text },
      },
    });
  }

  /** A person sends a sticker, photo...: an attachment without text. */
  sendAttachment(user: User, type: 'sticker' | 'image'): Promise<void> {
    const attachment =
      type === 'sticker'
        ? { type, payload: { url: 'https://x', code: 'c' }, width: 1, height: 1 }
        : { type, payload: { url: 'https://x', token: 't', photo_id: 1 } };
    return this.push({
      update_type: 'message_created',
      timestamp: this.now(),
      message: {
        sender: user,
        recipient: this.dialog(user.user_id),
        timestamp: this.clock,
        body: { mid: `mid.in.${++this.seq}`, seq: this.seq, text: null, attachments: [attachment as never] },
      },
    });
  }

  /** Start button or a max.ru/<bot>?start=<payload> link. */
  startBot(user: User, payload?: string): Promise<void> {
    return this.push({
      update_type: 'bot_started',
      timestamp: this.now(),
      chat_id: 5_000_000 + user.user_id,
      user,
      ...(payload ? { payload } : {}),
    });
  }

  stopBot(user: User): Promise<void> {
    this.blocked.add(user.user_id);
    return this.push({ update_type: 'bot_stopped', timestamp: this.now(), chat_id: 5_000_000 + user.user_id, user });
  }

  /** Presses the button with this text on a message the bot sent, as the message looks now. */
  press(user: User, mid: string, buttonText: string): Promise<void> {
    const message = this.messages.get(mid);
    if (!message) throw new Error(`no message ${mid}`);
    const button = keyboardOf(message)
      .flat()
      .find((b) => b.text === buttonText);
    if (!button)
      throw new Error(
        `no button "${buttonText}" on ${mid}: ${keyboardOf(message)
          .flat()
          .map((b) => b.text)
          .join(' | ')}`,
      );
    const callbackId = `cb.${++this.seq}`;
    this.callbacks.set(callbackId, mid);
    return this.push({
      update_type: 'message_callback',
      timestamp: this.now(),
      callback: { timestamp: this.clock, callback_id: callbackId, payload: button.payload ?? '', user },
      message: this.asMessage(message),
    });
  }

  groupWrite(chatId: number, user: User, text: string): Promise<void> {
    return this.push({
      update_type: 'message_created',
      timestamp: this.now(),
      message: {
        sender: user,
        recipient: { chat_id: chatId, chat_type: 'chat', user_id: null, post_id: null },
        timestamp: this.clock,
        body: { mid: `mid.in.${++this.seq}`, seq: this.seq, text },
      },
    });
  }

  addBot(chatId: number, by: User, chat: Pick<Chat, 'title' | 'link'>): Promise<void> {
    this.chats.set(chatId, chat);
    return this.push({ update_type: 'bot_added', timestamp: this.now(), chat_id: chatId, user: by, is_channel: false });
  }

  join(chatId: number, user: User): Promise<void> {
    return this.push({ update_type: 'user_added', timestamp: this.now(), chat_id: chatId, user, is_channel: false });
  }

  /** Hands an update to long polling and waits until the bot has handled it (it polls again). */
  async push(update: Update): Promise<void> {
    this.queue.push(update);
    const marker = this.delivered + this.queue.length;
    this.waitingPoll?.();
    await new Promise<void>((resolve) => this.pollWaiters.push({ marker, resolve }));
  }

  // ---- what the bot did -------------------------------------------------------------------------

  sentTo(userId: number): SentMessage[] {
    return [...this.messages.values()].filter((m) => 'userId' in m.to && m.to.userId === userId);
  }

  /** The files sent to a person (from their `from`-th message on), in order: name, caption (the message text), bytes. */
  documentsTo(userId: number, from = 0): { filename: string; caption: string; data: Uint8Array; type: string }[] {
    return this.sentTo(userId)
      .slice(from)
      .flatMap((m) =>
        m.attachments.flatMap((a) => {
          const upload = this.uploads.get(attachedToken(a) ?? '');
          return upload ? [{ filename: upload.filename, caption: m.text, data: upload.data, type: a.type }] : [];
        }),
      );
  }

  sentToChat(chatId: number): SentMessage[] {
    return [...this.messages.values()].filter((m) => 'chatId' in m.to && m.to.chatId === chatId);
  }

  private asMessage(m: SentMessage): Message {
    const recipient: Message['recipient'] =
      'userId' in m.to
        ? this.dialog(m.to.userId)
        : { chat_id: m.to.chatId, chat_type: 'chat', user_id: null, post_id: null };
    return {
      sender: BOT,
      recipient,
      timestamp: this.clock,
      body: { mid: m.mid, seq: 0, text: m.text, attachments: m.attachments as never },
    };
  }

  // ---- HTTP -------------------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const method = req.method ?? 'GET';
    // The upload server takes the file itself, not JSON, and no bot token (the URL is the permission).
    const upload = /^\/upload\/(\d+)$/.exec(url.pathname);
    if (method === 'POST' && upload) return this.receiveUpload(upload[1]!, query, req, Buffer.concat(chunks), res);
    const body: unknown = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      if (url.pathname !== '/updates' || status !== 200 || (payload as { updates: unknown[] }).updates.length) {
        this.calls.push({ method, path: url.pathname, query, body, status });
      }
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    if (req.headers.authorization !== this.token)
      return reply(401, { code: 'verify.token', message: 'Invalid access_token' });
    const refusal = this.injected.find((i) => i.method === method && i.path.test(url.pathname) && i.times > 0);
    if (refusal) {
      refusal.times -= 1;
      return reply(refusal.status, refusal.body, refusal.headers);
    }
    const path = url.pathname;
    if (method === 'GET' && path === '/me') return reply(200, BOT);
    if (method === 'PATCH' && path === '/me/commands')
      return reply(200, { ...BOT, commands: (body as { commands: unknown }).commands });
    if (method === 'GET' && path === '/subscriptions') return reply(200, { subscriptions: [] });
    if (method === 'POST' && path === '/subscriptions') return reply(200, { success: true });
    if (method === 'DELETE' && path === '/subscriptions') return reply(200, { success: true });
    if (method === 'GET' && path === '/updates') return this.poll(Number(query.marker ?? 0), reply);
    if (method === 'POST' && path === '/uploads') {
      const type = query.type ?? '';
      if (!['image', 'video', 'audio', 'file'].includes(type))
        return reply(400, { code: 'proto.payload', message: `type: unknown ${type}` });
      const base = this.uploadsOffline ? 'http://127.0.0.1:1' : this.url;
      return reply(200, { url: `${base}/upload/${++this.seq}?type=${type}` });
    }
    if (method === 'POST' && path === '/messages') return this.send(query, body as SentBody, reply);
    if (method === 'PUT' && path === '/messages') {
      const m = this.messages.get(query.message_id ?? '');
      if (!m) return reply(404, { code: 'not.found', message: 'Message not found' });
      this.edit(m, body as SentBody);
      return reply(200, { success: true });
    }
    if (method === 'POST' && path === '/answers') {
      const mid = this.callbacks.get(query.callback_id ?? '');
      if (!mid) return reply(400, { code: 'proto.payload', message: 'Unknown callback' });
      const message = (body as { message?: SentBody }).message;
      if (message) this.edit(this.messages.get(mid)!, message);
      return reply(200, { success: true });
    }
    const chat = /^\/chats\/(-?\d+)$/.exec(path);
    if (method === 'GET' && chat) {
      const id = Number(chat[1]);
      const known = this.chats.get(id);
      if (!known) return reply(404, { code: 'chat.not.found', message: `Chat ${id} not found` });
      return reply(200, {
        chat_id: id,
        type: 'chat',
        status: 'active',
        title: known.title,
        link: known.link ?? null,
        icon: null,
        last_event_time: 0,
        participants_count: 3,
        is_public: Boolean(known.link),
      });
    }
    return reply(404, { code: 'not.found', message: `${method} ${path} is not in the fake` });
  }

  private poll(marker: number, reply: (status: number, payload: unknown) => void): void {
    this.delivered = Math.max(this.delivered, marker);
    // The bot asks again only after handling the last batch: whoever pushed it may go on.
    for (const w of this.pollWaiters.filter((x) => x.marker <= marker)) {
      this.pollWaiters.splice(this.pollWaiters.indexOf(w), 1);
      w.resolve();
    }
    let timer: NodeJS.Timeout | undefined;
    const answer = () => {
      this.waitingPoll = undefined;
      clearTimeout(timer);
      const updates = this.queue.splice(0);
      reply(200, { updates, marker: marker + updates.length });
    };
    if (this.queue.length) {
      answer();
      return;
    }
    // Long polling: hold the request until something happens (Max holds it up to 30 s by default).
    timer = setTimeout(answer, 5_000);
    this.waitingPoll = answer;
  }

  private send(query: Record<string, string>, body: SentBody, reply: (status: number, payload: unknown) => void): void {
    const to: SentMessage['to'] = query.user_id ? { userId: Number(query.user_id) } : { chatId: Number(query.chat_id) };
    const refusal: [number, { code: string; message: string }] | undefined =
      'userId' in to && this.blocked.has(to.userId)
        ? [403, { code: 'chat.denied', message: 'error.dialog.suspended' }]
        : 'chatId' in to && !this.chats.has(to.chatId)
          ? [404, { code: 'chat.not.found', message: `Chat ${to.chatId} not found` }]
          : (body.text ?? '').length > 4000
            ? [400, { code: 'proto.payload', message: 'text: size must be between 0 and 4000' }]
            : this.attachmentRefusal(body.attachments ?? []);
    if (refusal) {
      reply(...refusal);
      return;
    }
    const m: SentMessage = {
      mid: `mid.out.${++this.seq}`,
      to,
      text: body.text ?? '',
      attachments: body.attachments ?? [],
    };
    this.messages.set(m.mid, m);
    reply(200, { message: this.asMessage(m) });
  }

  private attachmentRefusal(
    attachments: { type: string; payload?: unknown }[],
  ): [number, { code: string; message: string }] | undefined {
    const media = attachments.filter((a) => a.type === 'file' || a.type === 'image');
    if (media.length === 0) return undefined;
    if (media.some((a) => !this.uploads.has(attachedToken(a) ?? '')))
      return [400, { code: 'attachment.invalid', message: 'Unknown attachment token' }];
    if (this.notReady > 0) {
      this.notReady -= 1;
      return [400, { code: 'attachment.not.ready', message: 'Key: errors.process.attachment.file.not.processed' }];
    }
    return undefined;
  }

  private async receiveUpload(
    id: string,
    query: Record<string, string>,
    req: IncomingMessage,
    raw: Buffer,
    res: ServerResponse,
  ): Promise<void> {
    const answer = (status: number, payload: unknown) => {
      this.calls.push({ method: 'POST', path: `/upload/${id}`, query, body: undefined, status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    const form = await new Response(raw, { headers: { 'content-type': req.headers['content-type'] ?? '' } })
      .formData()
      .catch(() => undefined);
    const data = form?.get('data');
    if (!data || typeof data === 'string') return answer(400, { code: 'upload.error', message: 'no file in data' });
    const token = `tok.${id}`;
    this.uploads.set(token, {
      type: query.type ?? 'file',
      filename: data.name,
      data: new Uint8Array(await data.arrayBuffer()),
    });
    if (query.type === 'image') return answer(200, { photos: { [`ph${id}`]: { token } } });
    return answer(200, { fileId: Number(id), token });
  }

  private edit(m: SentMessage, body: SentBody): void {
    if (typeof body.text === 'string') m.text = body.text;
    if (body.attachments) m.attachments = body.attachments;
  }
}

interface Upload {
  type: string;
  filename: string;
  data: Uint8Array;
}

/** The upload token an attachment refers to: a file's own, or a picture's first photo. */
function attachedToken(a: { type: string; payload?: unknown }): string | undefined {
  const payload = a.payload as { token?: string; photos?: Record<string, { token: string }> } | undefined;
  return payload?.token ?? Object.values(payload?.photos ?? {})[0]?.token;
}

interface SentBody {
  text?: string | null;
  attachments?: { type: string; payload?: unknown }[] | null;
}

export function keyboardOf(m: SentMessage): { type: string; text: string; payload?: string; url?: string }[][] {
  const keyboard = m.attachments.find((a) => a.type === 'inline_keyboard');
  return (
    (keyboard?.payload as { buttons?: { type: string; text: string; payload?: string }[][] } | undefined)?.buttons ?? []
  );
}
