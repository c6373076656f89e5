// The Telegram channel: a grammY bot on long polling (default) or a webhook, with per-chat order,
// the engine adapter, and a sender for the dispatcher. Broadcasts, figures, reports and exports are
// engine flows, the same on every channel; files go through the sender.
import { backgroundStart } from '../background-start.js';
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import { GrammyError, webhookCallback, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from '../../delivery/dispatcher.js';
import type { ChannelSender } from '../../delivery/ports.js';
import type { Coordination } from '../../domain/coordination.js';
import type { Repositories } from '../../domain/repositories.js';
import type { Engine } from '../../engine/engine.js';
import type { Logger } from '../../logger.js';
import { createTelegramAdapter } from './adapter.js';
import { normaliseUpdateText } from './inbound.js';
import type { SputnikContext } from './bot.js';
import { knownStaffChats, publishCommands, staffMenuOnFirstMessage } from './commands.js';
import { KeyboardState } from './keyboard-state.js';
import type { ChannelContext, RawHttpHandler, RunningChannel } from '../channel.js';
import { createTelegramSender, TELEGRAM_TEXT_LIMIT } from './sender.js';
import { holdPollingLease, sharedInstances } from './shared-instances.js';

import { createTelegramBot } from './bot.js';

export { createTelegramBot };

export interface TelegramChannelDeps {
  bot: Bot<SputnikContext>;
  engine: Engine;
  /** Filled in after the channel is built: the dispatcher needs this channel's sender first. */
  dispatcher: () => Dispatcher;
  repos: Repositories;
  logger: Logger;
  now?: () => Date;
  /** Several instances on one store: update claims and chat leases (webhooks), the polling lease. */
  coordination?: Coordination;
}

export type TelegramState = 'starting' | 'running' | 'stopped' | 'failed';

export interface TelegramChannel {
  readonly sender: ChannelSender;
  /** getMe, commands, then polling (or the webhook registration when `webhook` is given). */
  start(options?: { webhook?: { url: string; secretToken: string } }): Promise<void>;
  /** The HTTP handler for webhook mode (checks the secret token header). */
  /** `body` is read by the HTTP server within its size limit; the update is parsed only after the secret matched. */
  webhookHandler(secretToken: string): (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<void>;
  stop(): Promise<void>;
  state(): TelegramState;
  username(): string | undefined;
}

/** Updates of one chat are handled one at a time and in order; different chats in parallel. */
function chatKey(ctx: SputnikContext): string | undefined {
  return ctx.chat?.id.toString() ?? ctx.from?.id.toString();
}

/**
 * grammY's webhook adapter over a body the HTTP server has already read (within its size limit):
 * grammY's own `http` adapter would read the request itself, however large.
 */
function bufferedWebhook(req: IncomingMessage, res: ServerResponse, body: Buffer) {
  const header = req.headers['x-telegram-bot-api-secret-token'];
  return {
    // Parsed lazily: a request with a wrong secret is refused before its body is looked at.
    get update(): Promise<Update> {
      return Promise.resolve().then(() => JSON.parse(body.toString('utf8')) as Update);
    },
    header: Array.isArray(header) ? header[0] : header,
    end: () => res.end(),
    respond: (json: string) => res.writeHead(200, { 'content-type': 'application/json' }).end(json),
    unauthorized: () => res.writeHead(401).end('secret token is wrong'),
  };
}

export function createTelegramChannel(deps: TelegramChannelDeps): TelegramChannel {
  const { bot, logger } = deps;
  let state: TelegramState = 'stopped';
  const keyboards = new KeyboardState();
  let runner: RunnerHandle | undefined;
  let webhookMode = false;
  let pollingLease: { release(): Promise<void> } | undefined;

  bot.use((ctx, next) => {
    normaliseUpdateText(ctx.update);
    return next();
  });
  if (deps.coordination) {
    // Only webhooks reach several instances; a poller is alone by its lease.
    bot.use(sharedInstances({ coordination: deps.coordination, logger, active: () => webhookMode, chatKey }));
  }
  bot.use(sequentialize(chatKey));
  bot.use(
    staffMenuOnFirstMessage({
      repos: deps.repos,
      onError: (error) => logger.warn({ err: error }, 'could not publish a staff command menu'),
    }),
  );
  bot.use(
    createTelegramAdapter({
      engine: deps.engine,
      keyboards,
      get dispatcher() {
        return deps.dispatcher();
      },
      repos: deps.repos,
      logger,
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  // One failing update is logged and skipped; it never stops the bot.
  bot.catch((error) =>
    logger.error({ err: error.error, update: error.ctx.update.update_id }, 'telegram update failed'),
  );

  const sender = createTelegramSender(bot.api, {
    keyboards,
    get botUsername() {
      return bot.isInited() ? bot.botInfo.username : undefined;
    },
  });

  return {
    sender,
    async start(options) {
      state = 'starting';
      try {
        await bot.init();
      } catch (error) {
        state = 'failed';
        throw new Error(
          `cannot reach the Telegram Bot API (check TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT): ${(error as Error).message}`,
          { cause: error },
        );
      }
      // A Bot API server without setMyCommands (an emulator, an old self-hosted one) is no reason to stop.
      await knownStaffChats(deps.repos)
        .then((staff) => publishCommands(bot.api, staff))
        .catch((error: unknown) => logger.warn({ err: error }, 'could not publish the command menu'));
      webhookMode = options?.webhook !== undefined;
      if (!options?.webhook && deps.coordination) {
        try {
          pollingLease = await holdPollingLease(deps.coordination, logger);
        } catch (error) {
          state = 'failed';
          throw error;
        }
      }
      if (options?.webhook) {
        await bot.api.setWebhook(options.webhook.url, {
          secret_token: options.webhook.secretToken,
          allowed_updates: ['message', 'callback_query', 'my_chat_member'],
        });
      } else {
        await bot.api
          .deleteWebhook()
          .catch((error: unknown) => logger.warn({ err: error }, 'could not delete the webhook'));
        runner = run(bot, { runner: { fetch: { allowed_updates: ['message', 'callback_query', 'my_chat_member'] } } });
      }
      state = 'running';
      logger.info(
        { bot: bot.botInfo.username, mode: options?.webhook ? 'webhook' : 'polling' },
        'telegram channel running',
      );
    },
    webhookHandler(secretToken) {
      const handle = webhookCallback(bot, bufferedWebhook, { secretToken });
      return async (req, res, body) => {
        try {
          await handle(req, res, body);
        } catch (error) {
          if (!(error instanceof SyntaxError) || res.headersSent) throw error;
          res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"the body is not a JSON update"}');
        }
      };
    },
    async stop() {
      if (runner?.isRunning()) await runner.stop();
      await pollingLease?.release();
      pollingLease = undefined;
      state = 'stopped';
    },
    state: () => state,
    username: () => (bot.isInited() ? bot.botInfo.username : undefined),
  };
}

const TELEGRAM_CAPABILITIES = { buttons: true, maxTextLength: TELEGRAM_TEXT_LIMIT, files: true } as const;

/** The registered Telegram channel's `create` (module.ts), loaded only when Telegram is configured. */
export function runTelegramChannel(ctx: ChannelContext): RunningChannel {
  const { config, logger } = ctx;
  const token = config.telegram.botToken;
  if (!token) throw new Error('the Telegram channel needs TELEGRAM_BOT_TOKEN');
  const channel = createTelegramChannel({
    bot: createTelegramBot({ token, apiRoot: config.telegram.apiRoot, throttle: config.telegram.throttle }),
    engine: ctx.engine,
    dispatcher: ctx.dispatcher,
    repos: ctx.repos,
    logger,
    ...(ctx.coordination ? { coordination: ctx.coordination } : {}),
  });
  const webhook = config.telegram.webhook;
  const starter = backgroundStart({
    name: 'telegram',
    // Network errors are retried inside grammY; a failed start is tried again by the starter.
    run: () => channel.start(webhook ? { webhook: { url: webhook.url, secretToken: webhook.secret } } : {}),
    rejectedToken: (cause) =>
      cause instanceof GrammyError && (cause.error_code === 401 || cause.error_code === 404)
        ? 'Telegram rejected TELEGRAM_BOT_TOKEN; the Telegram channel stays off'
        : undefined,
    logger,
  });
  return {
    name: 'telegram',
    capabilities: TELEGRAM_CAPABILITIES,
    sender: channel.sender,
    async start() {
      starter.start();
    },
    async stop() {
      starter.stop();
      await channel.stop();
    },
    health: () => ({ state: channel.state(), hint: webhook ? 'webhook' : 'long polling' }),
    routes() {
      const routes: Record<string, RawHttpHandler> = {};
      if (webhook) routes['POST /telegram/webhook'] = channel.webhookHandler(webhook.secret);
      return routes;
    },
  };
}
