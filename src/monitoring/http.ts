// The staff HTTP API under /api: aggregates as JSON, exports as files, the half-year report and
// charts. Every route needs `Authorization: Bearer <API_TOKEN>`; the token holder acts as staff.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Locale } from '../domain/locale.js';
import { errorBody, requestLocale } from '../http/locale.js';
import type { RouteHandler, RouteReply } from '../http/server.js';
import { t } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { EXPORT_FORMATS, exportErrorText, type ExportFormat } from './export.js';
import { FILTER_FIELDS, filterErrorText, type FilterError } from './filters.js';
import { reportErrorText, type ReportError } from './report.js';
import { marginals } from './sampling.js';
import type { Monitoring } from './service.js';

export interface MonitoringRoutesDeps {
  monitoring: Monitoring;
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

const json = (status: number, body: unknown, headers?: Record<string, string>): RouteReply => ({
  status,
  body,
  ...(headers ? { headers } : {}),
});

/** Every refusal: `{ error: { code, message } }`, the message in the caller's language. */
const fail = (status: number, code: string, message: string, headers?: Record<string, string>): RouteReply =>
  json(status, errorBody(code, message), headers);

const filterFailure = (error: FilterError, locale: Locale): RouteReply =>
  fail(error.kind === 'not_found' ? 404 : 400, `filter_${error.kind}`, filterErrorText(error, locale));

function reportFailure(error: ReportError | FilterError, locale: Locale, value: string): RouteReply {
  if (error.kind === 'not_found' && 'value' in error) return filterFailure(error, locale);
  if (error.kind === 'not_found') return fail(404, 'not_found', reportErrorText(error, locale, value));
  if (error.kind === 'bad_request') return fail(400, `report_bad_${error.reason}`, reportErrorText(error, locale));
  return filterFailure(error, locale);
}

function query(req: IncomingMessage): URLSearchParams {
  return new URL(req.url ?? '/', 'http://localhost').searchParams;
}

function filterBag(params: URLSearchParams): Record<string, string | undefined> {
  return Object.fromEntries(FILTER_FIELDS.map((k) => [k, params.get(k) ?? undefined]));
}

/** RFC 6266: an ASCII fallback and the UTF-8 name. */
function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

type Handler = (req: IncomingMessage, params: URLSearchParams, locale: Locale) => Promise<RouteReply>;

/** The routes to mount on the HTTP server next to /healthz. They reach monitoring only through its facade. */
export function monitoringRoutes(deps: MonitoringRoutesDeps): Record<string, RouteHandler> {
  const { monitoring } = deps;
  const guard =
    (handler: Handler): RouteHandler =>
    async (req) => {
      const locale = requestLocale(req);
      if (!deps.apiToken) return fail(503, 'api_off', t(locale, 'monitoring.api_off'));
      if (!bearerMatches(req.headers.authorization, deps.apiToken)) {
        deps.logger.warn(
          { path: new URL(req.url ?? '/', 'http://localhost').pathname },
          'api: missing or wrong bearer token',
        );
        return fail(401, 'unauthorized', t(locale, 'monitoring.api_unauthorized'), {
          'www-authenticate': 'Bearer realm="sputnik"',
        });
      }
      return handler(req, query(req), locale);
    };

  const aggregate = (pick: (a: Awaited<ReturnType<Monitoring['aggregates']>>) => unknown): RouteHandler =>
    guard(async (_req, params, locale) => {
      const scope = await monitoring.scopeFromFilters(filterBag(params));
      if (!scope.ok) return filterFailure(scope.error, locale);
      return json(200, pick(await monitoring.aggregates(scope.value, locale)));
    });

  return {
    'GET /api/stats': aggregate((a) => a),
    'GET /api/stats/response-rate': aggregate((a) => a.responseRate),
    'GET /api/stats/distributions': aggregate((a) => a.distributions),
    'GET /api/stats/likert': aggregate((a) => a.likert),
    'GET /api/stats/activities': aggregate((a) => ({ activities: a.activities, byTypeAndLevel: a.activityKinds })),
    'GET /api/stats/stages': aggregate((a) => a.stages),
    'GET /api/stats/consultations': aggregate((a) => a.consultations),

    'GET /api/export': guard(async (_req, params, locale) => {
      const format = (params.get('format') ?? 'xlsx') as ExportFormat;
      if (!EXPORT_FORMATS.includes(format)) {
        return fail(400, 'bad_format', t(locale, 'monitoring.api_bad_format', { list: EXPORT_FORMATS.join(', ') }));
      }
      const separator = params.get('separator') ?? ';';
      if (separator !== ';' && separator !== ',')
        return fail(400, 'bad_separator', t(locale, 'monitoring.api_bad_separator'));
      const scope = await monitoring.scopeFromFilters(filterBag(params));
      if (!scope.ok) return filterFailure(scope.error, locale);
      const what = params.get('what') ?? 'responses';
      if (what === 'activities' || what === 'participants') {
        const file = await monitoring.exportYear({
          what,
          format,
          anonymised: params.get('anonymised') === '1' || params.get('anonymised') === 'true',
          separator,
          ...(scope.value.cohortIds ? { cohortIds: scope.value.cohortIds } : {}),
        });
        return {
          status: 200,
          raw: file.stream,
          headers: {
            'content-type': file.contentType,
            'content-disposition': attachment(file.filename),
            'x-export-rows': String(file.total),
            'x-export-empty': String(file.empty),
          },
        };
      }
      if (what !== 'responses') return fail(400, 'bad_what', t(locale, 'monitoring.api_bad_what'));
      const { by: _by, ...exportScope } = scope.value;
      const result = await monitoring.exportFile({
        format,
        scope: exportScope,
        anonymised: params.get('anonymised') === '1' || params.get('anonymised') === 'true',
        includeIncomplete: params.get('all') === '1',
        separator,
        locale,
      });
      if (!result.ok) {
        return json(
          400,
          errorBody(result.error.kind, exportErrorText(result.error, locale), {
            questionnaireIds: result.error.questionnaireIds,
          }),
        );
      }
      return {
        status: 200,
        raw: result.value.stream,
        headers: {
          'content-type': result.value.contentType,
          'content-disposition': attachment(result.value.filename),
          'x-export-rows': String(result.value.total),
          'x-export-empty': String(result.value.empty),
        },
      };
    }),

    'GET /api/report': guard(async (_req, params, locale) => {
      const cohort = params.get('cohort') ?? undefined;
      const programme = params.get('programme') ?? undefined;
      const half = Number(params.get('half'));
      const year = Number(params.get('year'));
      const format = params.get('format') ?? 'md';
      if (format !== 'md' && format !== 'xlsx')
        return fail(400, 'bad_format', t(locale, 'monitoring.report_bad_format'));
      // ?lang=ru|kk chooses the report's language; without it, the cohort's (Accept-Language is the caller's, not the document's).
      const lang = params.get('lang');
      const report = await monitoring.halfYearReportFor({
        ...(cohort ? { cohort } : {}),
        ...(programme ? { programme } : {}),
        half: half as 1 | 2,
        year,
        ...(lang === 'ru' || lang === 'kk' ? { locale: lang } : {}),
      });
      if (!report.ok) return reportFailure(report.error, locale, cohort ?? programme ?? '');
      if (format === 'xlsx') {
        return {
          status: 200,
          raw: report.value.xlsx,
          headers: {
            'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            'content-disposition': attachment(`report-${year}-h${half}.xlsx`),
          },
        };
      }
      return {
        status: 200,
        raw: Buffer.from(report.value.markdown, 'utf8'),
        headers: { 'content-type': 'text/markdown; charset=utf-8' },
      };
    }),

    'GET /api/charts/response-rate.png': guard(async (_req, params, locale) => {
      const scope = await monitoring.scopeFromFilters(filterBag(params));
      if (!scope.ok) return filterFailure(scope.error, locale);
      const [chart] = await monitoring.charts(scope.value);
      if (!chart) return fail(404, 'no_data', t(locale, 'monitoring.export_no_data'));
      return { status: 200, raw: chart.png, headers: { 'content-type': 'image/png' } };
    }),

    'GET /api/charts/likert.png': guard(async (_req, params, locale) => {
      const scope = await monitoring.scopeFromFilters(filterBag(params));
      if (!scope.ok) return filterFailure(scope.error, locale);
      const chart = (await monitoring.charts(scope.value))[1];
      if (!chart) return fail(404, 'no_likert', t(locale, 'monitoring.api_no_likert'));
      return { status: 200, raw: chart.png, headers: { 'content-type': 'image/png' } };
    }),

    'GET /api/sample': guard(async (_req, params, locale) => {
      const size = Number(params.get('size'));
      const seed = params.get('seed') ?? '';
      if (!Number.isInteger(size) || size < 1) return fail(400, 'bad_size', t(locale, 'monitoring.api_sample_size'));
      if (!seed) return fail(400, 'no_seed', t(locale, 'monitoring.api_sample_seed'));
      const scope = await monitoring.scopeFromFilters(filterBag(params));
      if (!scope.ok) return filterFailure(scope.error, locale);
      const sample = await monitoring.drawSample({
        size,
        seed,
        ...(scope.value.cohortIds ? { cohortIds: scope.value.cohortIds } : {}),
      });
      return json(200, { ...sample, marginals: marginals(sample) });
    }),
  };
}
