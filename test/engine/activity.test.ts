import { describe, expect, it } from 'vitest';
import { enrolledTeacher } from '../support/teacher.js';
import { useEngineTestbed } from '../support/testbed.js';

const bed = useEngineTestbed('2026-05-12T08:00:00Z');

describe('activities', () => {
  it('submission, curator return with a comment, resubmission, acceptance', async () => {
    const { actor: teacher, participant } = await enrolledTeacher(bed.h, 'Мария', bed.cohort.cohortId, {
      fullName: 'Иванова Мария',
    });
    const curator = bed.h.actor('Ольга', { username: 'olga_curator' });

    await teacher.say('/activity');
    await teacher.press('Открытый урок (занятие)');
    await teacher.press('Уровень организации (школа)');
    await teacher.say('01.03.2026');
    await teacher.say('31.02.2026');
    await teacher.say('10.05.2026');
    await teacher.say('Функциональная грамотность на уроках математики');
    await teacher.say('javascript:alert(1)');
    await teacher.say('school3-tutaev.edu.yar.ru/news/42');
    await teacher.press('Да');
    await teacher.say('https://vk.com/wall-123_456');
    await teacher.press('Нет');
    await teacher.say('пропустить');
    await teacher.press('Да');

    await curator.say('/start');
    await curator.press('Мероприятия на проверку (1)');
    await curator.press('Вернуть на доработку');
    await curator.say('Первая ссылка не открывается, пришлите, пожалуйста, рабочую.');

    await teacher.say('/activity');
    await teacher.press('Да');
    await teacher.press('Открытый урок (занятие)');
    await teacher.press('Уровень организации (школа)');
    await teacher.say('10.05.2026');
    await teacher.say('Функциональная грамотность на уроках математики');
    await teacher.say('https://school3-tutaev.edu.yar.ru/news/42-lesson');
    await teacher.press('Нет');
    await teacher.say('Исправила ссылку');
    await teacher.press('Да');

    await curator.say('/review');
    await curator.press('Принять');
    bed.h.expectGolden('activity-review-ru');

    const activities = await bed.store.repositories.activities.listByParticipant(participant.id, bed.cohort.cohortId);
    expect(activities).toHaveLength(1);
    expect(activities[0]).toMatchObject({
      status: 'accepted',
      type: 'open_lesson',
      level: 'school',
      links: [{ url: 'https://school3-tutaev.edu.yar.ru/news/42-lesson' }],
      note: 'Исправила ссылку',
    });
    expect(activities[0]!.reviews.map((r) => [r.decision, r.comment])).toEqual([
      ['returned', 'Первая ссылка не открывается, пришлите, пожалуйста, рабочую.'],
      ['accepted', undefined],
    ]);
    expect(activities[0]!.date.toISOString()).toBe('2026-05-10T12:00:00.000Z');
  });

  it('refuses curator commands to a teacher, politely', async () => {
    const { actor: teacher } = await enrolledTeacher(bed.h, 'Мария', bed.cohort.cohortId, {
      fullName: 'Иванова Мария',
    });
    await teacher.say('/review');
    expect(teacher.inbox[0]?.text).toBe('Эта команда доступна только кураторам и тьюторам курса.');
    await teacher.say('/consultations');
    expect(teacher.inbox[1]?.text).toBe('Эта команда доступна только кураторам и тьюторам курса.');
    expect(await bed.store.repositories.activities.listByCohort(bed.cohort.cohortId)).toEqual([]);
  });

  it('shows progress against the three required activities', async () => {
    const { actor: teacher, participant } = await enrolledTeacher(bed.h, 'Мария', bed.cohort.cohortId, {
      fullName: 'Иванова Мария',
    });
    const repos = bed.store.repositories;
    for (const title of ['Урок 1', 'Урок 2']) {
      const a = await repos.activities.submit({
        participantId: participant.id,
        cohortId: bed.cohort.cohortId,
        type: 'webinar',
        level: 'district',
        date: new Date('2026-04-10T12:00:00Z'),
        title,
        links: ['https://example.org/a'],
        submittedAt: new Date(),
      });
      if (title === 'Урок 1')
        await repos.activities.review(a.id, {
          reviewerId: bed.cohort.curatorId,
          decision: 'accepted',
          at: new Date('2026-04-12T12:00:00Z'),
        });
    }
    await teacher.say('/progress');
    expect(teacher.inbox[0]?.text).toBe(
      [
        'Курс «Функциональная грамотность, весна 2026»',
        'Посткурсовой год: 21.03.2026 — 20.03.2027',
        'Этап 2 из 3: реализация плана и публикация материалов',
        'Этапы:',
        '1. план мероприятий — не начат',
        '2. реализация плана и публикация материалов — в работе с 12.04.2026',
        '3. представление результатов — не начат',
        'Принято мероприятий: 1 из 3',
        'На проверке: 1',
        'Анкет, ожидающих ответа, нет.',
      ].join('\n'),
    );
  });
});
