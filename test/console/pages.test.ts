// Console pages over HTTP, without a browser: what a methodologist reads on them, checked against
// the data put in by hand. The browser journeys are in test/console/browser.test.ts.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_ROOT, startApp, type App } from '../../src/app.js';
import { loadContent } from '../../src/engine/index.js';
import { catalogs, t } from '../../src/i18n/index.js';
import { loadConfig } from '../../src/config.js';
import { sha256 } from '../../src/http/console/auth.js';
import { hashPassword } from '../../src/http/console/passwords.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { silentLogger } from '../support/store.js';
import { planFromModel } from '../../src/support-models/plan.js';

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
  app = await startApp(loadConfig({ HTTP_PORT: '0', EMBEDDED_STORE_PERSIST: 'false', SANDBOX: 'false' }), silentLogger);
  base = `http://127.0.0.1:${app.http.port}`;
  const made = await app.store.repositories.console.createAccount({
    login: 'methodist',
    displayName: 'Методист',
    role: 'staff',
    passwordHash: await hashPassword(PASSWORD),
  });
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
    const { response } = await repos.responses.startOrResume({
      participantId: id,
      cohortId: cohort.cohortId,
      questionnaireId: 'difficulties',
      occasion: 'difficulties-2m',
      questionnaireVersion: version,
      at: new Date(),
    });
    const at = new Date();
    await repos.responses.saveAnswer(response.id, {
      questionId: 'areas',
      value: ['planning', 'time', 'retired_option'],
      skipped: false,
      answeredAt: at,
    });
    await repos.responses.saveAnswer(response.id, {
      questionId: 'format',
      value: 'online',
      skipped: false,
      answeredAt: at,
    });
    await repos.responses.complete(response.id, at);
    const page = await get(`/console/participant?id=${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Составление плана мероприятий, Нехватка времени, retired_option');
    expect(page.text).toContain('<dd>Дистанционно</dd>');
    expect(page.text).not.toContain('<dd>online</dd>');
  });
});

describe('the audit log', () => {
  it('names who acted: the account, the person in the bot, or the bot itself', async () => {
    const repos = app.store.repositories;
    await repos.audit.record({
      at: new Date(),
      actor: cohort.curatorId,
      action: 'activity.accepted',
      subjectType: 'activity',
      subjectId: 'a1',
    });
    await repos.audit.record({
      at: new Date(),
      actor: 'system',
      action: 'consultation.escalated',
      subjectType: 'consultation',
      subjectId: 'c1',
    });
    const rows = (await get('/console/audit')).text.split('<tr>').slice(2);
    const row = (label: string) => rows.find((r) => r.includes(`<td>${label}</td>`)) ?? '';
    expect(row('вход в консоль')).toContain('<td>Методист</td>');
    expect(row('мероприятие принято')).toContain('<td>Смирнова Ольга Петровна</td>');
    expect(row('консультация передана куратору')).toContain('<td>бот (автоматически)</td>');
  });
});

describe('monitoring filtered to one value', () => {
  const people: Record<string, string> = {};
  let other: string;

  beforeAll(async () => {
    const repos = app.store.repositories;
    const { programme } = await repos.programmes.upsertByCode({
      code: 'MATH-36',
      title: 'Математика для всех',
      direction: 'Общее образование',
      hours: 36,
    });
    const { cohort: math } = await repos.cohorts.upsertByCode({
      code: 'MATH-AUTUMN',
      programmeId: programme.id,
      title: 'Математика, осень',
      courseStart: new Date('2026-03-02T06:00:00Z'),
      courseEnd: new Date('2026-03-20T12:00:00Z'),
      timeZone: 'Europe/Moscow',
      locale: 'ru',
      curatorIds: [cohort.curatorId],
      tutorIds: [],
    });
    other = math.id;
    // Four teachers, their segments and activities, written out so the counts below can be made by hand.
    const teachers = [
      {
        key: 't1',
        region: 'Ярославская область',
        settlementType: 'urban',
        organisation: 'Школа № 1',
        cohortId: cohort.cohortId,
        accepted: 2,
        waiting: 0,
      },
      {
        key: 't2',
        region: 'Ярославская область',
        settlementType: 'rural',
        organisation: 'Школа № 2',
        cohortId: cohort.cohortId,
        accepted: 1,
        waiting: 1,
      },
      {
        key: 't3',
        region: 'Костромская область',
        settlementType: 'rural',
        organisation: 'Школа № 3',
        cohortId: cohort.cohortId,
        accepted: 0,
        waiting: 0,
      },
      {
        key: 't4',
        region: 'Ярославская область',
        settlementType: 'rural',
        organisation: 'Школа № 2',
        cohortId: math.id,
        accepted: 1,
        waiting: 0,
      },
    ] as const;
    for (const t of teachers) {
      const made = await repos.participants.create({
        fullName: `Учитель ${t.key}`,
        region: t.region,
        settlementType: t.settlementType,
        organisation: t.organisation,
        locale: 'ru',
      });
      if (!made.ok) throw new Error('teacher');
      people[t.key] = made.value.id;
      await repos.enrollments.enroll({
        participantId: made.value.id,
        cohortId: t.cohortId,
        at: new Date('2026-03-20T12:00:00Z'),
        stages: [1, 2, 3],
      });
      for (let i = 0; i < t.accepted + t.waiting; i++) {
        const a = await repos.activities.submit({
          participantId: made.value.id,
          cohortId: t.cohortId,
          type: 'open_lesson',
          level: 'school',
          date: new Date('2026-04-10T00:00:00Z'),
          title: `Урок ${t.key}-${i}`,
          links: ['https://school.example.ru/lesson'],
          submittedAt: new Date('2026-04-11T00:00:00Z'),
        });
        if (i < t.accepted)
          await repos.activities.review(a.id, {
            reviewerId: cohort.curatorId,
            decision: 'accepted',
            at: new Date('2026-04-12T00:00:00Z'),
          });
      }
    }
  });

  /** The "Всего" row of the activities table: enrolled, reporting, submitted, accepted. */
  async function activityFigures(params: string): Promise<number[]> {
    const page = await get(`/console/monitoring?${params}`);
    expect(page.status).toBe(200);
    const table = page.text.split('<h2>Самостоятельные мероприятия</h2>')[1] ?? '';
    const row = /<tr><td>Всего<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td>/.exec(table);
    return row ? row.slice(1, 5).map(Number) : [];
  }

  it('counts only the teachers of that region, settlement type, school, programme or cohort', async () => {
    // Everyone: Соколова (first test, no activities) and t1–t4: 5 enrolled, 4 reporting, 5 submitted, 4 accepted.
    expect(await activityFigures('')).toEqual([5, 3, 5, 4]);
    // Ярославская область: t1, t2, t4.
    expect(await activityFigures(`region=${encodeURIComponent('Ярославская область')}`)).toEqual([3, 3, 5, 4]);
    // Село: t2, t3, t4; t3 reported nothing.
    expect(await activityFigures('settlement=rural')).toEqual([3, 2, 3, 2]);
    // Школа № 2: t2 in one cohort and t4 in the other.
    expect(await activityFigures(`organisation=${encodeURIComponent('Школа № 2')}`)).toEqual([2, 2, 3, 2]);
    // The programme FG-72: its one cohort, Соколова, t1, t2, t3.
    const fg = (await app.store.repositories.programmes.list()).find((p) => p.code === 'FG-72')!;
    expect(await activityFigures(`programme=${fg.id}`)).toEqual([4, 2, 4, 3]);
    // One cohort: MATH-AUTUMN has t4 only.
    expect(await activityFigures(`cohort=${other}`)).toEqual([1, 1, 1, 1]);
    // Filters add up: Ярославская область and село: t2 and t4.
    expect(await activityFigures(`region=${encodeURIComponent('Ярославская область')}&settlement=rural`)).toEqual([
      2, 2, 3, 2,
    ]);
  });

  it('offers the values to pick, and carries the filter into the exports started from the page', async () => {
    const page = await get(`/console/monitoring?settlement=rural&region=${encodeURIComponent('Ярославская область')}`);
    expect(page.text).toContain('<option value="Костромская область" >Костромская область</option>');
    expect(page.text).toContain('<option value="rural" selected>село</option>');
    expect(page.text).toContain('Математика для всех');
    const href =
      /href="(\/console\/export\?what=participants&(?:amp;)?format=json[^"]*)"/
        .exec(page.text)?.[1]
        ?.replace(/&amp;/g, '&') ?? '';
    expect(href).toContain('settlement=rural');
    const roster = await fetch(`${base}${href}`, { headers: { cookie } });
    expect(roster.status).toBe(200);
    const body = (await roster.json()) as { rows: { teacher: string }[] };
    expect(body.rows.map((r) => r.teacher).sort()).toEqual(['Учитель t2', 'Учитель t4']);
    const activities = await fetch(`${base}/console/export?what=activities&format=json&settlement=rural`, {
      headers: { cookie },
    });
    const list = (await activities.json()) as { rows: { title: string }[] };
    expect(list.rows.map((r) => r.title).sort()).toEqual(['Урок t2-0', 'Урок t2-1', 'Урок t4-0']);
  });
});

describe('the console in Kazakh', () => {
  /** Visible words of a page: tags and the stylesheet left out. */
  const visible = (page: string) =>
    page
      .replace(/<style>[\s\S]*?<\/style>/g, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/&[a-z#0-9]+;/g, ' ');

  /**
   * Pieces of the Russian texts the console shows (its own catalog, the figures' headings, the
   * schedule's plan) that the Kazakh catalog says differently: none may be left on a Kazakh page.
   */
  function russianLeftovers(): string[] {
    const pieces = new Set<string>();
    for (const ns of ['console_ui', 'monitoring', 'cli_text'] as const) {
      const ru = catalogs.ru[ns] ?? {};
      const kk = catalogs.kk[ns] ?? {};
      for (const [key, message] of Object.entries(ru)) {
        const texts = typeof message === 'string' ? [message] : Object.values(message);
        const kkText = JSON.stringify(kk[key]);
        for (const text of texts) {
          for (const piece of text.split(/\{\w+\}|[«»():;.,—–·/]/)) {
            const p = piece.trim();
            // The CLI's words (the schedule's plan) only as phrases: single words like «Журнал» are Kazakh too.
            if (ns === 'cli_text' && !p.includes(' ')) continue;
            if (p.length >= 5 && /[а-яё]/i.test(p) && !kkText.includes(p)) pieces.add(p);
          }
        }
      }
    }
    return [...pieces];
  }

  it("walks every page in the account's language, Kazakh, with no Russian heading, button or label left", async () => {
    const repos = app.store.repositories;
    const made = await repos.console.createAccount({
      login: 'aigul',
      displayName: 'Айгүл Серікқызы',
      role: 'staff',
      locale: 'kk',
      passwordHash: await hashPassword(PASSWORD),
    });
    if (!made.ok) throw new Error('account');
    const kk = await login('aigul');
    const people = await repos.participants.findByIds(
      (await repos.enrollments.listByCohort(cohort.cohortId)).map((e) => e.participantId),
    );
    const teacher = people.find((p) => p.fullName === 'Соколова Ирина')!;
    await repos.consultations.open({
      participantId: teacher.id,
      cohortId: cohort.cohortId,
      topic: 'Жоба әдісі',
      description: 'Көмек керек',
      openedAt: new Date(Date.now() - 5 * 86_400_000),
    });
    await repos.activities.submit({
      participantId: teacher.id,
      cohortId: cohort.cohortId,
      type: 'webinar',
      level: 'region',
      date: new Date(),
      title: 'Вебинар',
      links: ['https://example.kz/w'],
      submittedAt: new Date(),
    });
    // Words of the data itself (a region named «… область», a Russian programme title) are not the console's.
    const data = JSON.stringify([
      await repos.participants.findByIds(
        (
          await Promise.all(
            [cohort.cohortId, ...(await repos.cohorts.listByStatus('active')).map((c) => c.id)].map((id) =>
              repos.enrollments.listByCohort(id),
            ),
          )
        )
          .flat()
          .map((e) => e.participantId),
      ),
      await repos.cohorts.listByStatus('active'),
      await repos.programmes.list(),
    ]);
    const leftovers = russianLeftovers().filter((piece) => !data.includes(piece));
    expect(leftovers).toContain('Мероприятия на проверке');
    const pages = [
      '/console',
      '/console/cohorts',
      `/console/cohort?id=${cohort.cohortId}`,
      '/console/participants',
      `/console/participant?id=${teacher.id}`,
      '/console/activities',
      '/console/consultations',
      '/console/broadcasts',
      '/console/monitoring?by=region',
      '/console/audit',
      `/console/schedule?cohort=${cohort.cohortId}`,
      '/console/export/status?id=nope',
    ];
    for (const path of pages) {
      const page = await get(path, kk);
      expect(page.text, path).toContain('<html lang="kk">');
      const words = visible(page.text);
      const found = leftovers
        .filter((piece) => words.includes(piece))
        .map(
          (piece) =>
            `${piece} in «${words.slice(Math.max(0, words.indexOf(piece) - 60), words.indexOf(piece) + 40).replace(/\s+/g, ' ')}»`,
        );
      expect(found, path).toEqual([]);
    }
    // Spot checks a Kazakh reader would notice.
    expect(visible((await get('/console/activities', kk)).text)).toContain('Тексерудегі іс-шаралар');
    expect(visible((await get('/console/monitoring', kk)).text)).toContain('Жартыжылдық есеп');
    // The schedule's plan, as `schedule show --lang kk` prints it.
    const plan = (await get(`/console/schedule?cohort=${cohort.cohortId}`, kk)).text;
    expect(plan).toContain(
      t('kk', 'cli_text.sc_cohort', { code: cohort.code, title: 'Функциональная грамотность, весна 2026' }),
    );
    // The login page follows the switch too, before anyone logs in.
    const switched = await fetch(`${base}/console/lang?to=kk&next=%2Fconsole%2Flogin`, { redirect: 'manual' });
    const langCookie = (switched.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const loginPage = await (await fetch(`${base}/console/login`, { headers: { cookie: langCookie } })).text();
    expect(visible(loginPage)).toContain('Консольге кіру');
    expect(leftovers.filter((piece) => visible(loginPage).includes(piece))).toEqual([]);
  });

  it("opens in a curator's own language, the one they talk to the bot in", async () => {
    const repos = app.store.repositories;
    const made = await repos.participants.create({
      fullName: 'Ержанова Дина',
      locale: 'kk',
      addresses: [{ channel: 'telegram', id: '880011' }],
    });
    if (!made.ok) throw new Error('curator');
    const { programme } = await repos.programmes.upsertByCode({
      code: 'KZ-24',
      title: 'Функционалдық сауаттылық',
      direction: 'Жалпы білім',
      hours: 24,
    });
    await repos.cohorts.upsertByCode({
      code: 'KZ-SPRING',
      programmeId: programme.id,
      title: 'Көктем',
      courseStart: new Date('2026-03-02T06:00:00Z'),
      courseEnd: new Date('2026-03-20T12:00:00Z'),
      timeZone: 'Asia/Almaty',
      locale: 'kk',
      curatorIds: [made.value.id],
      tutorIds: [],
    });
    // The link the bot would send for /console.
    const secret = 'one-time-link-secret-for-the-test';
    await repos.console.createLoginLink({
      tokenHash: sha256(secret),
      participantId: made.value.id,
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + 600_000),
    });
    const res = await fetch(`${base}/console/auth?token=${secret}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const session = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const home = await get('/console', session);
    expect(home.text).toContain('<html lang="kk">');
    expect(home.text).toContain('<h1>Жиынтық</h1>');
    expect(home.text).toContain('Ержанова Дина · куратор');
  });

  it('switches language from the page and keeps the choice for this browser', async () => {
    const page = await get('/console/cohorts');
    expect(page.text).toContain('<html lang="ru">');
    expect(page.text).toContain('href="/console/lang?to=kk&amp;next=%2Fconsole%2Fcohorts"');
    const res = await fetch(`${base}/console/lang?to=en&next=%2Fconsole%2Fcohorts`, {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/cohorts');
    const choice = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(choice).toBe('sputnik_console_lang=en');
    const english = await get('/console/cohorts', `${cookie}; ${choice}`);
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toContain('<h1>Cohorts</h1>');
    // A switch link pointing away from the console goes back to the console instead.
    const away = await fetch(`${base}/console/lang?to=kk&next=https%3A%2F%2Fevil.example`, { redirect: 'manual' });
    expect(away.headers.get('location')).toBe('/console');
  });
});

describe("a Kaltan teacher's diagnosis on her page", () => {
  it("shows the tutor's diagnosis lines and the model's two means, or that she has not answered yet", async () => {
    const repos = app.store.repositories;
    const { content } = loadContent(CONTENT_ROOT);
    const kaltan = await seedCohort(app.store, { code: 'KALTAN-DIAG', tutorUsername: 'kaltan_tutor' });
    const stored = (await repos.cohorts.findById(kaltan.cohortId))!;
    await repos.cohorts.upsertByCode({ ...stored, stagePlan: planFromModel(content.models.get('kaltan-tutor')!) });
    const teacher = async (fullName: string) => {
      const made = await repos.participants.create({ fullName, locale: 'ru' });
      if (!made.ok) throw new Error('teacher');
      await repos.enrollments.enroll({
        participantId: made.value.id,
        cohortId: kaltan.cohortId,
        at: new Date(),
        stages: [1, 2, 3],
      });
      return made.value.id;
    };
    const answered = await teacher('Кузнецова Анна');
    const waiting = await teacher('Орлова Вера');
    const { response } = await repos.responses.startOrResume({
      participantId: answered,
      cohortId: kaltan.cohortId,
      questionnaireId: 'entry',
      occasion: 'entry',
      questionnaireVersion: content.questionnaires.get('entry')!.version,
      at: new Date(),
    });
    // By hand: qualities = mean(3,4,3,4,3,4,3,4) = 3.5; readiness = mean(5,4,3) = 4.
    const answers: [string, string | number | string[]][] = [
      ['direction', 'ict'],
      ['motives', ['difficulties', 'new_tech']],
      ['forms', ['individual', 'tutorial']],
      ...[
        'c_design',
        'c_active_methods',
        'c_digital',
        'c_assessment',
        'c_reflection',
        'c_sharing',
        'c_publishing',
        'c_planning',
      ].map((id, i): [string, number] => [id, i % 2 === 0 ? 3 : 4]),
      ['r_self_study', 5],
      ['r_try_new', 4],
      ['r_open_lesson', 3],
    ];
    for (const [questionId, value] of answers)
      await repos.responses.saveAnswer(response.id, { questionId, value, skipped: false, answeredAt: new Date() });
    await repos.responses.complete(response.id, new Date());

    const page = (await get(`/console/participant?id=${answered}`)).text;
    expect(page).toContain('<h3>Диагностика (входная анкета)</h3>');
    for (const [label, value] of [
      ['В каком направлении вы хотите развиваться с тьютором?', 'Информационно-коммуникационные технологии'],
      [
        'Что побуждает вас повышать квалификацию? Выберите всё, что подходит.',
        'Затруднения в работе; Интерес к новым технологиям обучения',
      ],
      ['Какие формы работы с тьютором вам удобны?', 'Индивидуальная консультация; Тьюториал (учебный семинар)'],
      ['профессионально значимые качества (среднее, 1–5)', '3,5'],
      ['готовность к образованию и самообразованию (среднее, 1–5)', '4'],
    ])
      expect(page).toContain(`<dt class="muted">${label}</dt><dd>${value}</dd>`);
    const before = (await get(`/console/participant?id=${waiting}`)).text;
    expect(before).toContain('Диагностику педагог ещё не прошёл.');
    // A cohort of the default model has no diagnosis: nothing about it on its teachers' pages.
    const plain = await repos.participants.create({ fullName: 'Белова Нина', locale: 'ru' });
    if (!plain.ok) throw new Error('teacher');
    await repos.enrollments.enroll({
      participantId: plain.value.id,
      cohortId: cohort.cohortId,
      at: new Date(),
      stages: [1, 2, 3],
    });
    expect((await get(`/console/participant?id=${plain.value.id}`)).text).not.toContain('Диагностик');
  });
});

describe("an activity's links", () => {
  it('read «открывается», «не открывается» or «не проверена» as the report counts them, on both pages', async () => {
    const repos = app.store.repositories;
    const made = await repos.participants.create({ fullName: 'Гусева Лидия', locale: 'ru' });
    if (!made.ok) throw new Error('teacher');
    await repos.enrollments.enroll({
      participantId: made.value.id,
      cohortId: cohort.cohortId,
      at: new Date(),
      stages: [1, 2, 3],
    });
    const urls = [
      'https://school.example/open',
      'https://school.example/gone',
      'https://slow.example/lesson',
      'https://new.example/x',
    ];
    const activity = await repos.activities.submit({
      participantId: made.value.id,
      cohortId: cohort.cohortId,
      type: 'open_lesson',
      level: 'school',
      date: new Date(),
      title: 'Открытый урок «Дроби»',
      links: urls,
      submittedAt: new Date(),
    });
    const checkedAt = new Date();
    await repos.activities.recordLinkCheck(activity.id, {
      url: urls[0]!,
      checkedAt,
      reachable: true,
      status: 'alive',
      httpStatus: 200,
    });
    await repos.activities.recordLinkCheck(activity.id, {
      url: urls[1]!,
      checkedAt,
      reachable: false,
      status: 'dead',
      httpStatus: 404,
    });
    // Stored as dead by a check that got no answer, before such checks stopped deciding anything.
    await repos.activities.recordLinkCheck(activity.id, {
      url: urls[2]!,
      checkedAt,
      reachable: false,
      status: 'timeout',
    });
    const expected = ['открывается', 'не открывается', 'не проверена', 'не проверена'];
    const badges = (text: string) =>
      urls.map((url) => {
        const at = text.indexOf(`href="${url}"`);
        expect(at).toBeGreaterThan(-1);
        return /<span class="badge[^"]*">([^<]+)<\/span>/.exec(text.slice(at))?.[1];
      });
    expect(badges((await get(`/console/participant?id=${made.value.id}`)).text)).toEqual(expected);
    expect(badges((await get('/console/activities')).text)).toEqual(expected);
  });
});
