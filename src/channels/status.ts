import type { Config } from '../config.js';
import type { ChannelHealth } from '../http/health.js';
import type { ChannelModule } from './channel.js';
import { CHANNEL_MODULES } from './registry.js';

/**
 * Each registered channel's state for /healthz and the start-up log: live from a running channel,
 * otherwise which setting turns it on.
 */
export function channelStatus(
  config: Config,
  live: Record<string, () => ChannelHealth> = {},
  modules: readonly ChannelModule[] = CHANNEL_MODULES,
): Record<string, ChannelHealth> {
  return Object.fromEntries(
    modules.map((m) => {
      const hint = m.disabledHint(config);
      const health: ChannelHealth =
        hint !== undefined
          ? { state: 'disabled', hint }
          : (live[m.name]?.() ?? { state: 'configured', hint: 'starts with the bot' });
      return [m.name, health];
    }),
  );
}
