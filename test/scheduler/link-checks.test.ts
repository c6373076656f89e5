// Activity links checked on a fixed clock against a local HTTP server: when links are due, what is
// stored, and who is told when one is dead twice in a row (and how the teacher replaces it).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { linkCheckCutoff } from '../../src/domain/link-check.js';
import { startOfLocalDay } from '../../src/domain/sending-window.js';
import { createDispatcher, type Dispatcher } from '../../src/delivery/dispatcher.js';
import type { Engine } from '../../src/engine/index.js';
import { createLinkChecker } from '../../src/links/check.js';
import { createScheduler } from '../../src/scheduler/agenda.js';
import { createLinkCheckService, type LinkCheckService } from '../../src/scheduler/link-checks.js';
import type { Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { tg } from '../support/fixtures.js';
import { Clock } from '../support/engine-harness.js';
import { openTestStore, silentLogger } from '../support/store.js';
import { linkCheckRig } from './link-check-rig.js';
import { Rig } from './rig.js';

const MOSCOW = 'Europe/Moscow';
let server: Server;
let base: string;
let lessonAlive = true;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/lesson') return res.writeHead(lessonAlive ? 200 : 404).end();
    if (req.url === '/new-lesson') return res.writeHead(200).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('when links are due', () => {
  // Course ends 20 March 2026 (Moscow); stage 3 of the default plan starts at +10m = 20 January 2027.
  const calendar = {
    courseEnd: startOfLocalDay('2026-03-20', MOSCOW),
    timeZone: MOSCOW,
    reviewStageOffsets: ['+10m'],
    reportDeadlines: ['2026-06-01', '2026-10-01', '2027-06-01'],
  };
  const at = (iso: string) => new Date(iso);

  it('monthly: the cutoff is the same day a month back', () => {
    expect(linkCheckCutoff(calendar, at('2026-04-15T10:00:00Z'))).toEqual(startOfLocalDay('2026-03-15', MOSCOW));
  });
  it('a week before each half-year report, every link is checked again', () => {
    expect(linkCheckCutoff(calendar, at('2026-05-26T10:00:00Z'))).toEqual(startOfLocalDay('2026-05-25', MOSCOW));
    expect(linkCheckCutoff(calendar, at('2026-09-24T10:00:00Z'))).toEqual(startOfLocalDay('2026-09-24', MOSCOW));
  });
  it('a week before the results stage, every link is checked again', () => {
    expect(linkCheckCutoff(calendar, at('2027-01-13T10:00:00Z'))).toEqual(startOfLocalDay('2027-01-13', MOSCOW));
    expect(linkCheckCutoff(calendar, at('2027-01-12T10:00:00Z'))).toEqual(startOfLocalDay('2026-12-12', MOSCOW));
  });
});

describe('the link check job', () => {
  let store: Store;
  let rig: Rig;
  let cohort: CohortFixture;
  let service: LinkCheckService;
  let engine: Engine;
  let dispatcher: Dispatcher;
  const sent: { chatId: string; text: string }[] = [];

  beforeEach(async () => {
    store = await openTestStore();
    cohort = await seedCohort(store, { courseEnd: startOfLocalDay('2026-03-20', MOSCOW).toISOString() });
    rig = new Rig(store, new Clock(new Date('2026-04-10T09:00:00Z')));
    sent.length = 0;
    lessonAlive = true;
    ({ engine, dispatcher, service } = linkCheckRig(store, rig.clock, sent));
  });
  afterEach(async () => {
    await store.close();
  });

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

  it('checks a new link at once, then monthly; dead twice in a row tells the teacher and the curator once; the teacher sends a new one', async () => {
    const anna = await rig.teacher(cohort.cohortId, 'Алексеева Анна Сергеевна');
    const olga = await rig.connect(cohort.curatorId);
    const repos = store.repositories;
    const activity = await repos.activities.submit({
      participantId: anna.id,
      cohortId: cohort.cohortId,
      type: 'open_lesson',
      level: 'school',
      date: new Date('2026-04-08T12:00:00Z'),
      title: 'Открытый урок «Дроби»',
      links: [`${base}/lesson`],
      submittedAt: rig.clock.now(),
    });

    // Just submitted: checked on the next pass, alive.
    expect(await service.runOnce()).toEqual({ checked: 1, alive: 1, alerted: 0, unknown: 0 });
    expect((await repos.activities.findById(activity.id))!.links[0]).toMatchObject({
      reachable: true,
      status: 'alive',
      httpStatus: 200,
      failures: 0,
      checkedAt: rig.clock.now(),
    });
    // Nothing is due again the same month.
    rig.clock.set(new Date('2026-05-05T09:00:00Z'));
    expect(await service.runOnce()).toEqual({ checked: 0, alive: 0, alerted: 0, unknown: 0 });

    // The page disappears. 11 May: a month since the last check (10 April) -> dead once: nobody is told yet.
    lessonAlive = false;
    rig.clock.set(new Date('2026-05-11T09:00:00Z'));
    expect(await service.runOnce()).toEqual({ checked: 1, alive: 0, alerted: 0, unknown: 0 });
    expect(sent).toEqual([]);
    // 25 May: a week before the 1 June report -> dead twice in a row: the teacher and the curator are told.
    rig.clock.set(new Date('2026-05-25T09:00:00Z'));
    expect(await service.runOnce()).toEqual({ checked: 1, alive: 0, alerted: 1, unknown: 0 });
    const toAnna = sent.filter((m) => m.chatId === tg(anna)).map((m) => m.text);
    expect(toAnna[0]).toContain(
      'Ссылка на материалы мероприятия «Открытый урок «Дроби»» не открывается уже две проверки подряд',
    );
    expect(toAnna[1]).toBe('Пришлите новую ссылку на материалы мероприятия «Открытый урок «Дроби»».');
    const toOlga = sent.filter((m) => m.chatId === tg(olga)).map((m) => m.text);
    expect(toOlga).toHaveLength(1);
    expect(toOlga[0]).toContain('Алексеева Анна Сергеевна');
    expect(toOlga[0]).toContain('страница отвечает ошибкой 404');

    // A third dead check (a month later) tells nobody again.
    sent.length = 0;
    rig.clock.set(new Date('2026-06-26T09:00:00Z'));
    expect(await service.runOnce()).toEqual({ checked: 1, alive: 0, alerted: 0, unknown: 0 });
    expect(sent).toEqual([]);

    // Anna answers the question with a new link; the curator sees the change; the new link is checked next.
    await reply(tg(anna), `${base}/new-lesson`);
    expect(sent.find((m) => m.chatId === tg(anna))?.text).toBe(
      'Спасибо! Ссылка заменена, куратор увидит новую. Я проверю её в ближайшее время.',
    );
    expect(sent.find((m) => m.chatId === tg(olga))?.text).toContain(`стало: ${base}/new-lesson`);
    expect(await service.runOnce()).toEqual({ checked: 1, alive: 1, alerted: 0, unknown: 0 });
    expect((await repos.activities.findById(activity.id))!.links).toEqual([
      expect.objectContaining({ url: `${base}/new-lesson`, reachable: true, failures: 0 }),
    ]);
  });

  it('never calls a link dead when no check could reach it (no network, an unresolvable host): tried again later, nobody told', async () => {
    const anna = await rig.teacher(cohort.cohortId, 'Алексеева Анна Сергеевна');
    await rig.connect(cohort.curatorId);
    const repos = store.repositories;
    const activity = await repos.activities.submit({
      participantId: anna.id,
      cohortId: cohort.cohortId,
      type: 'webinar',
      level: 'school',
      date: new Date('2026-04-08T12:00:00Z'),
      title: 'Вебинар',
      links: ['http://lessons.invalid/webinar'],
      submittedAt: rig.clock.now(),
    });
    // Five passes over three days, each when the link is due again: never a failure, never a notice.
    const passes = [
      '2026-04-10T09:00:00Z',
      '2026-04-10T09:15:00Z',
      '2026-04-10T09:45:00Z',
      '2026-04-11T09:00:00Z',
      '2026-04-13T09:00:00Z',
    ];
    for (const at of passes) {
      rig.clock.set(new Date(at));
      expect(await service.runOnce()).toEqual({ checked: 0, alive: 0, alerted: 0, unknown: 1 });
    }
    // Between retries nothing is tried: 15, 30, 60 minutes... apart.
    rig.clock.set(new Date('2026-04-13T09:10:00Z'));
    expect(await service.runOnce()).toEqual({ checked: 0, alive: 0, alerted: 0, unknown: 0 });
    const [link] = (await repos.activities.findById(activity.id))!.links;
    expect(link).toMatchObject({ attempts: 5, retryAt: new Date('2026-04-13T13:00:00Z') });
    expect(link!.reachable).toBeUndefined();
    expect(link!.failures).toBeUndefined();
    expect(sent).toEqual([]);
  });

  it('refuses a private address when not allowed, and counts it as not alive', async () => {
    const anna = await rig.teacher(cohort.cohortId, 'Алексеева Анна Сергеевна');
    const repos = store.repositories;
    const strict = createLinkCheckService({
      scheduler: createScheduler({ db: store.connection.db!, logger: silentLogger }),
      repos,
      engine,
      dispatcher: createDispatcher({ senders: [], repos, logger: silentLogger }),
      checker: createLinkChecker({ now: rig.clock.now }),
      logger: silentLogger,
      now: rig.clock.now,
    });
    const activity = await repos.activities.submit({
      participantId: anna.id,
      cohortId: cohort.cohortId,
      type: 'webinar',
      level: 'school',
      date: new Date('2026-04-08T12:00:00Z'),
      title: 'Вебинар',
      links: [`${base}/lesson`],
      submittedAt: rig.clock.now(),
    });
    expect(await strict.runOnce()).toEqual({ checked: 1, alive: 0, alerted: 0, unknown: 0 });
    expect((await repos.activities.findById(activity.id))!.links[0]).toMatchObject({
      reachable: false,
      status: 'unsafe',
      failures: 1,
    });
  });
});
