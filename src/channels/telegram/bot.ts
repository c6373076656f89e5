// The grammY bot: Bot API root from config, outgoing calls paced and retried so a 429 is waited
// out, never dropped.
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, type Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { ConversationFlavor } from '@grammyjs/conversations';
import { createTelegramLimiter } from './limiter.js';

export type SputnikContext = ConversationFlavor<Context>;

export interface TelegramBotOptions {
  token: string;
  apiRoot: string;
  /** Known bot identity (tests); otherwise fetched with getMe at start. */
  botInfo?: UserFromGetMe;
  /** Off in tests against the emulator, which answers unknown methods with HTTP 500. */
  throttle?: boolean;
}

export function createTelegramBot(options: TelegramBotOptions): Bot<SputnikContext> {
  const bot = new Bot<SputnikContext>(options.token, {
    client: { apiRoot: options.apiRoot },
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
  });
  if (options.throttle !== false) {
    // Innermost transformer and first middleware: it paces the HTTP calls, and knows whose update is being answered.
    const limiter = createTelegramLimiter();
    bot.api.config.use(limiter.transformer);
    bot.use(limiter.middleware);
  }
  // Rate limits and server hiccups are retried; a message is never silently lost to a 429.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 120, rethrowHttpErrors: false }));
  return bot;
}
