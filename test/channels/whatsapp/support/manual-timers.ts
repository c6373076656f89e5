// A clock that moves only when the test says so; timers fire as it passes them.
import type { Timers } from '../../../../src/channels/whatsapp/timers.js';

interface Pending {
  at: number;
  callback: () => void;
  id: number;
}

export class ManualTimers implements Timers {
  private current: number;
  private pending: Pending[] = [];
  private ids = 0;

  constructor(start: string | Date = '2026-06-01T07:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now = (): Date => new Date(this.current);

  nowMs(): number {
    return this.current;
  }

  setTimeout = (callback: () => void, ms: number): unknown => {
    const timer = { at: this.current + Math.max(0, ms), callback, id: ++this.ids };
    this.pending.push(timer);
    return timer.id;
  };

  clearTimeout = (handle: unknown): void => {
    this.pending = this.pending.filter((p) => p.id !== handle);
  };

  /** When the next timer is due, if any. */
  nextAt(): number | undefined {
    return this.pending.length ? Math.min(...this.pending.map((p) => p.at)) : undefined;
  }

  /** Moves the clock to the next timer and fires it (and any due with it). False if none. */
  fireNext(): boolean {
    const at = this.nextAt();
    if (at === undefined) return false;
    this.advanceTo(at);
    return true;
  }

  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  advanceTo(at: number): void {
    this.current = Math.max(this.current, at);
    const due = this.pending.filter((p) => p.at <= this.current).sort((a, b) => a.at - b.at || a.id - b.id);
    this.pending = this.pending.filter((p) => p.at > this.current);
    for (const p of due) p.callback();
  }
}
