// One outgoing limiter per channel: every call to the platform goes through it, so the platform's
// limits hold however many broadcasts, reminders and replies are under way at once.
//
// - Sliding windows, never fixed ones: "30 per second" means no 1,000 ms span, wherever it starts,
//   holds more than 30 sends (fixed windows let 60 through across a boundary).
// - A send counts in its windows from the moment its call COMPLETES, not from when it started.
//   The platform counts a message when it arrives, somewhere between our start and our end of the
//   HTTP call, and that delay varies call to call: sends started exactly 1,000 ms apart can arrive
//   990 ms apart (the bench's fake Bot API saw 31 in a second once per run). Waiting until the
//   30th-last send has completed plus 1,000 ms proves the limit at the server: that send, and every
//   one before it, arrived before it completed, so at least 1,000 ms before the new one can arrive.
//   The price is one round trip per window (30 per 1,000 ms + RTT); a fixed margin would be a
//   guess that is too large locally and too small on a slow link. A call still unanswered after
//   `inFlightMs` counts as completed then, so one hung request cannot stop the channel.
// - The clock is the process's monotonic one, in fractions of a millisecond (performance.now).
//   The proof above needs the recorded completion to be no earlier than the real one: Date.now,
//   used before, reads whole milliseconds, so a call that returned at x.9 ms was recorded at x,
//   and the send 30 later could start up to 1 ms before 1,000 ms had really passed (the bench's
//   fake Bot API once counted 31 arrivals within 999.x ms); it is also the wall clock, which the
//   system may step. A clock that reads coarser declares it (`resolutionMs`), and each completion
//   counts from the end of the tick it was read in.
// - Limits on the whole channel and per chat (a chat may carry more than one: a Telegram group has
//   1 per second and 20 per minute).
// - Two priorities: a reply to someone who just wrote goes before broadcasts and reminders. Within
//   a chat, messages keep their order, whatever their priority, and one is sent only after the
//   previous one to that chat has finished.
// - A global pause: when the platform says "retry after N seconds", nothing at all is sent for N
//   seconds, and the call that was refused goes first afterwards.
//
// Why not a library: bottleneck (last release 2019) and p-queue pace one queue with fixed
// intervals; neither keeps per-chat order across per-chat and global sliding windows with
// priorities, and rate-limiter-flexible counts (and refuses) rather than queues. This is a heap,
// two FIFOs and ring buffers: constant work per send, whatever the queue length.

export interface RateLimit {
  /** At most this many sends... */
  limit: number;
  /** ...in any span of this many milliseconds. */
  windowMs: number;
}

export type Priority = 'reply' | 'bulk';

export interface LimiterClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** How far the real instant may be past what `now()` reads (1 for a clock in whole milliseconds); default 0. */
  resolutionMs?: number;
}

export interface LimiterOptions<R> {
  /** The channel's own limit (Telegram: 30 per second). */
  global: RateLimit;
  /** Limits of one chat, asked once per chat (Telegram: 1 per second, and 20 per minute in a group). */
  chatLimits: (chatId: string) => readonly RateLimit[];
  /** Milliseconds to pause everything for when a call's result says so (a 429); undefined when not. */
  pauseFor?: (result: R) => number | undefined;
  /** How often one call is retried after a pause before its result is handed back as it is. */
  maxRetries?: number;
  /** A call unanswered this long counts as completed (default 10 s; see the note at the top). */
  inFlightMs?: number;
  clock?: LimiterClock;
}

export interface Limiter<R> {
  /** Runs `call` when the limits allow; resolves with its result (after retries on a pause). */
  schedule(chatId: string, priority: Priority, call: () => Promise<R>): Promise<R>;
  /** Nothing is sent for `ms` from now (longer pauses win). */
  pause(ms: number): void;
  /** Calls waiting, and calls started and not finished. */
  stats(): { queued: number; running: number; pausedUntil: number };
}

/**
 * The last `limit` sends: when each started and, once its call returned, when it completed. The
 * window is full while the oldest of them has not completed at least `windowMs` ago.
 */
class Window {
  private readonly started: number[];
  private readonly ended: number[];
  /** Which send (counted from the first) holds each slot. */
  private readonly holder: number[];
  private sends = 0;

  constructor(
    private readonly rate: RateLimit,
    private readonly inFlightMs: number,
    /** The clock's resolution: a completion read as t happened before t + this. */
    private readonly tickMs: number,
  ) {
    this.started = new Array<number>(rate.limit).fill(Number.NEGATIVE_INFINITY);
    this.ended = new Array<number>(rate.limit).fill(Number.NEGATIVE_INFINITY);
    this.holder = new Array<number>(rate.limit).fill(-1);
  }

  private completedAt(slot: number): number {
    const ended = this.ended[slot] as number;
    return (Number.isNaN(ended) ? (this.started[slot] as number) + this.inFlightMs : ended) + this.tickMs;
  }

  /** The earliest instant one more send keeps the limit. */
  freeAt(): number {
    return this.completedAt(this.sends % this.started.length) + this.rate.windowMs;
  }

  /** A send starts now; returns its number, to be completed with `end`. */
  start(at: number): number {
    const slot = this.sends % this.started.length;
    this.started[slot] = at;
    this.ended[slot] = Number.NaN;
    this.holder[slot] = this.sends;
    return this.sends++;
  }

  end(send: number, at: number): void {
    const slot = send % this.started.length;
    // Its slot may already hold a later send (only once this one was past inFlightMs).
    if (this.holder[slot] === send) this.ended[slot] = at;
  }

  /** The last send is out of the window: nothing here holds anything back any more. */
  idleAt(): number {
    return this.completedAt((this.sends + this.started.length - 1) % this.started.length) + this.rate.windowMs;
  }
}

interface Job<R> {
  priority: Priority;
  call: () => Promise<R>;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
  retries: number;
  /** This call's send numbers in the global window and in its chat's windows, while it runs. */
  slots: number[];
}

interface Chat<R> {
  id: string;
  jobs: Job<R>[];
  windows: Window[];
  /** A call to this chat is under way: the next one waits for it (order within a chat). */
  busy: boolean;
  /** Waiting in a lane or in the heap (never both, never twice). */
  listed: boolean;
}

/** A FIFO with O(1) push and shift (an array shifted from the front is O(n)). */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  unshift(item: T): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/** Chats waiting for their own window, earliest first. */
class Heap<T> {
  private readonly items: { at: number; seq: number; value: T }[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  peek(): number | undefined {
    return this.items[0]?.at;
  }

  push(at: number, value: T): void {
    const items = this.items;
    items.push({ at, seq: this.seq++, value });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.less(l, m)) m = l;
        if (r < items.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top?.value;
  }

  private less(a: number, b: number): boolean {
    const x = this.items[a] as { at: number; seq: number };
    const y = this.items[b] as { at: number; seq: number };
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    const t = this.items[a] as { at: number; seq: number; value: T };
    this.items[a] = this.items[b] as { at: number; seq: number; value: T };
    this.items[b] = t;
  }
}

const systemClock: LimiterClock = {
  // Monotonic and finer than a microsecond: see the note at the top.
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export function createLimiter<R>(options: LimiterOptions<R>): Limiter<R> {
  const clock = options.clock ?? systemClock;
  const maxRetries = options.maxRetries ?? 5;
  const inFlightMs = options.inFlightMs ?? 10_000;
  const tickMs = clock.resolutionMs ?? 0;
  const global = new Window(options.global, inFlightMs, tickMs);
  const chats = new Map<string, Chat<R>>();
  const lanes: Record<Priority, Fifo<Chat<R>>> = { reply: new Fifo(), bulk: new Fifo() };
  const waiting = new Heap<Chat<R>>();
  let pausedUntil = Number.NEGATIVE_INFINITY;
  let queued = 0;
  let running = 0;
  let timer: unknown;
  let timerAt = Number.POSITIVE_INFINITY;

  function chatOf(id: string): Chat<R> {
    let chat = chats.get(id);
    if (!chat) {
      chat = {
        id,
        jobs: [],
        windows: options.chatLimits(id).map((rate) => new Window(rate, inFlightMs, tickMs)),
        busy: false,
        listed: false,
      };
      chats.set(id, chat);
    }
    return chat;
  }

  /** Puts a chat whose first job may go in line: in its lane now, or in the heap until its window frees. */
  function list(chat: Chat<R>, now: number): void {
    const head = chat.jobs[0];
    if (!head || chat.busy || chat.listed) return;
    chat.listed = true;
    const at = Math.max(...chat.windows.map((w) => w.freeAt()));
    if (at <= now) lanes[head.priority].push(chat);
    else waiting.push(at, chat);
  }

  function forget(chat: Chat<R>, now: number): void {
    // A chat with nothing queued and nothing in its windows any more is no longer remembered.
    if (chat.jobs.length === 0 && !chat.busy && !chat.listed && chat.windows.every((w) => w.idleAt() <= now))
      chats.delete(chat.id);
  }

  function wake(at: number): void {
    if (at >= timerAt) return;
    if (timer !== undefined) clock.clearTimeout(timer);
    timerAt = at;
    timer = clock.setTimeout(
      () => {
        timer = undefined;
        timerAt = Number.POSITIVE_INFINITY;
        pump();
      },
      Math.max(0, at - clock.now()),
    );
  }

  function pump(): void {
    let now = clock.now();
    for (;;) {
      if (now < pausedUntil) {
        wake(pausedUntil);
        return;
      }
      while (waiting.size > 0 && (waiting.peek() ?? Number.POSITIVE_INFINITY) <= now) {
        const chat = waiting.pop() as Chat<R>;
        const head = chat.jobs[0];
        if (head) lanes[head.priority].push(chat);
        else chat.listed = false;
      }
      if (lanes.reply.size + lanes.bulk.size === 0) {
        const next = waiting.peek();
        if (next !== undefined) wake(next);
        return;
      }
      const free = global.freeAt();
      if (free > now) {
        wake(free);
        return;
      }
      const chat = (lanes.reply.size > 0 ? lanes.reply : lanes.bulk).shift() as Chat<R>;
      chat.listed = false;
      const job = chat.jobs.shift();
      if (!job) continue;
      queued--;
      running++;
      chat.busy = true;
      job.slots = [global.start(now), ...chat.windows.map((w) => w.start(now))];
      run(chat, job);
      now = clock.now();
    }
  }

  function run(chat: Chat<R>, job: Job<R>): void {
    let result: Promise<R>;
    try {
      result = job.call();
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (value) => {
        completed(chat, job);
        const wait = options.pauseFor?.(value);
        if (wait !== undefined && wait > 0 && job.retries < maxRetries) {
          // Refused for the rate: everybody waits, and this call goes first when the pause ends.
          pause(wait);
          job.retries++;
          chat.jobs.unshift(job);
          queued++;
          running--;
          chat.busy = false;
          // The refused call was not a send: it goes to the front, past the chat's own window.
          chat.listed = true;
          lanes[job.priority].unshift(chat);
          pump();
          return;
        }
        job.resolve(value);
        done(chat);
      },
      (error: unknown) => {
        completed(chat, job);
        job.reject(error);
        done(chat);
      },
    );
  }

  /** The call has returned: from now on it counts as arrived (see the note at the top). */
  function completed(chat: Chat<R>, job: Job<R>): void {
    const now = clock.now();
    const [g, ...own] = job.slots;
    if (g !== undefined) global.end(g, now);
    for (const [i, slot] of own.entries()) chat.windows[i]?.end(slot, now);
  }

  function done(chat: Chat<R>): void {
    running--;
    chat.busy = false;
    const now = clock.now();
    list(chat, now);
    forget(chat, now);
    pump();
  }

  function pause(ms: number): void {
    const until = clock.now() + ms;
    if (until > pausedUntil) pausedUntil = until;
  }

  return {
    schedule(chatId, priority, call) {
      return new Promise<R>((resolve, reject) => {
        const chat = chatOf(chatId);
        chat.jobs.push({ priority, call, resolve, reject, retries: 0, slots: [] });
        queued++;
        list(chat, clock.now());
        pump();
      });
    },
    pause(ms) {
      pause(ms);
      pump();
    },
    stats: () => ({ queued, running, pausedUntil }),
  };
}
