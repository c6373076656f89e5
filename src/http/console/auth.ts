// Getting into the console: staff and school administrators log in with a password (throttled per
// login and per address), curators and tutors with a one-time link the bot sends them in chat. A
// session is a random token in an HttpOnly, SameSite=Strict cookie; only its hash is stored.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';
import type { ConsolePrincipal, ConsoleSession } from '../../domain/console.js';
import type { Repositories } from '../../domain/repositories.js';
import type { Logger } from '../../logger.js';
import { verifyPassword } from './passwords.js';

export const SESSION_COOKIE = 'sputnik_console';

export interface ConsoleAuthSettings {
  /** How long a session lasts after login. */
  sessionTtlMs: number;
  /** How long a one-time login link stays valid. */
  loginLinkTtlMs: number;
  /** `auto`: Secure when the request came over HTTPS (directly or per X-Forwarded-Proto). */
  secureCookies: 'auto' | boolean;
  /** Wrong passwords allowed per login (and five times that per address) in 15 minutes. */
  loginAttempts: number;
  /** Believe X-Forwarded-Proto and X-Forwarded-For: only behind a reverse proxy that sets them. */
  trustProxy: boolean;
}

export const DEFAULT_AUTH_SETTINGS: ConsoleAuthSettings = {
  sessionTtlMs: 12 * 60 * 60_000,
  loginLinkTtlMs: 15 * 60_000,
  secureCookies: 'auto',
  loginAttempts: 5,
  trustProxy: false,
};

export const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const token = () => randomBytes(32).toString('base64url');

export type LoginOutcome =
  | { ok: true; cookie: string }
  | { ok: false; reason: 'wrong' | 'throttled'; retryAfterSeconds?: number };

export interface ConsoleAuth {
  passwordLogin(req: IncomingMessage, login: string, password: string): Promise<LoginOutcome>;
  linkLogin(req: IncomingMessage, linkToken: string): Promise<LoginOutcome>;
  /** A fresh single-use link token for a curator or tutor; the caller builds the URL. */
  issueLoginLink(participantId: string): Promise<string>;
  session(req: IncomingMessage): Promise<ConsoleSession | undefined>;
  logout(req: IncomingMessage): Promise<string>;
  csrfMatches(session: ConsoleSession, given: string | null): boolean;
}

// Without a trusted proxy the forwarded headers are the client's own words: a client could claim
// HTTPS, or a new address for every guess at a password.
function isHttps(req: IncomingMessage, trustProxy: boolean): boolean {
  if ('encrypted' in req.socket && req.socket.encrypted === true) return true;
  if (!trustProxy) return false;
  return (
    String(req.headers['x-forwarded-proto'] ?? '')
      .split(',')[0]
      ?.trim()
      .toLowerCase() === 'https'
  );
}

function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  // The proxy appends the address it saw: the last entry is the one no client can forge.
  const forwarded = trustProxy
    ? String(req.headers['x-forwarded-for'] ?? '')
        .split(',')
        .at(-1)
        ?.trim()
    : undefined;
  return forwarded || req.socket.remoteAddress || 'unknown';
}

export function createConsoleAuth(deps: {
  repos: Pick<Repositories, 'console' | 'audit'>;
  settings?: Partial<ConsoleAuthSettings>;
  now?: () => Date;
  logger: Logger;
}): ConsoleAuth {
  const settings = { ...DEFAULT_AUTH_SETTINGS, ...deps.settings };
  const now = deps.now ?? (() => new Date());
  // Made at the first login, not at start: rate-limiter-flexible costs each start ~0.04 s of CPU.
  let limiters: ReturnType<typeof makeLimiters> | undefined;
  const makeLimiters = async () => {
    const { RateLimiterMemory } = await import('rate-limiter-flexible');
    return {
      byLogin: new RateLimiterMemory({ points: settings.loginAttempts, duration: 15 * 60 }),
      byAddress: new RateLimiterMemory({ points: settings.loginAttempts * 5, duration: 15 * 60 }),
    };
  };
  const throttles = () => (limiters ??= makeLimiters());

  const cookieFor = (req: IncomingMessage, value: string, maxAgeSeconds: number) =>
    serializeCookie(SESSION_COOKIE, value, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/console',
      secure: settings.secureCookies === 'auto' ? isHttps(req, settings.trustProxy) : settings.secureCookies,
      maxAge: maxAgeSeconds,
    });

  async function open(req: IncomingMessage, principal: ConsolePrincipal): Promise<string> {
    const secret = token();
    const at = now();
    await deps.repos.console.createSession({
      tokenHash: sha256(secret),
      principal,
      csrfToken: token(),
      createdAt: at,
      expiresAt: new Date(at.getTime() + settings.sessionTtlMs),
    });
    const actor = principal.kind === 'account' ? `account:${principal.accountId}` : principal.participantId;
    await deps.repos.audit.record({
      at,
      actor,
      action: 'console.login',
      subjectType: 'console',
      details: { via: principal.kind === 'account' ? 'password' : 'link' },
    });
    return cookieFor(req, secret, Math.floor(settings.sessionTtlMs / 1000));
  }

  const retryAfter = (error: unknown) =>
    Math.ceil(((error as { msBeforeNext?: number }).msBeforeNext ?? 60_000) / 1000);

  return {
    async passwordLogin(req, login, password) {
      const key = login.trim().toLowerCase();
      const address = clientAddress(req, settings.trustProxy);
      const { byLogin, byAddress } = await throttles();
      const [loginState, addressState] = await Promise.all([byLogin.get(key), byAddress.get(address)]);
      const blocked = [loginState, addressState].find((s) => s !== null && s.remainingPoints <= 0);
      if (blocked) return { ok: false, reason: 'throttled', retryAfterSeconds: Math.ceil(blocked.msBeforeNext / 1000) };
      const account = await deps.repos.console.findAccountByLogin(key);
      // A missing account still costs a hash, so timing does not tell which logins exist.
      let valid = false;
      if (account && !account.disabledAt) valid = await verifyPassword(password, account.passwordHash);
      else await verifyPassword(password, DUMMY_HASH);
      if (!account || !valid) {
        try {
          await Promise.all([byLogin.consume(key), byAddress.consume(address)]);
        } catch (error) {
          return { ok: false, reason: 'throttled', retryAfterSeconds: retryAfter(error) };
        }
        deps.logger.warn('console: failed login');
        await deps.repos.audit.record({
          at: now(),
          actor: 'anonymous',
          action: 'console.login_failed',
          subjectType: 'console',
        });
        return { ok: false, reason: 'wrong' };
      }
      await byLogin.delete(key);
      return { ok: true, cookie: await open(req, { kind: 'account', accountId: account.id }) };
    },

    async linkLogin(req, linkToken) {
      const address = clientAddress(req, settings.trustProxy);
      const { byAddress } = await throttles();
      const state = await byAddress.get(address);
      if (state !== null && state.remainingPoints <= 0) {
        return { ok: false, reason: 'throttled', retryAfterSeconds: Math.ceil(state.msBeforeNext / 1000) };
      }
      const link = linkToken ? await deps.repos.console.consumeLoginLink(sha256(linkToken), now()) : undefined;
      if (!link) {
        await byAddress.consume(address).catch(() => undefined);
        return { ok: false, reason: 'wrong' };
      }
      return { ok: true, cookie: await open(req, { kind: 'participant', participantId: link.participantId }) };
    },

    async issueLoginLink(participantId) {
      const secret = token();
      const at = now();
      await deps.repos.console.createLoginLink({
        tokenHash: sha256(secret),
        participantId,
        createdAt: at,
        expiresAt: new Date(at.getTime() + settings.loginLinkTtlMs),
      });
      return secret;
    },

    async session(req) {
      const secret = parseCookie(req.headers.cookie ?? '')[SESSION_COOKIE];
      if (!secret) return undefined;
      return deps.repos.console.findSession(sha256(secret), now());
    },

    async logout(req) {
      const secret = parseCookie(req.headers.cookie ?? '')[SESSION_COOKIE];
      if (secret) await deps.repos.console.deleteSession(sha256(secret));
      return cookieFor(req, '', 0);
    },

    csrfMatches(session, given) {
      if (!given) return false;
      const a = Buffer.from(sha256(given));
      const b = Buffer.from(sha256(session.csrfToken));
      return timingSafeEqual(a, b);
    },
  };
}

// A real scrypt hash of a random password: verifying against it takes as long as a real check.
const DUMMY_HASH = `scrypt$32768$8$1$c3B1dG5pay1kdW1teS1zYWx0$${Buffer.alloc(32, 7).toString('base64')}`;
