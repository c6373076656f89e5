import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
  h = new Harness(store, new Clock(new Date('2026-06-02T09:00:00Z')));
});
afterEach(async () => {
  await store.close();
});

describe('consultation requests', () => {
  it('go to the cohort tutor, who answers and closes them; the teacher is told', async () => {
    const { actor: teacher, participant } = await enrolledTeacher(h, 'Мария', cohort.cohortId, { fullName: 'Иванова Мария' });
    const tutor = h.actor('Айгуль', { username: 'aigul_tutor' });
    await tutor.say('/start');

    await teacher.say('/consult');
    await teacher.press('Оценивание');
    await teacher.say('Как составить критерии оценивания для проектной работы в 7 классе?');

    await tutor.say('/consultations');
    await tutor.press('Ответить');
    await tutor.say('Начните с 3–4 критериев: содержание, оформление, защита. Пришлю шаблон в группу.');
    await tutor.press('Да');
    h.expectGolden('consultation-ru');

    const [request] = await store.repositories.consultations.listByParticipant(participant.id);
    expect(request).toMatchObject({ status: 'closed', topic: 'Оценивание', assigneeId: cohort.tutorId, messages: [{ fromTeacher: false, authorId: cohort.tutorId }] });
    expect(request?.closedAt?.toISOString()).toBe('2026-06-02T09:00:00.000Z');
  });
});

describe('account', () => {
  it('deletes my data after confirmation and keeps anonymous answers', async () => {
    const { actor: teacher, participant } = await enrolledTeacher(h, 'Мария', cohort.cohortId, { fullName: 'Иванова Мария' });
    const repos = store.repositories;
    const { response } = await repos.responses.startOrResume({ participantId: participant.id, cohortId: cohort.cohortId, questionnaireId: 'engine-check', occasion: 'x', questionnaireVersion: 1, at: h.clock.now() });
    await repos.responses.saveAnswer(response.id, { questionId: 'used', value: true, skipped: false, answeredAt: h.clock.now() });

    await teacher.say('/delete');
    await teacher.press('Нет');
    expect(teacher.inbox.at(-2)?.text).toBe('Хорошо, ничего не удаляю.');
    await teacher.say('/delete');
    await teacher.press('Да');
    h.expectGolden('delete-data-ru');

    const after = await repos.participants.findById(participant.id);
    expect(after).toMatchObject({ region: 'Ярославская область', settlementType: 'urban', consent: { given: false } });
    expect(after?.fullName).toBeUndefined();
    expect(after?.telegramId).toBeUndefined();
    expect(after?.anonymisedAt).toBeInstanceOf(Date);
    expect((await repos.responses.findById(response.id))?.answers).toHaveLength(1);
    expect(await store.sessions.load('telegram', teacher.id)).toBeUndefined();
    // Writing again starts from scratch: the bot no longer knows who this is.
    await teacher.say('привет');
    expect(teacher.lastText()).toMatch(/Пришлите, пожалуйста, код вашего курса/);
  });

  it('switches language and turns reminders off and on', async () => {
    const { actor: teacher, participant } = await enrolledTeacher(h, 'Айжан', cohort.cohortId, { fullName: 'Серікова Айжан' });
    await teacher.say('/language');
    await teacher.press('Қазақша');
    expect(teacher.inbox.at(-2)?.text).toBe('Дайын: енді қазақша жазамын.');
    expect(teacher.lastPrompt().text).toBe('Не істегіңіз келеді?');
    await teacher.say('/stop');
    expect(teacher.inbox.at(-2)?.text).toMatch(/^Еске салулар өшірілді/);
    expect((await store.repositories.participants.findById(participant.id))?.remindersOptedOutAt).toBeInstanceOf(Date);
    await teacher.press('Еске салуларды қосу');
    expect(teacher.inbox.at(-2)?.text).toBe('Еске салулар қайта қосылды.');
    expect((await store.repositories.participants.findById(participant.id))).toMatchObject({ locale: 'kk', remindersOptedOutAt: undefined });
    await teacher.say('мәзір');
    expect(teacher.lastPrompt().options.map((o) => o.label)).toContain('Менің прогресім');
  });

  it('explains what the bot can do, with the staff commands for curators only', async () => {
    const { actor: teacher } = await enrolledTeacher(h, 'Мария', cohort.cohortId, { fullName: 'Иванова Мария' });
    await teacher.say('помощь');
    expect(teacher.inbox[0]?.text).toMatch(/^Я «Спутник»/);
    expect(teacher.inbox[0]?.text).toContain('/activity');
    expect(teacher.inbox.map((m) => m.text).join('\n')).not.toContain('/review');
    const curator = h.actor('Ольга', { username: 'olga_curator' });
    await curator.say('/help');
    expect(curator.inbox[1]?.text).toBe('Для кураторов и тьюторов:\n/review — мероприятия на проверку\n/consultations — запросы на консультацию');
  });
});
