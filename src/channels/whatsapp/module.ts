// WhatsApp as one of the registered channels (channels/registry.ts): on when WHATSAPP_ENABLED=true.
// Only this file is loaded at start; the channel loads when it is created (and whatsapp-web.js
// with puppeteer only when it connects).
import type { ChannelModule } from '../channel.js';

export const whatsappChannel: ChannelModule = {
  name: 'whatsapp',
  title: 'WhatsApp',
  disabledHint: (config) =>
    config.whatsapp.enabled ? undefined : 'set WHATSAPP_ENABLED=true (and CHROME_PATH) to enable WhatsApp',
  create: async (ctx) => (await import('./index.js')).runWhatsappChannel(ctx),
};
