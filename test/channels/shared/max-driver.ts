// The Max side of the shared journeys: real HTTP between the official client and the fake Max Bot
// API (test/support/max-fake-api.ts), long polling included. Buttons as in Telegram.
import type { Engine } from '../../../src/engine/index.js';
import type { Store } from '../../../src/store/index.js';
import { keyboardOf, person, type SentMessage } from '../../support/max-fake-api.js';
import { openMaxBed } from '../max/bed.js';
import type { ChannelDriver } from './driver.js';

const CONTROLS = /^(← |Готово$)|( →)$/;
const label = (text: string) => text.replace(/^[☐☑] /, '');

export async function maxDriver(store: Store, engine: Engine): Promise<ChannelDriver> {
  const bed = await openMaxBed(store, engine);
  const { fake } = bed;
  const user = person(7301);
  let mark = 0;

  const mine = () => fake.sentTo(user.user_id);
  /** The last question on screen, with its keyboard as last edited. */
  function question(): SentMessage {
    const q = mine()
      .filter((m) =>
        keyboardOf(m)
          .flat()
          .some((b) => b.type === 'callback'),
      )
      .at(-1);
    if (!q) throw new Error('no question with buttons');
    return q;
  }
  const optionButtons = () =>
    keyboardOf(question())
      .flat()
      .filter((b) => b.type === 'callback' && !CONTROLS.test(b.text));

  return {
    channel: 'max',
    chatId: String(user.user_id),
    peer: (n) => String(user.user_id + 100 + n),
    received: async (chatId) => fake.sentTo(Number(chatId)).map((m) => m.text),
    async say(text) {
      mark = mine().length;
      await fake.write(user, text);
    },
    async choose(n) {
      const button = optionButtons()[n - 1];
      if (!button) throw new Error(`no option ${n}`);
      mark = mine().length;
      await fake.press(user, question().mid, button.text);
    },
    async chooseMany(ns) {
      const labels = ns.map((n) => optionButtons()[n - 1]?.text ?? `#${n}`);
      const q = question();
      for (const l of labels) await fake.press(user, q.mid, l);
      mark = mine().length;
      await fake.press(user, q.mid, 'Готово');
    },
    replies: () =>
      mine()
        .slice(mark)
        .map((m) => m.text),
    // Max takes files: uploaded, then attached to a message whose text is the caption.
    documents: () => fake.documentsTo(user.user_id, mark),
    options: () => optionButtons().map((b) => label(b.text)),
    async trigger(flowId, data) {
      const me = await store.repositories.participants.findByAddress('max', String(user.user_id));
      if (!me) throw new Error('nobody to invite yet');
      mark = mine().length;
      const { out } = await engine.trigger(me.id, flowId, data, 'busy');
      await bed.dispatcher.dispatch(out);
    },
    participant: () => store.repositories.participants.findByAddress('max', String(user.user_id)),
    close: () => bed.close(),
  };
}
