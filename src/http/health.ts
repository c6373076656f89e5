import type { StoreHealth } from '../store/index.js';

/** `qr` and `disconnected`: the WhatsApp client waits for a login scan, or is reconnecting. */
/** `degraded`: running, but not doing its work (WhatsApp sending paused by the breaker). */
export type ComponentState =
  | 'up'
  | 'down'
  | 'running'
  | 'stopped'
  | 'disabled'
  | 'configured'
  | 'starting'
  | 'failed'
  | 'qr'
  | 'disconnected'
  | 'degraded';

export interface ChannelHealth {
  state: ComponentState;
  /** What a person should do or know, in one line. */
  hint?: string;
}

/**
 * A channel in one of these states cannot deliver: the bot is degraded until it comes back
 * (`degraded`: WhatsApp's sending paused by its breaker).
 */
const CHANNEL_DOWN: ReadonlySet<ComponentState> = new Set(['down', 'failed', 'disconnected', 'degraded']);

export interface HealthReport {
  status: 'ok' | 'degraded';
  /** The parts that are down, e.g. `store`, `scheduler`, `channels.whatsapp`; empty when ok. */
  failing: string[];
  version: string;
  uptimeSeconds: number;
  store: StoreHealth;
  /** Queue depth and the oldest overdue job: a stuck scheduler shows here first. */
  scheduler: {
    state: ComponentState;
    queueDepth?: number;
    oldestOverdue?: string | null;
    unconfirmedSends?: number;
    error?: string;
  };
  channels: Record<string, ChannelHealth>;
}

export interface HealthSources {
  version: string;
  startedAt: Date;
  store: () => Promise<StoreHealth>;
  scheduler: () => ComponentState;
  queue?: () => Promise<{ queueDepth: number; oldestOverdue: Date | null; unconfirmedSends: number }>;
  channels: () => Record<string, ChannelHealth>;
  now?: () => Date;
  /** How long one part may take to answer before it counts as down. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 3_000;

type Probe<T> = { ok: true; value: T } | { ok: false; error: string };

/** Runs one part's check; a throw or a hang becomes that part's error, never the whole answer's. */
async function probe<T>(check: () => T | Promise<T>, timeoutMs: number): Promise<Probe<T>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    return { ok: true, value: await Promise.race([Promise.resolve().then(check), timeout]) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Healthy means the bot can store what it is told, its scheduler runs, and every channel that is
 * switched on can deliver. Whatever fails, the report still comes back, naming the failing parts.
 */
export async function collectHealth(sources: HealthSources): Promise<HealthReport> {
  const now = sources.now?.() ?? new Date();
  const timeoutMs = sources.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const [storeProbe, queueProbe, schedulerProbe, channelsProbe] = await Promise.all([
    probe(sources.store, timeoutMs),
    sources.queue ? probe(sources.queue, timeoutMs) : Promise.resolve(undefined),
    probe(sources.scheduler, timeoutMs),
    probe(sources.channels, timeoutMs),
  ]);
  const failing: string[] = [];

  // When the check itself failed, what kind of store it is cannot be told: say so rather than guess.
  const store: StoreHealth = storeProbe.ok
    ? storeProbe.value
    : { kind: 'unknown', state: 'down', persistent: false, error: storeProbe.error };
  if (store.state !== 'up') failing.push('store');

  const scheduler: HealthReport['scheduler'] = { state: schedulerProbe.ok ? schedulerProbe.value : 'failed' };
  if (!schedulerProbe.ok) scheduler.error = schedulerProbe.error;
  if (queueProbe?.ok) {
    scheduler.queueDepth = queueProbe.value.queueDepth;
    scheduler.oldestOverdue = queueProbe.value.oldestOverdue?.toISOString() ?? null;
    scheduler.unconfirmedSends = queueProbe.value.unconfirmedSends;
  } else if (queueProbe) {
    scheduler.error = `queue: ${queueProbe.error}`;
  }
  if (scheduler.state !== 'running' || scheduler.error !== undefined) failing.push('scheduler');

  const channels: Record<string, ChannelHealth> = channelsProbe.ok ? channelsProbe.value : {};
  if (!channelsProbe.ok) failing.push('channels');
  for (const [name, channel] of Object.entries(channels)) {
    if (CHANNEL_DOWN.has(channel.state)) failing.push(`channels.${name}`);
  }

  return {
    status: failing.length === 0 ? 'ok' : 'degraded',
    failing,
    version: sources.version,
    uptimeSeconds: Math.round((now.getTime() - sources.startedAt.getTime()) / 1000),
    store,
    scheduler,
    channels,
  };
}
