// What a channel keeps in the store for itself, as ports the store implements (src/store/channel-storage.ts):
// a paced outbox per account (WhatsApp: every message waits there, so a restart neither loses nor repeats
// one), login session archives (WhatsApp Web's browser profile, so a new container needs no QR scan),
// and requests the CLI leaves for the running bot (open a cohort's WhatsApp group). The contract tests in
// test/store/contract/channel-storage.test.ts hold every implementation to them.
import type { Channel } from './channel.js';

/**
 * `sending`: handed to the platform right now. `interrupted`: was `sending` when its process died,
 * to be checked against the chat. `unconfirmed`: that check did not find it (kept, never resent).
 */
export type OutboxStatus = 'pending' | 'sending' | 'interrupted' | 'sent' | 'failed' | 'unconfirmed';

export interface OutboxEntry {
  id: string;
  account: string;
  /** Order of arrival; the per-chat order of sending follows it. */
  seq: number;
  /** Emptied once sent, like the text: a sent entry only paces the queue. */
  chatId: string;
  group: boolean;
  /** Answers someone who just wrote: its own lane, outside the hourly cap. */
  reply: boolean;
  /** Removed once sent: the queue keeps no message text longer than it must. */
  text?: string;
  /** A file sent with `text` as its caption; its bytes are kept in the channel's files, by reference. */
  attachment?: OutboxAttachment;
  status: OutboxStatus;
  attempts: number;
  notBefore: Date;
  createdAt: Date;
  sentAt?: Date;
  /** When it was last handed over: a message found in the chat after a crash is no older. */
  claimedAt?: Date;
  error?: string;
}

export interface OutboxAttachment {
  fileId: string;
  filename: string;
  mimetype: string;
  /** Shown as a picture rather than as a document. */
  picture: boolean;
}

export type NewOutboxEntry = Pick<
  OutboxEntry,
  'account' | 'seq' | 'chatId' | 'group' | 'reply' | 'text' | 'notBefore' | 'createdAt'
> &
  Partial<Pick<OutboxEntry, 'attachment'>>;

export interface OutboxCounts {
  /** Waiting, being sent, or interrupted (still to be settled). */
  pending: number;
  sentSince: number;
  failed: number;
  unconfirmed: number;
}

export interface OutboxRepository {
  /**
   * Readies the queue for a process that starts: entries a dead process left `sending` become
   * `interrupted`. Returns how many, and the highest `seq` so far (new entries continue from it).
   */
  open(account: string): Promise<{ interrupted: number; lastSeq: number }>;
  add(entry: NewOutboxEntry): Promise<string>;
  /** The id of the same text still waiting for the same chat, if any (not queued twice). */
  findWaiting(account: string, chatId: string, text: string): Promise<string | undefined>;
  /**
   * A lane's first entry by due time (then `seq`) among those whose chat has nothing older waiting
   * in the same lane: a chat's messages never overtake each other within a lane.
   */
  laneHead(account: string, lane: { reply: boolean; group: boolean }): Promise<OutboxEntry | undefined>;
  /** When the account's latest message went. */
  lastSentAt(account: string): Promise<Date | undefined>;
  /** Send times of the messages nobody asked for (not replies) since `since`, oldest first. */
  unsolicitedSentSince(account: string, since: Date): Promise<Date[]>;
  listInterrupted(account: string): Promise<OutboxEntry[]>;
  /** Pending becomes sending: the claim one sender wins; undefined when it was not pending. */
  claim(id: string, at: Date): Promise<OutboxEntry | undefined>;
  /** Sent (from `sending`, or an `interrupted` one found in the chat): chat and text are dropped; kept until `keepUntil`. */
  markSent(id: string, from: 'sending' | 'interrupted', sentAt: Date, keepUntil: Date): Promise<boolean>;
  /** Given up for good (`failed`, after `sending`) or not found after a crash (`unconfirmed`, after `interrupted`): kept with its text. */
  markKept(
    id: string,
    status: 'failed' | 'unconfirmed',
    detail: { error: string; at: Date; attempts?: number },
  ): Promise<boolean>;
  /** Back to pending, to be tried again at `notBefore`. */
  retryLater(id: string, attempts: number, notBefore: Date, error: string): Promise<void>;
  counts(account: string, sentSince: Date): Promise<OutboxCounts>;
  /**
   * Entries kept as failed or unconfirmed: one account's in queue order, or (no account) every
   * account's, oldest first, for the CLI.
   */
  listKept(limit: number, account?: string): Promise<OutboxEntry[]>;
  /** «Удалить мои данные»: nothing waiting or kept for this chat stays. Returns the file ids those entries held. */
  forget(account: string, chatId: string): Promise<string[]>;
}

/** Files waiting in an outbox (an export, a report), kept apart from the queue's small documents. */
export interface ChannelFileRepository {
  put(filename: string, data: Uint8Array): Promise<string>;
  /** Undefined once deleted (or never stored). */
  get(fileId: string): Promise<Uint8Array | undefined>;
  delete(fileId: string): Promise<void>;
}

/** Login session archives (a zip file of the platform's web client profile), by session name. */
export interface SessionArchiveRepository {
  exists(session: string): Promise<boolean>;
  /** Stores the file as the session's archive; the older copies go only once it is complete. */
  save(session: string, fromFile: string): Promise<void>;
  /** Writes the latest archive to `toFile`; fails when there is none. */
  extract(session: string, toFile: string): Promise<void>;
  delete(session: string): Promise<void>;
}

export interface RequestHandling {
  /** How many requests of this kind one process carries out at once. */
  concurrency: number;
  /** After the `attempt`th failure, wait this long before the next; null: give up. */
  retryDelayMs(attempt: number): number | null;
}

/**
 * Requests stored for whichever running bot carries them out (the CLI has no WhatsApp session of its
 * own): kept in the shared store, retried while the bot cannot serve them yet.
 */
export interface ChannelRequestQueue {
  /** Stores a request of the kind `name`; returns its id. */
  submit<T extends object>(name: string, data: T): Promise<string>;
  /** This process carries out requests of the kind `name`; a handler that throws is retried. */
  handle<T extends object>(name: string, handler: (data: T) => Promise<void>, options: RequestHandling): void;
}

export interface ChannelStorage {
  /** The channel's outbox (WhatsApp's is the collection `whatsapp_outbox`). */
  outbox(channel: Channel): OutboxRepository;
  sessionArchives(channel: Channel): SessionArchiveRepository;
  files(channel: Channel): ChannelFileRepository;
  requests: ChannelRequestQueue;
}
