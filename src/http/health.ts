import type { StoreHealth } from '../store/index.js';

export type ComponentState = 'up' | 'down' | 'running' | 'stopped' | 'disabled' | 'configured' | 'starting' | 'failed';

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
  scheduler: { state: ComponentState };
  channels: Record<string, ChannelHealth>;
}

export interface HealthSources {
  version: string;
  startedAt: Date;
  store: () => Promise<StoreHealth>;
  scheduler: () => ComponentState;
  channels: () => Record<string, ChannelHealth>;
  now?: () => Date;
}

/** Healthy means the bot can store what it is told; channels may be off by configuration. */
export async function collectHealth(sources: HealthSources): Promise<HealthReport> {
  const now = sources.now?.() ?? new Date();
  const store = await sources.store();
  const scheduler = { state: sources.scheduler() };
  return {
    status: store.state === 'up' && scheduler.state === 'running' ? 'ok' : 'degraded',
    version: sources.version,
    uptimeSeconds: Math.round((now.getTime() - sources.startedAt.getTime()) / 1000),
    store,
    scheduler,
    channels: sources.channels(),
  };
}
