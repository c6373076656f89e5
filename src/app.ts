// Composition root: config -> logger -> store -> scheduler -> HTTP (channels join in later issues).
import type { AddressInfo } from 'node:net';
import { GrammyError } from 'grammy';
import { MaxError } from '@maxhub/max-bot-api';
import { fileURLToPath } from 'node:url';
import { channelStatus } from './channels/status.js';
import type { Config } from './config.js';
import { createTelegramBot, createTelegramChannel, type TelegramChannel } from './channels/telegram/index.js';
import { createMaxBot, createMaxChannel, MAX_WEBHOOK_PATH, type MaxChannel } from './channels/max/index.js';
import { createWhatsappChannel, whatsappSettings, type WhatsappChannel } from './channels/whatsapp/index.js';
import { createBroadcastService } from './delivery/broadcasts.js';
import { createDispatcher } from './delivery/dispatcher.js';
import type { ChannelSender } from './delivery/ports.js';
import { createSputnikEngine, loadContent, type Engine } from './engine/index.js';
import { collectHealth } from './http/health.js';
import { createHttpServer } from './http/server.js';
import { consoleRoutes, createConsoleAuth } from './http/console/index.js';
import { createExportJobs } from './http/console/jobs.js';
import { consoleJoinLinks, createConsoleFiles, createStaffActions, questionnaireTexts } from './http/console/wiring.js';
import type { Logger } from './logger.js';
import { createMonitoring, monitoringRoutes } from './monitoring/index.js';
import { halfYearReportSource } from './monitoring/report-source.js';
import { createScheduler, type Scheduler } from './scheduler/agenda.js';
import { createLinkChecker } from './links/check.js';
import { createLinkCheckService } from './scheduler/link-checks.js';
import { createPostCourseScheduler } from './scheduler/post-course.js';
import { scheduleSampleInvitations } from './scheduler/sample-invitations.js';
import { scheduleConsultationEscalation } from './scheduler/consultation-escalation.js';
import type { JournalIo } from './store/embedded/index.js';
import { openStore, type Store } from './store/index.js';
import { checkQuestionnaireVersions } from './store/questionnaire-versions.js';
import { VERSION } from './version.js';

/** flows/ and questionnaires/ live beside src/, wherever the process was started from. */
export const CONTENT_ROOT = fileURLToPath(new URL('../', import.meta.url));

export class ContentError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`flows or questionnaires are invalid:\n${problems.join('\n')}`);
    this.name = 'ContentError';
  }
}

export interface App {
  readonly store: Store;
  readonly engine: Engine;
  readonly telegram: TelegramChannel | undefined;
  readonly max: MaxChannel | undefined;
  readonly scheduler: Scheduler;
  readonly http: AddressInfo;
  /** Stops taking work, lets running jobs finish, flushes and closes the store. Safe to call twice. */
  stop(): Promise<void>;
}

/** What tests swap in; production passes nothing. */
export interface AppOverrides {
  /** The embedded journal's system calls (a test's full disk). */
  journalIo?: JournalIo;
}

export async function startApp(config: Config, logger: Logger, overrides: AppOverrides = {}): Promise<App> {
  const startedAt = new Date();
  // Bad content stops start-up before anything is opened: a teacher must never meet a broken flow.
  const { content, errors } = loadContent(CONTENT_ROOT);
  if (errors.length > 0) throw new ContentError(errors);
  const store = await openStore({ config: config.store, logger, ...(overrides.journalIo ? { journalIo: overrides.journalIo } : {}) });
  const versionErrors = await checkQuestionnaireVersions(store.models, content.questionnaires.all(), startedAt);
  if (versionErrors.length > 0) {
    await store.close();
    throw new ContentError(versionErrors);
  }
  // The staff console's sessions and one-time links; the bot's /console asks it for a link.
  const consoleAuth = config.console.enabled
    ? createConsoleAuth({
        repos: store.repositories,
        settings: { sessionTtlMs: config.console.sessionTtlMs, loginLinkTtlMs: config.console.loginLinkTtlMs, trustProxy: config.console.trustProxy },
        logger: logger.child({ component: 'console' }),
      })
    : undefined;
  // Known once the server listens (an HTTP_PORT of 0 picks a free port).
  let publicUrl = config.console.publicUrl ?? '';
  const engine = createSputnikEngine({
    ...(consoleAuth
      ? {
          console: {
            loginUrl: async (participantId: string) => `${publicUrl}/console/auth?token=${await consoleAuth.issueLoginLink(participantId)}`,
            ttlMinutes: Math.round(config.console.loginLinkTtlMs / 60_000),
          },
        }
      : {}),
    repos: store.repositories,
    sessions: store.sessions,
    content,
    logger: logger.child({ component: 'engine' }),
    settings: {
      defaultLocale: config.defaultLocale,
      defaultTimeZone: config.defaultTimeZone,
      privacyPolicyUrl: config.privacy.policyUrl,
      privacyPolicyVersion: config.privacy.policyVersion,
      staleClaimMs: 60_000,
    },
  });
  logger.info({ flows: content.flows.all().length, questionnaires: content.questionnaires.latest().length }, 'content loaded');
  const db = store.connection.db;
  if (!db) throw new Error('store connection has no database handle');
  const scheduler = createScheduler({ db, logger: logger.child({ component: 'scheduler' }) });
  await scheduler.start();

  const monitoring = createMonitoring({ store, catalog: content.questionnaires, supportModels: content.models });

  // Channels: each adds a sender to the dispatcher, which delivers the engine's answers and notices.
  const senders: ChannelSender[] = [];
  let telegram: TelegramChannel | undefined;
  const dispatcher = createDispatcher({ senders, repos: store.repositories, logger: logger.child({ component: 'delivery' }) });
  const broadcasts = createBroadcastService({ repos: store.repositories, dispatcher, logger: logger.child({ component: 'broadcasts' }) });
  if (config.telegram.botToken) {
    telegram = createTelegramChannel({
      bot: createTelegramBot({ token: config.telegram.botToken, apiRoot: config.telegram.apiRoot, throttle: config.telegram.throttle }),
      engine,
      monitoring,
      dispatcher: () => dispatcher,
      broadcasts: () => broadcasts,
      repos: store.repositories,
      logger: logger.child({ channel: 'telegram' }),
    });
    senders.push(telegram.sender);
  }
  let whatsapp: WhatsappChannel | undefined;
  if (config.whatsapp.enabled) {
    whatsapp = createWhatsappChannel({
      settings: whatsappSettings(config),
      engine,
      dispatcher: () => dispatcher,
      repos: store.repositories,
      db,
      agenda: scheduler.agenda,
      logger: logger.child({ channel: 'whatsapp' }),
    });
    senders.push(whatsapp.sender);
  }
  let max: MaxChannel | undefined;
  if (config.max.botToken) {
    const maxLogger = logger.child({ channel: 'max' });
    max = createMaxChannel({
      bot: createMaxBot({ token: config.max.botToken, apiRoot: config.max.apiRoot, requestsPerSecond: config.max.requestsPerSecond, logger: maxLogger }),
      engine,
      dispatcher: () => dispatcher,
      broadcasts: () => broadcasts,
      repos: store.repositories,
      logger: maxLogger,
      ...(config.max.botUsername ? { botUsername: config.max.botUsername } : {}),
    });
    senders.push(max.sender);
  }
  const postCourse = createPostCourseScheduler({
    scheduler,
    repos: store.repositories,
    engine,
    dispatcher,
    content,
    reports: halfYearReportSource(monitoring),
    logger: logger.child({ component: 'post-course' }),
  });
  await postCourse.start();
  await createLinkCheckService({
    scheduler,
    repos: store.repositories,
    engine,
    dispatcher,
    checker: createLinkChecker({ allowPrivate: config.links.allowPrivate, timeoutMs: config.links.timeoutMs }),
    logger: logger.child({ component: 'links' }),
  }).start();
  await scheduleSampleInvitations(scheduler, {
    samples: monitoring,
    repos: store.repositories,
    engine,
    dispatcher,
    content,
    logger: logger.child({ component: 'samples' }),
  });
  await scheduleConsultationEscalation(scheduler, {
    repos: store.repositories,
    dispatcher,
    escalationDays: config.consultations.escalationDays,
    logger: logger.child({ component: 'consultations' }),
  });

  const channels = () =>
    channelStatus(config, {
      ...(telegram ? { telegram: telegram.state } : {}),
      ...(whatsapp ? { whatsapp: whatsapp.health } : {}),
      ...(max ? { max: max.state } : {}),
    });
  for (const [channel, status] of Object.entries(channels())) {
    if (status.state === 'disabled') logger.info({ channel, state: status.state }, status.hint ?? channel);
  }

  const http = createHttpServer({
    logger: logger.child({ component: 'http' }),
    maxBodyBytes: config.http.maxBodyBytes,
    routes: {
      'GET /healthz': async () => {
        const report = await collectHealth({
          version: VERSION,
          startedAt,
          store: () => store.health(),
          scheduler: () => scheduler.state(),
          queue: () => postCourse.health(),
          channels,
        });
        return { status: report.status === 'ok' ? 200 : 503, body: report };
      },
      ...monitoringRoutes({ monitoring, apiToken: config.api.token, logger: logger.child({ component: 'api' }) }),
      ...(consoleAuth
        ? consoleRoutes({
            repos: store.repositories,
            auth: consoleAuth,
            actions: createStaffActions({ repos: store.repositories, dispatcher, broadcasts, now: () => new Date(), logger: logger.child({ component: 'console' }) }),
            files: createConsoleFiles({ monitoring, repos: store.repositories, content }),
            joinLinks: consoleJoinLinks({ telegramBotUsername: config.telegram.botUsername, whatsappPhone: config.whatsapp.phone, maxBotUsername: config.max.botUsername }),
            questionnaireText: questionnaireTexts(content.questionnaires),
            jobs: createExportJobs(),
            largeExportRows: config.console.largeExportRows,
            now: () => new Date(),
            logger: logger.child({ component: 'console' }),
          })
        : {}),
    },
    rawRoutes: {
      ...(telegram && config.telegram.webhook ? { 'POST /telegram/webhook': telegram.webhookHandler(config.telegram.webhook.secret) } : {}),
      ...(whatsapp ? { 'GET /whatsapp/qr': whatsapp.qrHandler() } : {}),
      ...(max && config.max.webhook ? { [`POST ${MAX_WEBHOOK_PATH}`]: max.webhookHandler(config.max.webhook.secret) } : {}),
    },
  });
  const address = await http.listen(config.http.host, config.http.port);
  logger.info({ host: address.address, port: address.port }, `health endpoint: http://${address.address}:${address.port}/healthz`);
  if (!publicUrl) {
    // Listening on every interface: "localhost" is the address a person on this machine can open.
    const host = ['0.0.0.0', '::'].includes(address.address) ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
    publicUrl = `http://${host}:${address.port}`;
  }
  if (consoleAuth) logger.info(`staff console: ${publicUrl}/console`);

  let stopped = false;
  if (telegram) {
    const channel = telegram;
    const options = config.telegram.webhook ? { webhook: { url: config.telegram.webhook.url, secretToken: config.telegram.webhook.secret } } : {};
    // Telegram being out of reach must not hold up or take down the rest of the bot: it starts in
    // the background (network errors are retried inside grammY) and a failed start is tried again,
    // except for a token Telegram rejects, which no retry can fix.
    const startTelegram = async (attempt: number): Promise<void> => {
      try {
        await channel.start(options);
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause;
        if (cause instanceof GrammyError && (cause.error_code === 401 || cause.error_code === 404)) {
          logger.error({ err: error }, 'Telegram rejected TELEGRAM_BOT_TOKEN; the Telegram channel stays off');
          return;
        }
        const delayMs = Math.min(300_000, 5_000 * 2 ** attempt);
        logger.error({ err: error, retryInSeconds: delayMs / 1000 }, 'telegram channel failed to start');
        setTimeout(() => {
          if (!stopped) void startTelegram(attempt + 1);
        }, delayMs).unref();
      }
    };
    void startTelegram(0);
  }
  if (max) {
    const channel = max;
    const options = config.max.webhook ? { webhook: config.max.webhook } : {};
    // As Telegram: Max out of reach does not hold up the rest; a failed start is tried again,
    // except for a token Max rejects (401), which no retry fixes.
    const startMax = async (attempt: number): Promise<void> => {
      try {
        await channel.start(options);
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause;
        if (cause instanceof MaxError && cause.status === 401) {
          logger.error({ err: error }, 'Max rejected MAX_BOT_TOKEN; the Max channel stays off');
          return;
        }
        const delayMs = Math.min(300_000, 5_000 * 2 ** attempt);
        logger.error({ err: error, retryInSeconds: delayMs / 1000 }, 'max channel failed to start');
        setTimeout(() => {
          if (!stopped) void startMax(attempt + 1);
        }, delayMs).unref();
      }
    };
    void startMax(0);
  }
  // Returns at once and never throws: the client logs in (QR) and reconnects on its own.
  if (whatsapp) await whatsapp.start();
  // A restart in the middle of a broadcast finishes it; nobody already served gets it twice.
  void broadcasts.resumeUnfinished().catch((error: unknown) => logger.error({ err: error }, 'resuming unfinished broadcasts failed'));

  let stopping: Promise<void> | undefined;
  return {
    store,
    engine,
    telegram,
    max,
    scheduler,
    http: address,
    stop() {
      stopping ??= (async () => {
        stopped = true;
        await telegram?.stop();
        await max?.stop();
        await whatsapp?.stop();
        await http.close();
        await postCourse.stop();
        await scheduler.stop();
        await store.close();
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}
