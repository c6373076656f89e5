// The WhatsApp queue under pressure: replies in a lane of their own, a scan of the whole queue by
// due time, a breaker when every send fails the same way, no message ever dropped, and staff told
// on Telegram when WhatsApp breaks down, and a death in the middle of a send that neither doubles
// nor loses the message. The clock is manual: nothing here waits for real.
import { describe, expect, it } from 'vitest';
import { BREAKER_THRESHOLD } from '../../../src/channels/whatsapp/outbox.js';
import { outboxCollection } from '../../../src/store/channel-storage.js';
import { runWhatsappCommand } from '../../../src/cli/commands/whatsapp.js';
import type { ChannelSender } from '../../../src/delivery/ports.js';
import { WhatsappBed } from './support/bed.js';
import { FakeWhatsapp } from './support/fake-port.js';
import { ManualTimers } from './support/manual-timers.js';
import { AT, useWhatsappTestbed, whatsappTeacher, type WhatsappTestbed } from './support/testbed.js';

const tb: WhatsappTestbed = useWhatsappTestbed({ connect: false });
const start = Date.parse(AT);
const text = (t: string) => ({ kind: 'text' as const, text: t });
const EVALUATION_FAILED = "Evaluation failed: TypeError: Cannot read properties of undefined (reading 'getChat')";

async function until(ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** Telegram as the staff see it: what each chat was sent. */
function telegramInbox(bed: WhatsappBed): Map<string, string[]> {
  const inbox = new Map<string, string[]>();
  const sender: ChannelSender = {
    channel: 'telegram',
    async send(chatId, message) {
      inbox.set(chatId, [...(inbox.get(chatId) ?? []), message.kind === 'text' ? message.text : message.text]);
      return { ok: true };
    },
  };
  bed.senders.push(sender);
  return inbox;
}

/** A staff member and the cohort's curator on Telegram, the cohort with a WhatsApp group. */
async function staffOnTelegram(): Promise<{ staff: string; curator: string }> {
  const repos = tb.store.repositories;
  const staff = await repos.participants.create({
    fullName: 'Методист Центра',
    addresses: [{ channel: 'telegram', id: String(880001) }],
    isStaff: true,
    locale: 'ru',
  });
  if (!staff.ok) throw new Error('staff fixture');
  await repos.participants.linkAddress(tb.cohort.curatorId, { channel: 'telegram', id: '880002' });
  await repos.cohorts.bindGroup(tb.cohort.cohortId, {
    channel: 'whatsapp',
    chatId: '120363000000009@g.us',
    boundAt: tb.clock.now(),
  });
  return { staff: '880001', curator: '880002' };
}

describe('whatsapp outbox lanes', () => {
  it('sends a reply at once, ahead of that teacher’s own reminder held by the hourly cap', async () => {
    const bed = new WhatsappBed(tb.store, tb.engine, { pace: { hourlyCap: 2 } });
    await bed.connect();
    const { id } = await whatsappTeacher(tb, '77011110030');
    for (const n of [1, 2]) await bed.channel.sender.send(`7701000000${n}@c.us`, text(`Рассылка ${n}`));
    await bed.channel.sender.send(id, text('Напоминание об этапе'));
    await bed.settle({ until: start + 60_000 });
    expect(bed.fake.textsTo(id)).toEqual([]);
    await bed.fake.receive(id, '/progress');
    await bed.settle({ until: start + 60_000 });
    const toTeacher = bed.fake.sent.filter((s) => s.chatId === id);
    expect(toTeacher.length).toBeGreaterThan(0);
    expect(toTeacher.map((s) => s.text)).not.toContain('Напоминание об этапе');
    expect(((toTeacher[0]?.at ?? Number.NaN) - start) / 1000).toBeLessThanOrEqual(12);
    // The reminder still goes, an hour after the first of the two unsolicited messages.
    await bed.settle();
    expect(bed.fake.textsTo(id).at(-1)).toBe('Напоминание об этапе');
    expect(((bed.fake.sent.at(-1)?.at ?? Number.NaN) - start) / 1000).toBe(3600);
    await bed.channel.stop();
  });

  it('finds a reply behind 520 held messages: the queue is scanned by due time, not a window', async () => {
    const bed = new WhatsappBed(tb.store, tb.engine, { pace: { hourlyCap: 1 } });
    await bed.connect();
    bed.channel.outbox.pause();
    for (let n = 0; n < 520; n++)
      await bed.channel.outbox.enqueue(`7702${String(n).padStart(7, '0')}@c.us`, [`Приглашение ${n}`]);
    bed.channel.outbox.resume();
    await bed.settle({ until: start + 60_000 });
    expect(bed.fake.sent.map((s) => s.text)).toEqual(['Приглашение 0']);
    const { id } = await whatsappTeacher(tb, '77011110031');
    await bed.fake.receive(id, '/progress');
    await bed.settle({ until: start + 60_000 });
    expect(bed.fake.sent.at(-1)?.chatId).toBe(id);
    expect(((bed.fake.sent.at(-1)?.at ?? Number.NaN) - start) / 1000).toBeLessThanOrEqual(12);
    expect((await bed.channel.stats()).pending).toBe(519);
    await bed.channel.stop();
  });
});

describe('whatsapp outbox breaker', () => {
  it('pauses on repeated identical failures, keeps all 20 messages, degrades health, tells staff and curators, then sends each once', async () => {
    await tb.bed.connect();
    const telegram = telegramInbox(tb.bed);
    const { staff, curator } = await staffOnTelegram();
    tb.bed.fake.failAllWith = EVALUATION_FAILED;
    tb.bed.channel.outbox.pause();
    for (let n = 1; n <= 20; n++)
      await tb.bed.channel.sender.send(`770300000${String(n).padStart(2, '0')}@c.us`, text(`Напоминание ${n}`));
    tb.bed.channel.outbox.resume();
    // Two hours of failing WhatsApp Web.
    await tb.bed.settle({ until: start + 2 * 3600_000 });
    expect(tb.bed.fake.sent).toEqual([]);
    expect(await tb.bed.channel.stats()).toMatchObject({ pending: 20, failed: 0 });
    expect(await tb.bed.channel.outbox.failed()).toEqual([]);
    expect(tb.bed.channel.outbox.breaker()?.detail).toMatch(/^Evaluation failed/);
    expect(tb.bed.channel.health().state).toBe('degraded');
    for (const chat of [staff, curator]) {
      expect(telegram.get(chat)).toHaveLength(1);
      expect(telegram.get(chat)?.[0]).toMatch(
        /^WhatsApp: отправка приостановлена .*Все сообщения сохранены \(20 в очереди\)/s,
      );
    }
    // WhatsApp Web works again: the next probe goes through and the queue drains, each message once.
    tb.bed.fake.failAllWith = undefined;
    await tb.bed.settle();
    expect(tb.bed.fake.sent.map((s) => s.text).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `Напоминание ${i + 1}`).sort(),
    );
    expect(tb.bed.channel.outbox.breaker()).toBeUndefined();
    expect(tb.bed.channel.health().state).toBe('running');
    expect(telegram.get(staff)?.at(-1)).toBe('WhatsApp: отправка снова работает, сообщения из очереди уходят.');
  });

  it('trips only on identical failures: different errors are each message’s own, retried and then kept as failed', async () => {
    await tb.bed.connect();
    tb.bed.fake.varyFailures = true;
    tb.bed.fake.failSends = 5;
    await tb.bed.channel.sender.send('77030000099@c.us', text('Анкета ждёт вас'));
    await tb.bed.settle();
    expect(tb.bed.channel.outbox.breaker()).toBeUndefined();
    expect(tb.bed.fake.sent).toEqual([]);
    const [failed] = await tb.bed.channel.outbox.failed();
    expect(failed).toMatchObject({ chatId: '77030000099@c.us', text: 'Анкета ждёт вас', attempts: 5 });
    expect(BREAKER_THRESHOLD).toBeLessThan(5);
    // Listed for the staff by the CLI.
    const out: string[] = [];
    const code = await runWhatsappCommand(
      ['failed'],
      { out: (s) => void out.push(s), err: (s) => void out.push(s) },
      { store: tb.store },
    );
    expect(code).toBe(0);
    expect(out.join('')).toContain('+77030000099');
    expect(out.join('')).toContain('Анкета ждёт вас');
    expect(out.join('')).toMatch(/Protocol error: Target closed/);
  });
});

describe('whatsapp breakdowns', () => {
  it('tells staff and curators about a logout, with the 14-day and four-devices hints, and about a conflict', async () => {
    await tb.bed.connect();
    const telegram = telegramInbox(tb.bed);
    const { staff, curator } = await staffOnTelegram();
    await tb.bed.fake.disconnect('LOGOUT');
    await tb.bed.channel.idle();
    // The alert goes out in the background: wait for it (the machine may be busy), not a fixed time.
    await until(() => [staff, curator].every((chat) => (telegram.get(chat) ?? []).length > 0));
    for (const chat of [staff, curator]) {
      const [alert] = telegram.get(chat) ?? [];
      expect(alert).toMatch(/^WhatsApp: бот вышел из аккаунта \(LOGOUT\)/);
      expect(alert).toContain('14 дней');
      expect(alert).toContain('четыре устройства');
    }
    await tb.bed.connect();
    await tb.bed.fake.disconnect('CONFLICT');
    await until(() => (telegram.get(staff) ?? []).length > 1);
    expect(telegram.get(staff)?.at(-1)).toMatch(/^WhatsApp: аккаунт бота открыт в другом месте/);
  });
});

/**
 * The process dies while WhatsApp holds the 2nd of four messages (`after` it reached the chat, or
 * `before`): a bed whose send never answers, abandoned without stop(). Then a new process (a new
 * bed, its WhatsApp Web showing the chat history so far) starts and drains the queue.
 */
async function crashMidSend(
  hang: 'after' | 'before',
  history: (old: FakeWhatsapp) => FakeWhatsapp['sent'] = (old) => old.sent,
) {
  const crashed = new WhatsappBed(tb.store, tb.engine);
  await crashed.connect();
  for (const n of [1, 2, 3, 4]) await crashed.channel.sender.send(`7705000000${n}@c.us`, text(`Напоминание ${n}`));
  await crashed.channel.outbox.idle();
  crashed.fake.hangNextSend = hang;
  crashed.timers.fireNext();
  const outbox = tb.store.connection.db!.collection(outboxCollection('whatsapp'));
  const inFlight = () => outbox.findOne({ chatId: '77050000002@c.us', status: 'sending' });
  for (let i = 0; i < 2000 && !(await inFlight()); i++) await new Promise((r) => setTimeout(r, 5));
  expect(await inFlight()).not.toBeNull();
  const timers = new ManualTimers(new Date(start + 60_000));
  const fake = new FakeWhatsapp('77015550000@c.us', () => timers.nowMs());
  fake.sent.push(...history(crashed.fake));
  const restarted = new WhatsappBed(tb.store, tb.engine, { timers, fake });
  const telegram = telegramInbox(restarted);
  return { crashed, restarted, fake, telegram, before: fake.sent.length };
}

describe('whatsapp outbox after a death in the middle of a send', () => {
  it('finds the message WhatsApp took in the chat and does not send it again', async () => {
    const { restarted, fake, before } = await crashMidSend('after');
    await restarted.connect();
    await restarted.settle();
    expect(fake.calls).toContain('recentSent 77050000002@c.us');
    expect(fake.sent.slice(before).map((s) => s.text)).toEqual(['Напоминание 3', 'Напоминание 4']);
    expect(fake.sent.map((s) => s.text)).toEqual(['Напоминание 1', 'Напоминание 2', 'Напоминание 3', 'Напоминание 4']);
    expect(await restarted.channel.stats()).toMatchObject({ pending: 0, failed: 0, unconfirmed: 0 });
    expect(await restarted.channel.outbox.failed()).toEqual([]);
    await restarted.channel.stop();
  });

  it('keeps one WhatsApp never showed as unconfirmed: not sent again, listed, staff and curators told', async () => {
    const { staff, curator } = await staffOnTelegram();
    const { restarted, fake, telegram, before } = await crashMidSend('before');
    await restarted.connect();
    await restarted.settle();
    await until(() => [staff, curator].every((chat) => (telegram.get(chat) ?? []).length > 0));
    expect(fake.sent.slice(before).map((s) => s.text)).toEqual(['Напоминание 3', 'Напоминание 4']);
    expect(fake.textsTo('77050000002@c.us')).toEqual([]);
    expect(await restarted.channel.stats()).toMatchObject({ pending: 0, failed: 0, unconfirmed: 1 });
    expect(await restarted.channel.outbox.failed()).toEqual([
      expect.objectContaining({ chatId: '77050000002@c.us', text: 'Напоминание 2', unconfirmed: true }),
    ]);
    for (const chat of [staff, curator]) {
      expect(telegram.get(chat)).toEqual([
        expect.stringMatching(/^WhatsApp: бот перезапустился во время отправки, и 1 сообщ\. не найдено/),
      ]);
    }
    const out: string[] = [];
    expect(
      await runWhatsappCommand(
        ['failed'],
        { out: (s) => void out.push(s), err: (s) => void out.push(s) },
        { store: tb.store },
      ),
    ).toBe(0);
    expect(out.join('')).toContain('+77050000002, не подтверждено');
    expect(out.join('')).toContain('«Напоминание 2»');
    // A later restart does not take it up again.
    const third = new WhatsappBed(tb.store, tb.engine, { timers: new ManualTimers(new Date(start + 120_000)) });
    await third.connect();
    await third.settle();
    expect(third.fake.sent).toEqual([]);
    await restarted.channel.stop();
    await third.channel.stop();
  });

  it('does not take an older copy of the same text, or a chat it cannot open, for confirmation', async () => {
    // Yesterday's identical reminder is in the chat; today's never reached it.
    const { restarted, fake } = await crashMidSend('before', () => [
      { chatId: '77050000002@c.us', text: 'Напоминание 2', at: start - 86_400_000 },
    ]);
    await restarted.connect();
    await restarted.settle();
    expect(fake.textsTo('77050000002@c.us')).toEqual(['Напоминание 2']);
    expect(await restarted.channel.outbox.failed()).toEqual([
      expect.objectContaining({ text: 'Напоминание 2', unconfirmed: true }),
    ]);
    await restarted.channel.stop();

    await tb.store.connection.db!.collection(outboxCollection('whatsapp')).deleteMany({});
    const second = await crashMidSend('after');
    second.fake.recentSentError = 'Evaluation failed: chat not found';
    await second.restarted.connect();
    await second.restarted.settle();
    const [kept] = await second.restarted.channel.outbox.failed();
    expect(kept).toMatchObject({
      text: 'Напоминание 2',
      unconfirmed: true,
      error: expect.stringMatching(/could not be checked: Evaluation failed/),
    });
    expect(second.fake.textsTo('77050000002@c.us')).toEqual(['Напоминание 2']);
    await second.restarted.channel.stop();
  });
});
