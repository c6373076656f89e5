// The console on the app's own HTTP server, without a browser: cookies, proxies, CSRF, roles,
// the CLI's accounts. The browser journeys are in test/console/browser.test.ts.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { runConsoleCommand } from '../../src/cli/commands/console.js';
import { loadConfig } from '../../src/config.js';
import { resultLinkCheck } from '../../src/domain/result-link.js';
import { hashPassword } from '../../src/http/console/passwords.js';
import { recordResultLinks } from '../../src/progress/result-links.js';
import { enrollInCohort } from '../../src/progress/service.js';
import { aCohort, aParticipant } from '../support/fixtures.js';
import { silentLogger } from '../support/store.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const PASSWORD = 'correct horse battery';

async function boot(env: Record<string, string>): Promise<{ app: App; base: string }> {
  const app = await startApp(loadConfig({ HTTP_PORT: '0', EMBEDDED_STORE_PERSIST: 'false', ...env }), silentLogger);
  return { app, base: `http://127.0.0.1:${app.http.port}` };
}

async function addAccount(app: App, login: string, role: 'staff' | 'school_admin', organisation?: string) {
  const created = await app.store.repositories.console.createAccount({
    login,
    displayName: login,
    role,
    ...(organisation ? { organisation } : {}),
    passwordHash: await hashPassword(PASSWORD),
  });
  if (!created.ok) throw new Error('account');
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const post = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    redirect: 'manual',
    body: form(fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
const cookieOf = (res: Response) => res.headers.get('set-cookie') ?? '';
const pair = (setCookie: string) => setCookie.split(';')[0] ?? '';

describe('the console on the HTTP server', () => {
  let app: App;
  let base: string;
  beforeAll(async () => {
    ({ app, base } = await boot({}));
    await addAccount(app, 'methodist', 'staff');
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('sends a visitor without a session to the login page', async () => {
    const res = await fetch(`${base}/console/participants`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/login?next=%2Fconsole%2Fparticipants');
    const login = await fetch(`${base}/console/login`);
    expect(login.status).toBe(200);
    expect(login.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await login.text()).toContain('Вход в консоль');
    // The form keeps where the visitor was going; a link elsewhere is not kept.
    const back = await (await fetch(`${base}/console/login?next=%2Fconsole%2Fparticipants`)).text();
    expect(back).toContain('action="/console/login?next=%2Fconsole%2Fparticipants"');
    const away = await (await fetch(`${base}/console/login?next=https%3A%2F%2Fevil.example`)).text();
    expect(away).toContain('action="/console/login"');
  });

  it('logs staff in with an HttpOnly, SameSite=Strict cookie, not Secure over plain HTTP', async () => {
    const res = await post(`${base}/console/login?next=/console/cohorts`, { login: 'Methodist', password: PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/cohorts');
    const cookie = cookieOf(res);
    expect(cookie).toMatch(/^sputnik_console=[\w-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/console');
    expect(cookie).not.toContain('Secure');
    const page = await fetch(`${base}/console/cohorts`, { headers: { cookie: pair(cookie) } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('сотрудник центра');
  });

  it('does not believe X-Forwarded-Proto unless TRUST_PROXY is set', async () => {
    const res = await post(
      `${base}/console/login`,
      { login: 'methodist', password: PASSWORD },
      { 'x-forwarded-proto': 'https' },
    );
    expect(cookieOf(res)).not.toContain('Secure');
  });

  it('refuses a login form posted from another site', async () => {
    const res = await post(
      `${base}/console/login`,
      { login: 'methodist', password: PASSWORD },
      { origin: 'https://evil.example' },
    );
    expect(res.status).toBe(403);
    expect(cookieOf(res)).toBe('');
  });

  it('refuses a POST without the session token, and with a wrong one', async () => {
    const cookie = pair(cookieOf(await post(`${base}/console/login`, { login: 'methodist', password: PASSWORD })));
    for (const fields of [{ text: 'hi' }, { text: 'hi', csrf: 'forged' }] as Record<string, string>[]) {
      const res = await post(`${base}/console/broadcasts`, { cohort: 'x', ...fields }, { cookie });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('Форма устарела или пришла не со страницы консоли');
    }
  });

  it("shows on a teacher's page whether each link in their answers opens, does not, or is not checked yet", async () => {
    const repos = app.store.repositories;
    const cohort = await aCohort(repos);
    const teacher = await aParticipant(repos, { fullName: 'Алексеева Анна' });
    await enrollInCohort(repos, {
      participantId: teacher.id,
      cohortId: cohort.id,
      at: new Date('2027-01-20T09:00:00Z'),
    });
    const at = new Date('2027-01-21T09:00:00Z');
    const { response } = await repos.responses.startOrResume({
      participantId: teacher.id,
      cohortId: cohort.id,
      questionnaireId: 'stage-3-results',
      occasion: 'stage-3',
      questionnaireVersion: 1,
      at,
    });
    const links = {
      results_link: 'https://school.example.kz/live',
      publication_link: 'https://school.example.kz/gone',
      main_change: 'https://school.example.kz/later',
    };
    for (const [questionId, value] of Object.entries(links))
      await repos.responses.saveAnswer(response.id, { questionId, value, skipped: false, answeredAt: at });
    await recordResultLinks(repos, (await repos.responses.complete(response.id, at))!, at);
    const [live, gone] = await repos.resultLinks.listByResponse(response.id);
    await repos.resultLinks.recordCheck(
      live!.id,
      live!.url,
      resultLinkCheck({ status: 'alive', httpStatus: 200, checkedAt: at }, 0),
    );
    await repos.resultLinks.recordCheck(
      gone!.id,
      gone!.url,
      resultLinkCheck({ status: 'dead', httpStatus: 404, checkedAt: at }, 0),
    );

    const cookie = pair(cookieOf(await post(`${base}/console/login`, { login: 'methodist', password: PASSWORD })));
    const page = await (await fetch(`${base}/console/participant?id=${teacher.id}`, { headers: { cookie } })).text();
    expect(page).toContain('https://school.example.kz/live <span class="badge ok">открывается</span>');
    expect(page).toContain('https://school.example.kz/gone <span class="badge bad">не открывается</span>');
    expect(page).toContain('https://school.example.kz/later <span class="badge">не проверена</span>');
  });

  it('sends "/console/" with its trailing slash to the console, not to a JSON 404', async () => {
    const res = await fetch(`${base}/console/?x=1`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console?x=1');
  });

  it('logs out only with the session token, clears the cookie and ends the session on the server', async () => {
    const cookie = pair(cookieOf(await post(`${base}/console/login`, { login: 'methodist', password: PASSWORD })));
    const home = await fetch(`${base}/console`, { headers: { cookie } });
    expect(home.status).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await home.text())?.[1] ?? '';
    expect(csrf).not.toBe('');
    // A logout posted without the token (another site's form) is refused and the session lives on.
    const forged = await post(`${base}/console/logout`, {}, { cookie });
    expect(forged.status).toBe(403);
    expect((await fetch(`${base}/console`, { headers: { cookie }, redirect: 'manual' })).status).toBe(200);
    const out = await post(`${base}/console/logout`, { csrf }, { cookie });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/console/login?out=1');
    expect(cookieOf(out)).toMatch(/^sputnik_console=;/);
    expect(cookieOf(out)).toContain('Max-Age=0');
    // The old cookie, kept by someone who copied it, opens nothing any more.
    const again = await fetch(`${base}/console`, { headers: { cookie }, redirect: 'manual' });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe('/console/login?next=%2Fconsole');
    expect(await (await fetch(`${base}/console/login?out=1`)).text()).toContain('Вы вышли из консоли');
  });

  it('serves no console at all with CONSOLE_ENABLED=false', async () => {
    const off = await boot({ CONSOLE_ENABLED: 'false' });
    try {
      expect((await fetch(`${off.base}/console/login`)).status).toBe(404);
    } finally {
      await off.app.stop();
    }
  });
});

describe('behind a reverse proxy (TRUST_PROXY=true)', () => {
  let app: App;
  let base: string;
  beforeAll(async () => {
    ({ app, base } = await boot({ TRUST_PROXY: 'true', PUBLIC_URL: 'https://sputnik.example.org/' }));
    await addAccount(app, 'methodist', 'staff');
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('marks the cookie Secure when the proxy says the request came over HTTPS', async () => {
    const res = await post(
      `${base}/console/login`,
      { login: 'methodist', password: PASSWORD },
      { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' },
    );
    expect(res.status).toBe(303);
    expect(cookieOf(res)).toContain('Secure');
  });

  it('throttles wrong passwords per login, and tells for how long', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await post(
        `${base}/console/login`,
        { login: 'methodist', password: `wrong-${i}` },
        { 'x-forwarded-for': `198.51.100.${i}` },
      );
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('Неверный логин или пароль');
    }
    // The right password too, from a new address: the login itself is locked for a while.
    const locked = await post(
      `${base}/console/login`,
      { login: 'methodist', password: PASSWORD },
      { 'x-forwarded-for': '198.51.100.99' },
    );
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await locked.text()).toContain('Слишком много неудачных попыток');
    const events = await app.store.repositories.audit.list({ action: 'console.login_failed', limit: 50 });
    expect(events).toHaveLength(5);
  });
});

describe('console accounts from the CLI', () => {
  it('creates staff and school accounts with hashed passwords, lists and disables them', async () => {
    const dataDir = (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/sputnik-console-cli-`);
    const saved = { ...process.env };
    process.env.DATA_DIR = dataDir;
    process.env.MONGODB_URI = '';
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
    try {
      const stdin = new PassThrough();
      stdin.end('a long enough secret\n');
      expect(
        await runConsoleCommand(
          ['add-staff', '--login', 'Ivanova', '--name', 'Иванова Мария', '--password-stdin'],
          io,
          stdin,
        ),
      ).toBe(0);
      expect(
        await runConsoleCommand(
          ['add-school', '--login', 'school5', '--name', 'Петров П. П.', '--organisation', 'МБОУ СОШ № 5'],
          io,
        ),
      ).toBe(0);
      const made = /Пароль \(показывается один раз, передайте его лично\): (\S+)/.exec(lines.join(''));
      expect(made?.[1]).toMatch(/^[\w-]{16}$/);
      expect(await runConsoleCommand(['add-staff', '--login', 'ivanova', '--name', 'Другая'], io)).toBe(1);
      // The console's language for an account: ru, kk or en, nothing else.
      expect(
        await runConsoleCommand(['add-staff', '--login', 'aigul', '--name', 'Серікова Айгүл', '--lang', 'kz'], io),
      ).toBe(2);
      expect(lines.join('')).toContain('--lang: язык консоли — ru, kk или en');
      expect(
        await runConsoleCommand(['add-staff', '--login', 'aigul', '--name', 'Серікова Айгүл', '--lang', 'kk'], io),
      ).toBe(0);
      expect(lines.join('')).toContain('Логин «ivanova» уже занят');
      const short = new PassThrough();
      short.end('short\n');
      expect(await runConsoleCommand(['password', '--login', 'ivanova', '--password-stdin'], io, short)).toBe(2);
      expect(await runConsoleCommand(['disable', '--login', 'school5'], io)).toBe(0);
      lines.length = 0;
      expect(await runConsoleCommand(['list'], io)).toBe(0);
      const listed = lines.join('');
      expect(listed).toMatch(/^ivanova\tИванова Мария\tсотрудник центра\n/m);
      expect(listed).toMatch(
        /^school5\tПетров П\. П\.\tадминистратор школы \(«МБОУ СОШ № 5»\)\tвход закрыт с \d\d\.\d\d\.\d{4}\n/m,
      );
      expect(listed).not.toContain('a long enough secret');

      // The accounts as the server sees them: the password works, the disabled school account does not.
      const { app, base } = await boot({ EMBEDDED_STORE_PERSIST: 'true', DATA_DIR: dataDir });
      try {
        const stored = await app.store.repositories.console.findAccountByLogin('ivanova');
        expect(stored?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
        expect(stored?.locale).toBeUndefined();
        expect((await app.store.repositories.console.findAccountByLogin('aigul'))?.locale).toBe('kk');
        expect(
          (await post(`${base}/console/login`, { login: 'ivanova', password: 'a long enough secret' })).status,
        ).toBe(303);
        expect((await post(`${base}/console/login`, { login: 'school5', password: made?.[1] ?? '' })).status).toBe(401);
      } finally {
        await app.stop();
      }
    } finally {
      process.env = saved;
    }
  });
});
