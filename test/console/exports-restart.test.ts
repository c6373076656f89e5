// A large console export outlives a restart: its file is in the store and can still be downloaded;
// one cut short by the restart is shown as interrupted, with a way to start it again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { hashPassword } from '../../src/http/console/passwords.js';
import { seedCohort } from '../support/cohort-fixture.js';
import { silentLogger } from '../support/store.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const PASSWORD = 'correct horse battery';
const dir = mkdtempSync(join(tmpdir(), 'sputnik-console-exports-'));
let app: App | undefined;

const boot = async () => {
  app = await startApp(
    loadConfig({ HTTP_PORT: '0', DATA_DIR: dir, EMBEDDED_STORE_PERSIST: 'true', CONSOLE_LARGE_EXPORT_ROWS: '2' }),
    silentLogger,
  );
  return { app, base: `http://127.0.0.1:${app.http.port}` };
};

async function login(base: string, as = 'methodist'): Promise<string> {
  const res = await fetch(`${base}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ login: as, password: PASSWORD }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(res.status).toBe(303);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

afterAll(async () => {
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('console exports across a restart', () => {
  it('keeps a finished file to download, and shows one cut short as interrupted', async () => {
    let { app: first, base } = await boot();
    const repos = first.store.repositories;
    const account = await repos.console.createAccount({
      login: 'methodist',
      displayName: 'Методист',
      role: 'staff',
      passwordHash: await hashPassword(PASSWORD),
    });
    if (!account.ok) throw new Error('account');
    const owner = `account:${account.value.id}`;
    const cohort = await seedCohort(first.store, {});
    for (const name of ['Иванова Мария', 'Орлов Борис', 'Белова Вера']) {
      const made = await repos.participants.create({ fullName: name, locale: 'ru' });
      if (!made.ok) throw new Error('teacher');
      await repos.enrollments.enroll({
        participantId: made.value.id,
        cohortId: cohort.cohortId,
        at: new Date(),
        stages: [1, 2, 3],
      });
    }
    let cookie = await login(base);
    // Three rows, more than CONSOLE_LARGE_EXPORT_ROWS: prepared in the background.
    const started = await fetch(`${base}/console/export?what=participants&format=csv`, {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(started.status).toBe(303);
    const status = started.headers.get('location') ?? '';
    const id = new URL(status, base).searchParams.get('id') ?? '';
    await expect
      .poll(async () => await (await fetch(`${base}${status}`, { headers: { cookie } })).text(), { timeout: 60_000 })
      .toContain('Готово: 3 строк');
    // The rows were counted as they were written, not taken from the total.
    expect((await repos.consoleExports.findById(id))?.rowsDone).toBe(3);
    // What a process killed in the middle of an export leaves behind: a running job, 1 row of 3, silent since.
    const twoMinutesAgo = new Date(Date.now() - 2 * 60_000);
    const cut = await repos.consoleExports.create({
      owner,
      filename: 'participants.xlsx',
      contentType: 'application/octet-stream',
      rows: 3,
      request: 'what=participants&format=xlsx',
      startedAt: twoMinutesAgo,
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    await repos.consoleExports.progress(cut.id, { rowsDone: 1, bytes: 100, at: twoMinutesAgo });
    await first.stop();

    ({ app: first, base } = await boot());
    cookie = await login(base);
    const file = await fetch(`${base}/console/export/status?id=${id}&download=1`, { headers: { cookie } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toContain('.csv');
    const lines = (await file.text()).trim().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(
      lines
        .slice(1)
        .map((l) => l.split(';')[0])
        .sort(),
    ).toEqual(['Белова Вера', 'Иванова Мария', 'Орлов Борис']);

    const page = await (await fetch(`${base}/console/export/status?id=${cut.id}`, { headers: { cookie } })).text();
    expect(page).toContain('Выгрузка прервалась: сервер перезапустили, пока она готовилась (готово 1 из 3 строк)');
    expect(page).toContain('href="/console/export?what=participants&amp;format=xlsx"');
    expect(page).not.toContain('http-equiv="refresh"');
    expect((await first.store.repositories.consoleExports.findById(cut.id))?.status).toBe('interrupted');

    // A job that is alive shows its rows done out of the total, and the page reloads itself.
    const alive = await first.store.repositories.consoleExports.create({
      owner,
      filename: 'a.csv',
      contentType: 'text/csv',
      rows: 3,
      request: 'what=participants&format=csv',
      startedAt: new Date(),
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    await first.store.repositories.consoleExports.progress(alive.id, { rowsDone: 2, bytes: 10, at: new Date() });
    const running = await (await fetch(`${base}/console/export/status?id=${alive.id}`, { headers: { cookie } })).text();
    expect(running).toContain('2 из 3 строк');
    expect(running).toContain('http-equiv="refresh"');
    // Nobody else's: another account does not see it.
    const other = await first.store.repositories.console.createAccount({
      login: 'other',
      displayName: 'Другой',
      role: 'staff',
      passwordHash: await hashPassword(PASSWORD),
    });
    expect(other.ok).toBe(true);
    const stranger = await login(base, 'other');
    expect(
      (await fetch(`${base}/console/export/status?id=${id}&download=1`, { headers: { cookie: stranger } })).status,
    ).toBe(404);
  });
});
