// Seed 003: the diagnosis of motives and readiness is part of the entry questionnaire of the Kaltan
// model — asked of its teachers only — and the tutor sees each teacher's result in /plans and the
// half-year report, with the model's two indicators (the regulation gives no levels).
import { describe, expect, it } from 'vitest';
import { createMonitoring } from '../../src/monitoring/index.js';
import { planFromModel } from '../../src/support-models/plan.js';
import { content } from '../support/engine-harness.js';
import { enrolledTeacher } from '../support/teacher.js';
import { useEngineTestbed } from '../support/testbed.js';

const bed = useEngineTestbed('2026-03-25T08:00:00Z');
const ENTRY_TITLE = 'Входная анкета: самооценка профессиональных компетенций';

async function runKaltan(): Promise<void> {
  const repos = bed.store.repositories;
  const c = (await repos.cohorts.findById(bed.cohort.cohortId))!;
  await repos.cohorts.upsertByCode({
    ...c,
    programmeId: c.programmeId,
    stagePlan: planFromModel(content().models.get('kaltan-tutor')!),
  });
}

describe("Kaltan's diagnosis in the entry questionnaire", () => {
  it('is asked of the Kaltan teacher, who sees the figures, and the tutor sees the result in /plans and the report', async () => {
    await runKaltan();
    const repos = bed.store.repositories;
    const { actor: teacher, participant } = await enrolledTeacher(bed.h, 'Мария', bed.cohort.cohortId, {
      fullName: 'Иванова Мария',
    });
    await teacher.say('/surveys');
    await teacher.press(ENTRY_TITLE);
    await teacher.say('12'); // experience
    for (const answer of ['3', '4', '3', '4', '3', '4', '3', '4']) await teacher.say(answer); // eight competences: mean 3.5
    await teacher.press('Нет'); // prior events
    await teacher.say('1 2 3'); // priorities
    const direction = teacher.lastText();
    expect(direction).toContain('В каком направлении вы хотите развиваться с тьютором?');
    expect(direction).toContain('Вопрос 13 из 19');
    await teacher.say('4'); // ict
    await teacher.say('1, 2'); // motives
    for (const answer of ['5', '4', '3']) await teacher.say(answer); // readiness: mean 4
    await teacher.say('1, 3'); // forms
    await teacher.say('пропустить'); // expectations
    await teacher.press('Отправить');
    // The teacher sees the result at once (seed 002's rating mechanism, the model's indicators).
    const shown = teacher.inbox.map((m) => m.text).find((t) => t.startsWith('Диагностика\n'));
    expect(shown).toBe(
      'Диагностика\nпрофессионально значимые качества (среднее, 1–5): 3,5\nготовность к образованию и самообразованию (среднее, 1–5): 4',
    );
    const response = await repos.responses.find({
      participantId: participant.id,
      cohortId: bed.cohort.cohortId,
      questionnaireId: 'entry',
      occasion: 'entry',
    });
    expect(response).toMatchObject({ status: 'completed', questionnaireVersion: 2 });
    expect(response!.answers.find((a) => a.questionId === 'motives')?.value).toEqual(['difficulties', 'new_tech']);
    // Stage 1 is under way with the entry questionnaire (the diagnosis), as the model's rule says.
    expect((await repos.enrollments.find(participant.id, bed.cohort.cohortId))?.stages[0]?.status).toBe('in_progress');

    // The tutor opens the teacher's plan and reads the diagnosis.
    await repos.enrollments.assignTutor(
      (await repos.enrollments.find(participant.id, bed.cohort.cohortId))!.id,
      bed.cohort.tutorId,
    );
    const tutor = bed.h.actor('Айгуль', { username: 'aigul_tutor' });
    await tutor.say('/plans');
    await tutor.press('Иванова Мария');
    const view = tutor.inbox.map((m) => m.text).find((t) => t.startsWith('План педагога Иванова Мария'));
    expect(view).toBe(
      [
        'План педагога Иванова Мария:',
        'Тьютор: Ахметова Айгуль',
        'Диагностика (входная анкета):',
        '• В каком направлении вы хотите развиваться с тьютором?: Информационно-коммуникационные технологии',
        '• Что побуждает вас повышать квалификацию? Выберите всё, что подходит.: Затруднения в работе; Интерес к новым технологиям обучения',
        '• Какие формы работы с тьютором вам удобны?: Индивидуальная консультация; Тьюториал (учебный семинар)',
        '• профессионально значимые качества (среднее, 1–5): 3,5',
        '• готовность к образованию и самообразованию (среднее, 1–5): 4',
        'Педагог ещё не составил план.',
      ].join('\n'),
    );

    // The half-year report has the tutoring table: one teacher, her tutor and her diagnosis.
    const monitoring = createMonitoring({
      store: bed.store,
      catalog: content().questionnaires,
      supportModels: content().models,
      now: () => new Date('2026-07-01T00:00:00Z'),
    });
    const report = await monitoring.halfYearReport({ cohortId: bed.cohort.cohortId, half: 1, year: 2026 });
    if (!report.ok) throw new Error('report');
    expect(report.value.markdown).toContain('## Тьюторское сопровождение: тьютор и диагностика педагогов');
    expect(report.value.markdown).toContain(
      '| Иванова Мария | FG72-SPRING | Ахметова Айгуль | В каком направлении вы хотите развиваться с тьютором?: Информационно-коммуникационные технологии; ',
    );
    expect(report.value.markdown).toContain('готовность к образованию и самообразованию (среднее, 1–5): 4 |');
  });

  it('is not asked of a teacher whose cohort runs another model', async () => {
    const repos = bed.store.repositories;
    const { actor: teacher, participant } = await enrolledTeacher(bed.h, 'Пётр', bed.cohort.cohortId, {
      fullName: 'Петров Пётр',
    });
    await teacher.say('/surveys');
    await teacher.press(ENTRY_TITLE);
    await teacher.say('12');
    for (const answer of ['3', '4', '3', '4', '3', '4', '3', '4']) await teacher.say(answer);
    await teacher.press('Нет');
    await teacher.say('1 2 3');
    // After the priorities comes the last question of the default model's entry: 13 in all.
    expect(teacher.lastText()).toContain('Вопрос 13 из 13');
    expect(teacher.lastText()).toContain('Чего вы ждёте от посткурсового сопровождения?');
    await teacher.say('пропустить');
    await teacher.press('Отправить');
    const response = await repos.responses.find({
      participantId: participant.id,
      cohortId: bed.cohort.cohortId,
      questionnaireId: 'entry',
      occasion: 'entry',
    });
    expect(response?.status).toBe('completed');
    expect(
      response!.answers.some((a) => ['direction', 'motives', 'r_self_study', 'forms'].includes(a.questionId)),
    ).toBe(false);
    expect(teacher.inbox.some((m) => m.text.startsWith('Диагностика'))).toBe(false);
  });
});
