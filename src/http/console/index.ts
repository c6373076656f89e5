// The staff console: server-rendered pages under /console on the bot's own HTTP server. Every page
// needs a session; every POST needs the session's CSRF token; every page checks what the viewer may
// see (src/http/console/viewer.ts).
import type { IncomingMessage } from 'node:http';
import type { RouteHandler, RouteReply } from '../server.js';
import type { ConsoleDeps, PageContext, PageHandler } from './context.js';
import { html } from './html.js';
import { layout } from './layout.js';
import { activitiesPage, reviewActivity } from './pages/activities.js';
import { auditPage } from './pages/audit.js';
import { broadcastsPage, sendBroadcast } from './pages/broadcasts.js';
import { cohortPage, cohortsPage } from './pages/cohorts.js';
import { answerConsultation, consultationsPage } from './pages/consultations.js';
import { homePage } from './pages/home.js';
import { loginPage } from './pages/login.js';
import { exportFile, exportStatus, monitoringPage, reportFile, schedulePage } from './pages/monitoring.js';
import { participantPage, participantsPage } from './pages/participants.js';
import { BodyTooLarge, page, queryOf, readForm, redirect } from './request.js';
import { viewerOf, type ConsoleViewer } from './viewer.js';
import { isLocale, type Locale } from '../../domain/locale.js';
import { langCookie, pickedLocale, sayer } from './i18n.js';

export type { ConsoleDeps, StaffActions, ConsoleFiles } from './context.js';
export { createConsoleAuth, type ConsoleAuth } from './auth.js';

type Gate = 'any' | readonly ConsoleViewer['role'][];

export function consoleRoutes(deps: ConsoleDeps): Record<string, RouteHandler> {
  const { auth, repos, logger } = deps;

  /** The language of a page nobody is logged in to: the switch's choice, else Russian. */
  const anonymousLocale = (req: IncomingMessage): Locale => pickedLocale(req) ?? 'ru';

  function guarded(method: 'GET' | 'POST', gate: Gate, handler: PageHandler): RouteHandler {
    return async (req: IncomingMessage, body: Buffer): Promise<RouteReply> => {
      const session = await auth.session(req);
      const viewer = session ? await viewerOf(repos, session) : undefined;
      if (!session || !viewer) {
        if (method === 'GET') return redirect(`/console/login?next=${encodeURIComponent(req.url ?? '/console')}`);
        const locale = anonymousLocale(req);
        return page(loginPage(locale, { text: sayer(locale)('session_expired'), error: true }), 401);
      }
      const locale = pickedLocale(req) ?? viewer.locale;
      const say = sayer(locale);
      const frame: PageContext['frame'] = (options) => ({
        ...options,
        locale,
        viewer,
        csrf: session.csrfToken,
        here: req.url ?? '/console',
      });
      if (gate !== 'any' && !gate.includes(viewer.role)) {
        return page(
          layout(
            frame({ title: say('forbidden_title') }),
            html`<p>${say('forbidden_text')}</p><p><a href="/console">${say('to_home')}</a></p>`,
          ),
          403,
        );
      }
      let form = new URLSearchParams();
      if (method === 'POST') {
        try {
          form = readForm(body);
        } catch (error) {
          if (error instanceof BodyTooLarge)
            return page(layout(frame({ title: say('too_large_title') }), html`<p>${say('too_large_text')}</p>`), 413);
          throw error;
        }
        if (!auth.csrfMatches(session, form.get('csrf'))) {
          logger.warn({ path: req.url }, 'console: CSRF token missing or wrong');
          return page(layout(frame({ title: say('csrf_title') }), html`<p>${say('csrf_text')}</p>`), 403);
        }
      }
      const ctx: PageContext = { req, viewer, session, locale, say, frame, query: queryOf(req), form, deps };
      return handler(ctx);
    };
  }

  /** Browsers send Origin with every POST; when it names another site, the form was not ours. */
  const sameOrigin = (req: IncomingMessage) => {
    const origin = req.headers.origin;
    if (!origin || origin === 'null') return origin === undefined;
    try {
      const host = new URL(origin).host;
      return host === req.headers.host || host === req.headers['x-forwarded-host'];
    } catch {
      return false;
    }
  };

  const safeNext = (next: string | null) =>
    next && /^\/console(\/[\w-]*)*(\?[^\s]*)?$/.test(next) && !next.startsWith('/console/lang') ? next : '/console';

  return {
    'GET /console/login': async (req) => {
      const query = queryOf(req);
      const next = query.get('next');
      const locale = anonymousLocale(req);
      return page(
        loginPage(
          locale,
          query.has('out') ? { text: sayer(locale)('logged_out') } : undefined,
          next && safeNext(next) === next ? next : undefined,
        ),
      );
    },
    'POST /console/login': async (req, body) => {
      const locale = anonymousLocale(req);
      const say = sayer(locale);
      // No session yet, so no token: a login posted from another site is refused by its Origin.
      if (!sameOrigin(req)) return page(loginPage(locale, { text: say('login_foreign'), error: true }), 403);
      let form: URLSearchParams;
      try {
        form = readForm(body);
      } catch (error) {
        if (error instanceof BodyTooLarge)
          return page(loginPage(locale, { text: say('too_large_text'), error: true }), 413);
        throw error;
      }
      const outcome = await auth.passwordLogin(req, form.get('login') ?? '', form.get('password') ?? '');
      if (outcome.ok) return redirect(safeNext(queryOf(req).get('next')), { 'set-cookie': outcome.cookie });
      if (outcome.reason === 'throttled') {
        const minutes = Math.max(1, Math.ceil((outcome.retryAfterSeconds ?? 60) / 60));
        return page(loginPage(locale, { text: say('login_throttled', { minutes }), error: true }), 429, {
          'retry-after': String(outcome.retryAfterSeconds ?? 60),
        });
      }
      return page(loginPage(locale, { text: say('login_wrong'), error: true }), 401);
    },
    'GET /console/auth': async (req) => {
      const outcome = await auth.linkLogin(req, queryOf(req).get('token') ?? '');
      if (outcome.ok) return redirect('/console', { 'set-cookie': outcome.cookie });
      const locale = anonymousLocale(req);
      const say = sayer(locale);
      const text = outcome.reason === 'throttled' ? say('link_throttled') : say('link_invalid');
      return page(loginPage(locale, { text, error: true }), outcome.reason === 'throttled' ? 429 : 401);
    },
    // The language switch: remembered for this browser, then back to the page it was pressed on.
    'GET /console/lang': async (req) => {
      const query = queryOf(req);
      const to = query.get('to');
      if (!isLocale(to)) return redirect(safeNext(query.get('next')));
      return redirect(safeNext(query.get('next')), { 'set-cookie': langCookie(to) });
    },
    'POST /console/logout': guarded('POST', 'any', async (ctx) =>
      redirect('/console/login?out=1', { 'set-cookie': await auth.logout(ctx.req) }),
    ),

    // A typed or bookmarked "/console/" is the console too, not the server's JSON 404.
    'GET /console/': async (req) => redirect(`/console${new URL(req.url ?? '/', 'http://localhost').search}`),
    'GET /console': guarded('GET', 'any', homePage),
    'GET /console/cohorts': guarded('GET', 'any', cohortsPage),
    'GET /console/cohort': guarded('GET', 'any', cohortPage),
    'GET /console/participants': guarded('GET', 'any', participantsPage),
    'GET /console/participant': guarded('GET', 'any', participantPage),
    'GET /console/activities': guarded('GET', ['staff', 'curator', 'tutor'], activitiesPage),
    'POST /console/activities/review': guarded('POST', ['staff', 'curator'], reviewActivity),
    'GET /console/consultations': guarded('GET', ['staff', 'curator', 'tutor'], consultationsPage),
    'POST /console/consultations/answer': guarded('POST', ['staff', 'curator', 'tutor'], answerConsultation),
    'GET /console/broadcasts': guarded('GET', ['staff', 'curator'], broadcastsPage),
    'POST /console/broadcasts': guarded('POST', ['staff', 'curator'], sendBroadcast),
    'GET /console/monitoring': guarded('GET', ['staff', 'curator', 'tutor'], monitoringPage),
    'GET /console/export': guarded('GET', ['staff', 'curator', 'tutor'], exportFile),
    'GET /console/export/status': guarded('GET', ['staff', 'curator', 'tutor'], exportStatus),
    'GET /console/report': guarded('GET', ['staff', 'curator', 'tutor'], reportFile),
    'GET /console/schedule': guarded('GET', ['staff', 'curator', 'tutor'], schedulePage),
    'GET /console/audit': guarded('GET', ['staff'], auditPage),
  };
}
