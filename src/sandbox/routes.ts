// The sandbox's HTTP side: the page and its script and style, and the "I am the curator" switch,
// which points the demo curator's web chat address at the browser chat that asked. The chat
// itself goes through the web chat channel (src/channels/webchat), like any other channel.
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { LOCALES, type Locale } from '../domain/locale.js';
import type { Repositories } from '../domain/repositories.js';
import type { RouteHandler, RouteReply } from '../http/server.js';
import { WEBCHAT } from '../channels/webchat/index.js';
import { SANDBOX_SCRIPT } from './client.js';
import type { DemoCohort } from './demo.js';
import { SANDBOX_STYLE, sandboxPage } from './page.js';

export const SANDBOX_PATH = '/sandbox';

// Scripts and styles only from this server; nothing inline runs.
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function text(body: string, contentType: string): RouteReply {
  return { status: 200, raw: Buffer.from(body, 'utf8'), headers: { 'content-type': contentType, ...PAGE_HEADERS } };
}

const isLocale = (value: string): value is Locale => (LOCALES as readonly string[]).includes(value);

/** ?lang=kk first, then the browser's languages, then the bot's default. */
export function pageLocale(req: IncomingMessage, fallback: Locale): Locale {
  const asked = new URL(req.url ?? '/', 'http://localhost').searchParams.get('lang');
  if (asked && isLocale(asked)) return asked;
  const accepted = String(req.headers['accept-language'] ?? '')
    .split(',')
    .map((part) => part.trim().slice(0, 2).toLowerCase());
  return accepted.find(isLocale) ?? fallback;
}

const claimSchema = z.strictObject({ chat: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) });

export interface SandboxRouteDeps {
  repos: Repositories;
  demo: DemoCohort;
  defaultLocale: Locale;
  consoleUrl?: string;
  /** A one-time console login for the demo curator, when the console offers one. */
  curatorLogin?: () => Promise<string>;
}

export function sandboxRoutes(deps: SandboxRouteDeps): Record<string, RouteHandler> {
  return {
    [`GET ${SANDBOX_PATH}`]: async (req) => {
      const locale = pageLocale(req, deps.defaultLocale);
      const curatorLoginUrl = deps.curatorLogin ? await deps.curatorLogin() : undefined;
      const html = sandboxPage({
        locale,
        cohortCode: deps.demo.code,
        ...(deps.consoleUrl ? { consoleUrl: deps.consoleUrl } : {}),
        ...(curatorLoginUrl ? { curatorLoginUrl } : {}),
      });
      return text(html, 'text/html; charset=utf-8');
    },
    [`GET ${SANDBOX_PATH}/app.js`]: async () => text(SANDBOX_SCRIPT, 'text/javascript; charset=utf-8'),
    [`GET ${SANDBOX_PATH}/app.css`]: async () => text(SANDBOX_STYLE, 'text/css; charset=utf-8'),
    [`POST ${SANDBOX_PATH}/curator`]: async (_req, body) => {
      let input: unknown;
      try {
        input = JSON.parse(body.toString('utf8'));
      } catch {
        input = undefined;
      }
      const parsed = claimSchema.safeParse(input);
      if (!parsed.success)
        return { status: 400, body: { error: 'expected {"chat": "<id from POST /webchat/chats>"}' } };
      const holder = await deps.repos.participants.findByAddress(WEBCHAT, parsed.data.chat);
      if (holder && holder.id !== deps.demo.curatorId)
        return { status: 409, body: { error: 'this chat belongs to a teacher; open a new one' } };
      const linked = await deps.repos.participants.linkAddress(deps.demo.curatorId, {
        channel: WEBCHAT,
        id: parsed.data.chat,
      });
      if (!linked?.ok) return { status: 409, body: { error: 'the demo curator could not take this chat' } };
      return { status: 200, body: { ok: true } };
    },
  };
}
