// Telegram as one of the registered channels (channels/registry.ts): on when TELEGRAM_BOT_TOKEN is
// set. Only this file is loaded at start; grammY and the channel itself load when it is created.
import type { ChannelModule } from '../channel.js';

export const telegramChannel: ChannelModule = {
  name: 'telegram',
  title: 'Telegram',
  disabledHint: (config) =>
    config.telegram.botToken ? undefined : 'set TELEGRAM_BOT_TOKEN (from @BotFather) to enable Telegram',
  create: async (ctx) => (await import('./index.js')).runTelegramChannel(ctx),
};
