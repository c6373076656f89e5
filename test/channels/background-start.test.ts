import { afterEach, describe, expect, it, vi } from 'vitest';
import { backgroundStart } from '../../src/channels/background-start.js';
import { silentLogger } from '../support/store.js';

class Rejected extends Error {}
const failing = (cause: unknown) => Object.assign(new Error('start failed'), { cause });

describe('a channel started in the background', () => {
  afterEach(() => vi.useRealTimers());

  it('retries a failed start after 5 s, then 10 s, and stops retrying once the channel is stopped', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const starter = backgroundStart({
      name: 'test',
      run: async () => {
        calls++;
        throw failing(new Error('network down'));
      },
      rejectedToken: () => undefined,
      logger: silentLogger,
    });
    starter.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(3);
    starter.stop();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(calls).toBe(3);
  });

  it('gives up at once on a rejected token, saying so', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const logged: string[] = [];
    const logger = {
      ...silentLogger,
      error: (_: unknown, message: string) => void logged.push(message),
    } as unknown as typeof silentLogger;
    const starter = backgroundStart({
      name: 'test',
      run: async () => {
        calls++;
        throw failing(new Rejected('401'));
      },
      rejectedToken: (cause) =>
        cause instanceof Rejected ? 'the token was rejected; the channel stays off' : undefined,
      logger,
    });
    starter.start();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(calls).toBe(1);
    expect(logged).toEqual(['the token was rejected; the channel stays off']);
  });
});
