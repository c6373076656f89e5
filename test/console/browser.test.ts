// The staff console in a real browser: Debian's headless Chromium driven by playwright-core, the
// app as `npm start` builds it, Telegram through the emulator. A curator logs in with the link the
// bot sends for /console, reviews, answers, exports; staff and a school administrator log in with
// passwords. Screenshots of the main pages (phone-sized) go to a temporary folder outside the
// repository: SCREENSHOT_DIR keeps them somewhere chosen.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_ROOT, startApp, type App } from '../../src/app.js';
import { loadContent } from '../../src/engine/index.js';
import { loadConfig } from '../../src/config.js';
import { hashPassword } from '../../src/http/console/passwords.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { silentLogger } from '../support/store.js';
import { TelegramEmulator, type TelegramUser } from '../support/telegram-emulator.js';

// A browser, an app and an emulator on a shared two-core machine: seconds per step, not milliseconds.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const TOKEN = `123456789:${'B'.repeat(35)}`;
const PASSWORD = 'methodist password 1';
const SCHOOL_PASSWORD = 'school five password';
const SCHOOL = 'МБОУ СОШ № 5';
const PHONE = { width: 390, height: 844 };
const SHOTS = process.env.SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), 'sputnik-console-shots-'));
mkdirSync(SHOTS, { recursive: true });

const olga: TelegramUser = { id: 7002, firstName: 'Ольга', username: 'olga_curator' };
const MARIA_TG = 7101;
const ANNA_TG = 7102;
const SCRIPT = '<script>window.__pwned = 1</script>';

let tg: TelegramEmulator;
let app: App;
let base: string;
let browser: Browser;
let cohort: CohortFixture;
let other: CohortFixture;
const ids = {} as Record<
  'maria' | 'anna' | 'boris' | 'vera' | 'lesson' | 'script' | 'webinar' | 'consultation',
  string
>;

async function teacher(input: {
  name: string;
  organisation: string;
  telegramId?: number;
  cohortId: string;
}): Promise<string> {
  const repos = app.store.repositories;
  const created = await repos.participants.create({
    fullName: input.name,
    organisation: input.organisation,
    region: 'Ярославская область',
    locale: 'ru',
    ...(input.telegramId ? { addresses: [{ channel: 'telegram' as const, id: String(input.telegramId) }] } : {}),
  });
  if (!created.ok) throw new Error('teacher');
  await repos.enrollments.enroll({
    participantId: created.value.id,
    cohortId: input.cohortId,
    at: new Date(),
    stages: [1, 2, 3],
  });
  return created.value.id;
}

beforeAll(async () => {
  tg = await TelegramEmulator.start({ token: TOKEN, botUsername: 'sputnik_test_bot' });
  app = await startApp(
    loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_BOT_USERNAME: 'sputnik_test_bot',
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_THROTTLE: 'false',
      HTTP_PORT: '0',
      EMBEDDED_STORE_PERSIST: 'false',
      // The staff roster below has four rows: it gets the background export with its progress page.
      CONSOLE_LARGE_EXPORT_ROWS: '4',
    }),
    silentLogger,
  );
  base = `http://127.0.0.1:${app.http.port}`;
  const courseEnd = DateTime.now()
    .setZone('Europe/Moscow')
    .minus({ months: 2 })
    .set({ hour: 15, minute: 0 })
    .toUTC()
    .toISO()!;
  cohort = await seedCohort(app.store, { curatorUsername: 'olga_curator', courseEnd });
  other = await seedCohort(app.store, {
    code: 'FG72-AUTUMN',
    curatorUsername: 'boris_curator',
    tutorUsername: 'other_tutor',
    courseEnd,
  });
  const repos = app.store.repositories;
  ids.maria = await teacher({
    name: 'Иванова Мария',
    organisation: SCHOOL,
    telegramId: MARIA_TG,
    cohortId: cohort.cohortId,
  });
  ids.anna = await teacher({
    name: 'Кузнецова Анна',
    organisation: 'мбоу  сош № 5',
    telegramId: ANNA_TG,
    cohortId: cohort.cohortId,
  });
  ids.boris = await teacher({ name: 'Орлов Борис', organisation: 'МАОУ Гимназия № 7', cohortId: cohort.cohortId });
  ids.vera = await teacher({ name: 'Белова Вера', organisation: 'МОУ СОШ № 9', cohortId: other.cohortId });
  const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000);
  const submit = (
    participantId: string,
    title: string,
    daysAgo: number,
    type: 'open_lesson' | 'master_class' | 'webinar',
  ) =>
    repos.activities.submit({
      participantId,
      cohortId: cohort.cohortId,
      type,
      level: 'school',
      date: day(daysAgo + 2),
      title,
      links: [`https://school5.example.ru/${daysAgo}`],
      submittedAt: day(daysAgo),
    });
  ids.lesson = (await submit(ids.maria, 'Открытый урок «Читаем вместе»', 5, 'open_lesson')).id;
  ids.script = (await submit(ids.maria, `Мастер-класс ${SCRIPT}`, 4, 'master_class')).id;
  ids.webinar = (await submit(ids.anna, 'Вебинар для коллег района', 3, 'webinar')).id;
  ids.consultation = (
    await repos.consultations.open({
      participantId: ids.anna,
      cohortId: cohort.cohortId,
      assigneeId: cohort.tutorId,
      topic: 'Оценивание читательской грамотности',
      description: 'Как составить критерии для заданий PISA?',
      openedAt: day(4),
    })
  ).id;
  // One completed questionnaire with a teacher's answer that tries to be a script.
  const questionnaire = loadContent(CONTENT_ROOT).content.questionnaires.get('difficulties');
  const { response } = await repos.responses.startOrResume({
    participantId: ids.maria,
    cohortId: cohort.cohortId,
    questionnaireId: 'difficulties',
    occasion: 'difficulties-2m',
    questionnaireVersion: questionnaire?.version ?? 2,
    at: day(2),
  });
  await repos.responses.saveAnswer(response.id, {
    questionId: 'consultation_topic',
    value: `Помогите ${SCRIPT}`,
    skipped: false,
    answeredAt: day(2),
  });
  await repos.responses.complete(response.id, day(2));
  for (const [login, displayName, role, password, organisation] of [
    ['methodist', 'Методист Центра', 'staff', PASSWORD, undefined],
    ['school5', 'Директор школы № 5', 'school_admin', SCHOOL_PASSWORD, SCHOOL],
    ['victim', 'Сотрудник', 'staff', PASSWORD, undefined],
  ] as const) {
    const made = await repos.console.createAccount({
      login,
      displayName,
      role,
      passwordHash: await hashPassword(password),
      ...(organisation ? { organisation } : {}),
    });
    if (!made.ok) throw new Error('account');
  }
  await tg.botConnected();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    // playwright-core starts each launch with a fresh temporary profile (its own --user-data-dir).
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 120_000,
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await tg?.stop();
});

async function phone(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 1,
    locale: 'ru-RU',
    acceptDownloads: true,
  });
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  // Any script that runs would leave its mark here; a dialog would mean an injected alert.
  page.on('dialog', (dialog) => {
    throw new Error(`unexpected dialog: ${dialog.message()}`);
  });
  return { context, page };
}

async function passwordLogin(page: Page, login: string, password: string): Promise<void> {
  await page.goto(`${base}/console/login`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
}

/** The whole page, and what a phone shows first (the size the README's pictures are taken at). */
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  await page.screenshot({ path: join(SHOTS, `${name}.screen.png`) });
}

/** A CSV as Excel reads it: BOM, `;`, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ';') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

describe('a curator in the console', () => {
  let curator: { context: BrowserContext; page: Page };
  let link: string;

  it('asks the bot for /console and logs in with the one-time link it sends', async () => {
    const dm = tg.privateChat(olga);
    await dm.command('/console');
    const message = await dm.waitFor(/Ссылка для входа в консоль/);
    expect(message.text).toMatch(/одноразовая и действует 15 мин/);
    link = /(http:\/\/\S+\/console\/auth\?token=[\w-]+)/.exec(message.text)?.[1] ?? '';
    expect(link.startsWith(`${base}/console/auth?token=`)).toBe(true);
    curator = await phone();
    await curator.page.goto(link);
    expect(new URL(curator.page.url()).pathname).toBe('/console');
    await expect.poll(() => curator.page.textContent('header')).toContain('Смирнова Ольга Петровна · куратор');
    const tiles = await curator.page.locator('.tile').allInnerTexts();
    // Hand count: three teachers in her cohort, three activities waiting, one open consultation.
    expect(tiles.map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
      '1 Курсов на сопровождении',
      '3 Педагогов',
      expect.stringMatching(/^\d Отстают от плана$/),
      '3 Мероприятий ждут проверки',
      '1 Открытых консультаций',
    ]);
    await shot(curator.page, 'home-curator');
    const cookies = await curator.context.cookies();
    expect(cookies.find((c) => c.name === 'sputnik_console')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
      path: '/console',
    });
  });

  it('refuses the same link a second time', async () => {
    const again = await phone();
    const response = await again.page.goto(link);
    expect(response?.status()).toBe(401);
    expect(await again.page.textContent('main')).toContain('Ссылка недействительна: она одноразовая');
    await again.context.close();
  });

  it('accepts an activity, and the teacher reads the notice in Telegram', async () => {
    const { page } = curator;
    await page.goto(`${base}/console/activities`);
    expect(await page.textContent('h1')).toBe('Мероприятия на проверке (3)');
    await shot(page, 'activities');
    const card = page.locator(`#a-${ids.lesson}`);
    await card.getByRole('button', { name: 'Принять' }).click();
    await page.waitForURL(/done=accepted/);
    expect(await page.textContent('.flash')).toBe('Мероприятие принято, педагог получил уведомление в чате.');
    expect(await page.textContent('h1')).toBe('Мероприятия на проверке (2)');
    const notice = await tg.waitFor(MARIA_TG, /Куратор принял ваше мероприятие/, { timeoutMs: 60_000 });
    expect(notice.text).toBe(
      'Куратор принял ваше мероприятие «Открытый урок «Читаем вместе»». Принято мероприятий: 1 из 3.',
    );
    expect((await app.store.repositories.activities.findById(ids.lesson))?.status).toBe('accepted');
  });

  it('returns one only with a comment, which the teacher receives', async () => {
    const { page } = curator;
    const card = page.locator(`#a-${ids.webinar}`);
    await card.getByRole('button', { name: 'Вернуть на доработку' }).click();
    await page.waitForURL(/done=comment/);
    expect((await app.store.repositories.activities.findById(ids.webinar))?.status).toBe('submitted');
    await page.locator(`#a-${ids.webinar} textarea`).fill('Добавьте ссылку на запись вебинара');
    await page.locator(`#a-${ids.webinar}`).getByRole('button', { name: 'Вернуть на доработку' }).click();
    await page.waitForURL(/done=returned/);
    const notice = await tg.waitFor(ANNA_TG, /вернул мероприятие/, { timeoutMs: 60_000 });
    expect(notice.text).toContain('«Добавьте ссылку на запись вебинара»');
  });

  it('answers a consultation; the teacher gets the answer in chat', async () => {
    const { page } = curator;
    await page.goto(`${base}/console/consultations`);
    expect(await page.textContent('h1')).toBe('Консультации (1)');
    await shot(page, 'consultations');
    await page.fill('textarea[name=text]', 'Начните с критериев из открытого банка заданий ФИПИ.');
    await page.getByRole('button', { name: 'Ответить' }).click();
    await page.waitForURL(/done=answered/);
    const answer = await tg.waitFor(ANNA_TG, /Ответ на ваш запрос/, { timeoutMs: 60_000 });
    expect(answer.text).toBe(
      'Ответ на ваш запрос «Оценивание читательской грамотности»:\n\nНачните с критериев из открытого банка заданий ФИПИ.',
    );
    const stored = await app.store.repositories.consultations.findById(ids.consultation);
    expect(stored?.status).toBe('answered');
    expect(stored?.messages.at(-1)).toMatchObject({ fromTeacher: false, authorId: cohort.curatorId });
  });

  it("shows a teacher's <script> as text and never runs it", async () => {
    const { page } = curator;
    for (const path of ['/console/activities', `/console/participant?id=${ids.maria}`]) {
      await page.goto(`${base}${path}`);
      expect(await page.textContent('main')).toContain(SCRIPT);
      expect(await page.locator('main script').count()).toBe(0);
      expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    }
    // Her page is her whole history: the decision taken above is on it, with the stage it moved.
    const history = await page.locator('h2:has-text("История") + ul').textContent();
    expect(history).toContain('мероприятие принято');
    await shot(page, 'teacher');
  });

  it('downloads the activities export, whose rows match a hand count', async () => {
    const { page } = curator;
    await page.goto(`${base}/console/monitoring?cohort=${cohort.cohortId}`);
    await shot(page, 'monitoring');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('tr', { hasText: 'Мероприятия и ссылки' }).getByRole('link', { name: 'CSV' }).click(),
    ]);
    const rows = parseCsv(readFileSync((await download.path())!, 'utf8'));
    const [header, ...data] = rows.filter((r) => r.some((f) => f !== ''));
    // Hand count: Мария 2 (one accepted above), Анна 1 (returned above), Борис none; Вера is in another cohort.
    expect(data).toHaveLength(3);
    const status = header!.findIndex((h) => /статус/i.test(h));
    const title = header!.findIndex((h) => /назван/i.test(h));
    const byTitle = new Map(data.map((r) => [r[title], r[status]]));
    expect(byTitle.get('Открытый урок «Читаем вместе»')).toMatch(/принят/);
    expect(byTitle.get('Вебинар для коллег района')).toMatch(/возвращ|доработ/);
    expect(byTitle.get(`Мастер-класс ${SCRIPT}`)).toMatch(/провер/);
    expect(data.some((r) => r.join(' ').includes('Белова'))).toBe(false);
  });

  it("downloads the responses export with the teacher's answer as plain text", async () => {
    const { page } = curator;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('tr', { hasText: 'Ответы на анкеты' }).getByRole('link', { name: 'JSON' }).click(),
    ]);
    const parsed = JSON.parse(readFileSync((await download.path())!, 'utf8')) as unknown;
    const text = JSON.stringify(parsed);
    // Hand count: one completed questionnaire in the cohort.
    expect(text).toContain(`Помогите ${SCRIPT.replace(/"/g, '\\"')}`);
    expect(text.match(/Иванова Мария/g)?.length ?? 0).toBeGreaterThanOrEqual(1);
  });

  it('downloads the half-year report for a chosen period', async () => {
    const { page } = curator;
    await page.goto(`${base}/console/monitoring?cohort=${cohort.cohortId}`);
    const now = new Date();
    const half = now.getUTCMonth() >= 5 && now.getUTCMonth() < 9 ? '2' : '1';
    const year = String(now.getUTCMonth() >= 9 ? now.getUTCFullYear() + 1 : now.getUTCFullYear());
    await page.selectOption('select[name=half]', half);
    await page.fill('input[name=year]', year);
    await page.selectOption('select[name=format]', 'md');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Скачать отчёт' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`report-fg72-spring-${year}-h${half}.md`);
    const markdown = readFileSync((await download.path())!, 'utf8');
    expect(markdown).toContain('Функциональная грамотность, весна 2026');
    // Hand count: three teachers on support in her cohort.
    expect(markdown).toMatch(/\| Слушателей на сопровождении \| 3 \|/);
    expect(markdown).toContain('Иванова Мария');
    expect(markdown).not.toContain('Белова Вера');
  });

  it('shows the schedule of what the bot will send', async () => {
    const { page } = curator;
    await page.goto(`${base}/console/schedule?cohort=${cohort.cohortId}&days=60`);
    const text = await page.textContent('pre');
    expect(text).toContain('Поток FG72-SPRING');
    expect(text).toMatch(/План на 60 дней/);
  });

  it('sends a broadcast to each teacher and shows its delivery report', async () => {
    const { page } = curator;
    await page.goto(`${base}/console/broadcasts`);
    await page.fill('textarea[name=text]', 'Напоминаем: до пятницы пришлите ссылки на мероприятия.');
    await page.uncheck('input[name=groups]');
    await page.check('input[name=people]');
    await page.getByRole('button', { name: 'Отправить' }).click();
    await page.waitForURL(/done=sent/);
    for (const chat of [MARIA_TG, ANNA_TG]) {
      await tg.waitFor(chat, 'Напоминаем: до пятницы пришлите ссылки на мероприятия.', { timeoutMs: 60_000 });
    }
    // Hand count: Мария and Анна write to the bot in Telegram; Борис never did, so he is not a recipient.
    await expect
      .poll(async () => page.reload().then(() => page.locator('tbody tr').first().textContent()), { timeout: 60_000 })
      .toMatch(/2 из 2/);
  });

  it('refuses a form whose CSRF token is missing or wrong', async () => {
    const { page } = curator;
    await page.goto(`${base}/console/activities`);
    await page.locator(`#a-${ids.script} input[name=csrf]`).evaluate((input) => {
      (input as unknown as { value: string }).value = 'forged';
    });
    await page.locator(`#a-${ids.script}`).getByRole('button', { name: 'Принять' }).click();
    await page.waitForLoadState();
    expect(await page.textContent('main')).toContain('Форма устарела или пришла не со страницы консоли');
    const status = await page.evaluate(async (id) => {
      const res = await fetch('/console/activities/review', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `activity=${id}&decision=accepted`,
      });
      return res.status;
    }, ids.script);
    expect(status).toBe(403);
    expect((await app.store.repositories.activities.findById(ids.script))?.status).toBe('submitted');
  });

  it("does not see another curator's teacher", async () => {
    const response = await curator.page.goto(`${base}/console/participant?id=${ids.vera}`);
    expect(response?.status()).toBe(404);
    await curator.context.close();
  });
});

describe('centre staff', () => {
  it("log in with a password, follow a large export's progress, and read the audit log", async () => {
    const { context, page } = await phone();
    await passwordLogin(page, 'methodist', PASSWORD);
    await page.waitForURL(`${base}/console`);
    await page.goto(`${base}/console/participants`);
    // Hand count: four teachers in two cohorts.
    expect(await page.textContent('h1')).toBe('Педагоги (4)');
    await shot(page, 'participants');
    await page.goto(`${base}/console/cohort?id=${cohort.cohortId}`);
    expect(await page.locator('.qr svg').count()).toBe(1);
    expect(await page.textContent('main')).toContain('https://t.me/sputnik_test_bot?start=FG72-SPRING');
    await shot(page, 'cohort');
    await page.goto(`${base}/console/export?what=participants&format=csv`);
    expect(new URL(page.url()).pathname).toBe('/console/export/status');
    await expect
      .poll(async () => page.reload().then(() => page.textContent('main')), { timeout: 60_000 })
      .toContain('Готово: 4 строк');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /^Скачать / }).click(),
    ]);
    const rows = parseCsv(readFileSync((await download.path())!, 'utf8')).filter((r) => r.some((f) => f !== ''));
    expect(rows).toHaveLength(1 + 4);
    await page.goto(`${base}/console/audit`);
    const audit = await page.textContent('main');
    for (const entry of [
      'вход в консоль',
      'мероприятие принято',
      'мероприятие возвращено',
      'выгрузка из консоли',
      'отчёт из консоли',
      'дан ответ на консультацию',
    ]) {
      expect(audit).toContain(entry);
    }
    await shot(page, 'audit');
    await context.close();
  });

  it('are refused a wrong password, and throttled after five', async () => {
    const { context, page } = await phone();
    for (let i = 0; i < 5; i++) {
      await passwordLogin(page, 'victim', `not the password ${i}`);
      expect(await page.textContent('.flash')).toBe('Неверный логин или пароль.');
    }
    await passwordLogin(page, 'victim', PASSWORD);
    expect(await page.textContent('.flash')).toMatch(/^Слишком много неудачных попыток\. Повторите через \d+ мин\.$/);
    expect(await context.cookies()).toEqual([]);
    await shot(page, 'login-refused');
    await context.close();
  });
});

describe('a school administrator', () => {
  it("sees their school's teachers only, read-only, and cannot change anything", async () => {
    const { context, page } = await phone();
    await passwordLogin(page, 'school5', SCHOOL_PASSWORD);
    await page.waitForURL(`${base}/console`);
    await page.goto(`${base}/console/participants`);
    const names = await page.locator('tbody tr td:first-child a').allInnerTexts();
    // Two teachers of «МБОУ СОШ № 5» (one typed in lower case with two spaces); not Орлов of another school.
    expect(names.sort()).toEqual(['Иванова Мария', 'Кузнецова Анна']);
    await shot(page, 'school-admin');
    const own = await page.goto(`${base}/console/participant?id=${ids.maria}`);
    expect(own?.status()).toBe(200);
    expect(await page.locator('form[method=post]').count()).toBe(1); // the logout form only
    expect(await page.textContent('main')).not.toContain('Телефон');
    for (const id of [ids.boris, ids.vera]) {
      const response = await page.goto(`${base}/console/participant?id=${id}`);
      expect(response?.status()).toBe(404);
    }
    for (const path of ['/console/activities', '/console/consultations', '/console/monitoring', '/console/audit']) {
      const response = await page.goto(`${base}${path}`);
      expect(response?.status()).toBe(403);
    }
    await page.goto(`${base}/console`);
    const csrf = await page.locator('header input[name=csrf]').inputValue();
    const broadcastsBefore = (await app.store.repositories.broadcasts.listByCohort(cohort.cohortId)).length;
    const statuses = await page.evaluate(
      async ({ csrf, activity, request, cohortId }) => {
        const post = (path: string, body: string) =>
          fetch(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }).then(
            (r) => r.status,
          );
        return [
          await post('/console/activities/review', `csrf=${csrf}&activity=${activity}&decision=accepted`),
          await post('/console/consultations/answer', `csrf=${csrf}&request=${request}&text=x`),
          await post('/console/broadcasts', `csrf=${csrf}&cohort=${cohortId}&text=x&groups=1`),
        ];
      },
      { csrf, activity: ids.script, request: ids.consultation, cohortId: cohort.cohortId },
    );
    expect(statuses).toEqual([403, 403, 403]);
    expect((await app.store.repositories.activities.findById(ids.script))?.status).toBe('submitted');
    expect(await app.store.repositories.broadcasts.listByCohort(cohort.cohortId)).toHaveLength(broadcastsBefore);
    await context.close();
  });
});
