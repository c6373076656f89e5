// Who may do what: every bot command and every HTTP route, tried as each kind of person. The tables
// below are the policy; a command or a route missing from them fails the test, so a new one cannot
// slip in without a decision. To add a surface (the console), add a table and a way to try it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/engine/engine.js';
import { createSputnikEngine } from '../../src/engine/index.js';
import { createHttpServer } from '../../src/http/server.js';
import { createMonitoring, monitoringRoutes } from '../../src/monitoring/index.js';
import type { Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { content, testSettings } from '../support/engine-harness.js';
import { openTestStore, silentLogger } from '../support/store.js';
import { TelegramHarness } from '../support/telegram-harness.js';

type Role = 'anonymous' | 'teacher' | 'tutor' | 'curator_of_another_cohort' | 'curator' | 'staff';
const ROLES: readonly Role[] = ['anonymous', 'teacher', 'tutor', 'curator_of_another_cohort', 'curator', 'staff'];
const EVERYONE_KNOWN: Role[] = ['teacher', 'tutor', 'curator_of_another_cohort', 'curator', 'staff'];
const CURATORS: Role[] = ['curator_of_another_cohort', 'curator', 'staff'];

/** The Telegram users behind the roles (cohort A is the one under test; B is another cohort). */
const USERS: Record<Role, { id: number; username?: string }> = {
  anonymous: { id: 9100 },
  teacher: { id: 9101 },
  tutor: { id: 9102, username: 'aigul_tutor' },
  curator_of_another_cohort: { id: 9103, username: 'other_curator' },
  curator: { id: 9104, username: 'olga_curator' },
  staff: { id: 9105 },
};

/** What cohort A holds that only its own staff may see. */
const SECRETS = ['Иванова Мария', 'Секретный урок'];

/** The answers that mean "not for you". */
const REFUSALS = [
  /^Эта команда доступна только кураторам и тьюторам курса\.$/,
  /^Чтобы начать, пришлите код вашего курса/,
  /^Статистика и выгрузки доступны кураторам своих потоков и сотрудникам центра\.$/,
  /^Рассылку может отправить куратор курса/,
  /^Привязать группу к курсу может только его куратор или сотрудник центра\.$/,
  /^Я вас пока не знаю\. Напишите мне в личные сообщения \/start/,
];

interface BotCase {
  /** Sent as typed; `{A}` is cohort A's code. */
  text: string;
  allowed: readonly Role[];
  /** Sent in cohort A's Telegram group instead of the private chat. */
  inGroup?: boolean;
}

/** Private-chat commands, one row each; `/start` with cohort A's code is open to everyone. */
const BOT_COMMANDS: Record<string, BotCase> = {
  start: { text: '/start {A}', allowed: ROLES },
  menu: { text: '/menu', allowed: EVERYONE_KNOWN },
  help: { text: '/help', allowed: EVERYONE_KNOWN },
  language: { text: '/language', allowed: EVERYONE_KNOWN },
  stop: { text: '/stop', allowed: EVERYONE_KNOWN },
  progress: { text: '/progress', allowed: EVERYONE_KNOWN },
  activity: { text: '/activity', allowed: EVERYONE_KNOWN },
  consult: { text: '/consult', allowed: EVERYONE_KNOWN },
  surveys: { text: '/surveys', allowed: EVERYONE_KNOWN },
  delete: { text: '/delete', allowed: EVERYONE_KNOWN },
  review: { text: '/review', allowed: CURATORS },
  consultations: { text: '/consultations', allowed: ['tutor', ...CURATORS] },
  stage: { text: '/stage', allowed: CURATORS },
  plan: { text: '/plan', allowed: EVERYONE_KNOWN },
  // A tutor sees the plans of their cohort's teachers, as a curator does.
  plans: { text: '/plans', allowed: ['tutor', ...CURATORS] },
  event: { text: '/event', allowed: ['tutor', ...CURATORS] },
  events: { text: '/events', allowed: EVERYONE_KNOWN },
  // A tutor sees their cohorts' figures and anonymised rows (monitoring/access.ts).
  stats: { text: '/stats', allowed: ['tutor', ...CURATORS] },
  export: { text: '/export', allowed: ['tutor', ...CURATORS] },
  report: { text: '/report', allowed: CURATORS },
  broadcast: { text: '/broadcast', allowed: CURATORS },
  console: { text: '/console', allowed: ['tutor', ...CURATORS] },
  bind: { text: '/bind {A}', allowed: ['curator', 'staff'], inGroup: true },
  // Runs after /bind: the curator unbinds; staff then hear that the group is not bound (no refusal).
  unbind: { text: '/unbind', allowed: ['curator', 'staff'], inGroup: true },
};
/** Telegram-only commands, next to the engine's: the table must name every one. */
const TELEGRAM_COMMANDS = ['start', 'bind', 'unbind'];

let store: Store;
let cohortA: CohortFixture;
let tg: TelegramHarness;
/** Bot API calls made inside a conversation (the broadcast wizard): answered here, texts kept. */
const conversationTexts: { chatId: number; text: string }[] = [];
let conversationApi: Server;
const group = { id: -100777, title: 'Группа потока А' };

beforeAll(async () => {
  store = await openTestStore();
  cohortA = await seedCohort(store);
  await seedCohort(store, { code: 'FG72-AUTUMN', curatorUsername: 'other_curator', tutorUsername: 'other_tutor' });
  const repos = store.repositories;
  const teacher = await repos.participants.create({
    fullName: 'Иванова Мария',
    addresses: [{ channel: 'telegram', id: String(USERS.teacher.id) }],
    locale: 'ru',
    region: 'Ярославская область',
    settlementType: 'urban',
  });
  const staff = await repos.participants.create({
    fullName: 'Методист Центра',
    addresses: [{ channel: 'telegram', id: String(USERS.staff.id) }],
    isStaff: true,
    locale: 'ru',
  });
  if (!teacher.ok || !staff.ok) throw new Error('fixture');
  await repos.participants.recordConsent(teacher.value.id, 'test-1', new Date());
  await repos.enrollments.enroll({
    participantId: teacher.value.id,
    cohortId: cohortA.cohortId,
    at: new Date(),
    stages: [1, 2, 3],
  });
  await repos.activities.submit({
    participantId: teacher.value.id,
    cohortId: cohortA.cohortId,
    type: 'open_lesson',
    level: 'school',
    date: new Date(),
    title: 'Секретный урок',
    links: ['https://example.org/lesson'],
    submittedAt: new Date(),
  });
  await repos.consultations.open({
    participantId: teacher.value.id,
    cohortId: cohortA.cohortId,
    assigneeId: cohortA.tutorId,
    topic: 'Оценивание',
    description: 'Секретный урок: как оценивать?',
    openedAt: new Date(),
  });
  const engine = createSputnikEngine({
    repos,
    sessions: store.sessions,
    content: content(),
    settings: testSettings,
    logger: silentLogger,
  });
  conversationApi = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const payload = (body ? JSON.parse(body) : {}) as { chat_id?: number; text?: string };
      if (req.url?.endsWith('/sendMessage') && payload.text)
        conversationTexts.push({ chatId: Number(payload.chat_id), text: payload.text });
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          ok: true,
          result: { message_id: 1, date: 0, chat: { id: payload.chat_id, type: 'private' }, text: payload.text ?? '' },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => conversationApi.listen(0, '127.0.0.1', resolve));
  const apiRoot = `http://127.0.0.1:${(conversationApi.address() as AddressInfo).port}`;
  tg = new TelegramHarness(store, engine, createMonitoring({ store, catalog: content().questionnaires }), { apiRoot });
  // The curators and the tutor are known by username: their first /start links their Telegram id.
  for (const role of ['tutor', 'curator_of_another_cohort', 'curator'] as const) await tg.text(USERS[role], '/start');
});
afterAll(async () => {
  await store.close();
  await new Promise((resolve) => conversationApi.close(resolve));
});

async function tryCommand(role: Role, c: BotCase): Promise<{ texts: string[]; documents: number }> {
  const user = USERS[role];
  const before = tg.calls.length;
  const beforeConversation = conversationTexts.length;
  await tg.text(user, c.text.replace('{A}', cohortA.code), c.inGroup ? group : undefined);
  const calls = tg.calls.slice(before);
  const texts = [
    ...calls.filter((x) => x.method === 'sendMessage').map((x) => String(x.payload.text)),
    ...conversationTexts.slice(beforeConversation).map((m) => m.text),
  ];
  // Leave whatever dialog the command opened, so the next row starts clean.
  if (!c.inGroup) await tg.text(user, '/menu');
  return { texts, documents: calls.filter((x) => x.method === 'sendDocument').length };
}

describe('authorisation matrix: bot commands', () => {
  it('names every command the bot has', () => {
    expect(Object.keys(BOT_COMMANDS).sort()).toEqual(
      [...new Set([...Object.keys(COMMANDS), ...TELEGRAM_COMMANDS])].sort(),
    );
  });

  for (const [name, c] of Object.entries(BOT_COMMANDS)) {
    it(`/${name}: allowed to ${c.allowed.join(', ')}; refused to the rest; no one else sees cohort A`, async () => {
      const outcome: Record<string, string> = {};
      for (const role of ROLES) {
        const { texts, documents } = await tryCommand(role, c);
        const refused = texts.some((t) => REFUSALS.some((r) => r.test(t)));
        outcome[role] = refused ? 'refused' : texts.length > 0 || documents > 0 ? 'allowed' : 'silent';
        if (
          !['curator', 'staff'].includes(role) &&
          !(role === 'tutor' && (name === 'consultations' || name === 'plans' || name === 'events')) &&
          role !== 'teacher'
        ) {
          for (const secret of SECRETS) expect(texts.join('\n'), `${role} /${name}`).not.toContain(secret);
        }
      }
      const expected = Object.fromEntries(
        ROLES.map((role) => [role, c.allowed.includes(role) ? 'allowed' : 'refused']),
      );
      expect(outcome).toEqual(expected);
    });
  }
});

interface RouteCase {
  /** Query string that makes a valid request. */
  query?: string;
  allowed: readonly Role[];
}

/** HTTP: only the API token opens /api (its holder acts as staff); nobody else holds it. */
const API_TOKEN = 'test-token-0123456789abcdef';
const CREDENTIALS: Record<Role, string | undefined> = {
  anonymous: undefined,
  teacher: 'Bearer guessed-by-a-teacher',
  tutor: 'Bearer ',
  curator_of_another_cohort: `Bearer ${API_TOKEN.slice(0, -1)}`,
  curator: `Basic ${Buffer.from(`olga:${API_TOKEN}`).toString('base64')}`,
  staff: `Bearer ${API_TOKEN}`,
};
const STAFF_ONLY: Role[] = ['staff'];
const HTTP_ROUTES: Record<string, RouteCase> = {
  'GET /api/stats': { allowed: STAFF_ONLY },
  'GET /api/stats/response-rate': { allowed: STAFF_ONLY },
  'GET /api/stats/distributions': { allowed: STAFF_ONLY },
  'GET /api/stats/likert': { allowed: STAFF_ONLY },
  'GET /api/stats/activities': { allowed: STAFF_ONLY },
  'GET /api/stats/stages': { allowed: STAFF_ONLY },
  'GET /api/stats/consultations': { allowed: STAFF_ONLY },
  'GET /api/export': { query: 'format=json', allowed: STAFF_ONLY },
  'GET /api/report': { query: `cohort=${'{A}'}&half=1&year=2026`, allowed: STAFF_ONLY },
  'GET /api/charts/response-rate.png': { allowed: STAFF_ONLY },
  'GET /api/charts/likert.png': { query: 'questionnaire=engine-check', allowed: STAFF_ONLY },
  'GET /api/sample': { query: 'size=1', allowed: STAFF_ONLY },
};

describe('authorisation matrix: HTTP API', () => {
  it('every route, as every role: 401 without the token, never a leak', async () => {
    const routes = monitoringRoutes({
      monitoring: createMonitoring({ store, catalog: content().questionnaires }),
      apiToken: API_TOKEN,
      logger: silentLogger,
    });
    expect(Object.keys(routes).sort()).toEqual(Object.keys(HTTP_ROUTES).sort());
    const http = createHttpServer({ routes, logger: silentLogger });
    const address = await http.listen('127.0.0.1', 0);
    try {
      for (const [route, c] of Object.entries(HTTP_ROUTES)) {
        const path = route.slice(route.indexOf(' ') + 1);
        const outcome: Record<string, number> = {};
        for (const role of ROLES) {
          const credential = CREDENTIALS[role];
          const url = `http://127.0.0.1:${address.port}${path}${c.query ? `?${c.query.replace('{A}', cohortA.code)}` : ''}`;
          const res = await fetch(url, { headers: credential ? { authorization: credential } : {} });
          const body = Buffer.from(await res.arrayBuffer()).toString('utf8');
          outcome[role] = res.status;
          if (!c.allowed.includes(role))
            for (const secret of SECRETS) expect(body, `${role} ${route}`).not.toContain(secret);
        }
        const refused = Object.entries(outcome).filter(([role]) => !c.allowed.includes(role as Role));
        expect(
          refused.every(([, status]) => status === 401),
          `${route}: ${JSON.stringify(outcome)}`,
        ).toBe(true);
        // Allowed: past the door (a 404 "nothing to export yet" is an answer, not a refusal).
        for (const role of c.allowed) expect([401, 403], `${route} as ${role}`).not.toContain(outcome[role]);
      }
    } finally {
      await http.close();
    }
  }, 120_000);
});
