// The WhatsApp side of the shared journeys: the channel over the fake port, the outbox's pacing run
// on a manual clock. Replies are read back without the numbered list and the how-to-answer lines,
// which Telegram shows as buttons instead.
import type { Engine } from '../../../src/engine/index.js';
import type { Store } from '../../../src/store/index.js';
import { t } from '../../../src/i18n/index.js';
import { WhatsappBed } from '../whatsapp/support/bed.js';
import type { ChannelDriver } from './driver.js';

const OPTION = /^(\d+) — (.+)$/;

/** The first line of each WhatsApp-only block, in any language. */
function isChannelBlock(block: string): boolean {
  const first = block.split('\n')[0]!;
  const starts = (
    ['choose_one', 'choose_several', 'choose_up_to', 'choose_ranking', 'back_hint', 'skip_hint'] as const
  ).flatMap((key) => (['ru', 'kk', 'en'] as const).map((locale) => t(locale, `whatsapp.${key}`).split(/\{\w+\}/)[0]!));
  return starts.some((s) => first.startsWith(s));
}

export function plain(text: string): string {
  const blocks = text.split('\n\n');
  while (blocks.length > 1 && isChannelBlock(blocks.at(-1)!)) blocks.pop();
  return blocks.join('\n\n');
}

export async function whatsappDriver(store: Store, engine: Engine): Promise<ChannelDriver> {
  const bed = new WhatsappBed(store, engine);
  await bed.connect();
  const me = '77011234567@c.us';
  let mark = 0;
  let fileMark = 0;
  const sentSince = () =>
    bed.fake.sent
      .slice(mark)
      .filter((s) => s.chatId === me)
      .map((s) => s.text);

  async function say(text: string): Promise<void> {
    mark = bed.fake.sent.length;
    fileMark = bed.fake.files.length;
    await bed.fake.receive(me, text);
    await bed.settle();
  }

  return {
    channel: 'whatsapp',
    chatId: me,
    peer: (n) => `7701555${String(1000 + n)}@c.us`,
    async received(chatId) {
      await bed.settle();
      return bed.fake.textsTo(chatId).map(plain);
    },
    say,
    choose: (n) => say(String(n)),
    chooseMany: (ns) => say(ns.join(', ')),
    replies: () => sentSince().map(plain),
    documents: () =>
      bed.fake.files
        .slice(fileMark)
        .filter((f) => f.chatId === me)
        .map((f) => ({ filename: f.filename, caption: f.caption, data: f.data })),
    options() {
      const question = bed.fake.textsTo(me).findLast((text) => text.split('\n').some((line) => OPTION.test(line)));
      return (question ?? '').split('\n').flatMap((line) => OPTION.exec(line)?.[2] ?? []);
    },
    async trigger(flowId, data) {
      const person = await store.repositories.participants.findByAddress('whatsapp', me);
      if (!person) throw new Error('nobody to invite yet');
      mark = bed.fake.sent.length;
      fileMark = bed.fake.files.length;
      const { out } = await engine.trigger(person.id, flowId, data, 'busy');
      await bed.dispatcher.dispatch(out);
      await bed.settle();
    },
    participant: () => store.repositories.participants.findByAddress('whatsapp', me),
    close: () => bed.channel.stop(),
  };
}
