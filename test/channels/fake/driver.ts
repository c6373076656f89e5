// The fake channel's side of the shared journeys: the channel is built by the composition root's
// own buildChannels from its module, wired to the engine and a dispatcher like any other.
import type { ChannelContext } from '../../../src/channels/channel.js';
import { buildChannels } from '../../../src/channels/registry.js';
import { loadConfig } from '../../../src/config.js';
import { createBroadcastService } from '../../../src/delivery/broadcasts.js';
import { createDispatcher } from '../../../src/delivery/dispatcher.js';
import type { ChannelSender } from '../../../src/delivery/ports.js';
import type { Engine } from '../../../src/engine/index.js';
import { createMonitoring } from '../../../src/monitoring/index.js';
import { createScheduler } from '../../../src/scheduler/agenda.js';
import type { Store } from '../../../src/store/index.js';
import { content } from '../../support/engine-harness.js';
import { silentLogger } from '../../support/store.js';
import { plain } from '../shared/whatsapp-driver.js';
import type { ChannelDriver } from '../shared/driver.js';
import { FakePlatform, fakeChannel } from './index.js';

const OPTION = /^(\d+) — (.+)$/;

export async function fakeDriver(store: Store, engine: Engine, me = 'fake-user-1'): Promise<ChannelDriver> {
  const platform = new FakePlatform();
  const senders: ChannelSender[] = [];
  const dispatcher = createDispatcher({ senders, repos: store.repositories, logger: silentLogger });
  const db = store.connection.db;
  if (!db) throw new Error('the test store has no database handle');
  const ctx: ChannelContext = {
    config: loadConfig({}),
    engine,
    dispatcher: () => dispatcher,
    repos: store.repositories,
    db,
    scheduler: createScheduler({ db, logger: silentLogger }),
    monitoring: createMonitoring({ store, catalog: content().questionnaires }),
    broadcasts: createBroadcastService({ repos: store.repositories, dispatcher, logger: silentLogger }),
    logger: silentLogger,
  };
  const channels = buildChannels([fakeChannel(platform)], ctx);
  senders.push(...channels.map((c) => c.sender));
  for (const c of channels) await c.start();
  let mark = 0;
  const sentSince = () => platform.sent.slice(mark).filter((s) => s.chatId === me).map((s) => s.text);
  async function say(text: string): Promise<void> {
    mark = platform.sent.length;
    await platform.write(me, text);
  }

  return {
    channel: 'fake',
    say,
    choose: (n) => say(String(n)),
    chooseMany: (ns) => say(ns.join(' ')),
    replies: () => sentSince().map(plain),
    options() {
      const question = platform.sent.filter((s) => s.chatId === me).map((s) => s.text).findLast((text) => text.split('\n').some((line) => OPTION.test(line)));
      return (question ?? '').split('\n').flatMap((line) => OPTION.exec(line)?.[2] ?? []);
    },
    async trigger(flowId, data) {
      const person = await store.repositories.participants.findByAddress('fake', me);
      if (!person) throw new Error('nobody to invite yet');
      mark = platform.sent.length;
      const { out } = await engine.trigger(person.id, flowId, data, 'busy');
      await dispatcher.dispatch(out);
    },
    participant: () => store.repositories.participants.findByAddress('fake', me),
    async close() {
      for (const c of channels) await c.stop();
    },
  };
}
