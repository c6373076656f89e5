// A post-course year on a fixed clock, driven by the real scheduler: the cohort finished its course
// on 20 March 2025 and was imported on 10 December 2025, when most of its year had passed. The
// centre, importing late, added a check-in on difficulties at nine months to the default plan, so
// latecomers can still ask for help. From the import the post-course scheduler's cohort job runs
// from due instant to due instant (planning -> due sends -> the send log), as Agenda would: it sends
// nothing that closed before the import, and the questionnaires still to come on their dates. Four
// teachers with 0, 1, 3 and 4 accepted activities spread over both halves; one activity returned;
// one stage set by hand by the curator; one teacher asks for help inside the questionnaire the
// scheduler sent her, nobody answers for three days, the scheduler's escalation tells the curator,
// who takes it over and answers. Both half-year reports (second half of 2025, first half of 2026),
// the per-teacher rows, the exports and the send log are checked against counts made by hand below.
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { ActivityType } from '../../src/domain/activity.js';
import { DEFAULT_STAGE_PLAN } from '../../src/domain/stage-plan.js';
import { createDispatcher } from '../../src/delivery/dispatcher.js';
import type { ChannelSender } from '../../src/delivery/ports.js';
import type { OutboundMessage } from '../../src/engine/events.js';
import { createMonitoring } from '../../src/monitoring/service.js';
import { escalateConsultations } from '../../src/scheduler/consultation-escalation.js';
import { seedCohort } from '../support/cohort-fixture.js';
import { content, type Actor } from '../support/engine-harness.js';
import { silentLogger } from '../support/store.js';
import { enrolledTeacher } from '../support/teacher.js';
import { useEngineTestbed } from '../support/testbed.js';
import { Rig } from '../scheduler/rig.js';

const IMPORTED = '2025-12-10T07:00:00Z';
const MOSCOW = 'Europe/Moscow';
const bed = useEngineTestbed(IMPORTED);

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

const moscow = (at: Date) => DateTime.fromJSDate(at, { zone: MOSCOW }).toFormat('yyyy-MM-dd HH:mm');

describe('a simulated post-course year', () => {
  it('is sent on its dates by the scheduler and counted right in both half-year reports, the per-teacher rows and the exports', async () => {
    const { h, store } = bed;
    const repos = store.repositories;
    // The testbed's cohort is not this one: a second cohort, imported late, with its course over.
    const c = await seedCohort(store, {
      code: 'FG72-2025',
      courseStart: '2025-03-03T06:00:00Z',
      courseEnd: '2025-03-20T12:00:00Z',
      curatorUsername: 'olga_2025',
      tutorUsername: 'aigul_2025',
    });
    const cohort = (await repos.cohorts.findById(c.cohortId))!;
    const plan = {
      ...DEFAULT_STAGE_PLAN,
      questionnaires: [
        ...DEFAULT_STAGE_PLAN.questionnaires,
        { questionnaireId: 'difficulties', offset: '+9m' as const, occasion: 'difficulties-9m' },
      ],
    };
    await repos.cohorts.upsertByCode({
      code: cohort.code,
      programmeId: cohort.programmeId,
      title: cohort.title,
      courseStart: cohort.courseStart,
      courseEnd: cohort.courseEnd,
      timeZone: cohort.timeZone,
      locale: cohort.locale,
      curatorIds: cohort.curatorIds,
      tutorIds: cohort.tutorIds,
      stagePlan: plan,
    });
    const alieva = await enrolledTeacher(h, 'Алиева', c.cohortId, { fullName: 'Алиева Дина' }); // 0 accepted, asks for help
    const borisova = await enrolledTeacher(h, 'Борисова', c.cohortId, { fullName: 'Борисова Анна' }); // 1 accepted, 1 returned
    const vasilieva = await enrolledTeacher(h, 'Васильева', c.cohortId, { fullName: 'Васильева Елена' }); // 3 accepted
    const grigorieva = await enrolledTeacher(h, 'Григорьева', c.cohortId, { fullName: 'Григорьева Ольга' }); // 4 accepted, stage 1 by hand
    const curator = h.actor('Куратор', { username: 'olga_2025' });
    await curator.say('/start');
    const tutor = h.actor('Тьютор', { username: 'aigul_2025' });
    await tutor.say('/start');

    // Activities the teachers report once the cohort is imported, with the dates they ran them.
    const submitted: [typeof alieva, string, string, ActivityType][] = [
      [grigorieva, '2025-05-10', 'Открытый урок «Читательская грамотность»', 'open_lesson'], // before 1 June: first half of 2025
      [vasilieva, '2025-06-15', 'Мастер-класс по смысловому чтению', 'master_class'],
      [borisova, '2025-07-10', 'Вебинар для коллег района', 'webinar'],
      [grigorieva, '2025-08-01', 'Семинар МО', 'seminar'],
      [vasilieva, '2025-09-20', 'Публикация в сборнике', 'publication'],
      [grigorieva, '2025-10-15', 'Выступление на педсовете', 'speech'],
      [borisova, '2025-11-05', 'Открытый урок по математике', 'open_lesson'], // returned
      [vasilieva, '2025-12-01', 'Тренинг для молодых учителей', 'training'],
      [grigorieva, '2026-01-20', 'Конкурс методических разработок', 'contest'],
    ];
    for (const [i, [who, date, title, type]] of submitted.entries()) {
      await repos.activities.submit({
        participantId: who.participant.id,
        cohortId: c.cohortId,
        type,
        level: 'school',
        date: new Date(`${date}T09:00:00Z`),
        title,
        links: [`https://school.example.kz/${i + 1}`],
        submittedAt: new Date(Date.parse(IMPORTED) + i * 60_000),
      });
    }
    // The curator reviews them in the order they came, through the bot: all accepted but the 7th.
    await curator.say('/review');
    for (let i = 0; i < submitted.length; i++) {
      if (i === 6) {
        await curator.press('Вернуть на доработку');
        await curator.say('Нет ссылки на конспект урока');
        if (i < submitted.length - 1) await curator.say('/review');
      } else {
        // The review flow moves on to the next submission by itself.
        await curator.press('Принять');
      }
    }
    const statuses = (await repos.activities.listByCohort(c.cohortId)).map((a) => a.status);
    expect(statuses.filter((s) => s === 'accepted')).toHaveLength(8);
    expect(statuses.filter((s) => s === 'returned')).toHaveLength(1);

    // Stage 1 set by hand for Григорьева: the plan was approved on paper at the MA.
    await curator.say('/stage');
    await curator.press('Григорьева Ольга');
    await curator.press('1. план мероприятий');
    await curator.press('Завершён');
    await curator.say('План утверждён на заседании МО, протокол № 3');
    expect(grigorieva.actor.inbox.at(-1)?.text).toContain('Куратор отметил этап 1 «план мероприятий»: Завершён.');
    // The teacher's /progress shows the same statuses, the hand-set one as such.
    await grigorieva.actor.say('/progress');
    expect(grigorieva.actor.inbox.find((m) => m.kind === 'text' && m.text.startsWith('Курс «'))?.text).toContain(
      [
        'Этапы:',
        '1. план мероприятий — завершён 10.12.2025',
        '   отмечено куратором: План утверждён на заседании МО, протокол № 3',
        '2. реализация плана и публикация материалов — завершён 10.12.2025',
        '3. представление результатов — не начат',
        'Принято мероприятий: 4 из 3',
      ].join('\n'),
    );
    const audit = await repos.audit.list({ cohortId: c.cohortId, action: 'stage.changed' });
    // Stage 2 of Борисова, Васильева (in progress, then completed) and Григорьева (same), stage 1 of Григорьева.
    expect(audit.map((e) => [e.details?.stage, e.details?.to, e.details?.cause]).sort()).toEqual(
      [
        [1, 'completed', 'manual'],
        [2, 'completed', 'rule:accepted-activities'],
        [2, 'completed', 'rule:accepted-activities'],
        [2, 'in_progress', 'rule:accepted-activities'],
        [2, 'in_progress', 'rule:accepted-activities'],
        [2, 'in_progress', 'rule:accepted-activities'],
      ].sort(),
    );

    // --- The scheduler takes the year from here: its sends reach the people's chats. ---
    const actors = new Map<string, Actor>(
      [alieva.actor, borisova.actor, vasilieva.actor, grigorieva.actor, curator, tutor].map((a) => [a.chatId, a]),
    );
    const sender: ChannelSender = {
      channel: 'telegram',
      send: async (chatId: string, message: OutboundMessage) => {
        actors.get(chatId)?.received(message);
        return { ok: true };
      },
    };
    const dispatcher = createDispatcher({ senders: [sender], repos, logger: silentLogger, now: h.clock.now });
    const rig = new Rig(store, h.clock);
    const runner = rig.postCourse({ engine: h.engine, dispatcher });
    const sendLog = async () =>
      (await repos.scheduledSends.listByCohort(c.cohortId)).filter((x) => x.status === 'sent');

    // Until Friday 26 December: the difficulties check-in (+9m: Saturday 20 December, so Monday's window).
    let helped = false;
    await rig.runUntil(runner, [c.cohortId], new Date('2025-12-26T06:00:00Z'), async () => {
      if (helped || !(await sendLog()).some((x) => x.kind === 'invite' && x.recipientId === alieva.participant.id))
        return;
      helped = true;
      // Алиева answers the invitation the scheduler sent her, and asks for a consultation in it.
      expect(alieva.actor.lastPrompt().text).toContain('Испытываете ли вы сейчас затруднения');
      await alieva.actor.press('Да');
      await alieva.actor.press('Составление плана мероприятий', 'Нехватка времени');
      await alieva.actor.press(4);
      await alieva.actor.press('Индивидуальная консультация');
      await alieva.actor.press('Дистанционно');
      await alieva.actor.press('Да');
      await alieva.actor.say('Как связать план с темами самообразования?');
      await alieva.actor.press('Индивидуальная');
      await alieva.actor.press('__skip');
      await alieva.actor.press('__skip');
      await alieva.actor.press('Отправить');
    });
    expect(helped).toBe(true);
    expect(alieva.actor.inbox.map((m) => m.text)).toContain(
      'Спасибо! Если вы записались на консультацию, запрос уже передан тьютору или куратору курса: ответ придёт сюда, в этот чат.',
    );
    expect(tutor.inbox.at(-1)?.text).toContain('Новый запрос на консультацию от Алиева Дина');

    // Three days without an answer: the scheduler's escalation tells the curator, once.
    h.clock.set('2025-12-26T07:00:00Z');
    const escalation = { repos, dispatcher, escalationDays: 3, logger: silentLogger, now: h.clock.now };
    expect(await escalateConsultations(escalation)).toBe(1);
    expect(await escalateConsultations(escalation)).toBe(0);
    expect(curator.inbox.at(-1)?.text).toContain('без ответа уже 3 дн.');
    await curator.say('/consultations');
    await curator.press('Взять себе');
    await curator.say('Возьмите две темы самообразования и под каждую — по мероприятию. Шаблон в группе.');
    // Answered, not closed: it still counts as an open consultation in the report.
    await curator.press('Нет');
    // The outro's promise kept: the answer came to the same chat.
    expect(alieva.actor.inbox.at(-1)?.text).toContain('Возьмите две темы самообразования');

    // The rest of the year and the month after it: nobody else answers anything.
    await rig.runUntil(runner, [c.cohortId], new Date('2026-04-30T00:00:00Z'));
    const log = await sendLog();
    const of = (kind: string, who: { participant: { id: string } }) =>
      log
        .filter((x) => x.kind === kind && x.recipientId === who.participant.id)
        .map((x) => `${x.occasion} ${moscow(x.sentAt!)}`)
        .sort();
    // Invitations: nothing of what closed before the import (exit, entry, stage-1, difficulties-2m, stage-2,
    // impact-6m); the check-in on Monday 22.12, stage 3 on Tuesday 20.01 and impact on Friday 20.02 at 09:00.
    const invited = ['difficulties-9m 2025-12-22 09:00', 'impact-11m 2026-02-20 09:00', 'stage-3 2026-01-20 09:00'];
    for (const who of [alieva, borisova, vasilieva, grigorieva]) expect(of('invite', who)).toEqual(invited);
    // Stage prompts: at the import, where the plan stands (stage 2, since 20 April 2025); stage 3 on its day.
    for (const who of [alieva, borisova, vasilieva, grigorieva])
      expect(of('stage', who)).toEqual(['stage-2 2025-12-10 10:00', 'stage-3 2026-01-20 09:00']);
    // Reminders: none for Алиева's answered check-in; two (3 days apart, in the window) for each unanswered one.
    expect(of('reminder', alieva)).toEqual([
      'impact-11m#1 2026-02-23 09:00',
      'impact-11m#2 2026-02-26 09:00',
      'stage-3#1 2026-01-23 09:00',
      'stage-3#2 2026-01-26 09:00',
    ]);
    expect(of('reminder', borisova)).toEqual([
      'difficulties-9m#1 2025-12-25 09:00',
      'difficulties-9m#2 2025-12-29 09:00',
      ...of('reminder', alieva),
    ]);
    // At nine months, those short of three accepted activities are nudged: Алиева (0) and Борисова (1).
    expect([alieva, borisova, vasilieva, grigorieva].map((who) => of('activity-nudge', who))).toEqual([
      ['activities+9m 2025-12-22 09:00'],
      ['activities+9m 2025-12-22 09:00'],
      [],
      [],
    ]);
    // The curator gets each questionnaire's non-responders once it has closed.
    expect(
      log
        .filter((x) => x.kind === 'non-responders' && x.recipientId === c.curatorId)
        .map((x) => `${x.occasion} ${moscow(x.sentAt!)}`),
    ).toEqual([
      'difficulties-9m@2026-01-01 2026-01-01 09:00',
      'stage-3@2026-01-29 2026-01-29 09:00',
      'impact-11m@2026-03-02 2026-03-02 09:00',
    ]);
    // The closing message on the last day of the year, Friday 20 March 2026; nothing after it.
    for (const who of [alieva, borisova, vasilieva, grigorieva])
      expect(of('closing', who)).toEqual(['year-end 2026-03-20 09:00']);
    expect(log.filter((x) => x.sentAt! > new Date('2026-03-21T00:00:00Z'))).toEqual([]);
    // What the log says went is what the chats got: the stage 3 prompt, the impact invitation.
    expect(borisova.actor.inbox.filter((m) => m.text.includes('начинается этап 3'))).toHaveLength(1);

    const monitoring = createMonitoring({
      store,
      catalog: content().questionnaires,
      now: () => new Date('2026-04-30T09:00:00Z'),
    });

    // --- Second half of 2025: 1 June – 30 September 2025, reported after the fact. ---
    const h2 = await monitoring.halfYearReport({ cohortId: c.cohortId, half: 2, year: 2025 });
    expect(h2.ok).toBe(true);
    if (!h2.ok) return;
    const md2 = h2.value.markdown;
    // All four are on support: their year (21.03.2025–20.03.2026) overlaps the period, whatever the import date.
    expect(md2).toContain('| Слушателей на сопровождении | 4 |');
    // Due in the period: stage-2 (opens 20.08) and impact-6m (opens 20.09), 4 teachers each; none answered.
    expect(md2).toContain('| Заполнено анкет (из положенных за период) | 0 из 8 (0 %) |');
    // Stages were decided in December 2025: at the end of September none had moved.
    expect(md2).toContain('| Завершили этап 1 (план мероприятий) | 0 (0 %) |');
    expect(md2).toContain('| Завершили этап 2 (реализация плана и публикация материалов) | 0 (0 %) |');
    // Accepted to date (21.03–30.09.2025): Борисова 1, Васильева 2, Григорьева 2 (10.05, 01.08) = 5; nobody has 3.
    expect(md2).toContain('| Принято мероприятий с начала года педагогов | 5 |');
    expect(md2).toContain('| Выполнили норму года (не менее 3 принятых) | 0 (0 %) |');
    const rows2 = new Map(h2.value.year.teachers.map((t) => [t.name, t]));
    expect([...rows2.keys()]).toEqual(['Алиева Дина', 'Борисова Анна', 'Васильева Елена', 'Григорьева Ольга']);
    const counts = (r: typeof rows2) =>
      [...r.values()].map((t) => [t.acceptedInPeriod, t.acceptedToDate, t.returnedToDate, t.metRequired]);
    expect(counts(rows2)).toEqual([
      [0, 0, 0, false],
      [1, 1, 0, false],
      [2, 2, 0, false],
      [1, 2, 0, false],
    ]);
    expect(rows2.get('Алиева Дина')).toMatchObject({
      questionnairesCompleted: 0,
      openConsultations: 0,
      questionnairesDue: 2,
    });
    // The activities of the period: 15.06, 10.07, 01.08, 20.09.
    expect(h2.value.year.activities.map((a) => a.activity.title)).toEqual([
      'Мастер-класс по смысловому чтению',
      'Вебинар для коллег района',
      'Семинар МО',
      'Публикация в сборнике',
    ]);
    expect(md2).toContain(
      '| Васильева Елена | FG72-2025 | Мастер-класс | Уровень организации (школа) | 15.06.2025 | Мастер-класс по смысловому чтению | https://school.example.kz/2 | принято |  |',
    );
    // Non-responders: the two due questionnaires × four teachers.
    expect(h2.value.year.questionnaires.map((q) => [q.occasion, q.due, q.completed, q.missing.length])).toEqual([
      ['stage-2', 4, 0, 4],
      ['impact-6m', 4, 0, 4],
    ]);
    expect(md2).toContain('| Этап 2: как идёт реализация плана | через 5 месяцев после курса | 4 | 0 | 0 |');
    expect(md2).toContain(
      '| Влияние курса на профессиональную компетентность | через 6 месяцев после курса | 4 | 0 | 0 |',
    );
    // Every key figure, counted by hand. Activities dated in the period: 15.06, 10.07, 01.08, 20.09, all accepted.
    // Support at the period's end (1 October 2025): six months after the course one accepted activity is
    // expected (Алиева has none), and stage 1 was nobody's yet (Григорьева's hand mark came in December).
    expect(h2.value.keyFigures.rows).toEqual([
      ['Слушателей на сопровождении', 4],
      ['Заполнено анкет (из положенных за период)', '0 из 8 (0 %)'],
      ['Завершили этап 1 (план мероприятий)', '0 (0 %)'],
      ['Завершили этап 2 (реализация плана и публикация материалов)', '0 (0 %)'],
      ['Завершили этап 3 (представление результатов)', '0 (0 %)'],
      ['Мероприятий проведено / принято за период', '4 / 4'],
      ['Принято мероприятий с начала года педагогов', 5],
      ['Выполнили норму года (не менее 3 принятых)', '0 (0 %)'],
      ['Запросов на консультации (открыто)', '0 (0)'],
      ['Педагогов, которым нужна поддержка', 4],
      ['Неработающих ссылок на материалы (по последней проверке)', 0],
    ]);
    expect(h2.value.support.map((x) => [x.teacher, x.reasons])).toEqual([
      [
        'Алиева Дина',
        ['принято мероприятий 0 из 1, ожидаемых к этой дате', 'этап 1 не завершён, по плану идёт этап 2'],
      ],
      ['Борисова Анна', ['этап 1 не завершён, по плану идёт этап 2']],
      ['Васильева Елена', ['этап 1 не завершён, по плану идёт этап 2']],
      ['Григорьева Ольга', ['этап 1 не завершён, по плану идёт этап 2']],
    ]);

    // --- First half of 2026: 1 October 2025 – 31 May 2026, as of 30 April 2026. ---
    const h1 = await monitoring.halfYearReport({ cohortId: c.cohortId, half: 1, year: 2026 });
    expect(h1.ok).toBe(true);
    if (!h1.ok) return;
    const md1 = h1.value.markdown;
    expect(md1).toContain('| Слушателей на сопровождении | 4 |');
    // Due in the period: difficulties-9m (20.12.2025), stage-3 (20.01.2026), impact-11m (20.02.2026), 4 teachers
    // each = 12; completed: Алиева's check-in = 1. 1/12 = 8,3 %.
    expect(md1).toContain('| Заполнено анкет (из положенных за период) | 1 из 12 (8,3 %) |');
    // Stage 1: Григорьева by hand; stage 2: Васильева and Григорьева reached three accepted.
    expect(md1).toContain('| Завершили этап 1 (план мероприятий) | 1 (25 %) |');
    expect(md1).toContain('| Завершили этап 2 (реализация плана и публикация материалов) | 2 (50 %) |');
    expect(md1).toContain('| Завершили этап 3 (представление результатов) | 0 (0 %) |');
    // To date: 0 + 1 + 3 + 4 = 8; norm met by Васильева and Григорьева.
    expect(md1).toContain('| Принято мероприятий с начала года педагогов | 8 |');
    // Dated in the period: 15.10, 05.11 (returned), 01.12, 20.01 — four, three of them accepted.
    expect(md1).toContain('| Мероприятий проведено / принято за период | 4 / 3 |');
    expect(md1).toContain('| Выполнили норму года (не менее 3 принятых) | 2 (50 %) |');
    const rows1 = new Map(h1.value.year.teachers.map((t) => [t.name, t]));
    // In period: Васильева 01.12; Григорьева 15.10 and 20.01; Борисова's 05.11 was returned.
    expect(counts(rows1)).toEqual([
      [0, 0, 0, false],
      [0, 1, 1, false],
      [1, 3, 0, true],
      [2, 4, 0, true],
    ]);
    expect(rows1.get('Алиева Дина')).toMatchObject({ questionnairesCompleted: 1, openConsultations: 1 });
    const stage = (name: string, n: number) => rows1.get(name)!.stages.find((s) => s.stage === n);
    expect(stage('Григорьева Ольга', 1)).toMatchObject({ status: 'completed', cause: 'manual' });
    // The check-in on difficulties moves no stage: Алиева's plan questionnaire closed before the import.
    expect(stage('Алиева Дина', 1)).toMatchObject({ status: 'not_started' });
    expect(stage('Борисова Анна', 2)).toMatchObject({ status: 'in_progress', cause: 'rule:accepted-activities' });
    expect(stage('Васильева Елена', 2)).toMatchObject({ status: 'completed', cause: 'rule:accepted-activities' });
    expect(md1).toContain(
      '| Григорьева Ольга | FG72-2025 |  | Ярославская область | город | завершён 10.12.2025 (вручную) | завершён 10.12.2025 | не начат | 2 | 4 | 0 | 0 | 3 | да | 0 | 0 |',
    );
    expect(md1).toContain(
      '| Борисова Анна | FG72-2025 | Открытый урок (занятие) | Уровень организации (школа) | 05.11.2025 | Открытый урок по математике | https://school.example.kz/7 | на доработке | Нет ссылки на конспект урока |',
    );
    expect(h1.value.year.activities).toHaveLength(4);
    // Every key figure, counted by hand: the one consultation (Алиева's, answered, not closed) is open; support
    // after the year (30 April 2026, stage 3 running, three accepted expected): Алиева (0 of 3, stages 1 and 2),
    // Борисова (1 of 3, one returned, stages 1 and 2), Васильева (stage 1 never marked); Григорьева is on track.
    expect(h1.value.keyFigures.rows).toEqual([
      ['Слушателей на сопровождении', 4],
      ['Заполнено анкет (из положенных за период)', '1 из 12 (8,3 %)'],
      ['Завершили этап 1 (план мероприятий)', '1 (25 %)'],
      ['Завершили этап 2 (реализация плана и публикация материалов)', '2 (50 %)'],
      ['Завершили этап 3 (представление результатов)', '0 (0 %)'],
      ['Мероприятий проведено / принято за период', '4 / 3'],
      ['Принято мероприятий с начала года педагогов', 8],
      ['Выполнили норму года (не менее 3 принятых)', '2 (50 %)'],
      ['Запросов на консультации (открыто)', '1 (1)'],
      ['Педагогов, которым нужна поддержка', 3],
      ['Неработающих ссылок на материалы (по последней проверке)', 0],
    ]);
    const behind = ['этап 1 не завершён, по плану идёт этап 3', 'этап 2 не завершён, по плану идёт этап 3'];
    expect(h1.value.support.map((x) => [x.teacher, x.reasons])).toEqual([
      ['Алиева Дина', ['принято мероприятий 0 из 3, ожидаемых к этой дате', ...behind]],
      [
        'Борисова Анна',
        ['принято мероприятий 1 из 3, ожидаемых к этой дате', 'мероприятий на доработке: 1', ...behind],
      ],
      ['Васильева Елена', [behind[0]]],
    ]);
    // The older sections, by hand: stage table (4 teachers; stage 2: Васильева and Григорьева completed,
    // Борисова in progress), activities by level (all four of the period at school level, three accepted),
    // answers to the check-in (4 invited, 1 completed), the one consultation by topic.
    expect(md1).toContain('| Этап 2: реализация плана и публикация материалов | Всего | 4 | 2 | 1 | 1 | 50 |');
    expect(md1).toContain('| Этап 1: план мероприятий | Всего | 4 | 1 | 0 | 3 | 25 |');
    expect(md1).toContain('| Уровень организации (школа) | 4 | 3 |');
    // Participation over those due: the check-in 1 of 4; stage 3 and impact (nobody started them) 0 of 4 each.
    expect(md1).toContain('| Анкета | Повод | Положено | Завершили | Отклик, % |');
    expect(md1).toContain('| Этап 3: представление результатов | через 10 месяцев после курса | 4 | 0 | 0 |');
    expect(md1).toContain(
      '| Влияние курса на профессиональную компетентность | через 11 месяцев после курса | 4 | 0 | 0 |',
    );
    expect(md1).toContain('| Затруднения и потребности в поддержке | через 9 месяцев после курса | 4 | 1 | 25 |');
    expect(md1).toContain('| Затруднения и потребности в поддержке | Всего | 1 | 1 | — | — |');
    // Non-responders: 4 for stage 3, 4 for impact, 3 for the check-in.
    expect(h1.value.year.questionnaires.map((q) => [q.occasion, q.due, q.completed, q.missing.length])).toEqual([
      ['stage-3', 4, 0, 4],
      ['impact-11m', 4, 0, 4],
      ['difficulties-9m', 4, 1, 3],
    ]);
    // The README's excerpt is this report: each of its full rows is here.
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const excerpt = readme.slice(
      readme.indexOf('```markdown', readme.indexOf('An excerpt')),
      readme.indexOf('```\n', readme.indexOf('```markdown', readme.indexOf('An excerpt')) + 5),
    );
    const rows = excerpt.split('\n').filter((l) => l.startsWith('| ') && !l.includes('…') && !l.startsWith('| ---'));
    expect(rows.length).toBeGreaterThan(8);
    for (const row of rows) expect(md1).toContain(row);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(h1.value.xlsx as unknown as ArrayBuffer);
    const teachersSheet = wb.getWorksheet('Сводка по педагогам')!;
    expect(teachersSheet.rowCount).toBe(5);
    expect(wb.getWorksheet('Мероприятия педагогов')!.rowCount).toBe(5);

    // --- Exports ---
    const roster = await monitoring.exportYear({ what: 'participants', format: 'csv', cohortIds: [c.cohortId] });
    const csv = await streamText(roster.stream);
    expect(csv.startsWith('\uFEFFПедагог;Поток;')).toBe(true);
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe(
      'Григорьева Ольга;FG72-2025;;Ярославская область;город;21.03.2025;20.03.2026;завершён;10.12.2025;да;завершён;10.12.2025;нет;не начат;;нет;4;0;0;3;да;0;0',
    );
    expect(lines[2]).toBe(
      'Борисова Анна;FG72-2025;;Ярославская область;город;21.03.2025;20.03.2026;не начат;;нет;в работе;10.12.2025;нет;не начат;;нет;1;1;0;3;нет;0;0',
    );
    const acts = await monitoring.exportYear({ what: 'activities', format: 'json', cohortIds: [c.cohortId] });
    const json = JSON.parse(await streamText(acts.stream)) as { rows: { status: string; links: string }[] };
    expect(json.rows).toHaveLength(9);
    expect(json.rows.filter((r) => r.status === 'принято')).toHaveLength(8);
    expect(json.rows[6]).toMatchObject({ status: 'на доработке', links: 'https://school.example.kz/7' });
    // The XLSX is written as it is read: its progress counts the rows actually written.
    const written: number[] = [];
    const xlsx = await monitoring.exportYear({
      what: 'activities',
      format: 'xlsx',
      cohortIds: [c.cohortId],
      onProgress: (done) => written.push(done),
    });
    expect(xlsx.total).toBe(9);
    expect(written).toEqual([]);
    const chunks: Buffer[] = [];
    for await (const chunk of xlsx.stream) chunks.push(Buffer.from(chunk as Uint8Array));
    const activitiesBook = new ExcelJS.Workbook();
    await activitiesBook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    expect(activitiesBook.worksheets[0]?.rowCount).toBe(10);
    expect(written.at(-1)).toBe(9);
    // People read one date form in every file: dd.mm.yyyy in the CSV, date cells in the XLSX (Excel
    // sorts and filters them as dates); JSON keeps ISO for scripts.
    const sheet = activitiesBook.worksheets[0]!;
    const masterClass = (sheet.getSheetValues() as unknown[][]).find((r) =>
      r?.includes('Мастер-класс по смысловому чтению'),
    )!;
    expect(masterClass[5]).toEqual(new Date('2025-06-15T00:00:00Z'));
    expect(sheet.getColumn(5).numFmt ?? sheet.getRow(2).getCell(5).numFmt).toBe('dd.mm.yyyy');
    expect(
      json.rows.find((r) => (r as { title?: string }).title === 'Мастер-класс по смысловому чтению'),
    ).toMatchObject({
      date: '2025-06-15',
    });
    const activitiesCsv = await streamText(
      (await monitoring.exportYear({ what: 'activities', format: 'csv', cohortIds: [c.cohortId] })).stream,
    );
    expect(activitiesCsv).toContain(';15.06.2025;Мастер-класс по смысловому чтению;');
    const rosterXlsx = await monitoring.exportYear({ what: 'participants', format: 'xlsx', cohortIds: [c.cohortId] });
    const rosterBook = new ExcelJS.Workbook();
    const rosterChunks: Buffer[] = [];
    for await (const chunk of rosterXlsx.stream) rosterChunks.push(Buffer.from(chunk as Uint8Array));
    await rosterBook.xlsx.load(Buffer.concat(rosterChunks) as unknown as ArrayBuffer);
    const grigorievaRow = (rosterBook.worksheets[0]!.getSheetValues() as unknown[][]).find(
      (r) => r?.[1] === 'Григорьева Ольга',
    )!;
    // Year start and end, stage 1's date, then the counts as numbers: accepted 4, returned 0, pending 0, norm 3.
    expect([grigorievaRow[6], grigorievaRow[7], grigorievaRow[9]]).toEqual([
      new Date('2025-03-21T00:00:00Z'),
      new Date('2026-03-20T00:00:00Z'),
      new Date('2025-12-10T00:00:00Z'),
    ]);
    expect(grigorievaRow.slice(17, 21)).toEqual([4, 0, 0, 3]);
    // The testbed's own cohort has nobody: an empty export still has its header row.
    const empty = await monitoring.exportYear({ what: 'activities', format: 'csv', cohortIds: [bed.cohort.cohortId] });
    expect(empty.empty).toBe(true);
    expect(await streamText(empty.stream)).toBe(
      '\uFEFFПедагог;Поток;Вид;Уровень;Дата;Название;Ссылка;Статус;Комментарий;Отправлено\r\n',
    );
  }, 240_000);
});
