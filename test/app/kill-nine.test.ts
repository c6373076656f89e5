// `kill -9` of the app (a child process on the embedded store) in the middle of a broadcast and
// of a questionnaire: after a restart nothing acknowledged is lost and nothing is sent or stored
// twice. Driven over real HTTP through the Telegram emulator.
import { BROADCAST_CONCURRENCY } from '../../src/delivery/broadcasts.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openStore, type Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { silentLogger } from '../support/store.js';
import { TelegramEmulator, type TelegramUser } from '../support/telegram-emulator.js';

const root = new URL('../../', import.meta.url).pathname;
const TOKEN = `123456789:${'B'.repeat(35)}`;
const TEACHERS = 60;
const TEXT = 'Коллеги, завтра в 15:00 — вебинар по оцениванию проектов.';
const dataDir = mkdtempSync(join(tmpdir(), 'sputnik-kill9-'));
const config = loadConfig({ DATA_DIR: dataDir });

let tg: TelegramEmulator;
let cohort: CohortFixture;
let broadcastId: string;
let app: ChildProcess | undefined;
let appLog = '';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** `npm start` as a child process on the shared DATA_DIR; resolves once it polls Telegram. */
async function startAppProcess(): Promise<void> {
  const polls = tg.pollCount;
  const child = spawn(join(root, 'node_modules/.bin/tsx'), ['src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DATA_DIR: dataDir,
      HTTP_PORT: '0',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_THROTTLE: 'false',
      LOG_LEVEL: process.env.TEST_KILL9_LOG ?? 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: SIGKILL reaches node under tsx.
    detached: true,
  });
  child.stdout?.on('data', (d: Buffer) => (appLog += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (appLog += d.toString()));
  app = child;
  // Polled here: the emulator wakes its waiters on messages and calls, not on getUpdates.
  for (let i = 0; i < 600 && tg.pollCount === polls; i++) await new Promise((r) => setTimeout(r, 100));
  if (tg.pollCount === polls) throw new Error(`the app did not start:\n${appLog}`);
}

/** kill -9 of the whole process group, then waits until the store's lock holder is gone. */
async function killApp(): Promise<void> {
  const child = app;
  if (!child?.pid) return;
  app = undefined;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGKILL');
  await exited;
  const holder = Number.parseInt(readFileSync(join(dataDir, 'embedded-store.lock'), 'utf8'), 10);
  for (let i = 0; i < 200 && isRunning(holder); i++) await new Promise((r) => setTimeout(r, 50));
}

async function stopApp(): Promise<void> {
  const child = app;
  if (!child?.pid) return;
  app = undefined;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
}

/** The store, opened by the test while no app runs. */
async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ config: config.store, logger: silentLogger });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const teacherId = (i: number) => 8_100_000 + i;
const sentTo = (chatId: number, text: string) =>
  tg.calls.filter(
    (c) => c.method === 'sendMessage' && c.ok && Number(c.payload.chat_id) === chatId && c.payload.text === text,
  ).length;

beforeAll(async () => {
  tg = await TelegramEmulator.start({ token: TOKEN, botUsername: 'sputnik_test_bot', waitTimeoutMs: 30_000 });
  // The course ended two months and five days ago: the "difficulties" questionnaire is open.
  const courseEnd =
    DateTime.now().setZone('Europe/Moscow').minus({ months: 2, days: 5 }).set({ hour: 15 }).toUTC().toISO() ?? '';
  await withStore(async (store) => {
    const repos = store.repositories;
    cohort = await seedCohort(store, { curatorUsername: 'olga_curator', courseEnd });
    const deliveries = [];
    for (let i = 0; i < TEACHERS; i++) {
      const person = await repos.participants.create({
        fullName: `Педагог ${i}`,
        addresses: [{ channel: 'telegram', id: String(teacherId(i)) }],
        locale: 'ru',
      });
      if (!person.ok) throw new Error('seed teacher');
      await repos.enrollments.enroll({
        participantId: person.value.id,
        cohortId: cohort.cohortId,
        at: new Date(),
        stages: [1, 2, 3],
      });
      deliveries.push({ channel: 'telegram' as const, chatId: String(teacherId(i)), participantId: person.value.id });
    }
    // A broadcast the curator confirmed: the app sends it when it starts (as after any restart).
    const broadcast = await repos.broadcasts.create({
      cohortId: cohort.cohortId,
      authorId: cohort.curatorId,
      text: TEXT,
      toGroups: false,
      toParticipants: true,
    });
    await repos.broadcasts.startSending(broadcast.id, deliveries);
    broadcastId = broadcast.id;
  });
}, 120_000);

afterAll(async () => {
  await stopApp().catch(() => undefined);
  await tg?.stop();
});

describe('kill -9 of the app', () => {
  it('in the middle of a broadcast: after the restart every teacher has it once, none twice', async () => {
    await startAppProcess();
    const teachersReached = () =>
      Array.from({ length: TEACHERS }, (_, i) => sentTo(teacherId(i), TEXT)).filter((n) => n > 0).length;
    await tg.waitUntil(
      () => (teachersReached() >= TEACHERS / 3 ? true : undefined),
      60_000,
      () => `the broadcast did not start:\n${appLog}`,
    );
    await killApp();
    const beforeRestart = teachersReached();
    expect(beforeRestart).toBeLessThan(TEACHERS);

    await startAppProcess();
    const interrupted: string[] = [];
    // The CLI's way in: the running app's own store, through the address file beside the journal.
    const live = await openStore({
      config: config.store,
      logger: silentLogger,
      attachToRunning: true,
      syncIndexes: false,
    });
    try {
      for (let i = 0; i < 240 && (await live.repositories.broadcasts.findById(broadcastId))?.status !== 'done'; i++) {
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      await live.close();
    }
    await stopApp();

    const counts = Array.from({ length: TEACHERS }, (_, i) => sentTo(teacherId(i), TEXT));
    // Doubles nothing.
    expect(counts.filter((n) => n > 1)).toEqual([]);
    await withStore(async (store) => {
      const b = await store.repositories.broadcasts.findById(broadcastId);
      expect(b?.status).toBe('done');
      for (const d of b?.deliveries ?? []) {
        const got = sentTo(Number(d.chatId), TEXT);
        if (d.status === 'failed') {
          // A delivery the kill caught under way is never resent; it is reported to the author.
          expect(d.reason).toBe('interrupted by a restart');
          interrupted.push(d.chatId);
        } else {
          expect([d.status, got]).toEqual(['sent', 1]);
        }
      }
    });
    // Loses nothing silently: everyone got it, except at most the deliveries under way, which the report names.
    expect(interrupted.length).toBeLessThanOrEqual(BROADCAST_CONCURRENCY);
    expect(counts.filter((n) => n === 1).length).toBeGreaterThanOrEqual(TEACHERS - interrupted.length);
  }, 240_000);

  it('in the middle of a questionnaire: the answers given before stay, once each, and it goes on', async () => {
    await startAppProcess();
    const teacher: TelegramUser = { id: 8_200_001, firstName: 'Анна', username: 'anna_k9' };
    const dm = tg.privateChat(teacher);
    await dm.command(`/start ${cohort.code}`);
    await dm.press(await dm.waitFor('На каком языке'), 'Русский');
    await dm.press(await dm.waitFor('Вы согласны?'), 'Да');
    for (const [question, answer] of [
      ['Как вас зовут', 'Петрова Анна Ивановна'],
      ['В какой организации', 'МБОУ СОШ № 5'],
      ['Ваш регион', 'Ярославская область'],
      ['Район или город', 'Рыбинск'],
    ] as const) {
      await dm.waitFor(question);
      await dm.send(answer);
    }
    await dm.press(await dm.waitFor('в городе или в сельской местности'), 'В городе');
    await dm.waitFor('Ваша должность');
    await dm.send('учитель');
    await dm.waitFor('Какой предмет');
    await dm.send('физика');
    await dm.press(await dm.waitFor('Что хотите сделать?'), 'Анкеты (1)');
    await dm.press(await dm.waitFor(/^Вопрос 1 из 10/), 'Да');
    const areas = await dm.waitFor(/^Вопрос 2 из 10/);
    await dm.press(areas, 'Нехватка времени');
    await dm.press(await dm.edited(areas), 'Готово');
    await dm.press(await dm.waitFor(/^Вопрос 3 из 10/), '4');
    const forms = await dm.waitFor(/Какие формы поддержки вам подходят\?$/);

    await killApp();
    await startAppProcess();

    // The question asked before the kill still takes its answer.
    await dm.press(forms, 'Тренинг');
    await dm.press(await dm.edited(forms), 'Готово');
    await dm.press(await dm.waitFor(/Какой формат вам удобнее\?$/), 'Дистанционно');
    await dm.press(await dm.waitFor(/Хотите записаться на консультацию/), 'Да');
    await dm.waitFor(/Сформулируйте тему консультации/);
    await dm.send('Как оценивать групповые проекты');
    await dm.press(await dm.waitFor(/Какая консультация вам нужна\?$/), 'Групповая');
    await dm.waitFor(/^Вопрос 9 из 10/);
    const meeting = DateTime.now().setZone('Europe/Moscow').plus({ days: 20 });
    await dm.send(meeting.toFormat('dd.MM.yyyy'));
    await dm.press(await dm.waitFor(/^Вопрос 10 из 10/), 'Пропустить');
    await dm.waitFor(/^Проверьте, пожалуйста, ваши ответы:/);
    await dm.press(await dm.waitFor('Всё верно? Отправить ответы?'), 'Отправить');
    await dm.waitFor(/^Спасибо!/);
    await stopApp();

    await withStore(async (store) => {
      const person = await store.repositories.participants.findByAddress('telegram', String(teacher.id));
      const responses = await store.repositories.responses.listByCohort(cohort.cohortId, {
        questionnaireId: 'difficulties',
      });
      const mine = responses.filter((r) => r.participantId === person?.id);
      expect(mine.map((r) => r.status)).toEqual(['completed']);
      const ids = mine[0]?.answers.map((a) => a.questionId) ?? [];
      expect(new Set(ids).size).toBe(ids.length);
      expect(Object.fromEntries(mine[0]?.answers.map((a) => [a.questionId, a.value]) ?? [])).toMatchObject({
        has_difficulties: true,
        areas: ['time'],
        severity: 4,
        support_forms: ['training'],
        format: 'online',
        wants_consultation: true,
        consultation_kind: 'group',
      });
    });
  }, 300_000);
});
