import type { StoreHealth } from '../store/index.js';

/** `qr` and `disconnected`: the WhatsApp client waits for a login scan, or is reconnecting. */
/** `degraded`: running, but not doing its work (WhatsApp sending paused by the breaker). */
export type ComponentState = 'up' | 'down' | 'running' | 'stopped' | 'disabled' | 'configured' | 'starting' | 'failed' | 'qr' | 'disconnected' | 'degraded';

export interface ChannelHealth {
  state: ComponentState;
  /** What a person should do or know, in one line. */
  hint?: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  uptimeSeconds: number;
  store: StoreHealth;
  /** Queue depth and the oldest overdue job: a stuck scheduler shows here first. */
  scheduler: { state: ComponentState; queueDepth?: number; oldestOverdue?: string | null; unconfirmedSends?: number };
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
}

/** Healthy means the bot can store what it is told; channels may be off by configuration. */
export async function collectHealth(sources: HealthSources): Promise<HealthReport> {
  const now = sources.now?.() ?? new Date();
  const store = await sources.store();
  const queue = await sources.queue?.();
  const scheduler = {
    state: sources.scheduler(),
    ...(queue ? { queueDepth: queue.queueDepth, oldestOverdue: queue.oldestOverdue?.toISOString() ?? null, unconfirmedSends: queue.unconfirmedSends } : {}),
  };
  const channels = sources.channels();
  const channelDegraded = Object.values(channels).some((c) => c.state === 'degraded');
  return {
    status: store.state === 'up' && scheduler.state === 'running' && !channelDegraded ? 'ok' : 'degraded',
    version: sources.version,
    uptimeSeconds: Math.round((now.getTime() - sources.startedAt.getTime()) / 1000),
    store,
    scheduler,
    channels,
  };
}
