/**
 * The shape of a channel: what every chat network Sputnik talks through (Telegram, WhatsApp, Max,
 * a web chat...) provides, so the rest of the bot never names one.
 *
 * How to add a channel:
 * 1. Make one folder, src/channels/<name>/, that exports a `ChannelModule`: the channel's
 *    name (the prefix of its addresses, "max" in "max:12345"), when it is enabled (a setting in
 *    src/config.ts), and `create`, which builds a `RunningChannel` from the `ChannelContext`.
 *    A channel with libraries of its own keeps the module in a small module.ts whose `create`
 *    imports the rest (see telegram/module.ts): what is not configured is never loaded.
 * 2. Inbound: turn each platform update into an `InboundEvent` (engine/events.ts) with
 *    `channel: <name>`, `from.id` the person's private chat id (their address), and `from.username`
 *    or `from.phone` when the platform gives them (that is how an imported person is recognised on
 *    first contact; engine/identity.ts does the rest for every channel). Hand it to
 *    `ctx.engine.handle` in order per chat (engine/keyed-queue.ts) and dispatch what comes back.
 *    In groups, /bind and /unbind go to engine/groups.ts (parseGroupCommand, runGroupCommand): the
 *    adapter gives the group's invite link if it can get one and sends the outcome.
 * 3. Outbound: a `ChannelSender` that renders the engine's messages for the channel's
 *    `capabilities` (buttons, or a numbered list: channels/numbered-text.ts; texts longer than
 *    `maxTextLength` split with delivery/split-text.ts), paced by the channel's own limiter, and
 *    that says in a `SendOutcome` whether a failure is worth retrying (blocked: mark unreachable).
 * 4. Add the module to CHANNEL_MODULES in src/channels/registry.ts: one line. The composition root
 *    starts, stops and health-checks it with the others; /healthz lists it.
 * 5. Tests: a driver in test/channels/shared/ (see driver.ts); the shared journey suite refuses to
 *    pass while a registered channel has none. test/channels/fake/ is the smallest complete channel.
 */
import type { Coordination } from '../domain/coordination.js';
import type { Config } from '../config.js';
import type { Dispatcher } from '../delivery/dispatcher.js';
import type { ChannelSender } from '../delivery/ports.js';
import type { Channel } from '../domain/channel.js';
import type { ChannelStorage } from '../domain/channel-storage.js';
import type { Repositories } from '../domain/repositories.js';
import type { Engine } from '../engine/engine.js';
import type { ChannelHealth } from '../http/health.js';
import type { RawRouteHandler } from '../http/server.js';
import type { Logger } from '../logger.js';

/** What the engine's messages can look like here. */
export interface ChannelCapabilities {
  /** Inline buttons under a question; without them, a numbered list answered by typing. */
  buttons: boolean;
  /** The longest text sent as one message; longer ones go in parts, split at line breaks. */
  maxTextLength: number;
  /** Files and pictures (exports, report spreadsheets, charts) can be sent. */
  files: boolean;
}

/**
 * Everything a channel may use, built once by the composition root. Curators' broadcasts, figures
 * and reports are not here: they are engine flows (the engine's staff tools), so a channel only
 * carries the engine's messages and never reaches monitoring or broadcasts itself.
 */
export interface ChannelContext {
  config: Config;
  engine: Engine;
  /** Filled in once every channel is built: the dispatcher needs all their senders first. */
  dispatcher: () => Dispatcher;
  repos: Repositories;
  /**
   * The storage a channel keeps of its own (WhatsApp's outbox, login session and the CLI's group
   * requests), through the store's repositories like everything else.
   */
  storage: ChannelStorage;
  logger: Logger;
  /** Several instances on one store: update claims, chat leases, the polling lease. */
  coordination?: Coordination;
}

/** As the HTTP server calls it: the request, the response, and the body already read (size-limited). */
export type RawHttpHandler = RawRouteHandler;

export interface RunningChannel {
  readonly name: Channel;
  readonly capabilities: ChannelCapabilities;
  readonly sender: ChannelSender;
  /**
   * Connects in the background and returns: a platform out of reach must not hold up the bot.
   * Retrying a failed start (and deciding when no retry can help) is the channel's own business.
   */
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): ChannelHealth;
  /** HTTP routes the channel serves ("POST /telegram/webhook", "GET /whatsapp/qr"). */
  routes?(): Record<string, RawHttpHandler>;
}

export interface ChannelModule {
  readonly name: Channel;
  /** Talks only to demo cohorts (the sandbox's web chat): see EngineSettings.demoChannels. */
  readonly demo?: boolean;
  /** As people know it ("WhatsApp"), e.g. in "this account now works on WhatsApp too"; else `name`. */
  readonly title?: string;
  /** Undefined when the configuration enables the channel; otherwise which setting would. */
  disabledHint(config: Config): string | undefined;
  /**
   * Builds the running channel. It may load the channel's own code and libraries first (grammY,
   * the Max SDK), so that a bot without the channel never loads them (start-up time).
   */
  create(ctx: ChannelContext): RunningChannel | Promise<RunningChannel>;
}
