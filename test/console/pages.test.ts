// Console pages over HTTP, without a browser: what a methodologist reads on them, checked against
// the data put in by hand. The browser journeys are in test/console/browser.test.ts.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_ROOT, startApp, type App } from '../../src/app.js';
import { loadContent } from '../../src/engine/index.js';
import { loadConfig } from '../../src/config.js';
import { hashPassword } from '../../src/http/console/passwords.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { silentLogger } from '../support/store.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const PASSWORD = 'correct horse battery';

let app: App;
let base: string;
let cookie: string;
let cohort: CohortFixture;

async function login(login: string): Promise<string> {
  const res = await fetch(`${base}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ login, password: PASSWORD }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(res.status).toBe(303);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

const get = async (path: string, as = cookie) => {
  const res = await fetch(`${base}${path}`, { headers: { cookie: as }, redirect: 'manual' });
  return { status: res.status, text: await res.text() };
};

beforeAll(async () => {
  app = await startApp(loadConfig({ HTTP_PORT: '0', EMBEDDED_STORE_PERSIST: 'false' }), silentLogger);
  base = `http://127.0.0.1:${app.http.port}`;
  const made = await app.store.repositories.console.createAccount({ login: 'methodist', displayName: 'Методист', role: 'staff', passwordHash: await hashPassword(PASSWORD) });
  if (!made.ok) throw new Error('account');
  cookie = await login('methodist');
  cohort = await seedCohort(app.store, {});
});

afterAll(async () => {
  await app?.stop();
});

describe("a teacher's questionnaire answers", () => {
  it('show the labels of the chosen options, and the id of an option the questionnaire no longer has', async () => {
    const repos = app.store.repositories;
    const created = await repos.participants.create({ fullName: 'Соколова Ирина', locale: 'ru' });
    if (!created.ok) throw new Error('teacher');
    const id = created.value.id;
    await repos.enrollments.enroll({ participantId: id, cohortId: cohort.cohortId, at: new Date(), stages: [1, 2, 3] });
    const version = loadContent(CONTENT_ROOT).content.questionnaires.get('difficulties')?.version ?? 1;
    const { response } = await repos.responses.startOrResume({ participantId: id, cohortId: cohort.cohortId, questionnaireId: 'difficulties', occasion: 'difficulties-2m', questionnaireVersion: version, at: new Date() });
    const at = new Date();
    await repos.responses.saveAnswer(response.id, { questionId: 'areas', value: ['planning', 'time', 'retired_option'], skipped: false, answeredAt: at });
    await repos.responses.saveAnswer(response.id, { questionId: 'format', value: 'online', skipped: false, answeredAt: at });
    await repos.responses.complete(response.id, at);
    const page = await get(`/console/participant?id=${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Составление плана мероприятий, Нехватка времени, retired_option');
    expect(page.text).toContain('<dd>Дистанционно</dd>');
    expect(page.text).not.toContain('<dd>online</dd>');
  });
});
