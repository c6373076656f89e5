// The WhatsApp channel: a WhatsApp Web client behind a narrow port, the engine adapter, a paced and
// persistent outbox every message goes through, the login QR (terminal and HTTP), reconnection with
// backoff, and the cohort groups the bot opens (from a curator's chat or from the CLI, as requests kept in the store).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../../config.js';
import type {
  ChannelFileRepository,
  ChannelRequestQueue,
  OutboxRepository,
  SessionArchiveRepository,
} from '../../domain/channel-storage.js';
import type { Dispatcher } from '../../delivery/dispatcher.js';
import type { ChannelSender } from '../../delivery/ports.js';
import type { Locale } from '../../domain/locale.js';
import type { Participant } from '../../domain/participant.js';
import type { Repositories } from '../../domain/repositories.js';
import type { Engine } from '../../engine/engine.js';
import { t, type MessageKey } from '../../i18n/index.js';
import type { Logger } from '../../logger.js';
import { createWhatsappAdapter } from './adapter.js';
import {
  CREATE_GROUP_JOB,
  createCohortGroup,
  describeCreation,
  type CreateGroupJobData,
  type GroupCreation,
} from './groups.js';
import { createOutbox, type Outbox, type OutboxStats, type PaceSettings } from './outbox.js';
import { isPersonId, type PortFile, type WhatsappPort } from './port.js';
import { qrForTerminal, qrHttpHandler } from './qr.js';
import { chatsOf } from '../../engine/identity.js';
import { idOn } from '../../domain/participant.js';
import type { ChannelContext, RunningChannel } from '../channel.js';
import { WHATSAPP_TEXT_LIMIT } from './render.js';
import { createWhatsappSender } from './sender.js';
import { realTimers, type Timers } from './timers.js';

export { CREATE_GROUP_JOB, requestGroupCreation, type CreateGroupJobData, type GroupCreation } from './groups.js';
export { DEFAULT_PACE, type PaceSettings } from './outbox.js';
export type { WhatsappPort } from './port.js';

/** disabled: WHATSAPP_ENABLED is off (the channel is not built; see channels/status.ts). */
export type WhatsappState = 'starting' | 'qr' | 'running' | 'disconnected' | 'failed' | 'disabled';

/** Disconnect reasons that need a person: a new QR scan, or closing another session. */
/** Puppeteer's ways of saying there is no browser to launch. */
const BROWSER_MISSING =
  /Could not find (?:Chrom|expected browser)|Browser was not found|Failed to launch the browser process[\s\S]*ENOENT|spawn \S+ ENOENT/i;

/** The first line of a start failure, with the network's errors said plainly. */
function startFailure(message: string): string {
  const first = message.split('\n')[0]?.trim().slice(0, 160) ?? '';
  const net =
    /net::(ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_\w+|ERR_ADDRESS_UNREACHABLE|ERR_NETWORK_\w+|ERR_PROXY_\w+|ERR_TIMED_OUT)/.exec(
      first,
    );
  return net ? `no network: web.whatsapp.com cannot be reached (${net[1]})` : first;
}

const LOGGED_OUT_REASONS = new Set([
  'LOGOUT',
  'UNPAIRED',
  'UNPAIRED_IDLE',
  'TOS_BLOCK',
  'SMB_TOS_BLOCK',
  'DEPRECATED_VERSION',
]);

export interface WhatsappSettings {
  /** The bot account's number (WHATSAPP_PHONE): wa.me links; otherwise the logged-in number is used. */
  phone: string | undefined;
  chromePath: string | undefined;
  dataDir: string;
  /** MONGODB_URI is set: the session goes to GridFS (RemoteAuth) instead of DATA_DIR (LocalAuth). */
  remoteSession: boolean;
  /** Required on GET /whatsapp/qr when set. */
  qrToken: string | undefined;
  pace: PaceSettings;
  defaultLocale: Locale;
}

export function whatsappSettings(config: Config): WhatsappSettings {
  return {
    phone: config.whatsapp.phone,
    chromePath: config.whatsapp.chromePath,
    dataDir: config.dataDir,
    remoteSession: config.store.mongodbUri !== undefined,
    qrToken: config.whatsapp.qrToken,
    pace: config.whatsapp.pace,
    defaultLocale: config.defaultLocale,
  };
}

export interface WhatsappChannelDeps {
  settings: WhatsappSettings;
  engine: Engine;
  /** Filled in after the channel is built: the dispatcher needs this channel's sender first. */
  dispatcher: () => Dispatcher;
  repos: Repositories;
  /** What the channel keeps in the store: its outbox, and its login session when `remoteSession`. */
  outboxStore: OutboxRepository;
  sessionArchives: SessionArchiveRepository;
  /** Files waiting in the outbox; without it WhatsApp sends no files (the text fallback goes instead). */
  files?: ChannelFileRepository;
  /** With it, group-creation requests stored by the CLI are carried out here. */
  requests?: ChannelRequestQueue;
  logger: Logger;
  /** A ready port (tests pass a fake); otherwise whatsapp-web.js is loaded at start(). */
  port?: WhatsappPort;
  timers?: Timers;
  random?: () => number;
  /** Where the login QR is drawn; the process's stdout by default. */
  terminal?: (text: string) => void;
}

export interface WhatsappChannel {
  readonly sender: ChannelSender;
  readonly outbox: Outbox;
  /**
   * Opens WhatsApp Web in the background and returns: a QR may wait for a scan for hours, and a
   * failure is retried with backoff here, never thrown at the caller.
   */
  start(): Promise<void>;
  stop(): Promise<void>;
  state(): WhatsappState;
  /** For /healthz: the state and what a person should do about it (degraded: sending paused). */
  health(): { state: WhatsappState | 'degraded'; hint?: string };
  /** GET /whatsapp/qr: the login code as a PNG. */
  qrHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Creates (or completes) a cohort's WhatsApp group now; the client must be running. */
  createGroup(cohortCode: string, requestedBy?: Participant): Promise<GroupCreation>;
  stats(): Promise<OutboxStats>;
  /** Resolves once every WhatsApp event received so far has been handled (tests). */
  idle(): Promise<void>;
}

const RECONNECT_BASE_MS = 5_000;
const RECONNECT_MAX_MS = 5 * 60_000;
const WELCOME_COOLDOWN_MS = 10 * 60_000;

export function createWhatsappChannel(deps: WhatsappChannelDeps): WhatsappChannel {
  const { settings, repos, logger } = deps;
  const timers = deps.timers ?? realTimers;
  const terminal = deps.terminal ?? ((text: string) => void process.stdout.write(text));
  let port = deps.port;
  let state: WhatsappState = 'starting';
  let qr: string | undefined;
  let started = false;
  let stopped = false;
  let failures = 0;
  let reconnectTimer: unknown;
  let browserMissing = false;
  /** Why the last start failed, in a few words, for /healthz. */
  let startError: string | undefined;

  const currentPort = (): WhatsappPort => {
    if (!port) throw new Error('the WhatsApp client has not been started');
    return port;
  };
  const ownPhone = () => port?.ownId()?.replace(/@.*$/, '');
  const account = settings.phone?.replace(/\D/g, '') || 'default';

  /**
   * Staff and the curators of cohorts that use WhatsApp hear about a breakdown on another channel
   * they use (Telegram, Max...), when the bot has one.
   */
  async function alertStaff(key: MessageKey, params: Record<string, string | number> = {}): Promise<void> {
    try {
      const cohorts = [
        ...(await repos.cohorts.listByStatus('active')),
        ...(await repos.cohorts.listByStatus('finished')),
      ].filter((c) => c.groups.some((g) => g.channel === 'whatsapp'));
      const ids = new Set([
        ...(await repos.participants.listStaff()).map((p) => p.id),
        ...cohorts.flatMap((c) => c.curatorIds),
      ]);
      // On any other channel they use: WhatsApp itself is what broke.
      const people = (await repos.participants.findByIds([...ids])).flatMap((p) => {
        const chat = p.anonymisedAt ? undefined : chatsOf(p).find((c) => c.channel !== 'whatsapp');
        return chat ? [{ p, chat }] : [];
      });
      if (people.length === 0) {
        logger.warn({ alert: key }, 'no staff member or curator on another channel to tell about WhatsApp');
        return;
      }
      const deliveries = await deps.dispatcher().dispatch(
        people.map(({ p, chat }) => ({
          to: { kind: 'chat' as const, channel: chat.channel, chatId: chat.chatId },
          message: { kind: 'text' as const, text: t(p.locale, key, params) },
        })),
      );
      logger.info({ alert: key, told: deliveries.filter((d) => d.outcome.ok).length }, 'staff told about WhatsApp');
    } catch (error) {
      logger.error({ err: error, alert: key }, 'could not tell staff about WhatsApp');
    }
  }

  const outbox = createOutbox({
    store: deps.outboxStore,
    account,
    send: (chatId, text) => currentPort().sendMessage(chatId, text),
    recentSent: (chatId, limit) => currentPort().recentSent(chatId, limit),
    ...(deps.files
      ? {
          files: deps.files,
          sendFile: (chatId: string, file: PortFile, caption: string) => currentPort().sendFile(chatId, file, caption),
        }
      : {}),
    pace: settings.pace,
    timers,
    logger: logger.child({ component: 'whatsapp-outbox' }),
    ...(deps.random ? { random: deps.random } : {}),
    async onAlert(alert) {
      if (alert.kind === 'paused')
        await alertStaff('whatsapp.alert_paused', { detail: alert.detail.slice(0, 100), pending: alert.pending });
      else if (alert.kind === 'unconfirmed') await alertStaff('whatsapp.alert_unconfirmed', { count: alert.count });
      else await alertStaff('whatsapp.alert_resumed');
    },
    async onUndeliverable(chatId) {
      if (!isPersonId(chatId)) return;
      const person = await repos.participants.findByAddress('whatsapp', chatId);
      if (person) await repos.participants.setUnreachable(person.id, 'whatsapp', timers.now());
    },
  });
  repos.erasure.addEraser(async (person) => {
    const id = idOn(person, 'whatsapp');
    if (id) await outbox.forget(id);
  });
  const sender = createWhatsappSender({
    outbox,
    botPhone: () => settings.phone ?? ownPhone(),
    locale: settings.defaultLocale,
    files: deps.files !== undefined,
  });
  const say = async (chatId: string, text: string) => {
    const outcome = await sender.send(chatId, { kind: 'text', text });
    if (!outcome.ok) logger.warn({ kind: outcome.kind }, 'a whatsapp message was not queued');
  };
  const createGroup = (code: string, requestedBy?: Participant, requestId?: string) =>
    createCohortGroup(
      { port: currentPort, repos, send: say, logger, now: timers.now },
      { code, ...(requestedBy ? { requestedBy } : {}), ...(requestId ? { requestId } : {}) },
    );

  const adapter = createWhatsappAdapter({
    engine: deps.engine,
    dispatcher: deps.dispatcher,
    repos,
    outbox,
    port: currentPort,
    say,
    createGroup,
    logger,
    now: timers.now,
    welcomeCooldownMs: WELCOME_COOLDOWN_MS,
  });

  function scheduleReconnect(): void {
    // whatsapp-web.js may report one breakdown twice (auth_failure then disconnected): one retry.
    if (stopped || reconnectTimer !== undefined) return;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** failures);
    failures += 1;
    logger.warn({ retryInSeconds: delay / 1000, attempt: failures }, 'whatsapp will reconnect');
    reconnectTimer = timers.setTimeout(() => {
      reconnectTimer = undefined;
      void connect();
    }, delay);
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    state = 'starting';
    try {
      await currentPort().initialize();
    } catch (error) {
      if (stopped) {
        // stop() closed the browser under the start: nothing failed, nothing to retry.
        await currentPort().destroy();
        return;
      }
      state = 'failed';
      startError = startFailure((error as Error).message ?? String(error));
      await currentPort().destroy();
      if (BROWSER_MISSING.test((error as Error).message ?? '')) {
        // No retry can install a browser: one clear line, and WhatsApp stays off until a restart.
        browserMissing = true;
        logger.error(
          `WhatsApp is off: no Chromium found${settings.chromePath ? ` at CHROME_PATH=${settings.chromePath}` : ''}. Install Chromium (Debian: apt-get install chromium) and set CHROME_PATH=/usr/bin/chromium, then restart.`,
        );
        return;
      }
      logger.error({ err: error }, 'whatsapp client failed to start (check CHROME_PATH and the network)');
      scheduleReconnect();
    }
  }

  function wire(p: WhatsappPort): void {
    p.on('qr', (code) => {
      const fresh = code !== qr;
      state = 'qr';
      qr = code;
      if (fresh) {
        terminal(
          `\nWhatsApp: scan this code on the bot's phone (WhatsApp > Linked devices), or open GET /whatsapp/qr\n${qrForTerminal(code)}\n`,
        );
        logger.info('whatsapp is waiting for a QR scan (GET /whatsapp/qr)');
      }
    });
    p.on('authenticated', () => {
      qr = undefined;
      logger.info('whatsapp session authenticated');
    });
    p.on('auth_failure', (message) => {
      qr = undefined;
      state = 'failed';
      outbox.pause();
      logger.error({ reason: message }, 'whatsapp refused the stored session; a new QR scan will be needed');
      void alertStaff('whatsapp.alert_logged_out', { reason: 'auth_failure' });
      void currentPort().destroy().then(scheduleReconnect);
    });
    p.on('ready', () => {
      qr = undefined;
      startError = undefined;
      state = 'running';
      failures = 0;
      const own = ownPhone();
      if (settings.phone && own && settings.phone.replace(/\D/g, '') !== own) {
        logger.warn('the logged-in WhatsApp number is not WHATSAPP_PHONE: join links point to another number');
      }
      outbox.resume();
      logger.info('whatsapp channel running');
    });
    p.on('disconnected', (reason) => {
      if (stopped) return;
      state = 'disconnected';
      outbox.pause();
      logger.warn({ reason }, 'whatsapp disconnected');
      const code = String(reason).toUpperCase();
      if (code === 'CONFLICT') void alertStaff('whatsapp.alert_conflict');
      else if (LOGGED_OUT_REASONS.has(code)) void alertStaff('whatsapp.alert_logged_out', { reason: code });
      void currentPort().destroy().then(scheduleReconnect);
    });
    p.on('message', (message) => adapter.onMessage(message));
    p.on('group_join', (join) => adapter.onGroupJoin(join));
  }

  async function runCreateGroupJob(data: CreateGroupJobData): Promise<void> {
    // Thrown, so the request is retried with its backoff until WhatsApp is back.
    if (state !== 'running') throw new Error(`WhatsApp is not connected (state: ${state})`);
    const requester = data.requestedBy ? await repos.participants.findById(data.requestedBy) : undefined;
    const result = await createGroup(data.cohortCode, requester, data.requestId);
    logger.info({ kind: result.kind }, 'whatsapp group request handled');
    if (requester) {
      await deps.dispatcher().dispatch([
        {
          to: { kind: 'participant', participantId: requester.id },
          message: { kind: 'text', text: describeCreation(result, requester.locale) },
        },
      ]);
    }
  }

  if (deps.requests) {
    deps.requests.handle<CreateGroupJobData>(CREATE_GROUP_JOB, runCreateGroupJob, {
      concurrency: 1,
      // Every 1, 2, 4... minutes, at most 30 apart, for about a day: WhatsApp may be waiting for a QR scan.
      retryDelayMs: (attempt) => (attempt <= 60 ? Math.min(30 * 60_000, 60_000 * 2 ** (attempt - 1)) : null),
    });
  }

  const hints: Record<WhatsappState, string> = {
    starting: 'opening WhatsApp Web',
    qr: 'scan the login QR code: terminal output or GET /whatsapp/qr',
    running: 'logged in',
    disconnected: 'connection lost; reconnecting with backoff',
    failed: 'could not start or the session was refused; retrying (check CHROME_PATH and the logs)',
    disabled: 'set WHATSAPP_ENABLED=true (and CHROME_PATH) to enable WhatsApp',
  };

  return {
    sender,
    outbox,
    async start() {
      if (started) return;
      started = true;
      if (!port) {
        // Loaded only now: a bot without WhatsApp never loads whatsapp-web.js and puppeteer.
        const { createWhatsappWebPort } = await import('./client.js');
        port = await createWhatsappWebPort({
          chromePath: settings.chromePath,
          dataDir: settings.dataDir,
          sessionArchives: settings.remoteSession ? deps.sessionArchives : undefined,
          logger,
        });
      }
      wire(port);
      void connect();
    },
    async stop() {
      stopped = true;
      if (reconnectTimer !== undefined) timers.clearTimeout(reconnectTimer);
      await outbox.stop();
      await adapter.idle();
      await port?.destroy();
      state = 'disconnected';
    },
    state: () => state,
    health() {
      const paused = outbox.breaker();
      if (state === 'running' && paused) {
        return {
          state: 'degraded' as const,
          hint: `sending paused since ${paused.since.toISOString()} after repeated "${paused.detail.slice(0, 80)}"; every message is kept`,
        };
      }
      if (browserMissing)
        return {
          state,
          hint: 'no Chromium found: install it and set CHROME_PATH (e.g. /usr/bin/chromium), then restart',
        };
      if (state === 'failed' && startError)
        return { state, hint: `could not open WhatsApp Web: ${startError}; retrying with backoff` };
      return { state, hint: hints[state] };
    },
    qrHandler: () => qrHttpHandler({ currentQr: () => qr, state: () => state }, { token: settings.qrToken }),
    createGroup,
    stats: () => outbox.stats(),
    async idle() {
      await adapter.idle();
    },
  };
}

/** The registered WhatsApp channel's `create` (module.ts), loaded only when WhatsApp is enabled. */
export function runWhatsappChannel(ctx: ChannelContext): RunningChannel {
  const channel = createWhatsappChannel({
    settings: whatsappSettings(ctx.config),
    engine: ctx.engine,
    dispatcher: ctx.dispatcher,
    repos: ctx.repos,
    outboxStore: ctx.storage.outbox('whatsapp'),
    sessionArchives: ctx.storage.sessionArchives('whatsapp'),
    files: ctx.storage.files('whatsapp'),
    requests: ctx.storage.requests,
    logger: ctx.logger,
  });
  return {
    name: 'whatsapp',
    capabilities: { buttons: false, maxTextLength: WHATSAPP_TEXT_LIMIT, files: true },
    sender: channel.sender,
    start: () => channel.start(),
    stop: () => channel.stop(),
    health: () => channel.health(),
    routes: () => ({ 'GET /whatsapp/qr': channel.qrHandler() }),
  };
}
