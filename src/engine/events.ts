// The engine's contract with the channel adapters. Nothing here belongs to grammY, whatsapp-web.js
// or mongoose: an adapter turns a chat update into an InboundEvent and an Outbound into an API call.
import type { Channel } from '../domain/channel.js';
import type { Locale } from '../domain/locale.js';

export interface InboundEvent {
  channel: Channel;
  /**
   * Unique on its channel (Telegram message ids repeat across chats, so the adapter prefixes the
   * chat id). The same id delivered twice has effect once.
   */
  messageId: string;
  chat: { id: string; type: 'private' | 'group' };
  from: {
    /** Telegram user id, or the WhatsApp id "77011234567@c.us". */
    id: string;
    username?: string;
    /** As the platform reports it; WhatsApp ids carry the phone number. */
    phone?: string;
  };
  at: Date;
  payload: InboundPayload;
  /**
   * The channel has already made sure this event is handled once, by a claim on its update that
   * every instance sees (Telegram webhooks, src/channels/telegram/shared-instances.ts): the engine
   * does not claim the message again, which would be two more writes before the first reply.
   */
  claimed?: true;
}

export type InboundPayload =
  /** What the person typed; may be empty, 10,000 characters long, emoji, anything. */
  | { kind: 'text'; text: string }
  /** A button: `ref` names the prompt it belongs to, so a stale button is recognised. */
  | { kind: 'choice'; ref: string; optionIds: string[] }
  /** Sticker, photo, voice...: something that is not an answer. */
  | { kind: 'unsupported'; what: string }
  /** Someone joined a group the bot is in. */
  | { kind: 'member_joined' };

/** Where a message goes: a chat, or a person on whichever channel reaches them. */
export type Address =
  | { kind: 'chat'; channel: Channel; chatId: string }
  | { kind: 'participant'; participantId: string };

export interface PromptOption {
  id: string;
  label: string;
}

export type OutboundMessage =
  /**
   * `startLink` offers a way into the private chat with the bot, starting with this cohort code:
   * a deep-link button in Telegram, a wa.me link in WhatsApp.
   */
  | { kind: 'text'; text: string; startLink?: { code: string; label: string } }
  /**
   * A question. Choices become buttons in Telegram and a numbered list in WhatsApp; `ref` goes back
   * with the answer. `multiple` lets the person pick several (toggle buttons + "Готово"), `ranking`
   * asks for an order.
   */
  | {
      kind: 'prompt';
      ref: string;
      /** The recipient's language, for the adapter's own labels (back, skip, "reply with a number"). */
      locale: Locale;
      text: string;
      options: PromptOption[];
      multiple?: { min: number; max: number };
      ranking?: { count: number };
      /** For free-text answers: a hint on the expected form ("дд.мм.гггг"). */
      hint?: string;
      canSkip: boolean;
      canGoBack: boolean;
    }
  | OutboundFile;

/**
 * A file (a report's spreadsheet, an export) or a picture (a chart), for channels that can send
 * them; elsewhere `fallback` is sent as text instead, so the person still learns what there is.
 */
export interface OutboundFile {
  kind: 'file';
  filename: string;
  data: Uint8Array;
  /** The caption. */
  text: string;
  /** A chart: shown as a picture where the channel can. */
  picture?: boolean;
  /** Sent instead where files cannot go; without it, nothing is (a chart beside its figures). */
  fallback?: string;
}

/** What every channel can send: texts and questions (files go through `ChannelSender.sendFile`). */
export type ChatMessage = Exclude<OutboundMessage, OutboundFile>;

/**
 * Whether a pressed button answered the question on screen (`accepted`) or an older one. Adapters
 * that can edit messages show the answer in place; others ignore it. Never sent as a message.
 */
export interface Acknowledgement {
  kind: 'ack';
  ref: string;
  accepted: boolean;
}

export interface Outbound {
  to: Address;
  message: OutboundMessage | Acknowledgement;
}
