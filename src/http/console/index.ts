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

export type { ConsoleDeps, StaffActions, ConsoleFiles } from './context.js';
export { createConsoleAuth, type ConsoleAuth } from './auth.js';

type Gate = 'any' | readonly ConsoleViewer['role'][];

export function consoleRoutes(deps: ConsoleDeps): Record<string, RouteHandler> {
  const { auth, repos, logger } = deps;

  const forbidden = (viewer: ConsoleViewer, csrf: string) =>
    page(layout({ title: 'Нет доступа', viewer, csrf }, html`<p>Эта страница вам недоступна.</p><p><a href="/console">На главную</a></p>`), 403);

  function guarded(method: 'GET' | 'POST', gate: Gate, handler: PageHandler): RouteHandler {
    return async (req: IncomingMessage, body: Buffer): Promise<RouteReply> => {
      const session = await auth.session(req);
      const viewer = session ? await viewerOf(repos, session) : undefined;
      if (!session || !viewer) {
        if (method === 'GET') return redirect(`/console/login?next=${encodeURIComponent(req.url ?? '/console')}`);
        return page(loginPage({ text: 'Сессия истекла, войдите снова.', error: true }), 401);
      }
      if (gate !== 'any' && !gate.includes(viewer.role)) return forbidden(viewer, session.csrfToken);
      let form = new URLSearchParams();
      if (method === 'POST') {
        try {
          form = readForm(body);
        } catch (error) {
          if (error instanceof BodyTooLarge) return page(layout({ title: 'Слишком большой запрос' }, html`<p>Форма слишком большая.</p>`), 413);
          throw error;
        }
        if (!auth.csrfMatches(session, form.get('csrf'))) {
          logger.warn({ path: req.url }, 'console: CSRF token missing or wrong');
          return page(layout({ title: 'Запрос отклонён', viewer, csrf: session.csrfToken }, html`<p>Форма устарела или пришла не со страницы консоли. Обновите страницу и повторите.</p>`), 403);
        }
      }
      const ctx: PageContext = { req, viewer, session, query: queryOf(req), form, deps };
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

  const safeNext = (next: string | null) => (next && /^\/console(\/[\w-]*)?(\?[^\s]*)?$/.test(next) ? next : '/console');

  return {
    'GET /console/login': async (req) => {
      const query = queryOf(req);
      const next = query.get('next');
      return page(loginPage(query.has('out') ? { text: 'Вы вышли из консоли.' } : undefined, next && safeNext(next) === next ? next : undefined));
    },
    'POST /console/login': async (req, body) => {
      // No session yet, so no token: a login posted from another site is refused by its Origin.
      if (!sameOrigin(req)) return page(loginPage({ text: 'Форма входа пришла не со страницы консоли.', error: true }), 403);
      let form: URLSearchParams;
      try {
        form = readForm(body);
      } catch (error) {
        if (error instanceof BodyTooLarge) return page(loginPage({ text: 'Слишком большой запрос.', error: true }), 413);
        throw error;
      }
      const outcome = await auth.passwordLogin(req, form.get('login') ?? '', form.get('password') ?? '');
      if (outcome.ok) return redirect(safeNext(queryOf(req).get('next')), { 'set-cookie': outcome.cookie });
      if (outcome.reason === 'throttled') {
        const minutes = Math.max(1, Math.ceil((outcome.retryAfterSeconds ?? 60) / 60));
        return page(loginPage({ text: `Слишком много неудачных попыток. Повторите через ${minutes} мин.`, error: true }), 429, { 'retry-after': String(outcome.retryAfterSeconds ?? 60) });
      }
      return page(loginPage({ text: 'Неверный логин или пароль.', error: true }), 401);
    },
    'GET /console/auth': async (req) => {
      const outcome = await auth.linkLogin(req, queryOf(req).get('token') ?? '');
      if (outcome.ok) return redirect('/console', { 'set-cookie': outcome.cookie });
      const text = outcome.reason === 'throttled'
        ? 'Слишком много попыток. Повторите позже.'
        : 'Ссылка недействительна: она одноразовая и действует 15 минут. Попросите у бота новую командой /console.';
      return page(loginPage({ text, error: true }), outcome.reason === 'throttled' ? 429 : 401);
    },
    'POST /console/logout': guarded('POST', 'any', async (ctx) => redirect('/console/login?out=1', { 'set-cookie': await auth.logout(ctx.req) })),

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
