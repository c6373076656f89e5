// Composition root: config -> logger -> store -> scheduler -> engine -> channels (channels/registry.ts) -> HTTP.
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { channelStatus } from './channels/status.js';
import type { Config } from './config.js';
import type { ChannelModule, RawHttpHandler, RunningChannel } from './channels/channel.js';
import { buildChannels, CHANNEL_MODULES } from './channels/registry.js';
import { createBroadcastService, type BroadcastService } from './delivery/broadcasts.js';
import { createDispatcher } from './delivery/dispatcher.js';
import { createStaffTools } from './delivery/staff-tools.js';
import type { ChannelSender } from './delivery/ports.js';
import { createSputnikEngine, loadContent, type Engine } from './engine/index.js';
import { contentCacheOptions } from './engine/content-cache.js';
import { collectHealth } from './http/health.js';
import { createHttpServer, type RouteHandler } from './http/server.js';
import { consoleRoutes, createConsoleAuth } from './http/console/index.js';
import { createExportJobs } from './http/console/jobs.js';
import {
  consoleDiagnosis,
  consoleJoinLinks,
  createConsoleFiles,
  createStaffActions,
  questionnaireTexts,
} from './http/console/wiring.js';
import type { Logger } from './logger.js';
import { createMonitoring, monitoringRoutes } from './monitoring/index.js';
import { halfYearReportSource } from './monitoring/report-source.js';
import { createScheduler, type Scheduler } from './scheduler/agenda.js';
import { createLinkChecker } from './links/check.js';
import { createLinkCheckService } from './scheduler/link-checks.js';
import { createEventAnnouncer } from './scheduler/support-events.js';
import { createPostCourseScheduler } from './scheduler/post-course.js';
import { scheduleSampleInvitations } from './scheduler/sample-invitations.js';
import { scheduleConsultationEscalation } from './scheduler/consultation-escalation.js';
import type { JournalIo } from './store/embedded/index.js';
import { createChannelStorage } from './store/channel-storage.js';
import { openStore, type Store } from './store/index.js';
import { checkQuestionnaireVersions } from './store/questionnaire-versions.js';
import { problemWords } from './questionnaires/index.js';
import { adoptDefaultSupportModel } from './support-models/adopt.js';
import { trimYoungGenerationWhenQuiet } from './memory/young-generation.js';
import { seedDemo } from './sandbox/demo.js';
import { SANDBOX_PATH, sandboxRoutes } from './sandbox/routes.js';
import { VERSION } from './version.js';

/** flows/ and questionnaires/ live beside src/, wherever the process was started from. */
/** How often an instance looks for a broadcast another instance started, to take its share. */
const BROADCAST_JOIN_MS = 15_000;

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
  /** The channels the configuration enabled, in registry order. */
  readonly channels: readonly RunningChannel[];
  readonly scheduler: Scheduler;
  readonly http: AddressInfo;
  /** Curators' broadcasts (the benchmark sends one through the real channels). */
  readonly broadcasts: BroadcastService;
  /** Stops taking work, lets running jobs finish, flushes and closes the store. Safe to call twice. */
  stop(): Promise<void>;
}

/** What tests swap in; production passes nothing. */
export interface AppOverrides {
  /** The embedded journal's system calls (a test's full disk). */
  journalIo?: JournalIo;
  /** Replaces the channel registry (tests add a fake channel). */
  channels?: readonly ChannelModule[];
}

/** How a browser on this machine reaches the server: "0.0.0.0" and "::" are not addresses to open. */
function browserUrl(address: AddressInfo): string {
  const host = ['0.0.0.0', '::', '::0'].includes(address.address)
    ? 'localhost'
    : address.family === 'IPv6'
      ? `[${address.address}]`
      : address.address;
  return `http://${host}:${address.port}`;
}

export async function startApp(config: Config, logger: Logger, overrides: AppOverrides = {}): Promise<App> {
  const modules = overrides.channels ?? CHANNEL_MODULES;
  const startedAt = new Date();
  // Bad content stops start-up before anything is opened: a teacher must never meet a broken flow.
  const { content, errors, cache } = loadContent(CONTENT_ROOT, contentCacheOptions(config.contentCacheDir));
  // The server's log is English; the CLI words the same problems in the staff's language.
  if (errors.length > 0) throw new ContentError(errors.map(problemWords('en')));
  const store = await openStore({
    config: config.store,
    logger,
    ...(overrides.journalIo ? { journalIo: overrides.journalIo } : {}),
  });
  const versionErrors = await checkQuestionnaireVersions(store.models, content.questionnaires.all(), startedAt);
  if (versionErrors.length > 0) {
    await store.close();
    throw new ContentError(versionErrors);
  }
  await adoptDefaultSupportModel(store, content, logger);
  // The staff console's sessions and one-time links; the bot's /console asks it for a link.
  const consoleAuth = config.console.enabled
    ? createConsoleAuth({
        repos: store.repositories,
        settings: {
          sessionTtlMs: config.console.sessionTtlMs,
          loginLinkTtlMs: config.console.loginLinkTtlMs,
          trustProxy: config.console.trustProxy,
        },
        logger: logger.child({ component: 'console' }),
      })
    : undefined;
  // Known once the server listens (an HTTP_PORT of 0 picks a free port).
  let publicUrl = config.console.publicUrl ?? '';
  const engine = createSputnikEngine({
    ...(consoleAuth
      ? {
          console: {
            loginUrl: async (participantId: string) =>
              `${publicUrl}/console/auth?token=${await consoleAuth.issueLoginLink(participantId)}`,
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
      demoChannels: modules.filter((m) => m.demo).map((m) => m.name),
      channelTitles: Object.fromEntries(modules.map((m) => [m.name, m.title ?? m.name])),
    },
  });
  logger.info(
    { flows: content.flows.all().length, questionnaires: content.questionnaires.latest().length, cache },
    'content loaded',
  );
  const db = store.connection.db;
  if (!db) throw new Error('store connection has no database handle');
  const scheduler = createScheduler({ db, logger: logger.child({ component: 'scheduler' }) });
  await scheduler.start();

  const monitoring = createMonitoring({ store, catalog: content.questionnaires, supportModels: content.models });

  // Channels: every registered one the configuration enables, built alike; each adds its sender
  // to the dispatcher, which delivers the engine's answers and notices.
  const senders: ChannelSender[] = [];
  const dispatcher = createDispatcher({
    senders,
    repos: store.repositories,
    logger: logger.child({ component: 'delivery' }),
  });
  await store.coordination.start();
  const broadcasts = createBroadcastService({
    repos: store.repositories,
    dispatcher,
    logger: logger.child({ component: 'broadcasts' }),
    coordination: store.coordination,
  });
  // Curators' broadcasts and figures need the channels, which need the engine: handed over now.
  engine.provideStaffTools(
    createStaffTools({
      broadcasts,
      monitoring,
      repos: store.repositories,
      logger: logger.child({ component: 'broadcasts' }),
    }),
  );
  const channels = await buildChannels(modules, {
    config,
    engine,
    dispatcher: () => dispatcher,
    repos: store.repositories,
    storage: createChannelStorage({ db, agenda: scheduler.agenda }),
    logger,
    coordination: store.coordination,
  });
  senders.push(...channels.map((c) => c.sender));
  const postCourse = createPostCourseScheduler({
    scheduler,
    repos: store.repositories,
    engine,
    dispatcher,
    content,
    reports: halfYearReportSource(monitoring),
    logger: logger.child({ component: 'post-course' }),
  });
  // One teacher's change (she joins, comes back from /stop): her sends alone, not the whole cohort's.
  engine.watchTeachers((participantId, cohortId) => {
    postCourse.teacherChanged(participantId, cohortId).catch((error: unknown) => {
      logger.error({ err: error }, 'could not plan a teacher after her change; the sweep will');
    });
  });
  await postCourse.start();
  await createLinkCheckService({
    scheduler,
    repos: store.repositories,
    engine,
    dispatcher,
    checker: createLinkChecker({ allowPrivate: config.links.allowPrivate, timeoutMs: config.links.timeoutMs }),
    logger: logger.child({ component: 'links' }),
    questionnaires: content.questionnaires,
  }).start();
  await createEventAnnouncer({
    scheduler,
    repos: store.repositories,
    engine,
    dispatcher,
    logger: logger.child({ component: 'events' }),
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

  // The sandbox: a demo cohort to talk to through the web chat, seeded once (src/sandbox).
  const demo = config.sandbox.enabled
    ? await seedDemo(store.repositories, {
        now: startedAt,
        locale: config.defaultLocale,
        timeZone: config.defaultTimeZone,
      })
    : undefined;

  const channelHealth = () =>
    channelStatus(config, Object.fromEntries(channels.map((c) => [c.name, () => c.health()])), modules);
  for (const [channel, status] of Object.entries(channelHealth())) {
    if (status.state === 'disabled') logger.info({ channel, state: status.state }, status.hint ?? channel);
  }

  const routes: Record<string, RouteHandler> = {
    'GET /healthz': async () => {
      const report = await collectHealth({
        version: VERSION,
        startedAt,
        store: () => store.health(),
        scheduler: () => scheduler.state(),
        queue: () => postCourse.health(),
        channels: channelHealth,
      });
      return { status: report.status === 'ok' ? 200 : 503, body: report };
    },
    ...monitoringRoutes({ monitoring, apiToken: config.api.token, logger: logger.child({ component: 'api' }) }),
    ...(consoleAuth
      ? consoleRoutes({
          repos: store.repositories,
          auth: consoleAuth,
          actions: createStaffActions({
            repos: store.repositories,
            dispatcher,
            broadcasts,
            now: () => new Date(),
            logger: logger.child({ component: 'console' }),
          }),
          files: createConsoleFiles({ monitoring, repos: store.repositories, content }),
          joinLinks: consoleJoinLinks({
            telegramBotUsername: config.telegram.botUsername,
            whatsappPhone: config.whatsapp.phone,
            maxBotUsername: config.max.botUsername,
          }),
          questionnaireText: questionnaireTexts(content.questionnaires),
          diagnosis: consoleDiagnosis({ repos: store.repositories, content }),
          jobs: createExportJobs({
            repo: store.repositories.consoleExports,
            logger: logger.child({ component: 'console' }),
          }),
          largeExportRows: config.console.largeExportRows,
          now: () => new Date(),
          logger: logger.child({ component: 'console' }),
        })
      : {}),
  };
  // The sandbox page links to the staff console whenever this build serves one.
  if (demo) {
    const consoleUrl = Object.keys(routes).some((key) => key.startsWith('GET /console')) ? '/console' : undefined;
    // Only the demo curator, who sees the demo cohort alone, gets a one-click login from the page.
    const curatorLogin = consoleAuth
      ? async () => `/console/auth?token=${await consoleAuth.issueLoginLink(demo.curatorId)}`
      : undefined;
    Object.assign(
      routes,
      sandboxRoutes({
        repos: store.repositories,
        demo,
        defaultLocale: config.defaultLocale,
        ...(consoleUrl ? { consoleUrl } : {}),
        ...(curatorLogin ? { curatorLogin } : {}),
      }),
    );
  }
  const http = createHttpServer({
    logger: logger.child({ component: 'http' }),
    maxBodyBytes: config.http.maxBodyBytes,
    routes,
    rawRoutes: Object.assign({}, ...channels.map((c) => c.routes?.() ?? {})) as Record<string, RawHttpHandler>,
  });
  const address = await http.listen(config.http.host, config.http.port);
  if (demo) {
    // One URL in the start-up output, the one a newcomer should open.
    logger.info({ host: address.address, port: address.port }, 'health endpoint: /healthz');
    logger.info({ demoCohort: demo.code }, `try Sputnik in your browser: ${browserUrl(address)}${SANDBOX_PATH}`);
  } else {
    logger.info(
      { host: address.address, port: address.port },
      `health endpoint: http://${address.address}:${address.port}/healthz`,
    );
  }
  // Listening on every interface: "localhost" is the address a person on this machine can open.
  if (!publicUrl) publicUrl = browserUrl(address);
  // In the sandbox the one URL printed is the sandbox page, which links to the console.
  if (consoleAuth && !demo) logger.info(`staff console: ${publicUrl}/console`);

  // Each channel connects in the background and retries on its own: none holds up the others.
  for (const channel of channels) await channel.start();
  // A restart in the middle of a broadcast finishes it; nobody already served gets it twice.
  void broadcasts
    .resumeUnfinished()
    .catch((error: unknown) => logger.error({ err: error }, 'resuming unfinished broadcasts failed'));
  // Several instances on one store split a broadcast: each looks for one being sent now and then
  // and claims what is still pending (send() skips a broadcast this instance is already sending).
  const joinBroadcasts = setInterval(() => {
    void broadcasts
      .resumeUnfinished()
      .catch((error: unknown) => logger.error({ err: error }, 'joining unfinished broadcasts failed'));
  }, BROADCAST_JOIN_MS);
  joinBroadcasts.unref();
  // A bot is quiet most of the day: V8 hands back the young generation a burst of messages or a
  // cohort's job grew, once allocation has been low for a few seconds (src/memory/young-generation.ts).
  const stopTrimming = trimYoungGenerationWhenQuiet();

  let stopping: Promise<void> | undefined;
  return {
    store,
    engine,
    broadcasts,
    channels,
    scheduler,
    http: address,
    stop() {
      stopping ??= (async () => {
        clearInterval(joinBroadcasts);
        stopTrimming();
        for (const channel of channels) await channel.stop();
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
