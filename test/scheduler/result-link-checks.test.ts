// Links in questionnaire answers, checked by the link check job against a local HTTP server (live,
// dead) and an unresolvable host (could not check): what is stored, when stage 3 counts as
// presented, who is told, and how the teacher puts a working link in place of a dead one.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Participant } from '../../src/domain/participant.js';
import { startOfLocalDay } from '../../src/domain/sending-window.js';
import type { Dispatcher } from '../../src/delivery/dispatcher.js';
import type { Engine } from '../../src/engine/index.js';
import { recordResultLinks } from '../../src/progress/result-links.js';
import { reevaluateStages } from '../../src/progress/service.js';
import type { LinkCheckService } from '../../src/scheduler/link-checks.js';
import type { Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { tg } from '../support/fixtures.js';
import { Clock } from '../support/engine-harness.js';
import { openTestStore } from '../support/store.js';
import { linkCheckRig } from './link-check-rig.js';
import { Rig } from './rig.js';

const MOSCOW = 'Europe/Moscow';
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) =>
    res.writeHead(req.url === '/portfolio' || req.url === '/portfolio-new' ? 200 : 404).end(),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('links in answers, checked', () => {
  let store: Store;
  let rig: Rig;
  let cohort: CohortFixture;
  let service: LinkCheckService;
  let engine: Engine;
  let dispatcher: Dispatcher;
  const sent: { chatId: string; text: string }[] = [];

  beforeEach(async () => {
    store = await openTestStore();
    // Course ended 20 March 2026: stage 3 (+10m) opens 20 January 2027.
    cohort = await seedCohort(store, { courseEnd: startOfLocalDay('2026-03-20', MOSCOW).toISOString() });
    rig = new Rig(store, new Clock(new Date('2027-01-21T09:00:00Z')));
    sent.length = 0;
    ({ engine, dispatcher, service } = linkCheckRig(store, rig.clock, sent, { answerLinks: true }));
  });
  afterEach(async () => {
    await store.close();
  });

  /** The teacher sends the results questionnaire with this link (as the dialog would store it). */
  async function presentResults(teacher: Participant, url: string): Promise<void> {
    const repos = store.repositories;
    const at = rig.clock.now();
    const { response } = await repos.responses.startOrResume({
      participantId: teacher.id,
      cohortId: cohort.cohortId,
      questionnaireId: 'stage-3-results',
      occasion: 'stage-3',
      questionnaireVersion: 1,
      at,
    });
    await repos.responses.saveAnswer(response.id, {
      questionId: 'presentation_form',
      value: 'portfolio',
      skipped: false,
      answeredAt: at,
    });
    await repos.responses.saveAnswer(response.id, {
      questionId: 'results_link',
      value: url,
      skipped: false,
      answeredAt: at,
    });
    const completed = await repos.responses.complete(response.id, at);
    await recordResultLinks(repos, completed!, at);
    await reevaluateStages(repos, {
      participantId: teacher.id,
      cohortId: cohort.cohortId,
      at,
      actor: teacher.id,
      kind: 'questionnaire.completed',
    });
  }
  const stage3 = async (teacher: Participant) =>
    (await store.repositories.enrollments.find(teacher.id, cohort.cohortId))!.stages.find((s) => s.stage === 3);
  async function reply(chatId: string, text: string) {
    const out = await engine.handle({
      channel: 'telegram',
      messageId: `m${Math.random()}`,
      chat: { id: chatId, type: 'private' },
      from: { id: chatId },
      at: rig.clock.now(),
      payload: { kind: 'text', text },
    });
    await dispatcher.dispatch(out);
  }

  it('counts results as presented on the day a check finds the link open, with the change audited', async () => {
    const anna = await rig.teacher(cohort.cohortId, 'Алексеева Анна Сергеевна');
    await presentResults(anna, `${base}/portfolio`);
    // Sent, not checked yet: stage 3 waits in progress.
    expect(await stage3(anna)).toMatchObject({ status: 'in_progress' });

    rig.clock.set(new Date('2027-01-21T09:10:00Z'));
    expect(await service.runOnce()).toEqual({ checked: 1, alive: 1, alerted: 0, unknown: 0 });
    expect(await stage3(anna)).toMatchObject({
      status: 'completed',
      completedAt: new Date('2027-01-21T09:10:00Z'),
      cause: 'rule:live-link',
    });
    const audit = await store.repositories.audit.list({ cohortId: cohort.cohortId, action: 'stage.changed' });
    expect(audit.find((e) => e.details?.stage === 3 && e.details?.to === 'completed')).toMatchObject({
      at: new Date('2027-01-21T09:10:00Z'),
      actor: 'system',
      details: {
        from: 'in_progress',
        cause: 'rule:live-link',
        event: 'results.presented',
        date: '2027-01-21T09:10:00.000Z',
      },
    });
    expect(sent).toEqual([]);
    // Checked: not again before the month is out.
    rig.clock.set(new Date('2027-02-15T09:00:00Z'));
    expect(await service.runOnce()).toEqual({ checked: 0, alive: 0, alerted: 0, unknown: 0 });
  });

  it('tells the teacher and the curator of a dead link at once, once; the working link the teacher sends completes stage 3', async () => {
    const anna = await rig.teacher(cohort.cohortId, 'Алексеева Анна Сергеевна');
    const olga = await rig.connect(cohort.curatorId);
    await presentResults(anna, `${base}/gone`);
    expect(await service.runOnce()).toEqual({ checked: 1, alive: 0, alerted: 1, unknown: 0 });
    expect(await stage3(anna)).toMatchObject({ status: 'in_progress' });
    const toAnna = sent.filter((m) => m.chatId === tg(anna)).map((m) => m.text);
    expect(toAnna).toEqual([
      `Ссылка, которую вы прислали в анкете «Этап 3: представление результатов», не открывается (страница отвечает ошибкой 404):\n${base}/gone\n\n` +
        'Куратору нужна работающая ссылка: страница должна открываться без входа и запроса доступа. Пришлите, пожалуйста, новую.',
      'Пришлите новую ссылку для анкеты «Этап 3: представление результатов».',
    ]);
    const toOlga = sent.filter((m) => m.chatId === tg(olga)).map((m) => m.text);
    expect(toOlga).toEqual([
      `Ссылка педагога Алексеева Анна Сергеевна (курс «Функциональная грамотность, весна 2026») из анкеты «Этап 3: представление результатов» не открывается:\n${base}/gone\n` +
        'Состояние: страница отвечает ошибкой 404\n\nПедагогу предложено прислать новую ссылку.',
    ]);
    // The monthly check finds it dead again: nobody is told twice.
    sent.length = 0;
    rig.clock.set(new Date('2027-02-22T09:00:00Z'));
    expect(await service.runOnce()).toEqual({ checked: 1, alive: 0, alerted: 0, unknown: 0 });
    expect(sent).toEqual([]);

    // Anna answers with a working link: it replaces the answer, the curator sees it, the next check completes stage 3.
    await reply(tg(anna), `${base}/portfolio-new`);
    expect(sent.find((m) => m.chatId === tg(anna))?.text).toBe(
      'Спасибо! Ссылка заменена, куратор увидит новую. Я проверю её в ближайшее время.',
    );
    expect(sent.find((m) => m.chatId === tg(olga))?.text).toBe(
      'Педагог Алексеева Анна Сергеевна (курс «Функциональная грамотность, весна 2026») заменил(а) ссылку в анкете «Этап 3: представление результатов»:\n' +
        `было: ${base}/gone\nстало: ${base}/portfolio-new`,
    );
    const response = await store.repositories.responses.find({
      participantId: anna.id,
      cohortId: cohort.cohortId,
      questionnaireId: 'stage-3-results',
      occasion: 'stage-3',
    });
    expect(response?.answers.find((a) => a.questionId === 'results_link')?.value).toBe(`${base}/portfolio-new`);
    rig.clock.set(new Date('2027-02-22T09:10:00Z'));
    expect(await service.runOnce()).toEqual({ checked: 1, alive: 1, alerted: 0, unknown: 0 });
    expect(await stage3(anna)).toMatchObject({ status: 'completed', completedAt: new Date('2027-02-22T09:10:00Z') });
  });

  it('finds and checks the links of results sent before links in answers were recorded', async () => {
    const anna = await rig.teacher(cohort.cohortId, 'Алексеева Анна Сергеевна');
    const repos = store.repositories;
    const at = rig.clock.now();
    const { response } = await repos.responses.startOrResume({
      participantId: anna.id,
      cohortId: cohort.cohortId,
      questionnaireId: 'stage-3-results',
      occasion: 'stage-3',
      questionnaireVersion: 1,
      at,
    });
    await repos.responses.saveAnswer(response.id, {
      questionId: 'results_link',
      value: `${base}/portfolio`,
      skipped: false,
      answeredAt: at,
    });
    await repos.responses.complete(response.id, at);
    expect(await repos.resultLinks.listByParticipant(anna.id)).toEqual([]);
    rig.clock.set(new Date('2027-01-21T09:10:00Z'));
    expect(await service.runOnce()).toEqual({ checked: 1, alive: 1, alerted: 0, unknown: 0 });
    expect(await stage3(anna)).toMatchObject({ status: 'completed', completedAt: new Date('2027-01-21T09:10:00Z') });
  });

  it('leaves a link no check could reach unchecked, tells nobody, and tries it again later', async () => {
    const anna = await rig.teacher(cohort.cohortId, 'Алексеева Анна Сергеевна');
    await rig.connect(cohort.curatorId);
    // The .invalid name never resolves: what a machine without network sees for every link.
    await presentResults(anna, 'http://portfolio.invalid/anna');
    expect(await service.runOnce()).toEqual({ checked: 0, alive: 0, alerted: 0, unknown: 1 });
    const [link] = await store.repositories.resultLinks.listByParticipant(anna.id);
    expect(link).toMatchObject({ attempts: 1, retryAt: new Date('2027-01-21T09:15:00Z') });
    expect(link!.reachable).toBeUndefined();
    expect(link!.checkedAt).toBeUndefined();
    expect(await stage3(anna)).toMatchObject({ status: 'in_progress' });
    expect(sent).toEqual([]);
    // Not before the retry time; then again, with the next wait twice as long.
    rig.clock.set(new Date('2027-01-21T09:10:00Z'));
    expect(await service.runOnce()).toEqual({ checked: 0, alive: 0, alerted: 0, unknown: 0 });
    rig.clock.set(new Date('2027-01-21T09:15:00Z'));
    expect(await service.runOnce()).toEqual({ checked: 0, alive: 0, alerted: 0, unknown: 1 });
    expect((await store.repositories.resultLinks.listByParticipant(anna.id))[0]).toMatchObject({
      attempts: 2,
      retryAt: new Date('2027-01-21T09:45:00Z'),
    });
    // Nothing for the teacher to replace, nothing in the menu.
    await reply(tg(anna), '/menu');
    expect(sent.some((m) => m.text.includes('Неработающие ссылки'))).toBe(false);
    expect(sent).not.toEqual([]);
  });
});
