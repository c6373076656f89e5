// `schedule show`: the plan as staff read it, from the store, in Russian, by local date.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfLocalDay } from '../../src/domain/sending-window.js';
import { effectivePlan } from '../../src/domain/stage-plan.js';
import type { StagePlan } from '../../src/domain/stage.js';
import { describeWindow, formatSchedule, runScheduleCommand } from '../../src/cli/commands/schedule.js';
import type { Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { Clock } from '../support/engine-harness.js';
import { openTestStore } from '../support/store.js';
import { Rig } from './rig.js';

let store: Store;
let rig: Rig;
let cohort: CohortFixture;
beforeAll(async () => {
  store = await openTestStore();
  cohort = await seedCohort(store, { courseEnd: startOfLocalDay('2026-03-20', 'Europe/Moscow').toISOString() });
  rig = new Rig(store, new Clock(new Date('2026-03-20T12:00:00Z')));
  await rig.connect(cohort.curatorId);
});
afterAll(async () => {
  await store?.close();
});

describe('schedule show', () => {
  it('prints what goes to whom and when, grouped by local date', async () => {
    await rig.teacher(cohort.cohortId, 'Романова Раиса');
    await rig.teacher(cohort.cohortId, 'Соколова Светлана');
    await rig.teacher(cohort.cohortId, 'Тихонова Татьяна', { optedOut: true });
    const runner = rig.postCourse();
    const from = new Date('2026-03-20T12:00:00Z');
    const preview = await runner.preview(cohort.cohortId, from, new Date(from.getTime() + 14 * 86_400_000));
    const lines = formatSchedule(preview!, from, 14).split('\n');
    expect(lines.slice(0, 9)).toEqual([
      'Поток FG72-SPRING — «Функциональная грамотность, весна 2026»',
      'Посткурсовой год: 21.03.2026 — 20.03.2027. Часовой пояс: Europe/Moscow. Окно отправки: пн–пт, 09:00–20:00.',
      'План на 14 дней с 20.03.2026 15:00 (время местное, Europe/Moscow):',
      '',
      'понедельник, 23 марта 2026 г.',
      '  09:00  Начало этапа 1 (план мероприятий) — 2 педагогам: Романова Раиса, Соколова Светлана',
      '  09:00  Приглашение в анкету «Итоговая анкета по курсу» (открыта до 21.04.2026) — 2 педагогам: Романова Раиса, Соколова Светлана',
      '  09:00  Приглашение в анкету «Входная анкета: самооценка профессиональных компетенций» (открыта до 21.04.2026) — 2 педагогам: Романова Раиса, Соколова Светлана',
      '',
    ]);
    expect(lines).toContain('четверг, 2 апреля 2026 г.');
    expect(lines).toContain(
      '  09:00  Список не заполнивших анкету «Итоговая анкета по курсу»: 2 педагога — куратору: Смирнова Ольга Петровна',
    );
    // The teacher who sent /stop is nowhere in the plan.
    expect(lines.join('\n')).not.toContain('Тихонова');
    expect(lines.at(-2)).toBe('Всего отправок: 18. Если педагог ответит на анкету раньше, напоминания ему не придут.');
  });

  it('says so when a cohort is finished', async () => {
    await store.repositories.cohorts.setStatus(cohort.cohortId, 'finished');
    const from = new Date('2026-03-20T12:00:00Z');
    const preview = await rig.postCourse().preview(cohort.cohortId, from, new Date('2026-04-20T12:00:00Z'));
    expect(preview?.items).toEqual([]);
    expect(formatSchedule(preview!, from, 31)).toContain('Поток завершён: бот ему ничего не отправляет.');
    await store.repositories.cohorts.setStatus(cohort.cohortId, 'active');
  });

  it('sends nothing on a broken plan and names each problem in the staff’s language', async () => {
    const good = (await store.repositories.cohorts.findById(cohort.cohortId))!;
    const plan = effectivePlan(good);
    const broken = {
      ...plan,
      stages: [...plan.stages, { ...plan.stages[0]!, startOffset: '+11m' }],
      questionnaires: [...plan.questionnaires, { ...plan.questionnaires[0]! }],
    };
    await store.repositories.cohorts.setStagePlan(cohort.cohortId, broken as StagePlan);
    try {
      const from = new Date('2026-03-20T12:00:00Z');
      const preview = await rig.postCourse().preview(cohort.cohortId, from, new Date('2026-04-20T12:00:00Z'));
      expect(preview?.items).toEqual([]);
      const n = plan.questionnaires.length;
      const occasion = plan.questionnaires[0]!.occasion;
      expect(formatSchedule(preview!, from, 31).split('\n').slice(2, -1)).toEqual([
        '',
        'План этапов содержит ошибки, поэтому бот ничего не отправляет, пока их не исправят:',
        `  questionnaires[${n}].occasion: повод «${occasion}» уже есть в плане`,
        `  stages[${plan.stages.length}].stage: этап 1 указан дважды`,
      ]);
      expect(formatSchedule(preview!, from, 31, 'kk').split('\n').slice(-3, -1)).toEqual([
        `  questionnaires[${n}].occasion: «${occasion}» себебі жоспарда бұрыннан бар`,
        `  stages[${plan.stages.length}].stage: 1-кезең екі рет көрсетілген`,
      ]);
    } finally {
      await store.repositories.cohorts.setStagePlan(cohort.cohortId, plan);
    }
  });

  it('describes sending windows and refuses bad arguments', async () => {
    expect(describeWindow({ from: '09:00', to: '20:00', weekdays: [1, 2, 3, 4, 5] })).toBe('пн–пт, 09:00–20:00');
    expect(describeWindow({ from: '10:00', to: '14:00', weekdays: [6, 1] })).toBe('пн, сб, 10:00–14:00');
    const err: string[] = [];
    const io = { out: () => {}, err: (t: string) => err.push(t) };
    expect(await runScheduleCommand(['show'], io)).toBe(2);
    expect(await runScheduleCommand(['show', '--cohort', 'X', '--days', '0'], io)).toBe(2);
    expect(err.join('')).toContain('--days: ожидается целое число дней от 1 до 400');
  });

  it('says how many teachers have not joined yet and what they will get once they do', async () => {
    // Imported with a phone only: no chat reaches her until she opens the cohort's link.
    const created = await store.repositories.participants.create({
      fullName: 'Ульянова Ульяна',
      phone: '+77015550199',
      locale: 'ru',
    });
    if (!created.ok) throw new Error('fixture');
    await store.repositories.enrollments.enroll({
      participantId: created.value.id,
      cohortId: cohort.cohortId,
      at: new Date('2026-03-01T00:00:00Z'),
      stages: [1, 2, 3],
    });
    const from = new Date('2026-03-20T12:00:00Z');
    const preview = await rig.postCourse().preview(cohort.cohortId, from, new Date(from.getTime() + 14 * 86_400_000));
    expect(preview?.notJoined).toBe(1);
    const text = formatSchedule(preview!, from, 14);
    expect(text).not.toContain('— 3 педагогам');
    expect(text).toContain(
      '\n1 педагог ещё не написал боту: пока он не откроет ссылку потока, сообщения ему не уходят.\n',
    );
    expect(text).toContain('Каждый, кто присоединится, получит:\n  • Начало этапа 1 (план мероприятий)\n');
  });
});
