// Time as the WhatsApp channel sees it. Injected so that tests move a manual clock instead of
// waiting out the pacing delays (seconds to an hour) and the reconnect backoff.

export interface Timers {
  now(): Date;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => new Date(),
  setTimeout(callback, ms) {
    // A pending send or reconnect must not keep a stopping process alive.
    return setTimeout(callback, ms).unref();
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};
