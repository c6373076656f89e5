// One person in a private chat with the bot, on any channel. The journeys are written once
// against this, and run on every registered channel — Telegram (buttons), WhatsApp (typed
// numbers), the fake test channel — same person, same answers, and the same texts back.
import type { Participant } from '../../../src/domain/participant.js';

export interface ChannelDriver {
  /** The registered channel's name. */
  readonly channel: string;
  /** The person's private chat id on this channel (their address). */
  readonly chatId: string;
  /** The private chat id of another person on this channel (n from 1), e.g. a teacher a curator writes to. */
  peer(n: number): string;
  /** What the bot has sent to a chat so far (letting the channel's pacing run), as plain texts. */
  received(chatId: string): Promise<string[]>;
  /** Types a message (or a command) in the private chat. */
  say(text: string): Promise<void>;
  /** Picks option N (from 1) of the last question: its button in Telegram, the number in WhatsApp. */
  choose(n: number): Promise<void>;
  /** Picks several options of the last question (ticks and "Готово"; "1, 2"). */
  chooseMany(ns: number[]): Promise<void>;
  /**
   * The bot's messages since the last input, as plain strings: what a person reads, less the
   * channel's own way of offering the options (buttons; the numbered list and how-to-answer lines).
   */
  replies(): string[];
  /** Files the bot sent since the last input (channels that send files): name, caption, bytes. */
  documents?(): { filename: string; caption: string; data: Uint8Array }[];
  /** The option labels of the last question, in order. */
  options(): string[];
  /** Starts a flow for this person from outside (an invitation), delivered through the channel. */
  trigger(flowId: string, data: Record<string, string>): Promise<void>;
  participant(): Promise<Participant | undefined>;
  close(): Promise<void>;
}
