// Every call to the Max Bot API goes through this fetch: paced to Max's documented 30 requests a
// second per bot, and a refused call (429, 502/503/504) retried after a wait. The official client
// takes a `fetch` in its options, so pacing lives here instead of around each call site.
import { MaxError } from '@maxhub/max-bot-api';
import type { SendFailure } from '../../delivery/ports.js';

export type FetchFn = typeof globalThis.fetch;

export interface LimiterOptions {
  /** Max: 30 rps per bot (see README.md in this folder). */
  requestsPerSecond: number;
  /** Attempts after the first for a refused call. */
  retries?: number;
  /** First wait when Max gives no Retry-After; doubles each time, capped by `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  fetch?: FetchFn;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  onRetry?: (info: { path: string; status: number; delayMs: number; attempt: number }) => void;
}

const sleepReal = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * A 429 was not carried out, so it is safe to repeat whatever it was; 502/503/504 mean the request
 * did not reach the bot API behind the proxy. A 500 on POST /messages may have sent the message:
 * not repeated, so nobody gets a question twice.
 */
function retryable(status: number, method: string): boolean {
  if (status === 429 || status === 502 || status === 503 || status === 504) return true;
  return status === 500 && method === 'GET';
}

/** Seconds (or an HTTP date) in Retry-After, if Max sends one; it documents none, so it is optional. */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function pacedFetch(options: LimiterOptions): FetchFn {
  const base = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? sleepReal;
  const now = options.now ?? Date.now;
  const gap = 1000 / options.requestsPerSecond;
  const retries = options.retries ?? 5;
  const baseDelay = options.baseDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 60_000;
  let nextSlot = 0;

  /** The next free slot in one queue for the whole bot; callers wait their turn in order. */
  async function turn(): Promise<void> {
    const at = Math.max(now(), nextSlot);
    nextSlot = at + gap;
    const wait = at - now();
    if (wait > 0) await sleep(wait);
  }

  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? 'GET').toUpperCase();
    // Long polling waits on the server by design and retries by itself (the client's Polling).
    const polling = url.pathname.endsWith('/updates');
    for (let attempt = 0; ; attempt += 1) {
      if (!polling) await turn();
      const response = await base(input, init);
      if (polling || attempt >= retries || !retryable(response.status, method)) return response;
      const delayMs = Math.min(
        maxDelay,
        retryAfterMs(response.headers.get('retry-after'), now()) ?? baseDelay * 2 ** attempt,
      );
      options.onRetry?.({ path: url.pathname, status: response.status, delayMs, attempt: attempt + 1 });
      await response.body?.cancel();
      await sleep(delayMs);
    }
  };
}

/**
 * A failed call in the dispatcher's terms, saying whether trying again later can help. `toUser`:
 * the call wrote to a person (user_id), where "not found" means the account or dialog is gone.
 */
export function failureOf(error: unknown, toUser: boolean): SendFailure {
  if (error instanceof MaxError) {
    const detail = `${error.status} ${error.code ?? ''}: ${error.description ?? ''}`.trim();
    // 403: the person stopped or blocked the bot, or the bot was removed from the group.
    if (error.status === 403) return { ok: false, kind: 'blocked', detail, retryable: false };
    if (error.status === 404) {
      return toUser
        ? { ok: false, kind: 'blocked', detail, retryable: false }
        : { ok: false, kind: 'chat_not_found', detail, retryable: false };
    }
    // Still refused after the limiter's retries: later, it may go through.
    if (error.status === 429 || error.status >= 500) return { ok: false, kind: 'failed', detail, retryable: true };
    // 400 (a bad request), 401 (a bad token): the same call will fail the same way.
    return { ok: false, kind: 'failed', detail, retryable: false };
  }
  const message = error instanceof Error ? error.message : String(error);
  // fetch rejects with a TypeError when the network is down: nothing was sent, later may work.
  if (error instanceof TypeError) return { ok: false, kind: 'failed', detail: `network: ${message}`, retryable: true };
  return { ok: false, kind: 'failed', detail: message, retryable: false };
}
