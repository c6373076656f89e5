// Telegram's three limits on one outgoing queue (src/delivery/limiter.ts): 30 messages a second
// for the bot, one a second per chat, 20 a minute per group. A call answering the chat whose update
// is being handled goes before broadcasts and reminders; a 429 stops every call for retry_after.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, MiddlewareFn, Transformer } from 'grammy';
import { createLimiter, type Limiter, type LimiterClock, type RateLimit } from '../../delivery/limiter.js';

const GLOBAL: RateLimit = { limit: 30, windowMs: 1000 };
const PRIVATE: readonly RateLimit[] = [{ limit: 1, windowMs: 1000 }];
const GROUP: readonly RateLimit[] = [
  { limit: 1, windowMs: 1000 },
  { limit: 20, windowMs: 60_000 },
];

/** Calls that put something into a chat; reading calls and answerCallbackQuery are not paced. */
const SENDING = /^(send|copy|forward|edit)/;

interface ApiResult {
  ok: boolean;
  error_code?: number;
  parameters?: { retry_after?: number };
}

export interface TelegramLimiter {
  /** Installed first on bot.api.config (innermost): it paces the HTTP calls themselves. */
  transformer: Transformer;
  /** Installed first on the bot: marks the chat an update came from, so its answers go first. */
  middleware: MiddlewareFn<Context>;
  limiter: Limiter<ApiResult>;
}

export function createTelegramLimiter(options: { clock?: LimiterClock } = {}): TelegramLimiter {
  const answering = new AsyncLocalStorage<string>();
  const limiter = createLimiter<ApiResult>({
    global: GLOBAL,
    // Group and channel chat ids are negative.
    chatLimits: (chatId) => (chatId.startsWith('-') ? GROUP : PRIVATE),
    pauseFor: (result) =>
      !result.ok && result.error_code === 429 ? (result.parameters?.retry_after ?? 1) * 1000 : undefined,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const transformer: Transformer = (prev, method, payload, signal) => {
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    if (!SENDING.test(method) || (typeof chatId !== 'number' && typeof chatId !== 'string'))
      return prev(method, payload, signal);
    const chat = String(chatId);
    const priority = answering.getStore() === chat ? 'reply' : 'bulk';
    // grammY's transformer types are generic over the method; the result passes through unchanged.
    return limiter.schedule(chat, priority, () => prev(method, payload, signal) as Promise<ApiResult>) as ReturnType<
      typeof prev
    >;
  };
  const middleware: MiddlewareFn<Context> = (ctx, next) =>
    ctx.chat ? answering.run(String(ctx.chat.id), next) : next();
  return { transformer, middleware, limiter };
}
