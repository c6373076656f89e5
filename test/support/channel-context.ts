// A channel module's context as the composition root builds it, for drivers that run a real
// channel module (the fake channel, the web chat) against the test store and engine.
import type { ChannelContext } from '../../src/channels/channel.js';
import { loadConfig } from '../../src/config.js';
import { createBroadcastService } from '../../src/delivery/broadcasts.js';
import { createDispatcher } from '../../src/delivery/dispatcher.js';
import type { ChannelSender } from '../../src/delivery/ports.js';
import type { Engine } from '../../src/engine/index.js';
import { createMonitoring } from '../../src/monitoring/index.js';
import { createScheduler } from '../../src/scheduler/agenda.js';
import { createChannelStorage } from '../../src/store/channel-storage.js';
import type { Store } from '../../src/store/index.js';
import { content } from './engine-harness.js';
import { provideStaffTools } from './staff-tools.js';
import { silentLogger } from './store.js';

/** The context, and the senders list the built channels' senders go into (the dispatcher reads it). */
export function channelTestContext(store: Store, engine: Engine): { ctx: ChannelContext; senders: ChannelSender[] } {
  const senders: ChannelSender[] = [];
  const dispatcher = createDispatcher({ senders, repos: store.repositories, logger: silentLogger });
  const db = store.connection.db;
  if (!db) throw new Error('the test store has no database handle');
  const scheduler = createScheduler({ db, logger: silentLogger });
  const ctx: ChannelContext = {
    config: loadConfig({}),
    engine,
    dispatcher: () => dispatcher,
    repos: store.repositories,
    storage: createChannelStorage({ db, agenda: scheduler.agenda }),
    logger: silentLogger,
  };
  // The curators' tools go to the engine, as the composition root hands them over: channels never see them.
  provideStaffTools(
    engine,
    store,
    createBroadcastService({ repos: store.repositories, dispatcher, logger: silentLogger }),
    createMonitoring({ store, catalog: content().questionnaires }),
  );
  return { ctx, senders };
}
