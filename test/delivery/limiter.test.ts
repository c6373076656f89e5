// The outgoing limiter on a clock the test moves: every send time is known, so each limit is
// checked over every sliding window, not on average.
import { describe, expect, it } from 'vitest';
import { createLimiter, type LimiterClock, type RateLimit } from '../../src/delivery/limiter.js';
import { FakeClock, busiest } from '../support/fake-clock.js';

const TELEGRAM = {
  global: { limit: 30, windowMs: 1000 },
  private: [{ limit: 1, windowMs: 1000 }],
  group: [
    { limit: 1, windowMs: 1000 },
    { limit: 20, windowMs: 60_000 },
  ],
};

function telegramLike(clock: FakeClock) {
  const sends: { chat: string; at: number; label: string }[] = [];
  const limiter = createLimiter<{ ok: boolean; retryAfter?: number }>({
    global: TELEGRAM.global,
    chatLimits: (chat): readonly RateLimit[] => (chat.startsWith('-') ? TELEGRAM.group : TELEGRAM.private),
    pauseFor: (r) => (r.retryAfter ? r.retryAfter * 1000 : undefined),
    clock,
  });
  const send = (
    chat: string,
    label: string,
    priority: 'reply' | 'bulk' = 'bulk',
    result: () => { ok: boolean; retryAfter?: number } = () => ({ ok: true }),
  ) =>
    limiter.schedule(chat, priority, async () => {
      sends.push({ chat, at: clock.now(), label });
      return result();
    });
  return { limiter, sends, send };
}

describe('outgoing limiter', () => {
  it('never lets more than 30 sends into any second, and reaches 1,000 chats in 1,000 / 30 seconds', async () => {
    const clock = new FakeClock();
    const { sends, send } = telegramLike(clock);
    const all = Array.from({ length: 1000 }, (_, i) => send(`chat${i}`, `m${i}`));
    await clock.advance(40_000);
    await Promise.all(all);
    expect(sends).toHaveLength(1000);
    expect(
      busiest(
        sends.map((s) => s.at),
        1000,
      ),
    ).toBe(30);
    // The 1,000th send may go once 33 full seconds have passed: the platform's floor, not more.
    expect(Math.max(...sends.map((s) => s.at))).toBe(33_000);
  });

  it('keeps a group to 20 a minute and a chat to one a second, in the order they were queued', async () => {
    const clock = new FakeClock();
    const { sends, send } = telegramLike(clock);
    const group = Array.from({ length: 25 }, (_, i) => send('-100', `g${i}`));
    const person = Array.from({ length: 5 }, (_, i) => send('42', `p${i}`));
    await clock.advance(130_000);
    await Promise.all([...group, ...person]);
    const inGroup = sends.filter((s) => s.chat === '-100');
    expect(inGroup.map((s) => s.label)).toEqual(Array.from({ length: 25 }, (_, i) => `g${i}`));
    expect(
      busiest(
        inGroup.map((s) => s.at),
        60_000,
      ),
    ).toBe(20);
    expect(
      busiest(
        inGroup.map((s) => s.at),
        1000,
      ),
    ).toBe(1);
    const toPerson = sends.filter((s) => s.chat === '42');
    expect(toPerson.map((s) => s.at)).toEqual([0, 1000, 2000, 3000, 4000]);
  });

  it('sends a reply to a teacher who just wrote before the broadcast queued ahead of it', async () => {
    const clock = new FakeClock();
    const { sends, send } = telegramLike(clock);
    const broadcast = Array.from({ length: 300 }, (_, i) => send(`chat${i}`, `b${i}`));
    await clock.advance(1500);
    const reply = send('teacher', 'reply', 'reply');
    await clock.advance(600);
    await reply;
    const at = sends.find((s) => s.label === 'reply')!.at;
    // Queued at 1.5 s behind 240 broadcast messages, it goes with the next free slot (at 2 s).
    expect(at).toBe(2000);
    expect(sends.filter((s) => s.label.startsWith('b') && s.at < at)).toHaveLength(60);
    await clock.advance(20_000);
    await Promise.all(broadcast);
    expect(
      busiest(
        sends.map((s) => s.at),
        1000,
      ),
    ).toBe(30);
  });

  it('stops every send for retry_after when one is refused, then sends the refused one first', async () => {
    const clock = new FakeClock();
    const { sends, send } = telegramLike(clock);
    let refused = false;
    const first = send('a', 'refused-once', 'bulk', () => {
      if (refused) return { ok: true };
      refused = true;
      return { ok: false, retryAfter: 5 };
    });
    await clock.advance(10);
    const others = Array.from({ length: 10 }, (_, i) => send(`chat${i}`, `o${i}`));
    await clock.advance(20_000);
    expect(await first).toEqual({ ok: true });
    await Promise.all(others);
    // The refused attempt at 0, then nothing until 5 s, when the refused message goes first.
    expect(sends.map((s) => `${s.label}@${s.at}`).slice(0, 3)).toEqual([
      'refused-once@0',
      'refused-once@5000',
      'o0@5000',
    ]);
    expect(sends.filter((s) => s.at > 0 && s.at < 5000)).toEqual([]);
  });

  it('counts a send from when its call returns, so however long each HTTP call takes, no second at the server holds more than 30', async () => {
    const clock = new FakeClock();
    const limiter = createLimiter<boolean>({ global: TELEGRAM.global, chatLimits: () => TELEGRAM.private, clock });
    // Each call takes 0-42 ms and reaches the platform at its very end: the case where start-time
    // spacing fails (a slow send, then a fast one a second later, arrive under 1,000 ms apart).
    const arrivals: number[] = [];
    const all = Array.from({ length: 300 }, (_, i) =>
      limiter.schedule(`chat${i}`, 'bulk', () => {
        const took = ((i * 7) % 8) * 6;
        return new Promise<boolean>((resolve) =>
          clock.setTimeout(() => {
            arrivals.push(clock.now());
            resolve(true);
          }, took),
        );
      }),
    );
    await clock.advance(20_000);
    await Promise.all(all);
    expect(arrivals).toHaveLength(300);
    expect(busiest(arrivals, 1000)).toBe(30);
    // The price: at most one round trip (42 ms) per 30 sends over the 9 s floor.
    expect(Math.max(...arrivals)).toBeLessThanOrEqual(9 * 1042 + 42);
  });

  it('on a clock that reads whole milliseconds, still lets no 1,000 ms at the server hold 31', async () => {
    // The real instant runs on in fractions; `now()` reads it as Date.now does. Thirty calls start
    // at 0.4 ms, reach the platform at 0.5 and return at 0.9, read as 0. A 31st queued at 1000.05
    // (read as 1000) would go at once were the 30th-last completion taken at its reading, and reach
    // the platform at 1000.15: 31 within 999.65 ms, the bench's once-a-run 31.
    const real = new FakeClock();
    const clock: LimiterClock = {
      now: () => Math.floor(real.now()),
      setTimeout: real.setTimeout,
      clearTimeout: real.clearTimeout,
      resolutionMs: 1,
    };
    const limiter = createLimiter<boolean>({ global: TELEGRAM.global, chatLimits: () => TELEGRAM.private, clock });
    const arrivals: number[] = [];
    const call = () =>
      new Promise<boolean>((resolve) => {
        real.setTimeout(() => arrivals.push(real.now()), 0.1);
        real.setTimeout(() => resolve(true), 0.5);
      });
    await real.advance(0.4);
    const first = Array.from({ length: 30 }, (_, i) => limiter.schedule(`chat${i}`, 'bulk', call));
    await real.advance(999.65);
    const last = limiter.schedule('chat30', 'bulk', call);
    await real.advance(10);
    await Promise.all([...first, last]);
    expect(arrivals).toHaveLength(31);
    expect(busiest(arrivals, 1000)).toBe(30);
    // It waits out the tick the completions were read in, no more.
    expect(arrivals[30]).toBeCloseTo(1001.15, 6);
  });

  it('lets a call that never answers hold its place for 10 s at most, then goes on', async () => {
    const clock = new FakeClock();
    const limiter = createLimiter<boolean>({ global: TELEGRAM.global, chatLimits: () => TELEGRAM.private, clock });
    const hung = limiter.schedule('hung', 'bulk', () => new Promise<boolean>(() => {}));
    const at: number[] = [];
    const others = Array.from({ length: 40 }, (_, i) =>
      limiter.schedule(`chat${i}`, 'bulk', async () => {
        at.push(clock.now());
        return true;
      }),
    );
    await clock.advance(12_000);
    await Promise.all(others);
    // 29 go with the hung call at 0. It is the oldest of the last 30 sends, so it holds the rest
    // until it counts as done (10 s) and a second more; then the other 11 go.
    expect(at.filter((t) => t === 0)).toHaveLength(29);
    expect(at.filter((t) => t > 0 && t < 11_000)).toEqual([]);
    expect(at.filter((t) => t === 11_000)).toHaveLength(11);
    expect(limiter.stats()).toMatchObject({ queued: 0, running: 1 });
    expect(hung).toBeInstanceOf(Promise);
  });

  it('hands back the error of a call that fails, and goes on with the others', async () => {
    const clock = new FakeClock();
    const limiter = createLimiter<string>({ global: TELEGRAM.global, chatLimits: () => TELEGRAM.private, clock });
    const failing = limiter.schedule('a', 'bulk', async () => {
      throw new Error('network down');
    });
    const next = limiter.schedule('a', 'bulk', async () => 'sent');
    const failed = expect(failing).rejects.toThrow('network down');
    await clock.advance(2000);
    await failed;
    expect(await next).toBe('sent');
    expect(limiter.stats()).toMatchObject({ queued: 0, running: 0 });
  });
});
