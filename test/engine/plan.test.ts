// The individual plan: the teacher records planned activities (type, level, month) and changes
// them; the tutor sees who is behind their own plan and comments; /progress shows planned against done.
import { describe, expect, it } from 'vitest';
import { enrolledTeacher } from '../support/teacher.js';
import { useEngineTestbed } from '../support/testbed.js';

const bed = useEngineTestbed('2026-03-25T08:00:00Z');

describe('the individual plan', () => {
  it('is recorded and changed by the teacher, seen and commented by the tutor, and set against what was accepted', async () => {
    const repos = bed.store.repositories;
    const { actor: teacher, participant } = await enrolledTeacher(bed.h, 'Мария', bed.cohort.cohortId, {
      fullName: 'Иванова Мария',
    });
    const { participant: other } = await enrolledTeacher(bed.h, 'Пётр', bed.cohort.cohortId, {
      fullName: 'Петров Пётр',
    });
    const tutor = bed.h.actor('Айгуль', { username: 'aigul_tutor' });

    await teacher.say('/plan');
    await teacher.press('Добавить мероприятие');
    await teacher.press('Открытый урок (занятие)');
    await teacher.press('Уровень организации (школа)');
    await teacher.press('апрель 2026 г.');
    await teacher.press('Добавить мероприятие');
    await teacher.press('Вебинар');
    await teacher.press('Районный (городской)');
    await teacher.press('май 2026 г.');
    await teacher.press('Добавить мероприятие');
    await teacher.press('Мастер-класс');
    await teacher.press('Уровень организации (школа)');
    await teacher.press('июнь 2026 г.');
    await teacher.press('Добавить мероприятие');
    await teacher.press('Публикация');
    await teacher.press('Областной (региональный)');
    await teacher.press('сентябрь 2026 г.');
    // Changed later: the publication comes off the plan.
    await teacher.press('Убрать мероприятие');
    await teacher.press('сентябрь 2026 г.: Публикация');
    await teacher.press('Готово');

    const plan = (await repos.enrollments.find(participant.id, bed.cohort.cohortId))!.plan!;
    expect(plan.items.map((i) => [i.type, i.level, i.month])).toEqual([
      ['open_lesson', 'school', '2026-04'],
      ['webinar', 'district', '2026-05'],
      ['master_class', 'school', '2026-06'],
    ]);

    // July: three planned by months gone by, one accepted (a webinar): two behind; the other teacher has no plan.
    bed.h.clock.set('2026-07-06T08:00:00Z');
    const webinar = await repos.activities.submit({
      participantId: participant.id,
      cohortId: bed.cohort.cohortId,
      type: 'webinar',
      level: 'district',
      date: new Date('2026-05-20T12:00:00Z'),
      title: 'Вебинар для коллег',
      links: ['https://example.org/w'],
      submittedAt: new Date('2026-05-21T12:00:00Z'),
    });
    await repos.activities.review(webinar.id, {
      reviewerId: bed.cohort.curatorId,
      decision: 'accepted',
      at: new Date('2026-05-22T12:00:00Z'),
    });
    expect(other.id).not.toBe(participant.id);

    await tutor.say('/plans');
    await tutor.press('Иванова Мария');
    await tutor.say('Открытый урок перенесите на сентябрь, а мастер-класс проведите до конца августа.');

    await teacher.say('/progress');
    bed.h.expectGolden('plan-ru');

    const after = (await repos.enrollments.find(participant.id, bed.cohort.cohortId))!.plan!;
    expect(after.comments.map((c) => [c.by, c.text])).toEqual([
      [bed.cohort.tutorId, 'Открытый урок перенесите на сентябрь, а мастер-класс проведите до конца августа.'],
    ]);
    // By hand: planned April, May, June, all ended by 6 July = 3; accepted 1 (the webinar); 3 − 1 = 2 ≥ the margin 1.
    const behindList = tutor.inbox.map((m) => m.text).find((x) => x.startsWith('Отстают'));
    expect(behindList).toBe(
      'Отстают от своего плана (не хватает принятых мероприятий: 1 и больше):\n• Иванова Мария: по плану к этому месяцу 3, принято 1',
    );
    const progress = teacher.inbox.map((m) => m.text).findLast((x) => x.startsWith('Курс «'));
    expect(progress).toContain('Запланировано: 3, из них по прошедшим месяцам: 3. Принято куратором мероприятий: 1.');
    expect(progress).toContain('По вашему плану к этому месяцу не хватает принятых мероприятий: 2.');
  });
});
