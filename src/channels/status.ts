import type { Config } from '../config.js';
import type { ChannelHealth } from '../http/health.js';

/**
 * What each channel would need to run. The adapters arrive in their own issues; until then the
 * health endpoint and the start-up log say which setting turns which channel on.
 */
export function channelStatus(
  config: Pick<Config, 'telegram' | 'whatsapp'>,
  live: { telegram?: () => ChannelHealth['state'] } = {},
): Record<string, ChannelHealth> {
  return {
    telegram: config.telegram.botToken
      ? { state: live.telegram?.() ?? 'configured', hint: config.telegram.webhook ? 'webhook' : 'long polling' }
      : { state: 'disabled', hint: 'set TELEGRAM_BOT_TOKEN (from @BotFather) to enable Telegram' },
    whatsapp: config.whatsapp.enabled
      ? { state: 'configured', hint: 'WHATSAPP_ENABLED=true; the WhatsApp adapter is not part of this build yet' }
      : { state: 'disabled', hint: 'set WHATSAPP_ENABLED=true (and CHROME_PATH) to enable WhatsApp' },
  };
}
