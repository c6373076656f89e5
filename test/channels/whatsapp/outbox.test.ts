// The paced, persistent queue every WhatsApp message goes through: gaps with jitter, longer before
// group posts, an hourly cap on unsolicited messages, replies first, retries, and a restart that
// neither loses nor repeats a message. The clock is manual: nothing here waits for real.
import { describe, expect, it } from 'vitest';
import { outboxCollection } from '../../../src/store/channel-storage.js';
import { WhatsappBed } from './support/bed.js';
import { ManualTimers } from './support/manual-timers.js';
import { AT, useWhatsappTestbed, whatsappTeacher, type WhatsappTestbed } from './support/testbed.js';

const tb: WhatsappTestbed = useWhatsappTestbed({ connect: false });
const start = Date.parse(AT);
const text = (t: string) => ({ kind: 'text' as const, text: t });
const offsets = (bed: WhatsappBed) => bed.fake.sent.map((s) => [s.text, (s.at - start) / 1000]);

describe('whatsapp outbox', () => {
  it('spaces messages 4–8 s apart with jitter, 30–60 s before a group post', async () => {
    await tb.bed.connect();
    for (const n of [1, 2, 3]) await tb.bed.channel.sender.send(`7701000000${n}@c.us`, text(`Напоминание ${n}`));
    await tb.bed.channel.sender.send('120363000000001@g.us', text('Новость для группы'));
    await tb.bed.channel.sender.send('77010000004@c.us', text('Напоминание 4'));
    await tb.bed.settle();
    // random() = 0.5: the middle of each range.
    // The group post waits its longer gap without holding back the private message queued after it.
    expect(offsets(tb.bed)).toEqual([
      ['Напоминание 1', 0],
      ['Напоминание 2', 6],
      ['Напоминание 3', 12],
      ['Напоминание 4', 18],
      ['Новость для группы', 63],
    ]);
  });

  it('draws each gap anew within its range', async () => {
    const draws = [0, 0.999, 0.25];
    const bed = new WhatsappBed(tb.store, tb.engine, { random: () => draws.shift() ?? 0 });
    await bed.connect();
    for (const n of [1, 2, 3, 4]) await bed.channel.sender.send(`7701000000${n}@c.us`, text(`№${n}`));
    await bed.settle();
    const at = bed.fake.sent.map((s) => s.at);
    expect(at.slice(1).map((t, i) => t - at[i]!)).toEqual([4000, 7996, 5000]);
    await bed.channel.stop();
  });

  it('holds unsolicited messages past the hourly cap, while replies to people who write go first', async () => {
    const bed = new WhatsappBed(tb.store, tb.engine, { pace: { hourlyCap: 2 } });
    await bed.connect();
    for (const n of [1, 2, 3]) await bed.channel.sender.send(`7701000000${n}@c.us`, text(`Рассылка ${n}`));
    await bed.settle({ until: start + 10 * 60_000 });
    expect(bed.fake.sent.map((s) => s.text)).toEqual(['Рассылка 1', 'Рассылка 2']);
    // Someone writes in: their answer does not wait for the cap.
    const { id } = await whatsappTeacher(tb, '77011110020');
    await bed.fake.receive(id, '/progress');
    await bed.settle({ until: start + 10 * 60_000 });
    expect(bed.fake.sent.at(-1)?.chatId).toBe(id);
    await bed.settle();
    expect(offsets(bed).at(-1)).toEqual(['Рассылка 3', 3600]);
    await bed.channel.stop();
  });

  it('keeps messages queued while disconnected, retries a failed send, gives up on an id WhatsApp does not know', async () => {
    await tb.bed.channel.sender.send('77010000001@c.us', text('Пока нет связи'));
    await tb.bed.settle();
    expect(tb.bed.fake.sent).toEqual([]);
    await tb.bed.connect();
    tb.bed.fake.failSends = 1;
    await tb.bed.settle();
    expect(offsets(tb.bed)).toEqual([['Пока нет связи', 30]]);

    const { id, participant } = await whatsappTeacher(tb, '77011110021');
    tb.bed.fake.unknownIds.add(id);
    await tb.bed.channel.sender.send(id, text('Напоминание'));
    await tb.bed.settle();
    expect(tb.bed.fake.textsTo(id)).toEqual([]);
    expect(
      (await tb.store.repositories.participants.findById(participant.id))?.addresses.find(
        (a) => a.channel === 'whatsapp',
      )?.unreachableSince,
    ).toBeInstanceOf(Date);
    const failed = await tb.store.connection.db!.collection(outboxCollection('whatsapp')).findOne({ chatId: id });
    // Kept, with its text, and listed: a message is never dropped silently.
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, text: 'Напоминание' });
    expect((await tb.bed.channel.outbox.failed()).map((f) => [f.chatId, f.text])).toEqual([[id, 'Напоминание']]);
  });

  it('sends a file as a document in its turn, keeping its bytes in the store only until it is sent; «delete my data» drops a waiting one', async () => {
    const files = tb.store.connection.db!.collection('whatsapp-files.files');
    const data = new TextEncoder().encode('{"rows":[]}');
    const file = {
      kind: 'file' as const,
      filename: 'sputnik-responses.json',
      data,
      text: 'Выгрузка готова: sputnik-responses.json',
    };
    await tb.bed.channel.sender.send('77010000001@c.us', text('Сначала текст'));
    expect(await tb.bed.channel.sender.sendFile!('77010000001@c.us', file)).toMatchObject({ ok: true });
    expect(await files.countDocuments()).toBe(1);
    await tb.bed.connect();
    await tb.bed.settle();
    // Paced like any message: the document follows the text 6 s later, its caption shown in the chat.
    expect(offsets(tb.bed)).toEqual([
      ['Сначала текст', 0],
      ['Выгрузка готова: sputnik-responses.json', 6],
    ]);
    expect(
      tb.bed.fake.files.map((f) => [f.chatId, f.filename, f.mimetype, f.picture, new TextDecoder().decode(f.data)]),
    ).toEqual([['77010000001@c.us', 'sputnik-responses.json', 'application/json', false, '{"rows":[]}']]);
    expect(await files.countDocuments()).toBe(0);

    // Waiting while WhatsApp is away, then the person asks to delete their data: the file goes too.
    await tb.bed.channel.stop();
    const later = new WhatsappBed(tb.store, tb.engine);
    await later.channel.sender.sendFile!('77010000002@c.us', { ...file, filename: 'report.xlsx' });
    expect(await files.countDocuments()).toBe(1);
    await later.channel.outbox.forget('77010000002@c.us');
    expect(await files.countDocuments()).toBe(0);
    await later.channel.stop();
  });

  it('does not queue the same text twice for a chat while it waits, and refuses ids that are no chat', async () => {
    await tb.bed.channel.sender.send('77010000001@c.us', text('Анкета ждёт вас'));
    const again = await tb.bed.channel.sender.send('77010000001@c.us', text('Анкета ждёт вас'));
    expect(again).toMatchObject({ ok: true, messageId: expect.stringMatching(/^queued:/) });
    expect(await tb.bed.channel.sender.send('12345', text('x'))).toMatchObject({
      ok: false,
      kind: 'chat_not_found',
      retryable: false,
    });
    await tb.bed.connect();
    await tb.bed.settle();
    expect(tb.bed.fake.sent.map((s) => s.text)).toEqual(['Анкета ждёт вас']);
  });

  it('survives a restart: what was still queued is sent once by the new process, at the same pace', async () => {
    await tb.bed.connect();
    for (const n of [1, 2, 3, 4]) await tb.bed.channel.sender.send(`7701000000${n}@c.us`, text(`Напоминание ${n}`));
    await tb.bed.channel.outbox.idle();
    expect(tb.bed.fake.sent.map((s) => s.text)).toEqual(['Напоминание 1']);
    // The process dies between two sends (no stop()); a death in the middle of one: outbox-lanes.test.ts.

    const timers = new ManualTimers(new Date(start + 2000));
    const restarted = new WhatsappBed(tb.store, tb.engine, { timers });
    await restarted.connect();
    await restarted.settle();
    expect(restarted.fake.sent.map((s) => [s.text, (s.at - start) / 1000])).toEqual([
      ['Напоминание 2', 6],
      ['Напоминание 3', 12],
      ['Напоминание 4', 18],
    ]);
    expect(await restarted.channel.stats()).toEqual({ pending: 0, sentLastHour: 4, failed: 0, unconfirmed: 0 });

    const third = new WhatsappBed(tb.store, tb.engine, { timers: new ManualTimers(new Date(start + 60_000)) });
    await third.connect();
    await third.settle();
    expect(third.fake.sent).toEqual([]);
    await restarted.channel.stop();
    await third.channel.stop();
  });
});
