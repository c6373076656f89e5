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
    expect(r.value).toContain('Обратная связь по курсу (exit): 3 из 5 (60%)');
    expect(r.value.length).toBeLessThan(4096);
    const staff = await monitoring.statsText({ participantId: fx.staff.id, locale: 'kk' });
    expect(staff.ok && staff.value).toContain('барлық ағындар');
  });

  it('refuses teachers and cohorts outside the requester’s own', async () => {
    expect(await monitoring.statsText({ participantId: fx.teachers.t1!.id })).toEqual({ ok: false, error: { kind: 'forbidden' } });
    expect(await monitoring.statsText({ participantId: fx.curator.id, cohortId: fx.cohorts.c2.id })).toEqual({ ok: false, error: { kind: 'not_in_scope' } });
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
    expect(halfYearPeriod(1, 2026)).toEqual({ from: new Date('2025-10-01T00:00:00Z'), to: new Date('2026-06-01T00:00:00Z'), due: new Date('2026-06-01T00:00:00Z') });
    expect(halfYearPeriod(2, 2026)).toEqual({ from: new Date('2026-06-01T00:00:00Z'), to: new Date('2026-10-01T00:00:00Z'), due: new Date('2026-10-01T00:00:00Z') });
  });

  it('summarises a cohort in Russian, as Markdown, XLSX and charts, with who needs support', async () => {
    const r = await monitoring.halfYearReport({ cohortId: fx.cohorts.c1.id, half: 1, year: 2025 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { markdown, xlsx, charts, support } = r.value;
    expect(markdown).toContain('# Отчёт о посткурсовом сопровождении за первое полугодие 2025 г.');
    expect(markdown).toContain('Период: 01.10.2024 – 31.05.2025. Срок представления: до 1 июня 2025 г.');
    expect(markdown).toContain('| Слушателей на сопровождении | 5 |');
    expect(markdown).toContain('| Заполнено анкет (из приглашённых) | 3 из 5 (60 %) |');
    expect(markdown).toContain('Ниже всего оценено: «Материалы понятны»');
    // Four months after the course one accepted activity is expected; stage 1 is due (stage 2 runs).
    const reasons = new Map(support.map((s) => [s.teacher, s.reasons]));
    expect([...reasons.keys()].sort()).toEqual(['Абаева Айгерим', 'Гусеваанна', 'Давлетова Сауле', '=HYPERLINK("http://evil")'].sort());
    expect(reasons.get('Давлетова Сауле')).toEqual(['принято мероприятий 0 из 1, ожидаемых к этой дате', 'этап 1 не завершён, по плану идёт этап 2']);
    expect(reasons.get('Абаева Айгерим')).toEqual(['мероприятий на доработке: 1']);
    expect(reasons.get('=HYPERLINK("http://evil")')).toEqual(['запрос на консультацию без ответа дольше 14 дней: 1']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Отчёт', 'Поддержка']);
    const names: unknown[] = [];
    wb.getWorksheet('Поддержка')!.eachRow((row) => names.push(row.getCell(1).value));
    // A typed string cell: shown as written, never evaluated, so no apostrophe in an XLSX.
    expect(names).toContain('=HYPERLINK("http://evil")');
    expect(charts.map((c) => c.filename)).toEqual(['response-rate.png', 'likert-fb.png']);
    const anonymous = await monitoring.halfYearReport({ cohortId: fx.cohorts.c1.id, half: 1, year: 2025, anonymised: true });
    expect(anonymous.ok && anonymous.value.markdown).not.toContain('Абаева');
  });

  it('covers every cohort of a programme and rejects bad requests', async () => {
    const r = await monitoring.halfYearReport({ programmeId: fx.programmes.p2.id, half: 1, year: 2025 });
    expect(r.ok && r.value.markdown).toContain('Программа DPP-HUM');
    expect(await monitoring.halfYearReport({ half: 1, year: 2025 })).toMatchObject({ ok: false, error: { kind: 'bad_request' } });
    expect(await monitoring.halfYearReport({ cohortId: 'nope', half: 1, year: 2025 })).toEqual({ ok: false, error: { kind: 'not_found', what: 'cohort' } });
  });
});

describe('HTTP API', () => {
  const TOKEN = 'a'.repeat(20) + 'b'.repeat(20);

  async function serve(apiToken: string | undefined) {
    const routes: Record<string, RouteHandler> = {
      'GET /healthz': async () => ({ status: 200, body: { status: 'ok' } }),
      ...monitoringRoutes({ monitoring, store, catalog: fx.catalog, apiToken, logger: silentLogger }),
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
      expect(rows.map((r) => [r.questionId, r.mean])).toEqual([['useful', 4], ['clear', 3]]);
      expect((await fetch(`${base}/api/stats?by=planet`, auth)).status).toBe(400);
      expect((await fetch(`${base}/api/stats?cohort=NOPE`, auth)).status).toBe(400);

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
      expect(((await r.json()) as { error: string }).error).toMatch(/API_TOKEN/);
    } finally {
      await off.server.close();
    }
  });
});
