import { describe, expect, it } from 'vitest';
import { enrolledTeacher } from '../support/teacher.js';
import { useEngineTestbed } from '../support/testbed.js';

const bed = useEngineTestbed('2026-06-02T09:00:00Z');

describe('consultation requests', () => {
  it('go to the cohort tutor, who answers and closes them; the teacher is told', async () => {
    const { actor: teacher, participant } = await enrolledTeacher(bed.h, 'Мария', bed.cohort.cohortId, {
      fullName: 'Иванова Мария',
    });
    const tutor = bed.h.actor('Айгуль', { username: 'aigul_tutor' });
    await tutor.say('/start');

    await teacher.say('/consult');
    await teacher.press('Оценивание');
    await teacher.say('Как составить критерии оценивания для проектной работы в 7 классе?');

    await tutor.say('/consultations');
    await tutor.press('Ответить');
    await tutor.say('Начните с 3–4 критериев: содержание, оформление, защита. Пришлю шаблон в группу.');
    await tutor.press('Да');
    bed.h.expectGolden('consultation-ru');

    const [request] = await bed.store.repositories.consultations.listByParticipant(participant.id);
    expect(request).toMatchObject({
      status: 'closed',
      topic: 'Оценивание',
      assigneeId: bed.cohort.tutorId,
      messages: [{ fromTeacher: false, authorId: bed.cohort.tutorId }],
    });
    expect(request?.closedAt?.toISOString()).toBe('2026-06-02T09:00:00.000Z');
  });
});

describe('account', () => {
  it('deletes my data after confirmation and keeps anonymous answers', async () => {
    const { actor: teacher, participant } = await enrolledTeacher(bed.h, 'Мария', bed.cohort.cohortId, {
      fullName: 'Иванова Мария',
    });
    const repos = bed.store.repositories;
    const { response } = await repos.responses.startOrResume({
      participantId: participant.id,
      cohortId: bed.cohort.cohortId,
      questionnaireId: 'engine-check',
      occasion: 'x',
      questionnaireVersion: 1,
      at: bed.h.clock.now(),
    });
    await repos.responses.saveAnswer(response.id, {
      questionId: 'used',
      value: true,
      skipped: false,
      answeredAt: bed.h.clock.now(),
    });

    await teacher.say('/delete');
    await teacher.press('Нет');
    expect(teacher.inbox.at(-2)?.text).toBe('Хорошо, ничего не удаляю.');
    await teacher.say('/delete');
    await teacher.press('Да');
    bed.h.expectGolden('delete-data-ru');

    const after = await repos.participants.findById(participant.id);
    expect(after).toMatchObject({ region: 'Ярославская область', settlementType: 'urban', consent: { given: false } });
    expect(after?.fullName).toBeUndefined();
    expect(after?.addresses).toEqual([]);
    expect(after?.anonymisedAt).toBeInstanceOf(Date);
    expect((await repos.responses.findById(response.id))?.answers).toHaveLength(1);
    expect(await bed.store.sessions.load('telegram', teacher.id)).toBeUndefined();
    // Writing again starts from scratch: the bot no longer knows who this is.
    await teacher.say('привет');
    expect(teacher.lastText()).toMatch(/Пришлите, пожалуйста, код вашего курса/);
  });

  it('switches language and turns reminders off and on', async () => {
    const { actor: teacher, participant } = await enrolledTeacher(bed.h, 'Айжан', bed.cohort.cohortId, {
      fullName: 'Серікова Айжан',
    });
    // The post-course year hears when her reminders come back on (her sends are planned then), not when they go off.
    const changed: [string, string | undefined][] = [];
    bed.h.engine.watchTeachers((participantId, cohortId) => changed.push([participantId, cohortId]));
    await teacher.say('/language');
    await teacher.press('Қазақша');
    expect(teacher.inbox.at(-2)?.text).toBe('Дайын: енді қазақша жазамын.');
    expect(teacher.lastPrompt().text).toBe('Не істегіңіз келеді?');
    await teacher.say('/stop');
    expect(teacher.inbox.at(-2)?.text).toMatch(/^Еске салулар өшірілді/);
    expect(changed).toEqual([]);
    expect((await bed.store.repositories.participants.findById(participant.id))?.remindersOptedOutAt).toBeInstanceOf(
      Date,
    );
    await teacher.press('Еске салуларды қосу');
    expect(teacher.inbox.at(-2)?.text).toBe('Еске салулар қайта қосылды.');
    expect(changed).toEqual([[participant.id, undefined]]);
    expect(await bed.store.repositories.participants.findById(participant.id)).toMatchObject({
      locale: 'kk',
      remindersOptedOutAt: undefined,
    });
    await teacher.say('мәзір');
    expect(teacher.lastPrompt().options.map((o) => o.label)).toContain('Менің прогресім');
  });

  it('explains what the bot can do, with the staff commands for curators only', async () => {
    const { actor: teacher } = await enrolledTeacher(bed.h, 'Мария', bed.cohort.cohortId, {
      fullName: 'Иванова Мария',
    });
    await teacher.say('помощь');
    expect(teacher.inbox[0]?.text).toMatch(/^Я «Спутник»/);
    expect(teacher.inbox[0]?.text).toContain('/activity');
    expect(teacher.inbox.map((m) => m.text).join('\n')).not.toContain('/review');
    const curator = bed.h.actor('Ольга', { username: 'olga_curator' });
    await curator.say('/help');
    expect(curator.inbox[1]?.text).toMatch(
      /^Для кураторов и тьюторов:\n\/review — мероприятия на проверку\n\/consultations — запросы на консультацию\n\/stage — отметить этап педагога вручную\n\/broadcast/,
    );
  });
});
