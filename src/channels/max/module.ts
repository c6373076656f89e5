// Max as one of the registered channels (channels/registry.ts): on when MAX_BOT_TOKEN is set. Only
// this file is loaded at start; the Max SDK and the channel itself load when it is created.
import type { ChannelModule } from '../channel.js';

export const maxChannel: ChannelModule = {
  name: 'max',
  title: 'Max',
  disabledHint: (config) =>
    config.max.botToken ? undefined : 'set MAX_BOT_TOKEN (from business.max.ru) to enable Max',
  create: async (ctx) => (await import('./index.js')).runMaxChannel(ctx),
};
