// The staff HTTP API under /api: aggregates as JSON, exports as files, the half-year report and
// charts. Every route needs `Authorization: Bearer <API_TOKEN>`; the token holder acts as staff.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RouteHandler, RouteReply } from '../http/server.js';
import type { Logger } from '../logger.js';
import type { Models } from '../store/models/index.js';
import { STAFF_ACCESS } from './access.js';
import { aggregateCharts } from './report.js';
import { createExport, EXPORT_FORMATS, exportErrorText, type ExportFormat } from './export.js';
import { findIds, parseFilterInput, resolveScope } from './filters.js';
import type { Monitoring } from './service.js';
import { drawStratifiedSample, marginals } from './sampling.js';
import { loadSamplingUnits } from './sample-store.js';
import type { QuestionnaireCatalog } from '../questionnaires/index.js';
import type { Connection } from 'mongoose';

export interface MonitoringRoutesDeps {
  monitoring: Monitoring;
  store: { connection: Connection; models: Models };
  catalog: QuestionnaireCatalog;
  /** config.api.token; undefined turns the API off. */
  apiToken: string | undefined;
  logger: Logger;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time: hashing first makes both sides the same length, so length leaks nothing either. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const given = match?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(token)) && given.length > 0;
}

const json = (status: number, body: unknown, headers?: Record<string, string>): RouteReply => ({ status, body, ...(headers ? { headers } : {}) });

function query(req: IncomingMessage): URLSearchParams {
  return new URL(req.url ?? '/', 'http://localhost').searchParams;
}

const FILTER_KEYS = ['cohort', 'programme', 'from', 'to', 'questionnaire', 'version', 'by'] as const;

function filterBag(params: URLSearchParams): Record<string, string | undefined> {
  return Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? undefined]));
}

/** RFC 6266: an ASCII fallback and the UTF-8 name. */
function attachment(filename: string): string {
  return `attachment; filename="${filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** The routes to mount on the HTTP server next to /healthz. */
export function monitoringRoutes(deps: MonitoringRoutesDeps): Record<string, RouteHandler> {
  const { models } = deps.store;
  const guard =
    (handler: (req: IncomingMessage, params: URLSearchParams) => Promise<RouteReply>): RouteHandler =>
    async (req) => {
      if (!deps.apiToken) return json(503, { error: 'the HTTP API is off: set API_TOKEN to turn it on' });
      if (!bearerMatches(req.headers.authorization, deps.apiToken)) {
        deps.logger.warn({ path: new URL(req.url ?? '/', 'http://localhost').pathname }, 'api: missing or wrong bearer token');
        return json(401, { error: 'unauthorized: send Authorization: Bearer <API_TOKEN>' }, { 'www-authenticate': 'Bearer realm="sputnik"' });
      }
      return handler(req, query(req));
    };

  const scopeFrom = async (params: URLSearchParams) => {
    const input = parseFilterInput(filterBag(params));
    if (!input.ok) return input;
    return resolveScope(models, STAFF_ACCESS, input.value);
  };

  const aggregate = (pick: (a: Awaited<ReturnType<Monitoring['aggregates']>>) => unknown): RouteHandler =>
    guard(async (_req, params) => {
      const scope = await scopeFrom(params);
      if (!scope.ok) return json(400, { error: scope.error });
      return json(200, pick(await deps.monitoring.aggregates(scope.value, 'ru')));
    });

  return {
    'GET /api/stats': aggregate((a) => a),
    'GET /api/stats/response-rate': aggregate((a) => a.responseRate),
    'GET /api/stats/distributions': aggregate((a) => a.distributions),
    'GET /api/stats/likert': aggregate((a) => a.likert),
    'GET /api/stats/activities': aggregate((a) => ({ activities: a.activities, byTypeAndLevel: a.activityKinds })),
    'GET /api/stats/stages': aggregate((a) => a.stages),
    'GET /api/stats/consultations': aggregate((a) => a.consultations),

    'GET /api/export': guard(async (_req, params) => {
      const format = (params.get('format') ?? 'xlsx') as ExportFormat;
      if (!EXPORT_FORMATS.includes(format)) return json(400, { error: `format: expected one of ${EXPORT_FORMATS.join(', ')}` });
      const separator = params.get('separator') ?? ';';
      if (separator !== ';' && separator !== ',') return json(400, { error: 'separator: expected ; or ,' });
      const scope = await scopeFrom(params);
      if (!scope.ok) return json(400, { error: scope.error });
      const what = params.get('what') ?? 'responses';
      if (what === 'activities' || what === 'participants') {
        const file = await deps.monitoring.exportYear({
          what, format, anonymised: params.get('anonymised') === '1' || params.get('anonymised') === 'true', separator,
          ...(scope.value.cohortIds ? { cohortIds: scope.value.cohortIds } : {}),
        });
        return { status: 200, raw: file.stream, headers: { 'content-type': file.contentType, 'content-disposition': attachment(file.filename), 'x-export-rows': String(file.total) } };
      }
      if (what !== 'responses') return json(400, { error: 'what: expected responses, activities or participants' });
      const { by: _by, ...exportScope } = scope.value;
      const result = await createExport(
        { models, catalog: deps.catalog },
        { format, access: STAFF_ACCESS, scope: exportScope, anonymised: params.get('anonymised') === '1' || params.get('anonymised') === 'true', includeIncomplete: params.get('all') === '1', separator },
      );
      if (!result.ok) return json(result.error.kind === 'no_data' ? 404 : 400, { error: exportErrorText(result.error, 'ru'), ...result.error });
      return { status: 200, raw: result.value.stream, headers: { 'content-type': result.value.contentType, 'content-disposition': attachment(result.value.filename) } };
    }),

    'GET /api/report': guard(async (_req, params) => {
      const cohort = params.get('cohort');
      const programme = params.get('programme');
      if (cohort && programme) return json(400, { error: 'give cohort or programme (a code or an id), or neither for the whole centre' });
      let subject = {};
      if (cohort || programme) {
        const target = cohort ? await findIds(models.cohort, [cohort], 'cohort') : await findIds(models.programme, [programme!], 'programme');
        if (!target.ok) return json(404, { error: target.error });
        const id = target.value[0]!.toHexString();
        subject = cohort ? { cohortId: id } : { programmeId: id };
      }
      const half = Number(params.get('half'));
      const year = Number(params.get('year'));
      const report = await deps.monitoring.halfYearReport({ ...subject, half: half as 1 | 2, year });
      if (!report.ok) return json(report.error.kind === 'not_found' ? 404 : 400, report.error);
      const format = params.get('format') ?? 'md';
      if (format === 'xlsx') return { status: 200, raw: report.value.xlsx, headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'content-disposition': attachment(`report-${year}-h${half}.xlsx`) } };
      if (format === 'md') return { status: 200, raw: Buffer.from(report.value.markdown, 'utf8'), headers: { 'content-type': 'text/markdown; charset=utf-8' } };
      return json(400, { error: 'format: expected md or xlsx' });
    }),

    'GET /api/charts/response-rate.png': guard(async (_req, params) => {
      const scope = await scopeFrom(params);
      if (!scope.ok) return json(400, { error: scope.error });
      const [chart] = aggregateCharts(await deps.monitoring.aggregates({ ...scope.value, by: undefined }, 'ru'));
      return { status: 200, raw: chart!.png, headers: { 'content-type': 'image/png' } };
    }),

    'GET /api/charts/likert.png': guard(async (_req, params) => {
      const scope = await scopeFrom(params);
      if (!scope.ok) return json(400, { error: scope.error });
      const charts = aggregateCharts(await deps.monitoring.aggregates({ ...scope.value, by: undefined }, 'ru')).slice(1);
      const chart = charts[0];
      if (!chart) return json(404, { error: 'no Likert answers in this scope' });
      return { status: 200, raw: chart.png, headers: { 'content-type': 'image/png' } };
    }),

    'GET /api/sample': guard(async (_req, params) => {
      const size = Number(params.get('size'));
      const seed = params.get('seed') ?? '';
      if (!Number.isInteger(size) || size < 1) return json(400, { error: 'size: expected a whole number of at least 1' });
      if (!seed) return json(400, { error: 'seed: required, so the draw can be repeated' });
      const scope = await scopeFrom(params);
      if (!scope.ok) return json(400, { error: scope.error });
      const sample = drawStratifiedSample(await loadSamplingUnits(deps.store.connection, scope.value.cohortIds ? { cohortIds: scope.value.cohortIds } : {}), size, seed);
      return json(200, { ...sample, marginals: marginals(sample) });
    }),
  };
}
