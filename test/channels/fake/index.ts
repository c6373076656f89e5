// A fourth channel, made the way a real one is (src/channels/channel.ts) and kept in this one
// folder: an in-memory "platform" of plain chat ids and texts, no buttons, short messages. It
// proves a channel needs nothing from the rest of the bot beyond the ChannelContext, and the shared
// journey suite runs on it through the composition root like Telegram and WhatsApp.
import type { ChannelModule } from '../../../src/channels/channel.js';
import { renderPrompt } from '../../../src/channels/numbered-text.js';
import { splitText } from '../../../src/delivery/split-text.js';
import type { InboundEvent } from '../../../src/engine/events.js';
import { createKeyedQueue } from '../../../src/engine/keyed-queue.js';

export const FAKE_TEXT_LIMIT = 1000;

/** The chat platform's side: what it delivered to people, and a way for a person to write. */
export class FakePlatform {
  readonly sent: { chatId: string; text: string }[] = [];
  private inbound: ((chatId: string, text: string) => Promise<void>) | undefined;
  private seq = 0;

  connect(handler: (chatId: string, text: string) => Promise<void>): void {
    this.inbound = handler;
  }

  /** A person writes in their private chat; resolves when the bot has answered. */
  async write(chatId: string, text: string): Promise<void> {
    if (!this.inbound) throw new Error('the fake channel is not running');
    await this.inbound(chatId, text);
  }

  nextId(): string {
    this.seq += 1;
    return String(this.seq);
  }
}

export function fakeChannel(platform: FakePlatform): ChannelModule {
  return {
    name: 'fake',
    disabledHint: () => undefined,
    create(ctx) {
      const queue = createKeyedQueue();
      let state: 'stopped' | 'running' = 'stopped';
      const sender = {
        channel: 'fake',
        async send(chatId: string, message: Parameters<typeof renderPrompt>[0] | { kind: 'text'; text: string }) {
          if (state !== 'running')
            return { ok: false as const, kind: 'failed' as const, detail: 'fake channel stopped', retryable: true };
          const text = message.kind === 'prompt' ? renderPrompt(message) : message.text;
          for (const part of splitText(text, FAKE_TEXT_LIMIT)) platform.sent.push({ chatId, text: part });
          return { ok: true as const };
        },
      };
      platform.connect((chatId, text) =>
        queue(chatId, async () => {
          const event: InboundEvent = {
            channel: 'fake',
            messageId: `fake:${platform.nextId()}`,
            chat: { id: chatId, type: 'private' },
            from: { id: chatId },
            at: new Date(),
            payload: { kind: 'text', text },
          };
          await ctx.dispatcher().dispatch(await ctx.engine.handle(event));
        }),
      );
      return {
        name: 'fake',
        capabilities: { buttons: false, maxTextLength: FAKE_TEXT_LIMIT, files: false },
        sender,
        async start() {
          state = 'running';
        },
        async stop() {
          state = 'stopped';
        },
        health: () => ({ state: state === 'running' ? 'running' : 'stopped' }),
      };
    },
  };
}
