// A clock the test moves by hand, for code that takes a LimiterClock: every timer fires at a known
// instant, and every promise settles before time moves on.
import type { LimiterClock } from '../../src/delivery/limiter.js';

export class FakeClock implements LimiterClock {
  private t = 0;
  private timers: { at: number; id: number; run: () => void }[] = [];
  private ids = 0;

  now = () => this.t;

  setTimeout = (run: () => void, ms: number) => {
    const id = ++this.ids;
    this.timers.push({ at: this.t + ms, id, run });
    return id;
  };

  clearTimeout = (handle: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== handle);
  };

  /** Moves time forward, firing timers in order and letting every promise settle in between. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await new Promise((r) => setImmediate(r));
      const next = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = Math.max(this.t, next.at);
      next.run();
    }
    this.t = end;
    await new Promise((r) => setImmediate(r));
  }
}

export /** The most sends any span of `windowMs` holds. */
function busiest(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}
