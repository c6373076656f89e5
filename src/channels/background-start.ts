// A messenger out of reach must not hold up or take down the rest of the bot: its channel starts in
// the background and a failed start is tried again with backoff (5 s doubling, at most 5 min),
// except when the platform rejects the token, which no retry can fix.
import type { Logger } from '../logger.js';

export interface BackgroundStart {
  /** Starts without waiting; failures are logged and retried. */
  start(): void;
  /** No retry is scheduled after this. */
  stop(): void;
}

export function backgroundStart(options: {
  /** The channel's name in the logs ("telegram", "max"). */
  name: string;
  run: () => Promise<void>;
  /** The log line when this error means the token is rejected (no retry), else undefined. */
  rejectedToken: (cause: unknown) => string | undefined;
  logger: Logger;
}): BackgroundStart {
  const { name, run, rejectedToken, logger } = options;
  let stopped = false;
  const attempt = async (n: number): Promise<void> => {
    try {
      await run();
    } catch (error) {
      const rejected = rejectedToken((error as { cause?: unknown }).cause);
      if (rejected) {
        logger.error({ err: error }, rejected);
        return;
      }
      const delayMs = Math.min(300_000, 5_000 * 2 ** n);
      logger.error({ err: error, retryInSeconds: delayMs / 1000 }, `${name} channel failed to start`);
      setTimeout(() => {
        if (!stopped) void attempt(n + 1);
      }, delayMs).unref();
    }
  };
  return {
    start: () => void attempt(0),
    stop: () => {
      stopped = true;
    },
  };
}
