// The web chat: a channel of the same form as Telegram and WhatsApp whose "platform" is this
// server's own HTTP API, used by the sandbox page (src/sandbox). A browser opens a chat (a random
// id it keeps), posts what the person types or presses, and long-polls for the bot's messages.
// It only talks to demo cohorts (ChannelModule.demo), and runs only in sandbox mode.
//
//   POST /webchat/chats                          -> { chat }             a new private chat
//   POST /webchat/messages  { chat, text, id? }  -> { ok: true }         typed text, after the bot answered
//                           { chat, ref, options: [ids], id? }           a button press (or ticks + done)
//   GET  /webchat/messages?chat=&after=N&wait=S  -> { messages: [...] }  the bot's messages after N
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { splitText } from '../../delivery/split-text.js';
import type { InboundEvent } from '../../engine/events.js';
import { createKeyedQueue } from '../../engine/keyed-queue.js';
import type { ChannelModule, RawHttpHandler } from '../channel.js';
import { Mailboxes } from './mailbox.js';
import { renderWebMessage } from './render.js';

export const WEBCHAT = 'webchat';
export const WEBCHAT_TEXT_LIMIT = 4000;
/** Longest a GET waits for a message: under common proxies' idle time-outs. */
const MAX_WAIT_SECONDS = 25;

const chatId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, { error: 'expected the chat id from POST /webchat/chats' });
const messageId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/)
  .optional();
const inboundSchema = z.union([
  z.strictObject({
    chat: chatId,
    id: messageId,
    text: z.string().max(WEBCHAT_TEXT_LIMIT, { error: `at most ${WEBCHAT_TEXT_LIMIT} characters` }),
  }),
  z.strictObject({
    chat: chatId,
    id: messageId,
    ref: z.string().min(1).max(100),
    options: z.array(z.string().min(1).max(100)).min(1).max(50),
  }),
]);

function json(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
  });
  res.end(payload);
}

function parseBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A new chat id: unguessable, since whoever holds it reads the chat. */
export function newChatId(): string {
  return randomBytes(18).toString('base64url');
}

/** The web chat as one of the registered channels: on in sandbox mode (config.sandbox). */
export const webchatChannel: ChannelModule = {
  name: WEBCHAT,
  demo: true,
  disabledHint: (config) =>
    config.sandbox.enabled ? undefined : 'set SANDBOX=true to enable the web chat of the sandbox (/sandbox)',
  create(ctx) {
    const { logger } = ctx;
    const mailboxes = new Mailboxes();
    const queue = createKeyedQueue();
    let state: 'stopped' | 'running' = 'stopped';

    const sender = {
      channel: WEBCHAT,
      async send(chat: string, message: Parameters<typeof renderWebMessage>[0]) {
        if (state !== 'running')
          return { ok: false as const, kind: 'failed' as const, detail: 'the web chat is stopped', retryable: true };
        const rendered = renderWebMessage(message);
        const parts = message.kind === 'text' ? splitText(rendered.text, WEBCHAT_TEXT_LIMIT) : [rendered.text];
        let seq = 0;
        for (const text of parts) seq = mailboxes.post(chat, { ...rendered, text });
        return { ok: true as const, messageId: String(seq) };
      },
    };

    const openChat: RawHttpHandler = async (_req, res) => json(res, 201, { chat: newChatId() });

    const receive: RawHttpHandler = async (_req, res, body) => {
      const parsed = inboundSchema.safeParse(parseBody(body));
      if (!parsed.success) {
        json(res, 400, {
          error: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
        });
        return;
      }
      if (state !== 'running') {
        json(res, 503, { error: 'the web chat is stopped' });
        return;
      }
      const input = parsed.data;
      const event: InboundEvent = {
        channel: WEBCHAT,
        messageId: `${input.chat}:${input.id ?? randomUUID()}`,
        chat: { id: input.chat, type: 'private' },
        from: { id: input.chat },
        at: new Date(),
        payload:
          'text' in input
            ? { kind: 'text', text: input.text }
            : { kind: 'choice', ref: input.ref, optionIds: input.options },
      };
      // One message of a chat at a time, in order; the answer is in the mailbox when this returns.
      await queue(input.chat, async () => {
        await ctx.dispatcher().dispatch(await ctx.engine.handle(event));
      });
      json(res, 200, { ok: true });
    };

    const poll: RawHttpHandler = async (req: IncomingMessage, res) => {
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      const chat = chatId.safeParse(query.get('chat') ?? '');
      const after = Number(query.get('after') ?? '0');
      const wait = Math.min(Number(query.get('wait') ?? '0'), MAX_WAIT_SECONDS);
      if (!chat.success || !Number.isInteger(after) || after < 0 || !Number.isFinite(wait) || wait < 0) {
        json(res, 400, { error: 'expected ?chat=<id>&after=<number>&wait=<seconds up to 25>' });
        return;
      }
      const gone = new AbortController();
      res.once('close', () => gone.abort());
      const messages = await mailboxes.since(chat.data, after, state === 'running' ? wait * 1000 : 0, gone.signal);
      if (!res.destroyed) json(res, 200, { messages });
    };

    return {
      name: WEBCHAT,
      capabilities: { buttons: true, maxTextLength: WEBCHAT_TEXT_LIMIT, files: false },
      sender,
      async start() {
        state = 'running';
        logger.info('web chat running');
      },
      async stop() {
        state = 'stopped';
        mailboxes.wakeAll();
      },
      health: () => ({ state }),
      routes: () => ({
        'POST /webchat/chats': openChat,
        'POST /webchat/messages': receive,
        'GET /webchat/messages': poll,
      }),
    };
  },
};
