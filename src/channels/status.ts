import type { Config } from '../config.js';
import type { ChannelHealth } from '../http/health.js';

/**
 * Each channel's state for /healthz and the start-up log: live from a running channel, otherwise
 * which setting turns it on.
 */
export function channelStatus(
  config: { telegram: Config['telegram']; whatsapp: Pick<Config['whatsapp'], 'enabled' | 'chromePath' | 'phone'>; max?: Pick<Config['max'], 'botToken' | 'webhook'> },
  live: { telegram?: () => ChannelHealth['state']; whatsapp?: () => ChannelHealth; max?: () => ChannelHealth['state'] } = {},
): Record<string, ChannelHealth> {
  return {
    telegram: config.telegram.botToken
      ? { state: live.telegram?.() ?? 'configured', hint: config.telegram.webhook ? 'webhook' : 'long polling' }
      : { state: 'disabled', hint: 'set TELEGRAM_BOT_TOKEN (from @BotFather) to enable Telegram' },
    whatsapp: config.whatsapp.enabled
      ? (live.whatsapp?.() ?? { state: 'configured', hint: 'WHATSAPP_ENABLED=true; the channel starts with the bot' })
      : { state: 'disabled', hint: 'set WHATSAPP_ENABLED=true (and CHROME_PATH) to enable WhatsApp' },
    max: config.max?.botToken
      ? { state: live.max?.() ?? 'configured', hint: config.max.webhook ? 'webhook' : 'long polling' }
      : { state: 'disabled', hint: 'set MAX_BOT_TOKEN (from business.max.ru) to enable Max' },
  };
}
