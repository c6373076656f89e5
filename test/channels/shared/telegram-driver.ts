// The Telegram side of the shared journeys: real update objects through grammY's handleUpdate,
// recorded Bot API calls (test/support/telegram-harness.ts).
import { createDispatcher } from '../../../src/delivery/dispatcher.js';
import type { Engine } from '../../../src/engine/index.js';
import type { Store } from '../../../src/store/index.js';
import { silentLogger } from '../../support/store.js';
import { TelegramHarness, type SentMessage } from '../../support/telegram-harness.js';
import type { ChannelDriver } from './driver.js';

const CONTROLS = /^(← |Готово$)|( →)$/;
const label = (text: string) => text.replace(/^[☐☑] /, '');

export function telegramDriver(store: Store, engine: Engine): ChannelDriver {
  const tg = new TelegramHarness(store, engine);
  const user = { id: 7101 };
  const dispatcher = createDispatcher({
    senders: [tg.channel.sender],
    repos: store.repositories,
    logger: silentLogger,
  });
  let mark = 0;

  const sentSince = () =>
    tg.calls.slice(mark).filter((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === user.id);
  /** The last question on screen, with its keyboard as last edited. */
  function question(): SentMessage {
    const call = tg.calls
      .filter((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === user.id && c.payload.reply_markup)
      .at(-1);
    if (!call) throw new Error('no question with buttons');
    const edit = tg.calls
      .filter((c) => c.method === 'editMessageReplyMarkup' && c.payload.message_id === call.messageId)
      .at(-1);
    const markup = (edit ?? call).payload.reply_markup as SentMessage['reply_markup'];
    return {
      text: call.payload.text as string,
      message_id: call.messageId ?? 0,
      ...(markup ? { reply_markup: markup } : {}),
    };
  }
  const optionButtons = () =>
    (question().reply_markup?.inline_keyboard.flat() ?? []).filter((b) => b.callback_data && !CONTROLS.test(b.text));

  return {
    channel: 'telegram',
    chatId: String(user.id),
    peer: (n) => String(user.id + 100 + n),
    received: async (chatId) =>
      tg.calls
        .filter((c) => c.method === 'sendMessage' && String(c.payload.chat_id) === chatId)
        .map((c) => c.payload.text as string),
    async say(text) {
      mark = tg.calls.length;
      await tg.text(user, text);
    },
    async choose(n) {
      const button = optionButtons()[n - 1];
      if (!button) throw new Error(`no option ${n}`);
      mark = tg.calls.length;
      await tg.press(user, question(), label(button.text));
    },
    async chooseMany(ns) {
      const labels = ns.map((n) => label(optionButtons()[n - 1]?.text ?? `#${n}`));
      for (const l of labels) await tg.press(user, question(), l);
      mark = tg.calls.length;
      await tg.press(user, question(), 'Готово');
    },
    replies: () => sentSince().map((c) => c.payload.text as string),
    documents: () =>
      tg.calls
        .slice(mark)
        .filter((c) => c.method === 'sendDocument' && Number(c.payload.chat_id) === user.id)
        .map((c) => {
          const file = c.payload.document as { filename?: string; fileData?: unknown };
          return {
            filename: file.filename ?? '',
            caption: String(c.payload.caption ?? ''),
            data: file.fileData instanceof Uint8Array ? file.fileData : new Uint8Array(),
          };
        }),
    options: () => optionButtons().map((b) => label(b.text)),
    async trigger(flowId, data) {
      const person = await store.repositories.participants.findByAddress('telegram', String(user.id));
      if (!person) throw new Error('nobody to invite yet');
      mark = tg.calls.length;
      const { out } = await engine.trigger(person.id, flowId, data, 'busy');
      await dispatcher.dispatch(out);
    },
    participant: () => store.repositories.participants.findByAddress('telegram', String(user.id)),
    async close() {},
  };
}
