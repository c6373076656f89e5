// "If you need help, someone will get in touch": a help request given inside a questionnaire opens a
// consultation routed like the teacher's own; the curator sees it in /consultations with who it is
// assigned to, takes it over and answers; the teacher gets the answer in the same chat.
import { describe, expect, it } from 'vitest';
import { enrolledTeacher } from '../support/teacher.js';
import { useEngineTestbed } from '../support/testbed.js';

// Stage 1's plan questionnaire is open (course ended 20 March, due +14 days, open a month).
const bed = useEngineTestbed('2026-04-20T09:00:00Z');

describe('help asked for in a questionnaire', () => {
  it('reaches the tutor, and the curator sees, takes over and answers it', async () => {
    const { actor: teacher, participant } = await enrolledTeacher(bed.h, 'Мария', bed.cohort.cohortId, {
      fullName: 'Иванова Мария',
    });
    const tutor = bed.h.actor('Айгуль', { username: 'aigul_tutor' });
    await tutor.say('/start');
    const curator = bed.h.actor('Ольга', { username: 'olga_curator' });
    await curator.say('/start');

    await teacher.say('/surveys');
    await teacher.press('Этап 1: план мероприятий на посткурсовой год');
    await teacher.press('Ещё не начинал(а)');
    await teacher.press('Да');
    await teacher.say('Не знаю, с чего начать: какие мероприятия подходят для уровня школы?');
    await teacher.press('Отправить');
    expect(tutor.inbox.at(-1)?.text).toContain('Новый запрос на консультацию от Иванова Мария');

    await curator.say('/consultations');
    await curator.press('Взять себе');
    await curator.say('Начните с открытого урока для коллег по МО, затем мастер-класс. Пришлю образец плана.');
    await curator.press('Нет');
    bed.h.expectGolden('help-loop-ru');

    const [request] = await bed.store.repositories.consultations.listByParticipant(participant.id);
    expect(request).toMatchObject({
      status: 'answered',
      topic: 'Этап 1: план мероприятий на посткурсовой год',
      description:
        'Нужна ли вам помощь в составлении или доработке плана? — Да\nС чем именно нужна помощь? — Не знаю, с чего начать: какие мероприятия подходят для уровня школы?',
      assigneeId: bed.cohort.curatorId,
      messages: [{ fromTeacher: false, authorId: bed.cohort.curatorId }],
    });
    expect(teacher.inbox.at(-1)?.text).toBe(
      'Ответ на ваш запрос «Этап 1: план мероприятий на посткурсовой год»:\n\nНачните с открытого урока для коллег по МО, затем мастер-класс. Пришлю образец плана.',
    );
    // The tutor is told the curator took it over, and no longer sees it as theirs.
    expect(tutor.inbox.at(-1)?.text).toBe(
      'Запрос «Этап 1: план мероприятий на посткурсовой год» взял(а) себе куратор Смирнова Ольга Петровна.',
    );
  });

  it('opens nothing when the teacher needs no help', async () => {
    const { actor: teacher, participant } = await enrolledTeacher(bed.h, 'Мария', bed.cohort.cohortId, {
      fullName: 'Иванова Мария',
    });
    await teacher.say('/surveys');
    await teacher.press('Этап 1: план мероприятий на посткурсовой год');
    await teacher.press('Ещё не начинал(а)');
    await teacher.press('Нет');
    await teacher.press('Отправить');
    expect(await bed.store.repositories.consultations.listByParticipant(participant.id)).toEqual([]);
  });
});
