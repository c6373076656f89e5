// The fake channel's side of the shared journeys: the channel is built by the composition root's
// own buildChannels from its module, wired to the engine and a dispatcher like any other.
import { buildChannels } from '../../../src/channels/registry.js';
import { channelTestContext } from '../../support/channel-context.js';
import type { Engine } from '../../../src/engine/index.js';
import type { Store } from '../../../src/store/index.js';
import { plain } from '../shared/whatsapp-driver.js';
import type { ChannelDriver } from '../shared/driver.js';
import { FakePlatform, fakeChannel } from './index.js';

const OPTION = /^(\d+) — (.+)$/;

export async function fakeDriver(store: Store, engine: Engine, me = 'fake-user-1'): Promise<ChannelDriver> {
  const platform = new FakePlatform();
  const { ctx, senders } = channelTestContext(store, engine);
  const channels = await buildChannels([fakeChannel(platform)], ctx);
  senders.push(...channels.map((c) => c.sender));
  for (const c of channels) await c.start();
  let mark = 0;
  const sentSince = () =>
    platform.sent
      .slice(mark)
      .filter((s) => s.chatId === me)
      .map((s) => s.text);
  async function say(text: string): Promise<void> {
    mark = platform.sent.length;
    await platform.write(me, text);
  }

  return {
    channel: 'fake',
    chatId: me,
    peer: (n) => `fake-user-${n + 1}`,
    received: async (chatId) => platform.sent.filter((s) => s.chatId === chatId).map((s) => plain(s.text)),
    say,
    choose: (n) => say(String(n)),
    chooseMany: (ns) => say(ns.join(' ')),
    replies: () => sentSince().map(plain),
    options() {
      const question = platform.sent
        .filter((s) => s.chatId === me)
        .map((s) => s.text)
        .findLast((text) => text.split('\n').some((line) => OPTION.test(line)));
      return (question ?? '').split('\n').flatMap((line) => OPTION.exec(line)?.[2] ?? []);
    },
    async trigger(flowId, data) {
      const person = await store.repositories.participants.findByAddress('fake', me);
      if (!person) throw new Error('nobody to invite yet');
      mark = platform.sent.length;
      const { out } = await engine.trigger(person.id, flowId, data, 'busy');
      await ctx.dispatcher().dispatch(out);
    },
    participant: () => store.repositories.participants.findByAddress('fake', me),
    async close() {
      for (const c of channels) await c.stop();
    },
  };
}
