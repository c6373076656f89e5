// The simulated year's last stage, with the links of the results checked: a cohort whose course
// ended on 20 March 2026 is imported on 12 January 2027, and the scheduler sends the results
// questionnaire (stage 3) on Wednesday 20 January. Three teachers answer it through the bot that
// day, each with a link to their portfolio: Алиева's opens, Борисова's answers 404, and
// Васильева's host does not resolve (what every link looks like to a server without network). The
// link check job runs the next morning against a local HTTP server. By hand: Алиева's stage 3 is
// completed on 21 January (the day the check found the link), not on the 20th; Борисова's stays in
// progress and she and the curator are told; Васильева's stays in progress, unchecked, and nobody
// is told anything. The half-year report and the roster export are checked against those counts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src/delivery/dispatcher.js';
import type { ChannelSender } from '../../src/delivery/ports.js';
import type { OutboundMessage } from '../../src/engine/events.js';
import { createLinkChecker } from '../../src/links/check.js';
import { createMonitoring } from '../../src/monitoring/service.js';
import { createScheduler } from '../../src/scheduler/agenda.js';
import { createLinkCheckService } from '../../src/scheduler/link-checks.js';
import { content, type Actor } from '../support/engine-harness.js';
import { silentLogger } from '../support/store.js';
import { enrolledTeacher } from '../support/teacher.js';
import { useEngineTestbed } from '../support/testbed.js';
import { Rig } from '../scheduler/rig.js';

const IMPORTED = '2027-01-12T07:00:00Z';
const bed = useEngineTestbed(IMPORTED);
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => res.writeHead(req.url === '/alieva/portfolio' ? 200 : 404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** The results questionnaire as a teacher answers it in the chat, with one link to the portfolio. */
async function presentResults(teacher: Actor, link: string): Promise<void> {
  expect(teacher.lastPrompt().text).toContain('Сколько мероприятий вы провели за посткурсовой год?');
  await teacher.say('3');
  await teacher.press('Уровень школы (организации)');
  await teacher.press('Портфолио педагога или его раздел');
  await teacher.press('__skip');
  await teacher.say(link);
  await teacher.press('Да, все открываются');
  await teacher.press('Нет');
  await teacher.press('Ещё нет');
  await teacher.press('__skip');
  await teacher.press('Отправить');
}

describe('the results of the year, presented with links that are checked', () => {
  it('completes stage 3 on the day a check finds the link open, and tells the teacher whose link is dead', async () => {
    const { h, store, cohort } = bed;
    const repos = store.repositories;
    const alieva = await enrolledTeacher(h, 'Алиева', cohort.cohortId, { fullName: 'Алиева Дина' }); // link opens
    const borisova = await enrolledTeacher(h, 'Борисова', cohort.cohortId, { fullName: 'Борисова Анна' }); // link answers 404
    const vasilieva = await enrolledTeacher(h, 'Васильева', cohort.cohortId, { fullName: 'Васильева Елена' }); // host does not resolve
    const curator = h.actor('Куратор', { username: 'olga_curator' });
    await curator.say('/start');

    const actors = new Map<string, Actor>(
      [alieva.actor, borisova.actor, vasilieva.actor, curator].map((a) => [a.chatId, a]),
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
    // The scheduler from the import to the morning of 20 January: the results questionnaire goes out at 09:00.
    await rig.runUntil(runner, [cohort.cohortId], new Date('2027-01-20T07:00:00Z'));
    const invites = (await repos.scheduledSends.listByCohort(cohort.cohortId)).filter(
      (x) => x.kind === 'invite' && x.occasion === 'stage-3',
    );
    expect(invites.map((x) => [x.recipientId, x.sentAt])).toEqual(
      [alieva, borisova, vasilieva].map((t) => [t.participant.id, new Date('2027-01-20T06:00:00Z')]),
    );

    // Each answers that morning, with the link to their portfolio.
    h.clock.set('2027-01-20T08:00:00Z');
    await presentResults(alieva.actor, `${base}/alieva/portfolio`);
    await presentResults(borisova.actor, `${base}/borisova/portfolio`);
    await presentResults(vasilieva.actor, 'http://portfolio.invalid/vasilieva');
    const stage3 = async (who: { participant: { id: string } }) =>
      (await repos.enrollments.find(who.participant.id, cohort.cohortId))!.stages.find((s) => s.stage === 3)!;
    // Sent, not checked: all three in progress since the 20th, none completed.
    for (const who of [alieva, borisova, vasilieva]) {
      expect(await stage3(who)).toMatchObject({ status: 'in_progress', startedAt: new Date('2027-01-20T08:00:00Z') });
    }
    const before = {
      borisova: borisova.actor.inbox.length,
      vasilieva: vasilieva.actor.inbox.length,
      curator: curator.inbox.length,
    };

    // The link check job the next morning, 10:00 in Moscow.
    h.clock.set('2027-01-21T07:00:00Z');
    const links = createLinkCheckService({
      scheduler: createScheduler({ db: store.connection.db!, logger: silentLogger }),
      repos,
      engine: h.engine,
      dispatcher,
      logger: silentLogger,
      now: h.clock.now,
      questionnaires: content().questionnaires,
      checker: createLinkChecker({ allowPrivate: true, timeoutMs: 5_000, now: h.clock.now }),
    });
    // Two links answered (one open, one 404), one could not be checked; only Борисова is told.
    expect(await links.runOnce()).toEqual({ checked: 2, alive: 1, alerted: 1, unknown: 1 });

    expect(await stage3(alieva)).toMatchObject({
      status: 'completed',
      completedAt: new Date('2027-01-21T07:00:00Z'),
      cause: 'rule:live-link',
    });
    expect(await stage3(borisova)).toMatchObject({ status: 'in_progress' });
    expect(await stage3(vasilieva)).toMatchObject({ status: 'in_progress' });
    const audit = (await repos.audit.list({ cohortId: cohort.cohortId, action: 'stage.changed' })).filter(
      (e) => e.details?.stage === 3,
    );
    // Three times in progress (the questionnaire), once completed (the check) — by hand.
    expect(
      audit
        .map((e) => [
          e.actor === 'system' ? 'system' : 'teacher',
          e.details?.to,
          e.details?.cause,
          e.details?.event,
          e.details?.date,
        ])
        .sort(),
    ).toEqual(
      [
        ['system', 'completed', 'rule:live-link', 'results.presented', '2027-01-21T07:00:00.000Z'],
        [
          'teacher',
          'in_progress',
          'rule:questionnaire-completed',
          'questionnaire.completed',
          '2027-01-20T08:00:00.000Z',
        ],
        [
          'teacher',
          'in_progress',
          'rule:questionnaire-completed',
          'questionnaire.completed',
          '2027-01-20T08:00:00.000Z',
        ],
        [
          'teacher',
          'in_progress',
          'rule:questionnaire-completed',
          'questionnaire.completed',
          '2027-01-20T08:00:00.000Z',
        ],
      ].sort(),
    );

    // Борисова is told what is wrong and asked for a working link; the curator sees it; Васильева hears nothing.
    expect(borisova.actor.inbox.slice(before.borisova).map((m) => m.text)).toEqual([
      `Ссылка, которую вы прислали в анкете «Этап 3: представление результатов», не открывается (страница отвечает ошибкой 404):\n${base}/borisova/portfolio\n\n` +
        'Куратору нужна работающая ссылка: страница должна открываться без входа и запроса доступа. Пришлите, пожалуйста, новую.',
      'Пришлите новую ссылку для анкеты «Этап 3: представление результатов».',
    ]);
    expect(curator.inbox.slice(before.curator).map((m) => m.text)).toEqual([
      'Ссылка педагога Борисова Анна (курс «Функциональная грамотность, весна 2026») из анкеты «Этап 3: представление результатов» не открывается:\n' +
        `${base}/borisova/portfolio\nСостояние: страница отвечает ошибкой 404\n\nПедагогу предложено прислать новую ссылку.`,
    ]);
    expect(vasilieva.actor.inbox.length).toBe(before.vasilieva);

    // --- The first half-year report of 2027 (1 October 2026 – 31 May 2027), as of 1 February. ---
    const monitoring = createMonitoring({
      store,
      catalog: content().questionnaires,
      now: () => new Date('2027-02-01T09:00:00Z'),
    });
    const report = await monitoring.halfYearReport({ cohortId: cohort.cohortId, half: 1, year: 2027 });
    if (!report.ok) throw new Error(JSON.stringify(report.error));
    const md = report.value.markdown;
    // Three on support; stage 3 completed by Алиева only: 1 of 3 = 33,3 %. One dead link: Борисова's.
    expect(report.value.keyFigures.rows).toContainEqual(['Слушателей на сопровождении', 3]);
    expect(report.value.keyFigures.rows).toContainEqual(['Завершили этап 3 (представление результатов)', '1 (33,3 %)']);
    expect(report.value.keyFigures.rows).toContainEqual([
      'Неработающих ссылок на материалы (по последней проверке)',
      1,
    ]);
    // Stage 3 by hand: 3 teachers, 1 completed, 2 in progress (Борисова, Васильева), 0 not started.
    expect(md).toContain('| Этап 3: представление результатов | Всего | 3 | 1 | 2 | 0 | 33,3 |');
    // The results questionnaire: due for 3, completed by 3.
    expect(md).toContain('| Этап 3: представление результатов | через 10 месяцев после курса | 3 | 3 | 100 |');
    // The dead link, where the curators see dead links: Борисова's answer, 404, checked 21.01.2027. Not Васильева's.
    expect(report.value.deadLinks.map((d) => [d.teacher, d.activity, d.url, d.state])).toEqual([
      [
        'Борисова Анна',
        'анкета «Этап 3: представление результатов»',
        `${base}/borisova/portfolio`,
        'страница отвечает ошибкой 404',
      ],
    ]);
    expect(md).toContain(
      `| Борисова Анна | FG72-SPRING | анкета «Этап 3: представление результатов» | ${base}/borisova/portfolio | страница отвечает ошибкой 404 | 21.01.2027 |`,
    );
    expect(md).not.toContain('portfolio.invalid');
    const rows = new Map(report.value.year.teachers.map((t) => [t.name, t.stages.find((s) => s.stage === 3)]));
    expect([...rows.entries()].map(([name, s]) => [name, s?.status])).toEqual([
      ['Алиева Дина', 'completed'],
      ['Борисова Анна', 'in_progress'],
      ['Васильева Елена', 'in_progress'],
    ]);

    // The roster export: stage 3 completed on 21 January for Алиева, in progress since the 20th for the others.
    const roster = await streamText(
      (await monitoring.exportYear({ what: 'participants', format: 'csv', cohortIds: [cohort.cohortId] })).stream,
    );
    const lines = roster
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(';'));
    expect(lines.map((l) => [l[0], l[13], l[14]])).toEqual([
      ['Алиева Дина', 'завершён', '21.01.2027'],
      ['Борисова Анна', 'в работе', '20.01.2027'],
      ['Васильева Елена', 'в работе', '20.01.2027'],
    ]);

    // Борисова comes back to it later from the menu, which lists her dead link, and is asked for a working one.
    await borisova.actor.say('/menu');
    await borisova.actor.press('Неработающие ссылки (1)');
    expect(borisova.actor.lastText()).toBe('Пришлите новую ссылку для анкеты «Этап 3: представление результатов».');
    // Васильева's unchecked link is nothing to replace: no such menu item.
    await vasilieva.actor.say('/menu');
    expect(
      vasilieva.actor
        .lastPrompt()
        .options.map((o) => o.label)
        .join(' | '),
    ).not.toContain('Неработающие ссылки');
  }, 240_000);
});
