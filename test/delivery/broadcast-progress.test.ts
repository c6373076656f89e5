// A long broadcast tells its author how it goes while it goes, then gives the report; and a chart
// or a file goes only where the channel can show it, its text fallback elsewhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcastService, PROGRESS_EVERY, PROGRESS_INTERVAL_MS } from '../../src/delivery/broadcasts.js';
import { createDispatcher } from '../../src/delivery/dispatcher.js';
import type { ChannelSender } from '../../src/delivery/ports.js';
import type { Store } from '../../src/store/index.js';
import { aCohort, aParticipant, tg } from '../support/fixtures.js';
import { openTestStore, silentLogger } from '../support/store.js';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store?.close();
});

function recordingSender(sent: { chatId: string; text: string }[]): ChannelSender {
  return {
    channel: 'telegram',
    async send(chatId, message) {
      sent.push({ chatId, text: message.text });
      return { ok: true };
    },
  };
}

describe('a broadcast in progress', () => {
  it('tells the author every so many recipients, then reports', async () => {
    expect(PROGRESS_EVERY).toBe(25);
    const repos = store.repositories;
    const author = await aParticipant(repos, { fullName: 'Смирнова Ольга' });
    const cohort = await aCohort(repos, { curatorIds: [author.id] });
    for (let i = 0; i < 5; i++) {
      const p = await aParticipant(repos, { fullName: `Педагог ${i}` });
      await repos.enrollments.enroll({ participantId: p.id, cohortId: cohort.id, at: new Date(), stages: [1, 2, 3] });
    }
    const sent: { chatId: string; text: string }[] = [];
    const dispatcher = createDispatcher({ senders: [recordingSender(sent)], repos, logger: silentLogger });
    // A minute passes per message here, as on WhatsApp's pace: every word is due by time.
    let clock = Date.parse('2026-12-03T08:00:00Z');
    const broadcasts = createBroadcastService({
      repos,
      dispatcher,
      logger: silentLogger,
      progressEvery: 2,
      now: () => {
        clock += 60_000;
        return new Date(clock);
      },
    });
    const b = await broadcasts.create({
      cohortId: cohort.id,
      authorId: author.id,
      text: 'Вебинар завтра',
      toGroups: false,
      toParticipants: true,
    });
    await broadcasts.send(b.id);
    // Five teachers, a word every two: after the 2nd and the 4th, then the report.
    expect(sent.filter((s) => s.chatId === tg(author)).map((s) => s.text)).toEqual([
      'Рассылка идёт: 2 из 5, продолжаю…',
      'Рассылка идёт: 4 из 5, продолжаю…',
      'Рассылка завершена. Доставлено: 5 из 5.',
    ]);
    expect(sent.filter((s) => s.text === 'Вебинар завтра')).toHaveLength(5);
  });

  it('at Telegram speed tells the author at most every 30 seconds, not every 25 recipients', async () => {
    expect(PROGRESS_INTERVAL_MS).toBe(30_000);
    const repos = store.repositories;
    const author = await aParticipant(repos, { fullName: 'Орлова Анна' });
    const cohort = await aCohort(repos, { curatorIds: [author.id] });
    for (let i = 0; i < 60; i++) {
      const p = await aParticipant(repos, { fullName: `Учитель ${i}` });
      await repos.enrollments.enroll({ participantId: p.id, cohortId: cohort.id, at: new Date(), stages: [1, 2, 3] });
    }
    const sent: { chatId: string; text: string }[] = [];
    // Telegram's pace: each message moves the clock on by 1/30 s, so the 60 take two seconds.
    let clock = Date.parse('2026-12-03T08:00:00Z');
    const record = recordingSender(sent);
    const telegramPace: ChannelSender = {
      ...record,
      send: (chatId, message) => {
        clock += 1000 / 30;
        return record.send(chatId, message);
      },
    };
    const dispatcher = createDispatcher({ senders: [telegramPace], repos, logger: silentLogger });
    const broadcasts = createBroadcastService({ repos, dispatcher, logger: silentLogger, now: () => new Date(clock) });
    const b = await broadcasts.create({
      cohortId: cohort.id,
      authorId: author.id,
      text: 'Семинар в пятницу',
      toGroups: false,
      toParticipants: true,
    });
    await broadcasts.send(b.id);
    expect(sent.filter((s) => s.text === 'Семинар в пятницу')).toHaveLength(60);
    // The 25th and the 50th were sent within 30 s of the start: no word until the report.
    expect(sent.filter((s) => s.chatId === tg(author)).map((s) => s.text)).toEqual([
      'Рассылка завершена. Доставлено: 60 из 60.',
    ]);
  });

  it('keeps a few deliveries under way at once, each recipient served once', async () => {
    const repos = store.repositories;
    const author = await aParticipant(repos, { fullName: 'Волкова Ирина' });
    const cohort = await aCohort(repos, { curatorIds: [author.id] });
    for (let i = 0; i < 12; i++) {
      const p = await aParticipant(repos, { fullName: `Учительница ${i}` });
      await repos.enrollments.enroll({ participantId: p.id, cohortId: cohort.id, at: new Date(), stages: [1, 2, 3] });
    }
    const chats: string[] = [];
    let underWay = 0;
    let most = 0;
    // A platform that answers on the next turn of the event loop, like an HTTP call.
    const slow: ChannelSender = {
      channel: 'telegram',
      async send(chatId, message) {
        underWay += 1;
        most = Math.max(most, underWay);
        await new Promise((r) => setImmediate(r));
        underWay -= 1;
        if (message.text === 'Собрание') chats.push(chatId);
        return { ok: true };
      },
    };
    const dispatcher = createDispatcher({ senders: [slow], repos, logger: silentLogger });
    const broadcasts = createBroadcastService({ repos, dispatcher, logger: silentLogger, concurrency: 4 });
    const b = await broadcasts.create({
      cohortId: cohort.id,
      authorId: author.id,
      text: 'Собрание',
      toGroups: false,
      toParticipants: true,
    });
    const report = await broadcasts.send(b.id);
    expect(report).toMatchObject({ total: 12, sent: 12 });
    expect(chats).toHaveLength(12);
    expect(new Set(chats).size).toBe(12);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
    const stored = await repos.broadcasts.findById(b.id);
    expect(stored?.deliveries.map((d) => d.status)).toEqual(Array.from({ length: 12 }, () => 'sent'));
  });
});

describe('files in the dispatcher', () => {
  it('sends a file where the channel takes files, its fallback text elsewhere, and a chart without fallback nowhere else', async () => {
    const repos = store.repositories;
    const texts: { chatId: string; text: string }[] = [];
    const files: string[] = [];
    const withFiles: ChannelSender = {
      channel: 'telegram',
      send: async () => ({ ok: true }),
      async sendFile(_chatId, file) {
        files.push(file.filename);
        return { ok: true };
      },
    };
    const textOnly: ChannelSender = { ...recordingSender(texts), channel: 'whatsapp' };
    const dispatcher = createDispatcher({ senders: [withFiles, textOnly], repos, logger: silentLogger });
    const report = {
      kind: 'file' as const,
      filename: 'report.xlsx',
      data: new Uint8Array([1]),
      text: 'Отчёт',
      fallback: 'Отчёт: файл в Telegram',
    };
    const chart = {
      kind: 'file' as const,
      filename: 'chart.png',
      data: new Uint8Array([1]),
      text: 'График',
      picture: true,
    };
    const out = [report, chart].flatMap((message) =>
      (['telegram', 'whatsapp'] as const).map((channel) => ({
        to: { kind: 'chat' as const, channel, chatId: '1' },
        message,
      })),
    );
    const deliveries = await dispatcher.dispatch(out);
    expect(deliveries.every((d) => d.outcome.ok)).toBe(true);
    expect(files).toEqual(['report.xlsx', 'chart.png']);
    expect(texts.map((x) => x.text)).toEqual(['Отчёт: файл в Telegram']);
  });
});
