// The Max limiter: every call paced to the documented 30 requests a second, a refused call retried
// after a wait, and a failure that says whether trying again later can help.
import { MaxError } from '@maxhub/max-bot-api';
import { describe, expect, it } from 'vitest';
import { failureOf, pacedFetch } from '../../../src/channels/max/limiter.js';

/** A manual clock: sleeping moves it, nothing waits for real. */
function clock() {
  let t = 0;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
    slept,
  };
}

function server(statuses: number[], headers: Record<string, string> = {}) {
  const seen: { at: number; url: string }[] = [];
  let i = 0;
  return {
    seen,
    fetch: (c: { now: () => number }) =>
      (async (input: string | URL | Request) => {
        seen.push({ at: c.now(), url: String(input) });
        const status = statuses[Math.min(i++, statuses.length - 1)]!;
        return new Response(
          JSON.stringify(
            status === 200 ? { success: true } : { code: 'too.many.requests', message: 'Too many requests' },
          ),
          { status, headers },
        );
      }) as typeof fetch,
  };
}

describe('pacing', () => {
  it('spaces 90 calls over 3 seconds at 30 a second', async () => {
    const c = clock();
    const s = server([200]);
    const paced = pacedFetch({ requestsPerSecond: 30, fetch: s.fetch(c), sleep: c.sleep, now: c.now });
    for (let i = 0; i < 90; i += 1) await paced('https://platform-api2.max.ru/messages?user_id=1', { method: 'POST' });
    expect(s.seen).toHaveLength(90);
    // The 90th call goes out 89 gaps of 1/30 s after the first.
    expect(s.seen.at(-1)!.at).toBeCloseTo((89 * 1000) / 30, 5);
    expect(s.seen.at(30)!.at).toBeCloseTo(1000, 5);
  });

  it('does not pace or retry long polling (the client polls and backs off by itself)', async () => {
    const c = clock();
    const s = server([429]);
    const paced = pacedFetch({ requestsPerSecond: 1, fetch: s.fetch(c), sleep: c.sleep, now: c.now });
    const first = await paced('https://x/updates?marker=1');
    const second = await paced('https://x/updates?marker=1');
    expect([first.status, second.status]).toEqual([429, 429]);
    expect(c.slept).toEqual([]);
  });
});

describe('retries', () => {
  it('waits out a 429 with Retry-After and then gets through', async () => {
    const c = clock();
    const s = server([429, 429, 200], { 'retry-after': '3' });
    const retries: number[] = [];
    const paced = pacedFetch({
      requestsPerSecond: 1000,
      fetch: s.fetch(c),
      sleep: c.sleep,
      now: c.now,
      onRetry: (r) => retries.push(r.delayMs),
    });
    const response = await paced('https://x/messages?user_id=1', { method: 'POST' });
    expect(response.status).toBe(200);
    expect(s.seen).toHaveLength(3);
    expect(retries).toEqual([3000, 3000]);
  });

  it('backs off 1, 2, 4 s without Retry-After and gives up after the last retry', async () => {
    const c = clock();
    const s = server([503]);
    const retries: number[] = [];
    const paced = pacedFetch({
      requestsPerSecond: 1000,
      retries: 3,
      fetch: s.fetch(c),
      sleep: c.sleep,
      now: c.now,
      onRetry: (r) => retries.push(r.delayMs),
    });
    const response = await paced('https://x/messages?chat_id=1', { method: 'POST' });
    expect(response.status).toBe(503);
    expect(retries).toEqual([1000, 2000, 4000]);
    expect(s.seen).toHaveLength(4);
  });

  it('does not repeat a POST that failed with 500: the message may have gone out', async () => {
    const c = clock();
    const s = server([500, 200]);
    const paced = pacedFetch({ requestsPerSecond: 1000, fetch: s.fetch(c), sleep: c.sleep, now: c.now });
    expect((await paced('https://x/messages?user_id=1', { method: 'POST' })).status).toBe(500);
    expect(s.seen).toHaveLength(1);
  });
});

describe('what a failure means for the sender', () => {
  const maxError = (status: number, code: string) => new MaxError(status, { code, message: code });
  it.each([
    ['403 to a person: blocked, no retry', maxError(403, 'chat.denied'), true, { kind: 'blocked', retryable: false }],
    [
      '404 to a person: the account or dialog is gone',
      maxError(404, 'chat.not.found'),
      true,
      { kind: 'blocked', retryable: false },
    ],
    [
      '404 to a group: the chat is gone',
      maxError(404, 'chat.not.found'),
      false,
      { kind: 'chat_not_found', retryable: false },
    ],
    [
      '429 after the retries: later may work',
      maxError(429, 'too.many.requests'),
      true,
      { kind: 'failed', retryable: true },
    ],
    ['503: later may work', maxError(503, 'service.unavailable'), false, { kind: 'failed', retryable: true }],
    [
      '400: the same call fails the same way',
      maxError(400, 'proto.payload'),
      true,
      { kind: 'failed', retryable: false },
    ],
    ['401: a bad token', maxError(401, 'verify.token'), true, { kind: 'failed', retryable: false }],
    ['network down', new TypeError('fetch failed'), true, { kind: 'failed', retryable: true }],
  ])('%s', (_name, error, toUser, expected) => {
    expect(failureOf(error, toUser)).toMatchObject({ ok: false, ...expected });
  });
});
