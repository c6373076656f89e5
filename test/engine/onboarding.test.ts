import { describe, expect, it } from 'vitest';
import { useEngineTestbed } from '../support/testbed.js';

const bed = useEngineTestbed('2026-03-25T07:00:00Z');

describe('onboarding', () => {
  it('joins by deep link, consents, fills the profile (ru)', async () => {
    const teacher = bed.h.actor('Мария');
    // The post-course year hears of her once she is enrolled: her part of it is planned then.
    const changed: [string, string | undefined][] = [];
    bed.h.engine.watchTeachers((participantId, cohortId) => changed.push([participantId, cohortId]));
    await teacher.say(`/start ${bed.cohort.code}`);
    await teacher.press('Русский');
    expect(changed).toEqual([]);
    await teacher.press('Да');
    expect(changed).toHaveLength(1);
    await teacher.say('Иванова Мария Сергеевна');
    await teacher.say('МОУ СОШ № 3 г. Тутаева');
    await teacher.say('Ярославская область');
    await teacher.say('Тутаевский район');
    await teacher.press('В сельской местности');
    await teacher.say('учитель математики');
    await teacher.say('Математика');
    bed.h.expectGolden('onboarding-ru');

    const p = await bed.store.repositories.participants.findByAddress('telegram', teacher.id);
    expect(p).toMatchObject({
      fullName: 'Иванова Мария Сергеевна',
      organisation: 'МОУ СОШ № 3 г. Тутаева',
      region: 'Ярославская область',
      district: 'Тутаевский район',
      settlementType: 'rural',
      position: 'учитель математики',
      subject: 'Математика',
      locale: 'ru',
      consent: { given: true, policyVersion: 'test-1' },
    });
    expect(await bed.store.repositories.enrollments.find(p!.id, bed.cohort.cohortId)).toMatchObject({
      status: 'active',
      currentStage: 1,
    });
    expect((await bed.store.repositories.audit.list({ action: 'consent.given' })).map((e) => e.subjectId)).toEqual([
      p!.id,
    ]);
    expect(changed).toEqual([[p!.id, bed.cohort.cohortId]]);
  });

  it('in Kazakh, with a typed code and a wrong code first', async () => {
    const teacher = bed.h.actor('Айжан');
    await teacher.say('Сәлем');
    await teacher.say('NO-SUCH');
    await teacher.say(bed.cohort.code.toLowerCase());
    await teacher.press('Қазақша');
    await teacher.press('Иә');
    await teacher.say('Серікова Айжан');
    await teacher.say('№ 12 мектеп-гимназия');
    await teacher.say('Ақмола облысы');
    await teacher.say('Көкшетау қаласы');
    await teacher.press('Қалада');
    await teacher.say('мұғалім');
    await teacher.say('Қазақ тілі');
    bed.h.expectGolden('onboarding-kk');
    const p = await bed.store.repositories.participants.findByAddress('telegram', teacher.id);
    expect(p).toMatchObject({ locale: 'kk', settlementType: 'urban', fullName: 'Серікова Айжан' });
  });

  it('keeps nothing when consent is refused', async () => {
    const teacher = bed.h.actor('Пётр');
    await teacher.say(`/start ${bed.cohort.code}`);
    await teacher.press('Русский');
    await teacher.press('Нет');
    expect(teacher.lastText()).toMatch(/ничего не сохранил/);
    expect(await bed.store.repositories.participants.findByAddress('telegram', teacher.id)).toBeUndefined();
    expect(await bed.store.sessions.load('telegram', teacher.id)).toBeUndefined();
  });

  it('recognises an imported curator by Telegram username and links the account', async () => {
    const curator = bed.h.actor('Ольга', { username: 'Olga_Curator' });
    await curator.say(`/start ${bed.cohort.code}`);
    expect(curator.inbox[0]?.text).toMatch(/Вы куратор или тьютор курса/);
    const p = await bed.store.repositories.participants.findByUsername('telegram', 'olga_curator');
    expect(p?.addresses).toEqual([{ channel: 'telegram', id: curator.id, username: 'olga_curator' }]);
    expect(curator.lastPrompt().options.map((o) => o.label)).toContain('Мероприятия на проверку (0)');
  });

  it('handles the same message twice once, and stickers, long texts and emoji without breaking', async () => {
    const teacher = bed.h.actor('Анна');
    await teacher.say(`/start ${bed.cohort.code}`, 'dup-1');
    const again = await teacher.say(`/start ${bed.cohort.code}`, 'dup-1');
    expect(again).toEqual([]);
    await teacher.sendSticker();
    expect(teacher.inbox.at(-2)?.text).toMatch(/только текст и кнопки/);
    await teacher.press('Русский');
    await teacher.press('Да');
    await teacher.say('x'.repeat(5000));
    expect(teacher.inbox.at(-2)?.text).toMatch(/200/);
    await teacher.say('Анна 👩‍🏫 Ли\u200bсова');
    expect(teacher.lastPrompt().text).toMatch(/организации/);
    const session = await bed.store.sessions.load('telegram', teacher.id);
    // The zero-width space is removed on the way in; the joiner inside the emoji stays.
    expect(session?.flow?.data.fullName).toBe('Анна 👩\u200d🏫 Лисова');
  });
});
