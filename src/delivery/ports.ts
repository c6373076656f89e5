// What the delivery layer needs from a channel adapter: send one rendered message to one chat.
import type { Channel } from '../domain/channel.js';
import type { ChatMessage, OutboundFile } from '../engine/events.js';

export type SendFailure =
  /** The person blocked the bot or left: retrying will not help; stop writing to them there. */
  | { ok: false; kind: 'blocked'; detail: string; retryable: false }
  | { ok: false; kind: 'chat_not_found'; detail: string; retryable: false }
  /** Anything else: network, rate limit after retries, server error. */
  | { ok: false; kind: 'failed'; detail: string; retryable: boolean };

export type SendOutcome = { ok: true; messageId?: string } | SendFailure;

export interface ChannelSender {
  readonly channel: Channel;
  send(chatId: string, message: ChatMessage): Promise<SendOutcome>;
  /** Channels that can send files; without it a file's `fallback` text is sent instead. */
  sendFile?(chatId: string, file: OutboundFile): Promise<SendOutcome>;
}
