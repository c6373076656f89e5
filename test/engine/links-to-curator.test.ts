// "Пришлите ссылку … — мы передадим её куратору": a link given in a questionnaire reaches the
// cohort's curator, with who sent it and where; a questionnaire answered without one sends nothing.
import { describe, expect, it } from 'vitest';
import { enrolledTeacher } from '../support/teacher.js';
import { useEngineTestbed } from '../support/testbed.js';

// The stage 2 check-in is open: the course ended on 20 March 2026, the check-in is due at +5 months.
const bed = useEngineTestbed('2026-08-24T09:00:00Z');

describe('links given in a questionnaire', () => {
  it('are passed on to the curator, as the question promises', async () => {
    const { actor: teacher } = await enrolledTeacher(bed.h, 'Мария', bed.cohort.cohortId, {
      fullName: 'Иванова Мария',
    });
    const curator = bed.h.actor('Ольга', { username: 'olga_curator' });
    await curator.say('/start');
    const before = curator.inbox.length;

    await teacher.say('/surveys');
    // The only questionnaire open: it starts at once.
    await teacher.say('2');
    await teacher.press('Открытый урок (занятие)', 'Вебинар');
    await teacher.press('Уровень школы (организации)');
    await teacher.press('Коллеги посетили мероприятие');
    await teacher.press('По некоторым');
    await teacher.press('Нет');
    expect(teacher.lastPrompt().text).toContain('мы передадим её куратору');
    await teacher.say('https://school.example.kz/open-lesson');
    await teacher.press(4);
    await teacher.press('Нет');
    await teacher.press('Отправить');

    const told = curator.inbox.slice(before).map((m) => m.text);
    expect(told).toEqual([
      'Иванова Мария прислал(а) ссылки в анкете «Этап 2: как идёт реализация плана» (поток «Функциональная грамотность, весна 2026»):\n' +
        'Пришлите ссылку на материалы одного из мероприятий — мы передадим её куратору. — https://school.example.kz/open-lesson',
    ]);
  });
});
