// The engine's promises to the channel adapters, whatever the channel.
import { describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/engine/events.js';
import { enrolledTeacher } from '../support/teacher.js';
import { useEngineTestbed } from '../support/testbed.js';

const bed = useEngineTestbed('2026-05-12T08:00:00Z');

function textEvent(
  from: string,
  messageId: string,
  text: string,
  channel: 'telegram' | 'whatsapp' = 'telegram',
): InboundEvent {
  return {
    channel,
    messageId,
    chat: { id: from, type: 'private' },
    from: { id: from },
    at: new Date('2026-05-12T08:00:00Z'),
    payload: { kind: 'text', text },
  };
}

describe('engine contract', () => {
  it('handles two messages from one person sent at once in order, each once', async () => {
    const { actor } = await enrolledTeacher(bed.h, 'Мария', bed.cohort.cohortId, { fullName: 'Иванова Мария' });
    const [first, second, duplicate] = await Promise.all([
      bed.h.engine.handle(textEvent(actor.id, 'a1', '/activity')),
      bed.h.engine.handle(textEvent(actor.id, 'a2', '3')),
      bed.h.engine.handle(textEvent(actor.id, 'a2', '3')),
    ]);
    expect(first?.[0]?.message.kind === 'prompt' && first[0].message.text).toBe('Какое мероприятие вы провели?');
    expect(second?.[0]?.message.kind === 'prompt' && second[0].message.text).toBe('Какого уровня было мероприятие?');
    expect(duplicate).toEqual([]);
    const session = await bed.store.sessions.load('telegram', actor.id);
    expect(session?.flow).toMatchObject({ flowId: 'activity', stepId: 'level', data: { type: 'webinar' } });
  });

  it('stores operator-looking and JSON answers as plain text', async () => {
    const { actor } = await enrolledTeacher(bed.h, 'Мария', bed.cohort.cohortId, { fullName: 'Иванова Мария' });
    await actor.say('/activity');
    await actor.press('Вебинар');
    await actor.press('Районный (городской)');
    await actor.say('2026-05-10');
    await actor.say('{"$gt": ""}');
    await actor.say('https://example.org/$where');
    await actor.press('Нет');
    await actor.say('$set');
    await actor.press('Да');
    const [activity] = await bed.store.repositories.activities.listByCohort(bed.cohort.cohortId);
    expect(activity).toMatchObject({
      title: '{"$gt": ""}',
      note: '$set',
      links: [{ url: 'https://example.org/$where' }],
    });
  });

  it('recognises an imported teacher on WhatsApp by the phone in their id, and asks consent before anything else', async () => {
    const repos = bed.store.repositories;
    const imported = await repos.participants.create({
      fullName: 'Жумабаева Гульнара',
      phone: '+77015550011',
      locale: 'kk',
      organisation: '№ 5 мектеп',
      region: 'Ақмола облысы',
      settlementType: 'rural',
      position: 'мұғалім',
      subject: 'математика',
    });
    if (!imported.ok) throw new Error('fixture');
    await repos.enrollments.enroll({
      participantId: imported.value.id,
      cohortId: bed.cohort.cohortId,
      at: bed.h.clock.now(),
      stages: [1, 2, 3],
    });
    const teacher = bed.h.actor('Гульнара', { channel: 'whatsapp', id: '77015550011@c.us' });
    await teacher.say('мәзір');
    expect((await repos.participants.findById(imported.value.id))?.addresses).toEqual([
      { channel: 'whatsapp', id: '77015550011@c.us' },
    ]);
    expect(teacher.lastPrompt().text).toBe('Қай тілде сөйлескен ыңғайлы?');
    await teacher.press('Қазақша');
    await teacher.press('Иә');
    // The centre's import already holds the whole profile: nothing is asked twice.
    expect(teacher.inbox.at(-2)?.text).toMatch(/^Рақмет, Жумабаева Гульнара!/);
    expect(teacher.lastPrompt().text).toBe('Не істегіңіз келеді?');
    expect((await repos.participants.findById(imported.value.id))?.consent).toMatchObject({
      given: true,
      policyVersion: 'test-1',
    });
  });

  it('keeps an imported teacher who refuses consent marked as refusing, and forgets the conversation', async () => {
    const repos = bed.store.repositories;
    const imported = await repos.participants.create({ fullName: 'Ким Виктор', phone: '+77015550012', locale: 'ru' });
    if (!imported.ok) throw new Error('fixture');
    await repos.enrollments.enroll({
      participantId: imported.value.id,
      cohortId: bed.cohort.cohortId,
      at: bed.h.clock.now(),
      stages: [1, 2, 3],
    });
    const teacher = bed.h.actor('Виктор', { channel: 'whatsapp', id: '77015550012@c.us' });
    await teacher.say(bed.cohort.code);
    await teacher.press('Русский');
    await teacher.press('Нет');
    expect((await repos.participants.findById(imported.value.id))?.consent).toMatchObject({ given: false });
    expect(await bed.store.sessions.load('whatsapp', teacher.id)).toBeUndefined();
  });

  it('lets a known teacher join another course by typing its code', async () => {
    const { actor } = await enrolledTeacher(bed.h, 'Мария', bed.cohort.cohortId, { fullName: 'Иванова Мария' });
    const repos = bed.store.repositories;
    const other = await repos.cohorts.upsertByCode({
      code: 'AUTUMN26',
      programmeId: (await repos.cohorts.findById(bed.cohort.cohortId))!.programmeId,
      title: 'Осень 2026',
      courseStart: new Date('2026-09-01'),
      courseEnd: new Date('2026-09-20'),
      timeZone: 'Europe/Moscow',
      locale: 'ru',
    });
    await actor.say('autumn26');
    expect(actor.inbox[0]?.text).toBe('Вы присоединились к курсу «Осень 2026».');
    expect(
      await repos.enrollments.find((await repos.participants.findByAddress('telegram', actor.id))!.id, other.cohort.id),
    ).toBeDefined();
  });

  it('greets a newcomer in the cohort group and ignores chatter', async () => {
    await bed.store.repositories.cohorts.bindGroup(bed.cohort.cohortId, {
      channel: 'telegram',
      chatId: '-100777',
      boundAt: new Date(),
    });
    const joined = await bed.h.engine.handle({
      channel: 'telegram',
      messageId: 'g1',
      chat: { id: '-100777', type: 'group' },
      from: { id: '42' },
      at: new Date(),
      payload: { kind: 'member_joined' },
    });
    expect(joined).toEqual([
      {
        to: { kind: 'chat', channel: 'telegram', chatId: '-100777' },
        message: {
          kind: 'text',
          text: expect.stringContaining(`код курса: ${bed.cohort.code}`),
          startLink: { code: bed.cohort.code, label: 'Написать боту' },
        },
      },
    ]);
    const chatter = await bed.h.engine.handle({
      channel: 'telegram',
      messageId: 'g2',
      chat: { id: '-100777', type: 'group' },
      from: { id: '42' },
      at: new Date(),
      payload: { kind: 'text', text: 'Коллеги, добрый день!' },
    });
    expect(chatter).toEqual([]);
  });

  it('answers a stale button with the current question', async () => {
    const { actor } = await enrolledTeacher(bed.h, 'Мария', bed.cohort.cohortId, { fullName: 'Иванова Мария' });
    await actor.say('/activity');
    const stale = actor.lastPrompt().ref;
    await actor.press('Вебинар');
    await actor.pressStale(stale, 'open_lesson');
    expect(actor.inbox.at(-2)?.text).toMatch(/относится к одному из прошлых вопросов/);
    expect(actor.lastPrompt().text).toBe('Какого уровня было мероприятие?');
  });

  it('starts a questionnaire by invitation, and does not interrupt someone mid-dialog', async () => {
    const { actor, participant } = await enrolledTeacher(bed.h, 'Мария', bed.cohort.cohortId, {
      fullName: 'Иванова Мария',
    });
    const data = {
      questionnaireId: 'engine-check',
      occasion: 'check-1',
      cohortId: bed.cohort.cohortId,
      cohortTitle: 'Весна',
      timeZone: 'Europe/Moscow',
    };
    const started = await bed.h.engine.trigger(participant.id, 'surveys', data, 'Новая анкета ждёт вас: /surveys');
    expect(started.status).toBe('started');
    expect(started.out.map((o) => o.to)).toEqual([
      { kind: 'chat', channel: 'telegram', chatId: actor.id },
      { kind: 'chat', channel: 'telegram', chatId: actor.id },
    ]);
    expect(started.out[1]?.message.kind === 'prompt' && started.out[1].message.text).toMatch(
      /Применяли ли вы материалы курса/,
    );

    const again = await bed.h.engine.trigger(participant.id, 'surveys', data, 'Новая анкета ждёт вас: /surveys');
    expect(again).toEqual({
      status: 'busy',
      out: [
        {
          to: { kind: 'chat', channel: 'telegram', chatId: actor.id },
          message: { kind: 'text', text: 'Новая анкета ждёт вас: /surveys' },
        },
      ],
    });

    const nobody = await bed.store.repositories.participants.create({ fullName: 'Без мессенджера', locale: 'ru' });
    expect((await bed.h.engine.trigger(nobody.ok ? nobody.value.id : '', 'surveys', data, '')).status).toBe(
      'unreachable',
    );
  });
});
