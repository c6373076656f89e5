// The engine's promises to the channel adapters, whatever the channel.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/engine/events.js';
import type { Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { Clock, Harness } from '../support/engine-harness.js';
import { openTestStore } from '../support/store.js';
import { enrolledTeacher } from '../support/teacher.js';

let store: Store;
let h: Harness;
let cohort: CohortFixture;
beforeEach(async () => {
  store = await openTestStore();
  cohort = await seedCohort(store);
  h = new Harness(store, new Clock(new Date('2026-05-12T08:00:00Z')));
});
afterEach(async () => {
  await store.close();
});

function textEvent(from: string, messageId: string, text: string, channel: 'telegram' | 'whatsapp' = 'telegram'): InboundEvent {
  return { channel, messageId, chat: { id: from, type: 'private' }, from: { id: from }, at: new Date('2026-05-12T08:00:00Z'), payload: { kind: 'text', text } };
}

describe('engine contract', () => {
  it('handles two messages from one person sent at once in order, each once', async () => {
    const { actor } = await enrolledTeacher(h, 'Мария', cohort.cohortId, { fullName: 'Иванова Мария' });
    const [first, second, duplicate] = await Promise.all([
      h.engine.handle(textEvent(actor.id, 'a1', '/activity')),
      h.engine.handle(textEvent(actor.id, 'a2', '3')),
      h.engine.handle(textEvent(actor.id, 'a2', '3')),
    ]);
    expect(first?.[0]?.message.kind === 'prompt' && first[0].message.text).toBe('Какое мероприятие вы провели?');
    expect(second?.[0]?.message.kind === 'prompt' && second[0].message.text).toBe('Какого уровня было мероприятие?');
    expect(duplicate).toEqual([]);
    const session = await store.sessions.load('telegram', actor.id);
    expect(session?.flow).toMatchObject({ flowId: 'activity', stepId: 'level', data: { type: 'webinar' } });
  });

  it('stores operator-looking and JSON answers as plain text', async () => {
    const { actor } = await enrolledTeacher(h, 'Мария', cohort.cohortId, { fullName: 'Иванова Мария' });
    await actor.say('/activity');
    await actor.press('Вебинар');
    await actor.press('Районный (городской)');
    await actor.say('2026-05-10');
    await actor.say('{"$gt": ""}');
    await actor.say('https://example.org/$where');
    await actor.press('Нет');
    await actor.say('$set');
    await actor.press('Да');
    const [activity] = await store.repositories.activities.listByCohort(cohort.cohortId);
    expect(activity).toMatchObject({ title: '{"$gt": ""}', note: '$set', links: [{ url: 'https://example.org/$where' }] });
  });

  it('recognises an imported teacher on WhatsApp by the phone in their id', async () => {
    const repos = store.repositories;
    const imported = await repos.participants.create({ fullName: 'Жумабаева Гульнара', phone: '+77015550011', locale: 'kk' });
    if (!imported.ok) throw new Error('fixture');
    await repos.enrollments.enroll({ participantId: imported.value.id, cohortId: cohort.cohortId, at: h.clock.now() });
    const teacher = h.actor('Гульнара', { channel: 'whatsapp', id: '77015550011@c.us' });
    await teacher.say('мәзір');
    expect(teacher.lastPrompt().text).toBe('Не істегіңіз келеді?');
    expect((await repos.participants.findById(imported.value.id))?.whatsappId).toBe('77015550011@c.us');
  });

  it('greets a newcomer in the cohort group and ignores chatter', async () => {
    await store.repositories.cohorts.bindGroup(cohort.cohortId, { channel: 'telegram', chatId: '-100777', boundAt: new Date() });
    const joined = await h.engine.handle({ channel: 'telegram', messageId: 'g1', chat: { id: '-100777', type: 'group' }, from: { id: '42' }, at: new Date(), payload: { kind: 'member_joined' } });
    expect(joined).toEqual([{ to: { kind: 'chat', channel: 'telegram', chatId: '-100777' }, message: { kind: 'text', text: expect.stringContaining(`код курса: ${cohort.code}`), startLink: { code: cohort.code, label: 'Написать боту' } } }]);
    const chatter = await h.engine.handle({ channel: 'telegram', messageId: 'g2', chat: { id: '-100777', type: 'group' }, from: { id: '42' }, at: new Date(), payload: { kind: 'text', text: 'Коллеги, добрый день!' } });
    expect(chatter).toEqual([]);
  });

  it('answers a stale button with the current question', async () => {
    const { actor } = await enrolledTeacher(h, 'Мария', cohort.cohortId, { fullName: 'Иванова Мария' });
    await actor.say('/activity');
    const stale = actor.lastPrompt().ref;
    await actor.press('Вебинар');
    await actor.pressStale(stale, 'open_lesson');
    expect(actor.inbox.at(-2)?.text).toMatch(/относится к одному из прошлых вопросов/);
    expect(actor.lastPrompt().text).toBe('Какого уровня было мероприятие?');
  });

  it('starts a questionnaire by invitation, and does not interrupt someone mid-dialog', async () => {
    const { actor, participant } = await enrolledTeacher(h, 'Мария', cohort.cohortId, { fullName: 'Иванова Мария' });
    const data = { questionnaireId: 'engine-check', occasion: 'check-1', cohortId: cohort.cohortId, cohortTitle: 'Весна', timeZone: 'Europe/Moscow' };
    const started = await h.engine.trigger(participant.id, 'surveys', data, 'Новая анкета ждёт вас: /surveys');
    expect(started.status).toBe('started');
    expect(started.out.map((o) => o.to)).toEqual([
      { kind: 'chat', channel: 'telegram', chatId: actor.id },
      { kind: 'chat', channel: 'telegram', chatId: actor.id },
    ]);
    expect(started.out[1]?.message.kind === 'prompt' && started.out[1].message.text).toMatch(/Применяли ли вы материалы курса/);

    const again = await h.engine.trigger(participant.id, 'surveys', data, 'Новая анкета ждёт вас: /surveys');
    expect(again).toEqual({ status: 'busy', out: [{ to: { kind: 'chat', channel: 'telegram', chatId: actor.id }, message: { kind: 'text', text: 'Новая анкета ждёт вас: /surveys' } }] });

    const nobody = await store.repositories.participants.create({ fullName: 'Без мессенджера', locale: 'ru' });
    expect((await h.engine.trigger(nobody.ok ? nobody.value.id : '', 'surveys', data, '')).status).toBe('unreachable');
  });
});
