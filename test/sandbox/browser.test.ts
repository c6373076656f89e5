// The sandbox in a real browser (Debian's chromium driven by playwright-core): a newcomer opens the
// page on a phone-sized screen, joins the demo cohort as a teacher, answers the questionnaire,
// submits an activity, and finds teacher and activity in the staff console through the page's
// «Открыть консоль» link; then, as the curator, accepts it in chat, and the teacher reads the notice.
// Screenshots go to a temporary directory outside the repository (printed at the end).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { DEMO_COHORT_CODE } from '../../src/sandbox/demo.js';
import { silentLogger } from '../support/store.js';

vi.setConfig({ testTimeout: 360_000, hookTimeout: 180_000 });

const SHOTS = mkdtempSync(join(tmpdir(), 'sputnik-sandbox-shots-'));

let app: App;
let browser: BrowserContext;
let base: string;

beforeAll(async () => {
  app = await startApp(loadConfig({ HTTP_PORT: '0', EMBEDDED_STORE_PERSIST: 'false', SANDBOX: 'true' }), silentLogger);
  base = `http://127.0.0.1:${app.http.port}`;
  // A fresh profile each run (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'sputnik-chromium-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    locale: 'ru-RU',
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  process.stdout.write(`sandbox screenshots: ${SHOTS}\n`);
});

const botCount = (page: Page) => page.locator('.msg.bot').count();

/** Waits until the bot has written nothing new for a moment: it may write several messages in a row. */
async function settle(page: Page): Promise<void> {
  let seen = await botCount(page);
  for (let round = 0; round < 40; round++) {
    await page.waitForTimeout(500);
    const now = await botCount(page);
    if (now === seen) return;
    seen = now;
  }
}

/** Does something in the chat and waits until the bot has answered (a new bot bubble) and gone quiet. */
async function act(page: Page, work: () => Promise<void>): Promise<void> {
  const before = await botCount(page);
  await work();
  await expect.poll(() => botCount(page), { timeout: 60_000 }).toBeGreaterThan(before);
  await settle(page);
}

const chatEnd = async (page: Page, messages: number) =>
  (await page.locator('.msg').allTextContents()).slice(-messages).join('\n---\n');

// The demo questionnaire is due as soon as a teacher joins: within the cohort's sending window the
// scheduler may send it on its own, at a moment that depends on the machine's load. Its notice to a
// teacher in the middle of a dialog is not an answer to what she did, so it is read past.
const SCHEDULER_NOTICE = /вас ждёт новая анкета/;
const lastBot = (page: Page) => page.locator('.msg.bot').filter({ hasNotText: SCHEDULER_NOTICE }).last();
/** The last bot message that is not the scheduler's notice, pinned by its place (it cannot become another one). */
async function pinnedLastBot(page: Page) {
  const texts = await page.locator('.msg.bot').allTextContents();
  let index = texts.length - 1;
  while (index > 0 && SCHEDULER_NOTICE.test(texts[index] ?? '')) index--;
  return page.locator('.msg.bot').nth(index);
}
const type = (page: Page, text: string) =>
  act(page, async () => {
    await page.fill('#message', text);
    await page.click('#composer button[type=submit]');
  });
async function press(page: Page, label: string | RegExp): Promise<void> {
  try {
    await act(page, () =>
      page.locator('.msg.bot .options button:enabled', { hasText: label }).last().click({ timeout: 20_000 }),
    );
  } catch (error) {
    throw new Error(`could not press ${String(label)}; the chat ends with:\n${await chatEnd(page, 4)}`, {
      cause: error,
    });
  }
}

/**
 * Does something to a message of the bot's. If a message of the bot's comes in meanwhile (on a loaded
 * machine the scheduler's may, between reading a question and clicking), the buttons read may be gone:
 * the caller reads the chat again. Anything else is a failure, with the chat's end in the message.
 */
async function answerStep(page: Page, what: string, work: () => Promise<void>): Promise<void> {
  const before = await botCount(page);
  try {
    await act(page, work);
  } catch (error) {
    if ((await botCount(page)) > before) {
      await settle(page);
      return;
    }
    throw new Error(`could not ${what}; the chat ends with:\n${await chatEnd(page, 4)}`, { cause: error });
  }
}

/** Answers whatever the questionnaire asks, first option or a plausible text, until the menu is back. */
async function answerQuestionnaire(page: Page): Promise<void> {
  await settle(page);
  for (let step = 0; step < 40; step++) {
    const last = await pinnedLastBot(page);
    const text = (await last.textContent()) ?? '';
    // Answered and sent: the questionnaire's closing words, then the menu again.
    if (step > 0 && text.startsWith('Что хотите сделать?')) return;
    const options = last.locator('.options button:enabled');
    if ((await options.count()) > 0) {
      const done = last.locator('.options button.done');
      if ((await done.count()) > 0) {
        await options
          .first()
          .click({ timeout: 20_000 })
          .catch(() => undefined);
        await answerStep(page, 'send the ticked options', () => done.click({ timeout: 20_000 }));
      } else {
        await answerStep(page, 'choose an option', () => options.first().click({ timeout: 20_000 }));
      }
      continue;
    }
    const hint =
      (await last
        .locator('.hint')
        .textContent()
        .catch(() => '')) ?? '';
    await type(
      page,
      /дд\.мм/.test(hint)
        ? '15.04.2026'
        : /https/.test(hint)
          ? 'https://school.example/demo'
          : 'Нужна помощь с проектами',
    );
  }
  throw new Error(`the questionnaire did not end within 40 answers; the chat ends with:\n${await chatEnd(page, 6)}`);
}

describe('the sandbox in a browser', () => {
  it('takes a newcomer through onboarding, a questionnaire and an activity, and the curator accepts it', async () => {
    const page = await browser.newPage();
    const failures: string[] = [];
    page.on('pageerror', (e) => failures.push(e.message));
    // Nothing from another host (fonts, CDNs): the machine may be offline.
    page.on('request', (r) => {
      if (!r.url().startsWith(base)) failures.push(`outside request: ${r.url()}`);
    });
    await page.goto(`${base}/sandbox`);
    await expect
      .poll(() => page.locator('.msg.bot .options button', { hasText: 'Русский' }).count(), { timeout: 60_000 })
      .toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, '1-start.png'), fullPage: false });

    // Onboarding into the demo cohort.
    await press(page, 'Русский');
    await press(page, /^Да$/);
    await type(page, 'Иванова Мария Петровна');
    await type(page, 'МОУ СОШ № 3');
    await type(page, 'Ярославская область');
    await type(page, 'Тутаевский район');
    await press(page, 'В городе');
    await type(page, 'учитель');
    await type(page, 'математика');
    // The menu, or the demo questionnaire's first question when the scheduler sent it meanwhile.
    await expect
      .poll(async () => /Что хотите сделать\?|Вопрос 1 из/.exec((await lastBot(page).textContent()) ?? '')?.[0])
      .toBeDefined();
    await page.screenshot({ path: join(SHOTS, '2-onboarded.png') });

    // The demo cohort's questionnaire, from the menu unless the scheduler has opened it already.
    if (((await lastBot(page).textContent()) ?? '').includes('Что хотите сделать?')) await press(page, /Анкеты/);
    await answerQuestionnaire(page);
    await page.screenshot({ path: join(SHOTS, '3-questionnaire.png') });

    // An activity.
    await expect.poll(() => lastBot(page).textContent()).toContain('Что хотите сделать?');
    await press(page, 'Сообщить о мероприятии');
    await press(page, 'Вебинар');
    await press(page, /Муниципальный|Районный|район/i);
    // Held today: after the demo course ended (yesterday), not in the future.
    const today = new Date().toLocaleDateString('ru-RU', {
      timeZone: 'Europe/Moscow',
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
    });
    await type(page, today);
    await type(page, 'Читательская грамотность на уроках математики');
    await type(page, 'https://school3.example/webinar');
    await press(page, /^Нет$/);
    await type(page, 'пропустить');
    await page.screenshot({ path: join(SHOTS, '4-activity-confirm.png') });
    await press(page, /^Да$/);
    await expect
      .poll(() => page.locator('.msg.bot').allTextContents())
      .toContainEqual(expect.stringContaining('куратор'));

    const repos = app.store.repositories;
    const cohort = await repos.cohorts.findByCode(DEMO_COHORT_CODE);
    expect(cohort?.demo).toBe(true);
    const [activity] = await repos.activities.listByCohort(cohort!.id);
    expect(activity).toMatchObject({
      type: 'webinar',
      title: 'Читательская грамотность на уроках математики',
      links: [{ url: 'https://school3.example/webinar' }],
      status: 'submitted',
    });
    const teacher = await repos.participants.findById(activity!.participantId);
    expect(teacher).toMatchObject({ fullName: 'Иванова Мария Петровна', settlementType: 'urban' });
    const responses = await repos.responses.listByCohort(cohort!.id);
    expect(
      responses.filter(
        (r) => r.participantId === teacher!.id && r.questionnaireId === 'difficulties' && r.status === 'completed',
      ),
    ).toHaveLength(1);

    // The result in the staff console: the page's «Открыть консоль» link logs in as the demo curator.
    const consoleLink = page.locator('a', { hasText: 'Открыть консоль' });
    const href = (await consoleLink.getAttribute('href')) ?? '';
    expect(href).toMatch(/^\/console\/auth\?token=/);
    const desk = await browser.newPage();
    desk.on('pageerror', (e) => failures.push(e.message));
    await desk.goto(`${base}${href}`);
    expect(new URL(desk.url()).pathname).toBe('/console');
    expect(await desk.locator('header').textContent()).toContain('куратор');
    await desk.click('header a[href="/console/activities"]');
    const waiting = desk.locator('.card', { hasText: 'Читательская грамотность на уроках математики' });
    await expect.poll(() => waiting.count()).toBe(1);
    expect(await waiting.textContent()).toContain('Иванова Мария Петровна');
    expect(await waiting.textContent()).toContain('https://school3.example/webinar');
    await desk.screenshot({ path: join(SHOTS, '5-console-activities.png'), fullPage: true });
    await desk.click('header a[href="/console/participants"]');
    await desk.click('a:has-text("Иванова Мария Петровна")');
    const profile = (await desk.textContent('main')) ?? '';
    expect(profile).toContain('МОУ СОШ № 3');
    expect(profile).toContain('Читательская грамотность на уроках математики');
    expect(profile).toContain('на проверке');
    expect(profile).toContain('Затруднения и потребности в поддержке');
    await desk.screenshot({ path: join(SHOTS, '6-console-teacher.png'), fullPage: true });
    await desk.close();

    // The curator's side: review and accept.
    await page.click('[data-role=curator]');
    await expect.poll(() => lastBot(page).textContent(), { timeout: 60_000 }).toContain('Что хотите сделать?');
    await page.waitForTimeout(300);
    await press(page, /Мероприятия на проверку/);
    await page.screenshot({ path: join(SHOTS, '7-curator-review.png') });
    await press(page, /Принять/);
    expect((await repos.activities.listByCohort(cohort!.id))[0]?.status).toBe('accepted');

    // Back to the teacher: the notice is there.
    await page.click('[data-role=teacher]');
    await expect
      .poll(() => page.locator('.msg.bot').allTextContents(), { timeout: 60_000 })
      .toContainEqual(expect.stringContaining('Куратор принял ваше мероприятие'));
    await page.screenshot({ path: join(SHOTS, '8-teacher-notice.png') });
    await page.screenshot({ path: join(SHOTS, '9-full-page.png'), fullPage: true });
    expect(failures).toEqual([]);
    await page.close();
  });

  it('renders what a person typed as text, never as markup', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/sandbox?lang=en`);
    // A newcomer of its own: the first test's chats stay in the profile's storage.
    // A function, not a string: the page's CSP forbids eval. No DOM types in this project's compiler settings.
    await page.evaluate(() => (globalThis as unknown as { localStorage: { clear(): void } }).localStorage.clear());
    await page.reload();
    await expect.poll(() => page.locator('.msg.bot').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    expect(await page.locator('h1').textContent()).toBe('Sputnik — sandbox');
    await type(page, '<img src=x onerror="document.title=\'pwned\'"><b>bold</b>');
    expect(await page.title()).not.toBe('pwned');
    expect(await page.locator('.msg img, .msg b').count()).toBe(0);
    expect(await page.locator('.msg.me').last().textContent()).toContain('<b>bold</b>');
    await page.close();
  });
});
