// The functions the bot, the scheduler and the HTTP API call: /stats, /export, charts, the
// half-year report, and the bearer-token API.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, type RouteHandler } from '../../src/http/server.js';
import { t } from '../../src/i18n/index.js';
import { streamToBuffer } from '../../src/monitoring/export.js';
import { bearerMatches, monitoringRoutes } from '../../src/monitoring/http.js';
import { halfYearPeriod } from '../../src/monitoring/report.js';
import { createMonitoring, type Monitoring } from '../../src/monitoring/service.js';
import type { Store } from '../../src/store/index.js';
import { openTestStore, silentLogger } from '../support/store.js';
import { seedMonitoringFixture, type MonitoringFixture } from './fixture.js';

let store: Store;
let fx: MonitoringFixture;
let monitoring: Monitoring;
const PNG = [0x89, 0x50, 0x4e, 0x47];

beforeAll(async () => {
  store = await openTestStore();
  fx = await seedMonitoringFixture(store, t('kk', 'consultation.topic_methods'));
  monitoring = createMonitoring({ store, catalog: fx.catalog, now: () => new Date('2025-06-10T09:00:00Z') });
});
afterAll(() => store.close());

describe('bot functions', () => {
  it('/stats for a curator covers their cohort only', async () => {
    const r = await monitoring.statsText({ participantId: fx.curator.id });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toContain('Мониторинг: NAT25A');
    expect(r.value).toContain('Слушателей: 5');
    expect(r.value).toContain('Обратная связь по курсу (через 1 день после курса): 3 из 5 (60%)');
    expect(r.value.length).toBeLessThan(4096);
    const staff = await monitoring.statsText({ participantId: fx.staff.id, locale: 'kk' });
    expect(staff.ok && staff.value).toContain('барлық ағындар');
  });

  it('refuses teachers and cohorts outside the requester’s own', async () => {
    expect(await monitoring.statsText({ participantId: fx.teachers.t1!.id })).toEqual({
      ok: false,
      error: { kind: 'forbidden' },
    });
    expect(await monitoring.statsText({ participantId: fx.curator.id, cohortId: fx.cohorts.c2.id })).toEqual({
      ok: false,
      error: { kind: 'not_in_scope' },
    });
    const exported = await monitoring.exportForRequester({ participantId: fx.teachers.t1!.id, format: 'xlsx' });
    expect(exported.ok).toBe(false);
  });

  it('/export gives a curator an XLSX of their cohort', async () => {
    const r = await monitoring.exportForRequester({ participantId: fx.curator.id, format: 'xlsx' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.filename).toMatch(/\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await streamToBuffer(r.value.stream)) as unknown as ArrayBuffer);
    expect(wb.getWorksheet('Обратная связь по курсу')!.rowCount).toBe(1 + 3);
  });

  it('renders charts as PNG', async () => {
    const r = await monitoring.statsCharts({ participantId: fx.staff.id });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.map((c) => c.filename)).toEqual(['response-rate.png', 'likert-fb.png']);
    for (const chart of r.value) expect([...chart.png.subarray(0, 4)]).toEqual(PNG);
  });
});

describe('half-year report', () => {
  it('has due-date-aligned periods', () => {
    expect(halfYearPeriod(1, 2026)).toEqual({
      from: new Date('2025-10-01T00:00:00Z'),
      to: new Date('2026-06-01T00:00:00Z'),
      due: new Date('2026-06-01T00:00:00Z'),
    });
    expect(halfYearPeriod(2, 2026)).toEqual({
      from: new Date('2026-06-01T00:00:00Z'),
      to: new Date('2026-10-01T00:00:00Z'),
      due: new Date('2026-10-01T00:00:00Z'),
    });
  });

  it('summarises a cohort in Russian, as Markdown, XLSX and charts, with who needs support', async () => {
    const r = await monitoring.halfYearReport({ cohortId: fx.cohorts.c1.id, half: 1, year: 2025 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { markdown, xlsx, charts, support } = r.value;
    expect(markdown).toContain('# Отчёт о посткурсовом сопровождении за первое полугодие 2025 г.');
    expect(markdown).toContain('Период: 01.10.2024 – 31.05.2025. Срок представления: до 1 июня 2025 г.');
    expect(markdown).toContain('| Слушателей на сопровождении | 5 |');
    // 3 of the 5 answered the exit survey; the 4 questionnaires of the plan due in the period, nobody (5 × 4 = 20).
    expect(markdown).toContain('| Заполнено анкет (из положенных за период) | 3 из 25 (12 %) |');
    expect(markdown).toContain('Ниже всего оценено: «Материалы понятны»');
    // Four months after the course one accepted activity is expected; stage 1 is due (stage 2 runs).
    const reasons = new Map(support.map((s) => [s.teacher, s.reasons]));
    expect([...reasons.keys()].sort()).toEqual(
      ['Абаева Айгерим', 'Гусеваанна', 'Давлетова Сауле', '=HYPERLINK("http://evil")'].sort(),
    );
    expect(reasons.get('Давлетова Сауле')).toEqual([
      'принято мероприятий 0 из 1, ожидаемых к этой дате',
      'этап 1 не завершён, по плану идёт этап 2',
    ]);
    expect(reasons.get('Абаева Айгерим')).toEqual(['мероприятий на доработке: 1']);
    expect(reasons.get('=HYPERLINK("http://evil")')).toEqual(['запрос на консультацию без ответа дольше 14 дней: 1']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Отчёт',
      'Поддержка',
      'Сводка по педагогам',
      'Мероприятия педагогов',
      'Не заполнили анкеты',
      'Ссылки',
      'Планы педагогов',
      'Групповые мероприятия',
      'Участие в мероприятиях',
    ]);
    const names: unknown[] = [];
    wb.getWorksheet('Поддержка')!.eachRow((row) => names.push(row.getCell(1).value));
    // A typed string cell: shown as written, never evaluated, so no apostrophe in an XLSX.
    expect(names).toContain('=HYPERLINK("http://evil")');
    expect(charts.map((c) => c.filename)).toEqual(['response-rate.png', 'likert-fb.png']);
    const anonymous = await monitoring.halfYearReport({
      cohortId: fx.cohorts.c1.id,
      half: 1,
      year: 2025,
      anonymised: true,
    });
    expect(anonymous.ok && anonymous.value.markdown).not.toContain('Абаева');
  });

  // The Russian words of the report's frame, listed by hand: none may be left in a Kazakh report.
  const RUSSIAN_FRAME = [
    'Отчёт о посткурсовом сопровождении',
    'полугодие',
    'Период:',
    'Срок представления',
    'Сформирован',
    'Ключевые показатели',
    'Показатель',
    'Значение',
    'Слушателей на сопровождении',
    'Заполнено анкет',
    'Завершили этап',
    'Мероприятий проведено',
    'Принято мероприятий',
    'Выполнили норму',
    'Запросов на консультации',
    'которым нужна поддержка',
    'Неработающих ссылок',
    'Участие в анкетировании',
    'Отклик на анкеты',
    'Прохождение этапов',
    'Мероприятия по уровням',
    'Итоги анкетирования',
    'Выше всего оценено',
    'Ниже всего оценено',
    'Сводка по педагогам',
    'Мероприятия педагогов',
    'Не заполнили анкеты',
    'Неработающие ссылки',
    'Консультации по запросу',
    'принято мероприятий',
    'не завершён',
    'на доработке',
    'Этап 1',
    'вручную',
    'Организация',
    'Регион',
    'Участник №',
    'план мероприятий',
    'Уровень организации',
  ];

  it('is Kazakh from title to last table for a Kazakh cohort, or when asked, with the same figures', async () => {
    const r = await monitoring.halfYearReport({ cohortId: fx.cohorts.c1.id, half: 1, year: 2025, locale: 'kk' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const { markdown, xlsx, support } = r.value;
    expect(RUSSIAN_FRAME.filter((words) => markdown.includes(words))).toEqual([]);
    expect(markdown).toContain('# 2025 жылдың бірінші жартыжылдығындағы курстан кейінгі сүйемелдеу туралы есеп');
    expect(markdown).toContain('Кезең: 01.10.2024 – 31.05.2025. Тапсыру мерзімі: 2025 жылғы 1 маусым дейін');
    expect(markdown).toContain('## Негізгі көрсеткіштер');
    // The same hand counts as the Russian report above: 5 on support, 3 of 25 due questionnaires.
    expect(markdown).toContain('| Сүйемелдеудегі тыңдаушылар | 5 |');
    expect(markdown).toContain('| Толтырылған сауалнамалар (кезеңде тиістілердің ішінен) | 25 ішінен 3 (12 %) |');
    expect(markdown).toContain('| 1-кезеңді аяқтағандар (іс-шаралар жоспары) |');
    expect(new Map(support.map((x) => [x.teacher, x.reasons])).get('Давлетова Сауле')).toEqual([
      'осы күнге күтілген 1 іс-шараның 0 қабылданды',
      '1-кезең аяқталмаған, жоспар бойынша 2-кезең жүріп жатыр',
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Есеп',
      'Қолдау',
      'Педагогтер бойынша жиынтық',
      'Педагогтердің іс-шаралары',
      'Сауалнаманы толтырмағандар',
      'Сілтемелер',
      'Жеке жоспарлар',
      'Топтық іс-шаралар',
      'Іс-шараларға қатысу',
    ]);
    const anonymous = await monitoring.halfYearReport({
      cohortId: fx.cohorts.c1.id,
      half: 1,
      year: 2025,
      locale: 'kk',
      anonymised: true,
    });
    expect(anonymous.ok && anonymous.value.markdown).toContain('№ 1 қатысушы');

    // A cohort whose language is Kazakh gets a Kazakh report without asking.
    const c1 = (await store.repositories.cohorts.findById(fx.cohorts.c1.id))!;
    const { cohort: kk } = await store.repositories.cohorts.upsertByCode({
      code: 'KK-2025',
      programmeId: c1.programmeId,
      title: 'Функционалдық сауаттылық',
      courseStart: c1.courseStart,
      courseEnd: c1.courseEnd,
      timeZone: c1.timeZone,
      locale: 'kk',
      curatorIds: [],
      tutorIds: [],
    });
    const own = await monitoring.halfYearReport({ cohortId: kk.id, half: 1, year: 2025 });
    if (!own.ok) throw new Error(JSON.stringify(own.error));
    expect(own.value.locale).toBe('kk');
    expect(RUSSIAN_FRAME.filter((words) => own.value.markdown.includes(words))).toEqual([]);
    expect(own.value.markdown).toContain('**KK-2025 ағыны «Функционалдық сауаттылық»**');
  });

  it('covers every cohort of a programme and rejects bad requests', async () => {
    const r = await monitoring.halfYearReport({ programmeId: fx.programmes.p2.id, half: 1, year: 2025 });
    expect(r.ok && r.value.markdown).toContain('Программа DPP-HUM');
    expect(await monitoring.halfYearReport({ half: 1, year: 2025 })).toMatchObject({
      ok: true,
      value: { markdown: expect.stringContaining('Центр в целом') },
    });
    expect(
      await monitoring.halfYearReport({
        cohortId: fx.cohorts.c1.id,
        programmeId: fx.programmes.p2.id,
        half: 1,
        year: 2025,
      }),
    ).toMatchObject({ ok: false, error: { kind: 'bad_request' } });
    expect(await monitoring.halfYearReport({ cohortId: 'nope', half: 1, year: 2025 })).toEqual({
      ok: false,
      error: { kind: 'not_found', what: 'cohort' },
    });
  });
});

describe('HTTP API', () => {
  const TOKEN = 'a'.repeat(20) + 'b'.repeat(20);

  async function serve(apiToken: string | undefined) {
    const routes: Record<string, RouteHandler> = {
      'GET /healthz': async () => ({ status: 200, body: { status: 'ok' } }),
      ...monitoringRoutes({ monitoring, apiToken, logger: silentLogger }),
    };
    const server = createHttpServer({ routes, logger: silentLogger });
    const address = await server.listen('127.0.0.1', 0);
    return { server, base: `http://127.0.0.1:${address.port}` };
  }

  it('compares tokens exactly', () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(bearerMatches(TOKEN, TOKEN)).toBe(false);
    expect(bearerMatches(undefined, TOKEN)).toBe(false);
    expect(bearerMatches('Bearer ', TOKEN)).toBe(false);
  });

  it('answers 401 without or with a wrong token, 503 when off, and serves data with the token', async () => {
    const { server, base } = await serve(TOKEN);
    try {
      const none = await fetch(`${base}/api/stats/likert`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const wrong = await fetch(`${base}/api/stats/likert`, { headers: { authorization: `Bearer ${'x'.repeat(40)}` } });
      expect(wrong.status).toBe(401);
      const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
      const likert = await fetch(`${base}/api/stats/likert?cohort=NAT25A`, auth);
      expect(likert.status).toBe(200);
      const rows = (await likert.json()) as { questionId: string; mean: number }[];
      expect(rows.map((r) => [r.questionId, r.mean])).toEqual([
        ['useful', 4],
        ['clear', 3],
      ]);
      const planet = await fetch(`${base}/api/stats?by=planet`, auth);
      expect(planet.status).toBe(400);
      expect(((await planet.json()) as { error: { code: string; message: string } }).error).toEqual({
        code: 'filter_invalid',
        message:
          'by: ожидается один из разрезов: cohort, programme, direction, region, district, settlementType, organisation',
      });
      // The caller's language: ?lang= first, then Accept-Language, else Russian; every error one shape.
      const nope = await fetch(`${base}/api/stats?cohort=NOPE`, {
        headers: { ...auth.headers, 'accept-language': 'kk-KZ, ru;q=0.8' },
      });
      expect(nope.status).toBe(404);
      expect(await nope.json()).toEqual({ error: { code: 'filter_not_found', message: 'Ағын табылмады: NOPE' } });
      const reportMissing = await fetch(`${base}/api/report?cohort=NOPE&half=1&year=2025&lang=en`, auth);
      expect(reportMissing.status).toBe(404);
      expect(await reportMissing.json()).toEqual({
        error: { code: 'filter_not_found', message: 'Cohort not found: NOPE' },
      });
      const reportBad = await fetch(`${base}/api/report?cohort=NAT25A&half=3&year=2025`, auth);
      expect(reportBad.status).toBe(400);
      expect(await reportBad.json()).toEqual({
        error: { code: 'report_bad_half', message: 'half: ожидается 1 или 2' },
      });
      const unknown = await fetch(`${base}/api/nothing`, { headers: { 'accept-language': 'en' } });
      expect(await unknown.json()).toEqual({ error: { code: 'not_found', message: 'Not found' } });

      const csv = await fetch(`${base}/api/export?format=csv&separator=,`, auth);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="sputnik-fb-/);
      const bytes = Buffer.from(await csv.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const xlsx = await fetch(`${base}/api/export?format=xlsx&anonymised=1`, auth);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await xlsx.arrayBuffer());
      expect(wb.worksheets).toHaveLength(2);

      const report = await fetch(`${base}/api/report?cohort=NAT25A&half=1&year=2025`, auth);
      expect(report.status).toBe(200);
      expect(await report.text()).toContain('первое полугодие 2025');
      const centre = await fetch(`${base}/api/report?half=1&year=2025`, auth);
      expect(await centre.text()).toContain('Центр в целом');
      // The roster of NAT25A: its five teachers, each with stages and counts.
      const roster = await fetch(`${base}/api/export?what=participants&format=json&cohort=NAT25A`, auth);
      expect(roster.status).toBe(200);
      expect(((await roster.json()) as { rows: unknown[] }).rows).toHaveLength(5);
      expect((await fetch(`${base}/api/export?what=everything`, auth)).status).toBe(400);
      const png = await fetch(`${base}/api/charts/likert.png?questionnaire=fb`, auth);
      expect(png.headers.get('content-type')).toBe('image/png');
      expect([...Buffer.from(await png.arrayBuffer()).subarray(0, 4)]).toEqual(PNG);
      const sample = await fetch(`${base}/api/sample?size=4&seed=s1`, auth);
      expect(((await sample.json()) as { members: unknown[] }).members).toHaveLength(4);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
    const off = await serve(undefined);
    try {
      const r = await fetch(`${off.base}/api/stats`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(r.status).toBe(503);
      expect(await r.json()).toEqual({
        error: { code: 'api_off', message: 'HTTP API выключен: задайте API_TOKEN, чтобы включить его' },
      });
    } finally {
      await off.server.close();
    }
  });
});

describe('dead links in the half-year report', () => {
  it('lists links the last check found dead, with their state, and counts them', async () => {
    const before = await monitoring.halfYearReport({ cohortId: fx.cohorts.c1.id, half: 1, year: 2025 });
    expect(before.ok && before.value.markdown).toContain('Все проверенные ссылки на материалы открываются.');
    const activities = await store.repositories.activities.listByCohort(fx.cohorts.c1.id);
    const [first, second] = activities;
    // One link of the cohort checked dead in May, one that timed out (could not be checked: not dead),
    // one alive, and one dead only after the report's date.
    await store.repositories.activities.recordLinkCheck(first!.id, {
      url: first!.links[0]!.url,
      checkedAt: new Date('2025-05-20T06:00:00Z'),
      reachable: false,
      status: 'dead',
      httpStatus: 404,
    });
    await store.repositories.activities.recordLinkCheck(second!.id, {
      url: second!.links[0]!.url,
      checkedAt: new Date('2025-05-21T06:00:00Z'),
      reachable: false,
      status: 'timeout',
    });
    await store.repositories.activities.recordLinkCheck(activities[2]!.id, {
      url: activities[2]!.links[0]!.url,
      checkedAt: new Date('2025-05-21T06:00:00Z'),
      reachable: true,
      status: 'alive',
      httpStatus: 200,
    });
    await store.repositories.activities.recordLinkCheck(activities[3]!.id, {
      url: activities[3]!.links[0]!.url,
      checkedAt: new Date('2025-06-20T06:00:00Z'),
      reachable: false,
      status: 'dead',
      httpStatus: 410,
    });
    const r = await monitoring.halfYearReport({ cohortId: fx.cohorts.c1.id, half: 1, year: 2025 });
    if (!r.ok) throw new Error('report');
    expect(r.value.deadLinks.map((d) => [d.activity, d.state])).toEqual([
      [first!.title, 'страница отвечает ошибкой 404'],
    ]);
    expect(r.value.markdown).toContain('| Неработающих ссылок на материалы (по последней проверке) | 1 |');
    expect(r.value.markdown).toContain('## Неработающие ссылки');
    expect(r.value.markdown).toContain('| 20.05.2025 |');
  });
});
