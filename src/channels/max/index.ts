// The Max channel: the official client (@maxhub/max-bot-api) on long polling (default) or a
// webhook, every API call paced by limiter.ts. Thin on purpose: updates become engine events
// (inbound.ts), the engine's answers become Max messages with inline keyboards (sender.ts), and
// what to say is the engine's business. What was learned about the Max Bot API: README.md here.
import { backgroundStart } from '../background-start.js';
import { Bot, MaxError, Webhook } from '@maxhub/max-bot-api';
import type { Update, UpdateType } from '@maxhub/max-bot-api/types';
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from '../../delivery/dispatcher.js';
import type { ChannelSender } from '../../delivery/ports.js';
import type { Repositories } from '../../domain/repositories.js';
import type { Engine } from '../../engine/engine.js';
import type { Acknowledgement, InboundEvent, Outbound } from '../../engine/events.js';
import { parseGroupCommand, runGroupCommand } from '../../engine/groups.js';
import { createKeyedQueue } from '../../engine/keyed-queue.js';
import { translator } from '../../i18n/index.js';
import type { Logger } from '../../logger.js';
import { parseChatId, readUpdate, type ButtonPress } from './inbound.js';
import { answerOf, decode, keyboardAttachment, ranked, toggled } from './keyboard.js';
import { KeyboardState } from './keyboard-state.js';
import { pacedFetch } from './limiter.js';
import type { ChannelContext, RawHttpHandler, RunningChannel } from '../channel.js';
import { createMaxSender, MAX_TEXT_LIMIT } from './sender.js';

/** What the bot subscribes to; anything else Max might send is not asked for. */
export const MAX_UPDATE_TYPES: UpdateType[] = [
  'message_created',
  'message_callback',
  'bot_started',
  'bot_stopped',
  'dialog_removed',
  'bot_added',
  'user_added',
];

export const MAX_WEBHOOK_PATH = '/max/webhook';

export interface MaxBotOptions {
  token: string;
  apiRoot: string;
  requestsPerSecond: number;
  logger: Logger;
  /** Tests: a short first wait after a 429, instead of a second. */
  retryBaseDelayMs?: number;
}

export function createMaxBot(options: MaxBotOptions): Bot {
  const fetch = pacedFetch({
    requestsPerSecond: options.requestsPerSecond,
    ...(options.retryBaseDelayMs !== undefined ? { baseDelayMs: options.retryBaseDelayMs } : {}),
    onRetry: (info) => options.logger.warn(info, 'max refused a call; retrying after a wait'),
  });
  return new Bot(options.token, { clientOptions: { baseUrl: options.apiRoot, fetch } });
}

export interface MaxChannelDeps {
  bot: Bot;
  engine: Engine;
  /** Filled in after the channel is built: the dispatcher needs this channel's sender first. */
  dispatcher: () => Dispatcher;
  repos: Repositories;
  logger: Logger;
  /** The bot's nick for max.ru/<nick>?start= links; otherwise the one getMyInfo reports. */
  botUsername?: string;
  now?: () => Date;
}

export type MaxState = 'starting' | 'running' | 'stopped' | 'failed';

export interface MaxChannel {
  readonly sender: ChannelSender;
  /** getMyInfo, commands, then long polling, or the webhook subscription when `webhook` is given. */
  start(options?: { webhook?: { url: string; secret: string } }): Promise<void>;
  /** The HTTP handler for POST /max/webhook (checks the X-Max-Bot-Api-Secret header). */
  webhookHandler(secret: string): (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<void>;
  stop(): Promise<void>;
  state(): MaxState;
  username(): string | undefined;
  /** One update, as long polling or the webhook delivers it (tests call it directly too). */
  handleUpdate(update: Update): Promise<void>;
}

export function createMaxChannel(deps: MaxChannelDeps): MaxChannel {
  const { bot, engine, repos, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const keyboards = new KeyboardState();
  // One chat's updates in order (polling hands over a batch at once); different chats in parallel.
  const queue = createKeyedQueue();
  let state: MaxState = 'stopped';
  let polling: Promise<void> | undefined;

  const username = () => deps.botUsername ?? bot.botInfo?.username ?? undefined;
  const sender = createMaxSender(bot.api, {
    botUsername: username,
    prompted: (chat, mid) => keyboards.prompted(chat, mid),
  });
  async function deliver(out: Outbound[]): Promise<void> {
    for (const d of await deps.dispatcher().dispatch(out)) {
      if (!d.outcome.ok) logger.warn({ channel: d.channel, kind: d.outcome.kind }, 'a reply was not delivered');
    }
  }

  const say = (chatId: string, text: string) => sender.send(chatId, { kind: 'text', text });

  /**
   * Answers a press. With `message` Max replaces the pressed message (new text and keyboard). The
   * client's type has only `message`; the API also takes `notification` (not needed here).
   */
  async function answer(
    press: ButtonPress,
    text: string,
    rows?: Parameters<typeof keyboardAttachment>[0],
  ): Promise<void> {
    await bot.api
      .answerOnCallback(press.callbackId, { message: { text, attachments: rows ? [keyboardAttachment(rows)] : [] } })
      .catch((error: unknown) => logger.debug({ err: error }, 'button press not answered'));
  }

  async function onPress(press: ButtonPress): Promise<void> {
    const action = decode(press.payload);
    if (press.chat.type !== 'private') return;
    if (!action) return answer(press, press.text, press.rows);
    const key = press.messageId ?? '';
    const rows = keyboards.current(press.chat.id, key, press.rows);
    // Ticking a box or numbering an option only changes the keyboard; the answer comes with "Готово".
    if ((action.kind === 'toggle' || action.kind === 'rank') && rows) {
      const next = action.kind === 'toggle' ? toggled(rows, press.payload) : ranked(rows, press.payload);
      keyboards.redrawn(press.chat.id, key, next);
      return answer(press, press.text, next);
    }
    const { optionIds, labels } = answerOf(action, rows, press.payload);
    const event: InboundEvent = {
      channel: 'max',
      messageId: `cb:${press.callbackId}`,
      chat: press.chat,
      from: press.from,
      at: press.at,
      payload: { kind: 'choice', ref: action.ref, optionIds },
    };
    const out = await engine.handle(event);
    keyboards.answered(press.chat.id, key);
    const ack = out.find((o): o is Outbound & { message: Acknowledgement } => o.message.kind === 'ack');
    // The question stays in the chat with its answer under it, without buttons to press again.
    const shown = ack?.message.accepted && labels.length ? `${press.text}\n\n✓ ${labels.join(', ')}` : press.text;
    await answer(press, shown);
    await deliver(out);
  }

  async function onPrivateMessage(event: InboundEvent): Promise<void> {
    // A typed answer leaves the last question's buttons (back, skip, options) stale: take them away.
    const stale = keyboards.takeLastPrompt(event.chat.id);
    if (stale)
      await bot.api
        .editMessage(stale, { attachments: [] })
        .catch((error: unknown) => logger.debug({ err: error }, 'keyboard not removed'));
    await deliver(await engine.handle(event));
  }

  async function onGroupMessage(event: InboundEvent): Promise<void> {
    const text = event.payload.kind === 'text' ? event.payload.text.trim() : '';
    const command = parseGroupCommand(text);
    if (!command) {
      // Everything else in a group is the teachers' own conversation, except a newcomer to greet.
      if (event.payload.kind === 'member_joined') await deliver(await engine.handle(event));
      return;
    }
    const target = parseChatId(event.chat.id);
    const chat = target && 'chatId' in target ? await bot.api.getChat(target.chatId).catch(() => undefined) : undefined;
    const outcome = await runGroupCommand(
      repos,
      { event, at: now(), ...(chat?.title ? { title: chat.title } : {}) },
      command,
      {
        // Max gives a group's link with the chat (public groups, or where the bot may see it); without
        // one the curator invites from the group itself.
        inviteLink: async () => chat?.link ?? undefined,
        linkToCurator: true,
      },
    );
    await say(event.chat.id, outcome.reply);
    if (outcome.toCurator) await say(outcome.toCurator.chatId, outcome.toCurator.text);
  }

  async function handleUpdate(update: Update): Promise<void> {
    const input = readUpdate(update, bot.botInfo?.user_id);
    switch (input.kind) {
      case 'event': {
        const { event } = input;
        const key = event.chat.type === 'group' ? event.chat.id : event.from.id;
        return queue(key, () => (event.chat.type === 'group' ? onGroupMessage(event) : onPrivateMessage(event)));
      }
      case 'press':
        return queue(input.press.chat.type === 'group' ? input.press.chat.id : input.press.from.id, () =>
          onPress(input.press),
        );
      case 'unreachable': {
        const person = await repos.participants.findByAddress('max', String(input.userId));
        if (person) await repos.participants.setUnreachable(person.id, 'max', input.at);
        return;
      }
      case 'bot_added':
        // Tell whoever added the bot how to tie the group to a course.
        await say(input.chatId, translator('ru')('group.bind_usage'));
        return;
      case 'ignore':
        logger.debug({ why: input.why }, 'max update ignored');
        return;
      default: {
        const never: never = input;
        throw new Error(`unhandled input ${JSON.stringify(never)}`);
      }
    }
  }

  async function safely(update: Update): Promise<void> {
    // One failing update is logged and skipped; it never stops the bot.
    await handleUpdate(update).catch((error: unknown) =>
      logger.error({ err: error, update: update.update_type }, 'max update failed'),
    );
  }
  bot.use(async (ctx) => safely(ctx.update));
  bot.catch((error) => logger.error({ err: error }, 'max update failed'));

  return {
    sender,
    handleUpdate: safely,
    async start(options) {
      state = 'starting';
      try {
        bot.botInfo ??= await bot.api.getMyInfo();
      } catch (error) {
        state = 'failed';
        throw new Error(
          `cannot reach the Max Bot API (check MAX_BOT_TOKEN and MAX_API_ROOT): ${(error as Error).message}`,
          { cause: error },
        );
      }
      await bot.api
        .setMyCommands(
          ['menu', 'surveys', 'activity', 'progress', 'consult', 'language', 'link', 'help'].map((name) => ({
            name,
            description: commandDescription(name),
          })),
        )
        .catch((error: unknown) => logger.warn({ err: error }, 'could not publish the command menu'));
      if (options?.webhook) {
        await Webhook.clearSubscriptions(bot.api, options.webhook.url);
        await bot.api.subscribe(options.webhook.url, options.webhook.secret, MAX_UPDATE_TYPES);
      } else {
        // Max delivers to a webhook or to polling, never both: drop any old subscription first.
        await Webhook.clearSubscriptions(bot.api).catch((error: unknown) =>
          logger.warn({ err: error }, 'could not remove webhook subscriptions'),
        );
        polling = bot.startPolling({ allowedUpdates: MAX_UPDATE_TYPES });
      }
      state = 'running';
      logger.info({ mode: options?.webhook ? 'webhook' : 'polling' }, 'max channel running');
    },
    webhookHandler(secret) {
      // The HTTP server has read the body (within its size limit), so the client's own callback,
      // which reads the request itself, is not used; the check is the same (X-Max-Bot-Api-Secret).
      const expected = Buffer.from(secret);
      return async (req, res, body) => {
        const given = req.headers['x-max-bot-api-secret'];
        const offered = Buffer.from(typeof given === 'string' ? given : '');
        if (offered.length !== expected.length || !timingSafeEqual(offered, expected)) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
          return;
        }
        let update: Update;
        try {
          update = JSON.parse(body.toString('utf8')) as Update;
        } catch {
          res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"the body is not a JSON update"}');
          return;
        }
        // Answered at once, as Max expects; a redelivered update is handled once (the engine de-duplicates).
        res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
        await safely(update);
      };
    },
    async stop() {
      bot.stopPolling();
      await polling?.catch(() => undefined);
      polling = undefined;
      state = 'stopped';
    },
    state: () => state,
    username,
  };
}

/** The command menu Max shows; Russian, the language of the centres that use Max. */
function commandDescription(name: string): string {
  const t = translator('ru');
  switch (name) {
    case 'menu':
      return t('menu.title');
    case 'surveys':
      return t('menu.surveys', { count: 0 }).replace(/\s*\(0\)$/, '');
    case 'activity':
      return t('menu.activity');
    case 'progress':
      return t('menu.progress');
    case 'consult':
      return t('menu.consultation');
    case 'language':
      return t('menu.language');
    case 'link':
      return t('account.link_command');
    default:
      return t('menu.help');
  }
}

const MAX_CAPABILITIES = { buttons: true, maxTextLength: MAX_TEXT_LIMIT, files: true } as const;

/** The registered Max channel's `create` (module.ts), loaded only when Max is configured. */
export function runMaxChannel(ctx: ChannelContext): RunningChannel {
  const { config, logger } = ctx;
  const token = config.max.botToken;
  if (!token) throw new Error('the Max channel needs MAX_BOT_TOKEN');
  const channel = createMaxChannel({
    bot: createMaxBot({
      token,
      apiRoot: config.max.apiRoot,
      requestsPerSecond: config.max.requestsPerSecond,
      logger,
    }),
    engine: ctx.engine,
    dispatcher: ctx.dispatcher,
    repos: ctx.repos,
    logger,
    ...(config.max.botUsername ? { botUsername: config.max.botUsername } : {}),
  });
  const webhook = config.max.webhook;
  const starter = backgroundStart({
    name: 'max',
    run: () => channel.start(webhook ? { webhook } : {}),
    // 401: a token Max rejects, which no retry fixes.
    rejectedToken: (cause) =>
      cause instanceof MaxError && cause.status === 401
        ? 'Max rejected MAX_BOT_TOKEN; the Max channel stays off'
        : undefined,
    logger,
  });
  return {
    name: 'max',
    capabilities: MAX_CAPABILITIES,
    sender: channel.sender,
    async start() {
      starter.start();
    },
    async stop() {
      starter.stop();
      await channel.stop();
    },
    health: () => ({ state: channel.state(), hint: webhook ? 'webhook' : 'long polling' }),
    routes(): Record<string, RawHttpHandler> {
      return webhook ? { [`POST ${MAX_WEBHOOK_PATH}`]: channel.webhookHandler(webhook.secret) } : {};
    },
  };
}
