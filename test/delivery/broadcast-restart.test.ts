// A broadcast a restart caught mid-send: the delivery in flight is never sent again, and the
// author's report names that person as not confirmed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcastService } from '../../src/delivery/broadcasts.js';
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

describe('a broadcast resumed after a restart', () => {
  it('sends the rest once each, not the one in flight, and tells the author who is not confirmed', async () => {
    const repos = store.repositories;
    const author = await aParticipant(repos, { fullName: 'Смирнова Ольга' });
    const cohort = await aCohort(repos, { curatorIds: [author.id] });
    const teachers = [];
    for (const name of ['Белова Зоя', 'Новикова Вера', 'Петрова Анна']) {
      const p = await aParticipant(repos, { fullName: name });
      await repos.enrollments.enroll({ participantId: p.id, cohortId: cohort.id, at: new Date(), stages: [1, 2, 3] });
      teachers.push(p);
    }
    const [zoya, vera, anna] = teachers as [
      (typeof teachers)[number],
      (typeof teachers)[number],
      (typeof teachers)[number],
    ];
    const b = await repos.broadcasts.create({
      cohortId: cohort.id,
      authorId: author.id,
      text: 'Вебинар завтра',
      toGroups: false,
      toParticipants: true,
    });
    await repos.broadcasts.startSending(
      b.id,
      teachers.map((p) => ({ channel: 'telegram' as const, chatId: tg(p), participantId: p.id })),
    );
    // What the killed process left: Zoya sent and recorded, Vera handed to Telegram, no outcome yet.
    await repos.broadcasts.recordDelivery(b.id, 'telegram', tg(zoya), { status: 'sent', at: new Date() });
    await repos.broadcasts.recordDelivery(b.id, 'telegram', tg(vera), { status: 'sending', at: new Date() });

    const sent: { chatId: string; text: string }[] = [];
    const sender: ChannelSender = {
      channel: 'telegram',
      async send(chatId, message) {
        sent.push({ chatId, text: message.kind === 'text' ? message.text : '' });
        return { ok: true };
      },
    };
    const dispatcher = createDispatcher({ senders: [sender], repos, logger: silentLogger });
    await createBroadcastService({ repos, dispatcher, logger: silentLogger }).resumeUnfinished();

    expect(sent.filter((s) => s.text === 'Вебинар завтра').map((s) => s.chatId)).toEqual([tg(anna)]);
    const report = sent.find((s) => s.chatId === tg(author))?.text;
    expect(report).toBe(
      'Рассылка завершена. Доставлено: 2 из 3.\n' +
        'Не подтверждено — бот перезапускался во время отправки, сообщение могло не дойти (повторно не отправлялось): Новикова Вера.',
    );
    const stored = await repos.broadcasts.findById(b.id);
    expect(stored?.status).toBe('done');
    expect(stored?.deliveries.map((d) => d.status)).toEqual(['sent', 'failed', 'sent']);
  });
});
