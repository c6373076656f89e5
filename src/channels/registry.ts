// Every channel Sputnik can talk through, in one list. A channel is one folder implementing
// channels/channel.ts; adding one is that folder and one line here.
import type { ChannelContext, ChannelModule, RunningChannel } from './channel.js';
import { maxChannel } from './max/module.js';
import { telegramChannel } from './telegram/module.js';
import { webchatChannel } from './webchat/index.js';
import { whatsappChannel } from './whatsapp/module.js';

export const CHANNEL_MODULES: readonly ChannelModule[] = [telegramChannel, whatsappChannel, maxChannel, webchatChannel];

/** Builds every channel of `modules` that the configuration enables, in order. */
export async function buildChannels(modules: readonly ChannelModule[], ctx: ChannelContext): Promise<RunningChannel[]> {
  return Promise.all(
    modules
      .filter((m) => m.disabledHint(ctx.config) === undefined)
      .map((m) => m.create({ ...ctx, logger: ctx.logger.child({ channel: m.name }) })),
  );
}
