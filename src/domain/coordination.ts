// How several Sputnik instances sharing one store divide the work: each incoming update is
// handled by the first instance to claim it, one chat's updates are handled one at a time across
// instances (a lease per chat) and in the order the platform numbered them, one instance polls a
// bot, and a broadcast's deliveries go to whichever instance claims each first. With one instance
// every claim simply succeeds.

export type LeaseResult = { held: true } | { held: false; holder: string; until: Date };

export interface Coordination {
  /** This process: host, pid and a random tag (a restarted process is a new instance). */
  readonly instanceId: string;
  /**
   * True for the first instance to claim this update; false when another already has it. With
   * `chat`, the claim also says whose update it is, until `finishUpdate`, so the chat's later
   * updates can wait for it.
   */
  claimUpdate(source: string, updateId: number, chat?: string): Promise<boolean>;
  /** The claimed update is handled: the chat's later updates stop waiting for it. */
  finishUpdate(source: string, updateId: number): Promise<void>;
  /** Whether an update of `chat` numbered before `updateId` is claimed and still being handled by a live instance. */
  earlierInFlight(source: string, chat: string, updateId: number): Promise<boolean>;
  /** Takes (or renews, when this instance holds it) the named lease for `ttlMs`; else who holds it. */
  acquire(name: string, ttlMs: number): Promise<LeaseResult>;
  /** Gives the lease back if this instance holds it. */
  release(name: string): Promise<void>;
  /** Whether that instance showed a sign of life within its heartbeat lease. */
  isAlive(instanceId: string): Promise<boolean>;
  /** Starts (or renews) this instance's heartbeat; stopped by `stop`. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface LeaseTiming {
  ttlMs: number;
  /** How often a waiting instance looks again. */
  retryMs: number;
  /** Past this, the update is handled anyway and the wait is logged by the caller. */
  maxWaitMs: number;
}

export const CHAT_LEASE: LeaseTiming = { ttlMs: 30_000, retryMs: 25, maxWaitMs: 60_000 };

/**
 * Runs `work` holding the lease `name`: waits while another instance holds it, renews it while the
 * work runs longer than a third of its lifetime, gives it back at the end. Returns whether the
 * lease was held (false only after `maxWaitMs`, when the work runs regardless: a teacher's update
 * is never dropped because another instance hung).
 */
export async function withLease<T>(
  coordination: Coordination,
  name: string,
  work: () => Promise<T>,
  timing: LeaseTiming = CHAT_LEASE,
): Promise<{ value: T; held: boolean }> {
  const started = Date.now();
  let held = false;
  for (;;) {
    const r = await coordination.acquire(name, timing.ttlMs);
    if (r.held) {
      held = true;
      break;
    }
    if (Date.now() - started >= timing.maxWaitMs) break;
    await new Promise((resolve) => setTimeout(resolve, timing.retryMs));
  }
  const renew = held
    ? setInterval(() => void coordination.acquire(name, timing.ttlMs).catch(() => undefined), timing.ttlMs / 3)
    : undefined;
  renew?.unref();
  try {
    return { value: await work(), held };
  } finally {
    if (renew) clearInterval(renew);
    if (held) await coordination.release(name).catch(() => undefined);
  }
}

/** How long an update waits for its chat's earlier ones; past it, it is handled anyway and logged. */
export const CHAT_ORDER = { retryMs: 25, maxWaitMs: 30_000 };

/**
 * Handles one update of a chat in the platform's order across instances: Telegram may hand a
 * teacher's two quick messages to two instances at once, and the later one must not be answered
 * first (she would get the answer to her second message as if to her first). It waits while an
 * earlier update of the same chat is still being handled, then holds the chat's lease for the work.
 * The wait is outside the lease: the holder of an earlier update needs that lease to finish.
 * An earlier update whose instance died stops counting when its heartbeat lapses.
 */
export async function inChatOrder<T>(
  coordination: Coordination,
  update: { source: string; updateId: number; chat: string },
  work: () => Promise<T>,
  timing: { order: typeof CHAT_ORDER; lease: LeaseTiming } = { order: CHAT_ORDER, lease: CHAT_LEASE },
): Promise<{ value: T; held: boolean; inOrder: boolean }> {
  const started = Date.now();
  let inOrder = true;
  while (await coordination.earlierInFlight(update.source, update.chat, update.updateId)) {
    if (Date.now() - started >= timing.order.maxWaitMs) {
      inOrder = false;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, timing.order.retryMs));
  }
  try {
    const { value, held } = await withLease(coordination, update.chat, work, timing.lease);
    return { value, held, inOrder };
  } finally {
    await coordination.finishUpdate(update.source, update.updateId).catch(() => undefined);
  }
}

/** One instance alone: every claim is its own. For tests and tools that run without a store. */
export function singleInstance(instanceId = 'single'): Coordination {
  return {
    instanceId,
    claimUpdate: async () => true,
    finishUpdate: async () => undefined,
    earlierInFlight: async () => false,
    acquire: async () => ({ held: true }),
    release: async () => undefined,
    isAlive: async (id) => id === instanceId,
    start: async () => undefined,
    stop: async () => undefined,
  };
}
