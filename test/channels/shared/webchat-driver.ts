// The web chat side of the shared journeys: the channel built by the composition root's own
// buildChannels, its routes served by the app's HTTP server, and a "browser" that posts and
// long-polls over real HTTP, like the sandbox page does.
import { buildChannels } from '../../../src/channels/registry.js';
import { channelTestContext } from '../../support/channel-context.js';
import { webchatChannel } from '../../../src/channels/webchat/index.js';
import type { WebMessage } from '../../../src/channels/webchat/render.js';
import type { Engine } from '../../../src/engine/index.js';
import { createHttpServer } from '../../../src/http/server.js';
import type { Store } from '../../../src/store/index.js';
import { silentLogger } from '../../support/store.js';
import type { ChannelDriver } from './driver.js';

/** What a person reads in a bubble: the text, and the expected form of a typed answer under it. */
export const shown = (m: WebMessage) => (m.hint ? `${m.text}\n\n${m.hint}` : m.text);

export interface WebchatBrowser {
  base: string;
  chat: string;
  /** Every message the bot wrote to this chat so far. */
  messages: WebMessage[];
  say(text: string): Promise<void>;
  press(ref: string, ids: string[]): Promise<void>;
  /** Fetches what the bot wrote since the last fetch. */
  fetchNew(): Promise<WebMessage[]>;
}

/** A browser's side of one web chat on a running server. */
export async function openWebchat(base: string): Promise<WebchatBrowser> {
  const opened = await fetch(`${base}/webchat/chats`, { method: 'POST' });
  const { chat } = (await opened.json()) as { chat: string };
  const post = async (body: Record<string, unknown>) => {
    const res = await fetch(`${base}/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat, ...body }),
    });
    if (!res.ok) throw new Error(`POST /webchat/messages: ${res.status} ${await res.text()}`);
  };
  const browser: WebchatBrowser = {
    base,
    chat,
    messages: [],
    say: (text) => post({ text }),
    press: (ref, options) => post({ ref, options }),
    async fetchNew() {
      const after = browser.messages.at(-1)?.seq ?? 0;
      const res = await fetch(`${base}/webchat/messages?chat=${chat}&after=${after}`);
      const { messages } = (await res.json()) as { messages: WebMessage[] };
      browser.messages.push(...messages);
      return messages;
    },
  };
  return browser;
}

/** The journeys' driver, and where its server listens (for tests of the HTTP API itself). */
export async function webchatDriver(store: Store, engine: Engine): Promise<ChannelDriver & { base: string }> {
  const { ctx, senders } = channelTestContext(store, engine);
  const channels = await buildChannels([webchatChannel], ctx);
  senders.push(...channels.map((c) => c.sender));
  const http = createHttpServer({
    routes: {},
    rawRoutes: Object.assign({}, ...channels.map((c) => c.routes?.() ?? {})),
    logger: silentLogger,
  });
  const address = await http.listen('127.0.0.1', 0);
  for (const c of channels) await c.start();
  const browser = await openWebchat(`http://127.0.0.1:${address.port}`);
  let latest: WebMessage[] = [];
  const question = () => browser.messages.findLast((m) => m.options && m.options.length > 0);
  const act = async (work: () => Promise<void>) => {
    await work();
    latest = await browser.fetchNew();
  };

  return {
    channel: 'webchat',
    base: browser.base,
    chatId: browser.chat,
    peer: (n) => `webchat-peer-${String(n).padStart(6, '0')}`,
    async received(chatId) {
      const res = await fetch(`${browser.base}/webchat/messages?chat=${chatId}&after=0`);
      const { messages } = (await res.json()) as { messages: WebMessage[] };
      return messages.map(shown);
    },
    say: (text) => act(() => browser.say(text)),
    async choose(n) {
      const q = question();
      const option = q?.options?.[n - 1];
      const ref = q?.ref;
      if (!ref || !option) throw new Error(`no option ${n}`);
      await act(() => browser.press(ref, [option.id]));
    },
    async chooseMany(ns) {
      const q = question();
      const ref = q?.ref;
      if (!ref) throw new Error('no question with options');
      const ids = ns.map((n) => q.options?.[n - 1]?.id ?? `#${n}`);
      await act(() => browser.press(ref, ids));
    },
    replies: () => latest.map(shown),
    options: () => question()?.options?.map((o) => o.label) ?? [],
    async trigger(flowId, data) {
      const person = await store.repositories.participants.findByAddress('webchat', browser.chat);
      if (!person) throw new Error('nobody to invite yet');
      const { out } = await engine.trigger(person.id, flowId, data, 'busy');
      await act(async () => {
        await ctx.dispatcher().dispatch(out);
      });
    },
    participant: () => store.repositories.participants.findByAddress('webchat', browser.chat),
    async close() {
      for (const c of channels) await c.stop();
      await http.close();
    },
  };
}
