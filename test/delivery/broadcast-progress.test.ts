// A long broadcast tells its author how it goes while it goes, then gives the report; and a chart
// or a file goes only where the channel can show it, its text fallback elsewhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcastService, PROGRESS_EVERY } from '../../src/delivery/broadcasts.js';
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
    const broadcasts = createBroadcastService({ repos, dispatcher, logger: silentLogger, progressEvery: 2 });
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
