// A post-course year on a fixed clock: the cohort finished its course on 20 March 2025 and was
// imported on 10 February 2026, when most of its year had passed. Four teachers with 0, 1, 3 and 4
// accepted activities spread over both halves; one activity returned; one stage set by hand by the
// curator; one teacher asks for help inside a questionnaire, nobody answers for four days, the
// scheduler's escalation tells the curator, who takes it over and answers. Both half-year reports
// (second half of 2025, first half of 2026) and the exports are checked against counts made by
// hand below.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { ActivityType } from '../../src/domain/activity.js';
import type { Outbound } from '../../src/engine/events.js';
import { createMonitoring } from '../../src/monitoring/service.js';
import { escalateConsultations } from '../../src/scheduler/consultation-escalation.js';
import { createLogger } from '../../src/logger.js';
import { seedCohort } from '../support/cohort-fixture.js';
import { enrolledTeacher } from '../support/teacher.js';
import { useEngineTestbed } from '../support/testbed.js';
import { content } from '../support/engine-harness.js';

const IMPORTED = '2026-02-10T07:00:00Z';
const bed = useEngineTestbed(IMPORTED);

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

describe('a simulated post-course year', () => {
  it('is counted right in both half-year reports, the per-teacher rows and the exports', async () => {
    const { h, store } = bed;
    const repos = store.repositories;
    // The testbed's cohort is not this one: a second cohort, imported late, with its course over.
    const c = await seedCohort(store, { code: 'FG72-2025', courseStart: '2025-03-03T06:00:00Z', courseEnd: '2025-03-20T12:00:00Z', curatorUsername: 'olga_2025', tutorUsername: 'aigul_2025' });
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
        participantId: who.participant.id, cohortId: c.cohortId, type, level: 'school', date: new Date(`${date}T09:00:00Z`), title,
        links: [`https://school.example.kz/${i + 1}`], submittedAt: new Date(Date.parse(IMPORTED) + i * 60_000),
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
        '1. план мероприятий — завершён 10.02.2026',
        '   отмечено куратором: План утверждён на заседании МО, протокол № 3',
        '2. реализация плана и публикация материалов — завершён 10.02.2026',
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

    // Алиева is invited to the plan questionnaire and asks for help in it.
    const started = await h.engine.trigger(alieva.participant.id, 'surveys', { questionnaireId: 'stage-1-plan', occasion: 'stage-1', cohortId: c.cohortId, cohortTitle: 'x', timeZone: 'Europe/Moscow' }, 'занят');
    await h.deliver(alieva.actor, started.out);
    await alieva.actor.press('Ещё не начинал(а)');
    await alieva.actor.press('Да');
    await alieva.actor.say('Как связать план с темами самообразования?');
    await alieva.actor.press('Отправить');
    expect(tutor.inbox.at(-1)?.text).toContain('Новый запрос на консультацию от Алиева Дина');

    // Four days without an answer: the scheduler's escalation tells the curator, once.
    h.clock.set('2026-02-14T10:00:00Z');
    const sent: string[] = [];
    const escalation = { repos, dispatcher: { dispatch: async (out: readonly Outbound[]) => { for (const o of out) sent.push(o.message.kind === 'text' ? o.message.text : ''); } }, escalationDays: 3, logger: createLogger({ level: 'silent' }), now: h.clock.now };
    expect(await escalateConsultations(escalation)).toBe(1);
    expect(await escalateConsultations(escalation)).toBe(0);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('без ответа уже 3 дн.');
    await curator.say('/consultations');
    await curator.press('Взять себе');
    await curator.say('Возьмите две темы самообразования и под каждую — по мероприятию. Шаблон в группе.');
    // Answered, not closed: it still counts as an open consultation in the report.
    await curator.press('Нет');
    expect(alieva.actor.inbox.at(-1)?.text).toContain('Возьмите две темы самообразования');

    const monitoring = createMonitoring({ store, catalog: content().questionnaires, now: () => new Date('2026-02-15T09:00:00Z') });

    // --- Second half of 2025: 1 June – 30 September 2025, reported after the fact. ---
    const h2 = await monitoring.halfYearReport({ cohortId: c.cohortId, half: 2, year: 2025 });
    expect(h2.ok).toBe(true);
    if (!h2.ok) return;
    const md2 = h2.value.markdown;
    // All four are on support: their year (21.03.2025–20.03.2026) overlaps the period, whatever the import date.
    expect(md2).toContain('| Слушателей на сопровождении | 4 |');
    // Due in the period: stage-2 (opens 20.08) and impact-6m (opens 20.09), 4 teachers each; none answered.
    expect(md2).toContain('| Заполнено анкет (из положенных за период) | 0 из 8 (0 %) |');
    // Stages were decided in February 2026: at the end of September none had moved.
    expect(md2).toContain('| Завершили этап 1 (план мероприятий) | 0 (0 %) |');
    expect(md2).toContain('| Завершили этап 2 (реализация плана) | 0 (0 %) |');
    // Accepted to date (21.03–30.09.2025): Борисова 1, Васильева 2, Григорьева 2 (10.05, 01.08) = 5; nobody has 3.
    expect(md2).toContain('| Принято мероприятий с начала года педагогов | 5 |');
    expect(md2).toContain('| Выполнили норму года (не менее 3 принятых) | 0 (0 %) |');
    const rows2 = new Map(h2.value.year.teachers.map((t) => [t.name, t]));
    expect([...rows2.keys()]).toEqual(['Алиева Дина', 'Борисова Анна', 'Васильева Елена', 'Григорьева Ольга']);
    const counts = (r: typeof rows2) => [...r.values()].map((t) => [t.acceptedInPeriod, t.acceptedToDate, t.returnedToDate, t.metRequired]);
    expect(counts(rows2)).toEqual([[0, 0, 0, false], [1, 1, 0, false], [2, 2, 0, false], [1, 2, 0, false]]);
    expect(rows2.get('Алиева Дина')).toMatchObject({ questionnairesCompleted: 0, openConsultations: 0, questionnairesDue: 2 });
    // The activities of the period: 15.06, 10.07, 01.08, 20.09.
    expect(h2.value.year.activities.map((a) => a.activity.title)).toEqual([
      'Мастер-класс по смысловому чтению', 'Вебинар для коллег района', 'Семинар МО', 'Публикация в сборнике',
    ]);
    expect(md2).toContain('| Васильева Елена | FG72-2025 | мастер-класс | школа | 15.06.2025 | Мастер-класс по смысловому чтению | https://school.example.kz/2 | принято |  |');
    // Non-responders: the two due questionnaires × four teachers.
    expect(h2.value.year.questionnaires.map((q) => [q.occasion, q.due, q.completed, q.missing.length])).toEqual([['stage-2', 4, 0, 4], ['impact-6m', 4, 0, 4]]);

    // --- First half of 2026: 1 October 2025 – 31 May 2026, as of 15 February 2026. ---
    const h1 = await monitoring.halfYearReport({ cohortId: c.cohortId, half: 1, year: 2026 });
    expect(h1.ok).toBe(true);
    if (!h1.ok) return;
    const md1 = h1.value.markdown;
    expect(md1).toContain('| Слушателей на сопровождении | 4 |');
    // Due by 15.02.2026 in the period: stage-3 (opens 20.01.2026), 4 teachers; impact-11m opens 20.02, not yet.
    expect(md1).toContain('| Заполнено анкет (из положенных за период) | 0 из 4 (0 %) |');
    // Stage 1: Григорьева by hand; stage 2: Васильева and Григорьева reached three accepted.
    expect(md1).toContain('| Завершили этап 1 (план мероприятий) | 1 (25 %) |');
    expect(md1).toContain('| Завершили этап 2 (реализация плана) | 2 (50 %) |');
    expect(md1).toContain('| Завершили этап 3 (представление результатов) | 0 (0 %) |');
    // To date: 0 + 1 + 3 + 4 = 8; norm met by Васильева and Григорьева.
    expect(md1).toContain('| Принято мероприятий с начала года педагогов | 8 |');
    // Dated in the period: 15.10, 05.11 (returned), 01.12, 20.01 — four, three of them accepted.
    expect(md1).toContain('| Мероприятий проведено / принято за период | 4 / 3 |');
    expect(md1).toContain('| Выполнили норму года (не менее 3 принятых) | 2 (50 %) |');
    const rows1 = new Map(h1.value.year.teachers.map((t) => [t.name, t]));
    // In period: Васильева 01.12; Григорьева 15.10 and 20.01; Борисова's 05.11 was returned.
    expect(counts(rows1)).toEqual([[0, 0, 0, false], [0, 1, 1, false], [1, 3, 0, true], [2, 4, 0, true]]);
    expect(rows1.get('Алиева Дина')).toMatchObject({ questionnairesCompleted: 1, openConsultations: 1 });
    const stage = (name: string, n: number) => rows1.get(name)!.stages.find((s) => s.stage === n);
    expect(stage('Григорьева Ольга', 1)).toMatchObject({ status: 'completed', cause: 'manual' });
    expect(stage('Алиева Дина', 1)).toMatchObject({ status: 'in_progress', cause: 'rule:questionnaire-completed' });
    expect(stage('Борисова Анна', 2)).toMatchObject({ status: 'in_progress', cause: 'rule:accepted-activities' });
    expect(stage('Васильева Елена', 2)).toMatchObject({ status: 'completed', cause: 'rule:accepted-activities' });
    expect(md1).toMatch(/\| Григорьева Ольга \| FG72-2025 \|  \| Ярославская область \| город \| завершён 10\.02\.2026 \(вручную\) \| завершён 10\.02\.2026 \| не начат \| 2 \| 4 \| 0 \| 0 \| 3 \| да \| 0 \| 0 \|/);
    expect(md1).toContain('| Борисова Анна | FG72-2025 | открытый урок | школа | 05.11.2025 | Открытый урок по математике | https://school.example.kz/7 | на доработке | Нет ссылки на конспект урока |');
    expect(h1.value.year.activities).toHaveLength(4);
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
    expect(lines[4]).toBe('Григорьева Ольга;FG72-2025;;Ярославская область;город;2025-03-21;2026-03-20;завершён;2026-02-10;да;завершён;2026-02-10;нет;не начат;;нет;4;0;0;3;да;0;0');
    expect(lines[2]).toBe('Борисова Анна;FG72-2025;;Ярославская область;город;2025-03-21;2026-03-20;не начат;;нет;в работе;2026-02-10;нет;не начат;;нет;1;1;0;3;нет;0;0');
    const acts = await monitoring.exportYear({ what: 'activities', format: 'json', cohortIds: [c.cohortId] });
    const json = JSON.parse(await streamText(acts.stream)) as { rows: { status: string; links: string }[] };
    expect(json.rows).toHaveLength(9);
    expect(json.rows.filter((r) => r.status === 'принято')).toHaveLength(8);
    expect(json.rows[6]).toMatchObject({ status: 'на доработке', links: 'https://school.example.kz/7' });
    const xlsx = await monitoring.exportYear({ what: 'activities', format: 'xlsx', cohortIds: [c.cohortId] });
    expect(xlsx.total).toBe(9);
    // The testbed's own cohort has nobody: an empty export still has its header row.
    const empty = await monitoring.exportYear({ what: 'activities', format: 'csv', cohortIds: [bed.cohort.cohortId] });
    expect(empty.empty).toBe(true);
    expect(await streamText(empty.stream)).toBe('\uFEFFПедагог;Поток;Вид;Уровень;Дата;Название;Ссылка;Статус;Комментарий;Отправлено\r\n');
  }, 240_000);
});
