// The Max channel as it runs in production, against the local fake of the Max Bot API over real
// HTTP: the official client, long polling, the paced fetch; the real engine and store.
import { createMaxBot, createMaxChannel, type MaxChannel } from '../../../src/channels/max/index.js';
import { createBroadcastService, type BroadcastService } from '../../../src/delivery/broadcasts.js';
import { createDispatcher, type Dispatcher } from '../../../src/delivery/dispatcher.js';
import type { ChannelSender } from '../../../src/delivery/ports.js';
import type { Engine } from '../../../src/engine/index.js';
import type { Store } from '../../../src/store/index.js';
import { MaxFakeApi } from '../../support/max-fake-api.js';
import { provideStaffTools } from '../../support/staff-tools.js';
import { silentLogger } from '../../support/store.js';

export interface MaxBed {
  fake: MaxFakeApi;
  channel: MaxChannel;
  dispatcher: Dispatcher;
  broadcasts: BroadcastService;
  close(): Promise<void>;
}

export async function openMaxBed(
  store: Store,
  engine: Engine,
  options: { senders?: ChannelSender[] } = {},
): Promise<MaxBed> {
  const fake = new MaxFakeApi();
  await fake.start();
  const senders: ChannelSender[] = [...(options.senders ?? [])];
  const dispatcher = createDispatcher({ senders, repos: store.repositories, logger: silentLogger });
  const broadcasts = createBroadcastService({ repos: store.repositories, dispatcher, logger: silentLogger });
  provideStaffTools(engine, store, broadcasts);
  const channel = createMaxChannel({
    // Max allows 30 requests a second; the suite is not here to wait for that.
    bot: createMaxBot({
      token: fake.token,
      apiRoot: fake.url,
      requestsPerSecond: 1000,
      logger: silentLogger,
      retryBaseDelayMs: 5,
    }),
    engine,
    dispatcher: () => dispatcher,
    repos: store.repositories,
    logger: silentLogger,
  });
  senders.push(channel.sender);
  await channel.start();
  return {
    fake,
    channel,
    dispatcher,
    broadcasts,
    async close() {
      await channel.stop();
      await fake.stop();
    },
  };
}
