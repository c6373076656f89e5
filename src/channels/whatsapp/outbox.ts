// Every message the WhatsApp account sends goes through this queue. WhatsApp bans numbers that
// send in bursts from unofficial clients, so messages leave one at a time with a jittered gap,
// longer before a group message, and with an hourly cap on messages nobody asked for. The queue
// lives in the store (collection `whatsapp_outbox`): a restart neither loses nor repeats a message,
// and the pace carries over, because the last send time is read back from the same documents.
import type { Collection, Db, ObjectId } from 'mongodb';
import type { Logger } from '../../logger.js';
import type { SendResult } from './port.js';
import { isGroupId } from './port.js';
import type { Timers } from './timers.js';

export interface PaceSettings {
  /** Between any two messages of the account, drawn uniformly in [min, max]. */
  gapMs: { min: number; max: number };
  /** Before a message to a group (since the account's previous message). */
  groupGapMs: { min: number; max: number };
  /** Messages per rolling hour that are not replies (notifications, reminders, broadcasts, invitations). */
  hourlyCap: number;
  /** A chat that wrote within this window gets replies: served first, not counted in the cap. */
  conversationWindowMs: number;
}

/**
 * Community practice for numbers driven by WhatsApp Web (no published limits): seconds between
 * messages, tens of seconds before a group post, under ~80 unsolicited messages an hour.
 */
export const DEFAULT_PACE: PaceSettings = {
  gapMs: { min: 4_000, max: 8_000 },
  groupGapMs: { min: 30_000, max: 60_000 },
  hourlyCap: 60,
  conversationWindowMs: 15 * 60_000,
};

const HOUR_MS = 60 * 60_000;
/** Sent and failed entries stay a day for the hourly cap and for inspection, then the store drops them. */
const KEEP_MS = 24 * HOUR_MS;
const MAX_ATTEMPTS = 5;
/** How many waiting messages one planning pass looks at; the rest wait for the next pass. */
const PLAN_WINDOW = 500;

type Status = 'pending' | 'sending' | 'sent' | 'failed';

interface OutboxDoc {
  _id?: ObjectId;
  account: string;
  /** Order of arrival; the per-chat order of sending follows it. */
  seq: number;
  /**
   * Emptied once sent, like the text (WhatsApp's message id, which names the chat, is not kept):
   * a sent entry only paces the queue.
   */
  chatId: string;
  group: boolean;
  reply: boolean;
  /** Removed once sent or given up: the queue keeps no message text longer than it must. */
  text?: string;
  status: Status;
  attempts: number;
  notBefore: Date;
  createdAt: Date;
  sentAt?: Date;
  error?: string;
  purgeAt?: Date;
}

export interface OutboxStats {
  pending: number;
  sentLastHour: number;
}

export interface Outbox {
  /** Queues the parts of one message for a chat, in order; returns their queue ids. */
  enqueue(chatId: string, parts: readonly string[]): Promise<string[]>;
  /** The chat just wrote to the bot: what goes back to it in the next minutes is a reply. */
  noteInbound(chatId: string): void;
  /** The client is ready: start sending. */
  resume(): void;
  /** The client is gone: keep everything queued. */
  pause(): void;
  /** Resolves when no sending pass is running (tests move the clock between passes). */
  idle(): Promise<void>;
  stats(): Promise<OutboxStats>;
  /** «Удалить мои данные»: nothing waiting or failed for this chat is kept. */
  forget(chatId: string): Promise<void>;
  stop(): Promise<void>;
}

export interface OutboxDeps {
  db: Db;
  /** The WhatsApp account the queue belongs to (its phone digits, or "default"). */
  account: string;
  send: (chatId: string, text: string) => Promise<SendResult>;
  pace: PaceSettings;
  timers: Timers;
  logger: Logger;
  /** A uniform number in [0, 1): the jitter. */
  random?: () => number;
  /** WhatsApp refused the chat for good (not an account): stop writing to that person there. */
  onUndeliverable?: (chatId: string, detail: string) => Promise<void>;
}

export const OUTBOX_COLLECTION = 'whatsapp_outbox';

export function createOutbox(deps: OutboxDeps): Outbox {
  const { account, pace, timers, logger } = deps;
  const random = deps.random ?? Math.random;
  const col: Collection<OutboxDoc> = deps.db.collection<OutboxDoc>(OUTBOX_COLLECTION);
  const lastInbound = new Map<string, number>();
  let seq = 0;
  let active = false;
  let timer: unknown;
  let running: Promise<void> | undefined;
  let again = false;
  // One jitter draw per gap: re-planning while waiting must not keep moving the target.
  let slot: { after: number | undefined; u: number } | undefined;

  const ready = (async () => {
    await col.createIndexes([
      { key: { account: 1, status: 1, seq: 1 }, name: 'queue' },
      { key: { account: 1, status: 1, sentAt: -1 }, name: 'sent' },
      { key: { purgeAt: 1 }, name: 'purge', expireAfterSeconds: 0 },
    ]);
    // A send the process died in the middle of: sent again rather than lost (a question that never
    // arrives stalls a teacher's dialog; a repeated one costs a glance).
    const interrupted = await col.updateMany({ account, status: 'sending' }, { $set: { status: 'pending' } });
    if (interrupted.modifiedCount > 0) logger.warn({ count: interrupted.modifiedCount }, 'whatsapp sends interrupted by a restart are queued again');
    const last = await col.find({ account }).sort({ seq: -1 }).limit(1).next();
    seq = last?.seq ?? 0;
  })();

  const now = () => timers.now().getTime();
  const gap = (range: { min: number; max: number }, u: number) => range.min + u * Math.max(0, range.max - range.min);

  function arm(ms: number): void {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = timers.setTimeout(() => {
      timer = undefined;
      kick();
    }, Math.max(0, ms));
  }

  /** When the hourly cap lets the next unsolicited message go. */
  async function capFreeAt(at: number): Promise<number> {
    const recent = await col
      .find({ account, status: 'sent', reply: false, sentAt: { $gte: new Date(at - HOUR_MS) } })
      .sort({ sentAt: 1 })
      .project<{ sentAt: Date }>({ sentAt: 1 })
      .toArray();
    if (recent.length < pace.hourlyCap) return Number.NEGATIVE_INFINITY;
    return recent[recent.length - pace.hourlyCap]!.sentAt.getTime() + HOUR_MS;
  }

  /** The message to send next and when it may go, or nothing when the queue is empty. */
  async function plan(): Promise<{ doc: OutboxDoc; at: number } | undefined> {
    const waiting = await col.find({ account, status: 'pending' }).sort({ seq: 1 }).limit(PLAN_WINDOW).toArray();
    if (waiting.length === 0) return undefined;
    // Per chat only the oldest message is a candidate: a chat's messages never overtake each other.
    const heads = new Map<string, OutboxDoc>();
    for (const doc of waiting) if (!heads.has(doc.chatId)) heads.set(doc.chatId, doc);
    const last = await col.find({ account, status: 'sent' }).sort({ sentAt: -1 }).limit(1).next();
    const lastAt = last?.sentAt?.getTime();
    if (lastAt !== undefined && slot?.after !== lastAt) slot = { after: lastAt, u: random() };
    const u = slot?.u ?? 0;
    const capAt = pace.hourlyCap > 0 ? await capFreeAt(now()) : Number.POSITIVE_INFINITY;
    let best: { doc: OutboxDoc; at: number } | undefined;
    for (const doc of heads.values()) {
      let at = doc.notBefore.getTime();
      if (lastAt !== undefined) at = Math.max(at, lastAt + gap(doc.group ? pace.groupGapMs : pace.gapMs, u));
      if (!doc.reply) at = Math.max(at, capAt);
      // Someone waiting in a dialog goes before a broadcast that could wait.
      if (!best || at < best.at || (at === best.at && doc.reply && !best.doc.reply)) best = { doc, at };
    }
    return best;
  }

  async function sendOne(doc: OutboxDoc): Promise<void> {
    const claimed = await col.findOneAndUpdate({ _id: doc._id, status: 'pending' }, { $set: { status: 'sending' } }, { returnDocument: 'after' });
    if (!claimed || claimed.text === undefined) return;
    let result: SendResult;
    try {
      result = await deps.send(claimed.chatId, claimed.text);
    } catch (error) {
      result = { ok: false, permanent: false, detail: (error as Error).message };
    }
    const at = timers.now();
    const log = { chat: claimed.group ? 'group' : 'private', reply: claimed.reply };
    if (result.ok) {
      await col.updateOne(
        { _id: claimed._id },
        { $set: { status: 'sent', chatId: '', sentAt: at, purgeAt: new Date(at.getTime() + KEEP_MS) }, $unset: { text: '', error: '' } },
      );
      logger.debug(log, 'whatsapp message sent');
      return;
    }
    const attempts = claimed.attempts + 1;
    if (result.permanent || attempts >= MAX_ATTEMPTS) {
      await col.updateOne(
        { _id: claimed._id },
        { $set: { status: 'failed', attempts, error: result.detail.slice(0, 300), purgeAt: new Date(at.getTime() + KEEP_MS) }, $unset: { text: '' } },
      );
      logger.warn({ ...log, attempts, detail: result.detail }, 'whatsapp message given up');
      if (result.permanent) await deps.onUndeliverable?.(claimed.chatId, result.detail);
      return;
    }
    // 30 s, 1 min, 2 min, 4 min: a hiccup of WhatsApp Web passes; the rest of the queue goes on meanwhile.
    const retryAt = new Date(at.getTime() + 30_000 * 2 ** (attempts - 1));
    await col.updateOne({ _id: claimed._id }, { $set: { status: 'pending', attempts, notBefore: retryAt, error: result.detail.slice(0, 300) } });
    logger.warn({ ...log, attempts, detail: result.detail }, 'whatsapp send failed; will retry');
  }

  async function pump(): Promise<void> {
    while (active) {
      const next = await plan();
      if (!next) return;
      const wait = next.at - now();
      if (wait > 0) {
        arm(wait);
        return;
      }
      await sendOne(next.doc);
    }
  }

  function kick(): void {
    if (!active) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        await ready;
        do {
          again = false;
          await pump();
        } while (again && active);
      } catch (error) {
        // The store hiccuped: look again in a while rather than stall the queue for good.
        logger.error({ err: error }, 'whatsapp queue failed; retrying in 30 s');
        arm(30_000);
      } finally {
        running = undefined;
      }
    })();
  }

  function pause(): void {
    active = false;
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  }

  async function idle(): Promise<void> {
    await ready;
    while (running) await running;
  }

  return {
    async enqueue(chatId, parts) {
      await ready;
      const at = timers.now();
      const since = lastInbound.get(chatId);
      const reply = since !== undefined && at.getTime() - since <= pace.conversationWindowMs;
      const ids: string[] = [];
      for (const text of parts) {
        // The same text still waiting for the same chat is not queued twice: a broadcast resumed
        // after a restart, or a question asked again before the first one left.
        const duplicate = await col.findOne({ account, chatId, status: 'pending', text });
        if (duplicate?._id) {
          ids.push(duplicate._id.toHexString());
          continue;
        }
        seq += 1;
        const inserted = await col.insertOne({
          account,
          seq,
          chatId,
          group: isGroupId(chatId),
          reply,
          text,
          status: 'pending',
          attempts: 0,
          notBefore: at,
          createdAt: at,
        });
        ids.push(inserted.insertedId.toHexString());
      }
      kick();
      return ids;
    },
    noteInbound(chatId) {
      lastInbound.set(chatId, now());
    },
    resume() {
      active = true;
      kick();
    },
    pause,
    idle,
    async stats() {
      await ready;
      const [pending, sentLastHour] = await Promise.all([
        col.countDocuments({ account, status: { $in: ['pending', 'sending'] } }),
        col.countDocuments({ account, status: 'sent', sentAt: { $gte: new Date(now() - HOUR_MS) } }),
      ]);
      return { pending, sentLastHour };
    },
    async forget(chatId) {
      await ready;
      await col.deleteMany({ account, chatId, status: { $in: ['pending', 'failed'] } });
    },
    async stop() {
      pause();
      await idle();
    },
  };
}
