// What both link-check test files build before each case: the engine, a dispatcher whose Telegram
// sender records what it sends, and the link check job with a checker that may reach the tests'
// local HTTP server.
import { createDispatcher, type Dispatcher } from '../../src/delivery/dispatcher.js';
import type { ChannelSender } from '../../src/delivery/ports.js';
import { createSputnikEngine, type Engine } from '../../src/engine/index.js';
import { createLinkChecker } from '../../src/links/check.js';
import { createScheduler } from '../../src/scheduler/agenda.js';
import { createLinkCheckService, type LinkCheckService } from '../../src/scheduler/link-checks.js';
import type { Store } from '../../src/store/index.js';
import { type Clock, content, testSettings } from '../support/engine-harness.js';
import { silentLogger } from '../support/store.js';

export function linkCheckRig(
  store: Store,
  clock: Clock,
  sent: { chatId: string; text: string }[],
  options: { answerLinks?: boolean } = {},
): { engine: Engine; dispatcher: Dispatcher; service: LinkCheckService } {
  const sender: ChannelSender = {
    channel: 'telegram',
    send: async (chatId, message) => {
      sent.push({ chatId, text: message.text });
      return { ok: true };
    },
  };
  const repos = store.repositories;
  const engine = createSputnikEngine({
    repos,
    sessions: store.sessions,
    content: content(),
    settings: testSettings,
    logger: silentLogger,
    now: clock.now,
  });
  const dispatcher = createDispatcher({ senders: [sender], repos, logger: silentLogger, now: clock.now });
  const service = createLinkCheckService({
    scheduler: createScheduler({ db: store.connection.db!, logger: silentLogger }),
    repos,
    engine,
    dispatcher,
    checker: createLinkChecker({ allowPrivate: true, timeoutMs: 2_000, now: clock.now }),
    logger: silentLogger,
    now: clock.now,
    ...(options.answerLinks ? { questionnaires: content().questionnaires } : {}),
  });
  return { engine, dispatcher, service };
}
