// Every message the WhatsApp account sends goes through this queue. WhatsApp bans numbers that
// send in bursts from unofficial clients, so messages leave one at a time with a jittered gap,
// longer before a group message, and with an hourly cap on messages nobody asked for. The queue
// lives in the store (collection `whatsapp_outbox`): a restart neither loses nor repeats a message,
// and the pace carries over, because the last send time is read back from the same documents.
// Replies to someone who just wrote travel in a lane of their own: nothing queued delays them, not
// even that person's own reminder held by the hourly cap. When every send fails the same way (a
// WhatsApp Web update breaks the client), a breaker pauses sending and keeps every message; a
// message is never dropped: after its retries it stays, as failed, with its text, to be listed.
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
/** Sent entries stay a day for the hourly cap, then the store drops them; failed ones stay until listed and dealt with. */
const KEEP_MS = 24 * HOUR_MS;
const MAX_ATTEMPTS = 5;
/** The same failure this many times in a row is the account's problem, not the messages'. */
export const BREAKER_THRESHOLD = 3;
/** While the breaker is open, one message is tried this often (doubling, up to an hour). */
const BREAKER_PROBE_MS = 5 * 60_000;

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
  failedAt?: Date;
  purgeAt?: Date;
}

export interface OutboxStats {
  pending: number;
  sentLastHour: number;
  /** Given up after their retries (or refused for good): kept with their text, see `failed()`. */
  failed: number;
}

export interface BreakerState {
  since: Date;
  /** The failure repeated, as WhatsApp Web reported it. */
  detail: string;
}

export interface FailedMessage {
  id: string;
  chatId: string;
  group: boolean;
  text: string;
  attempts: number;
  error: string;
  createdAt: Date;
}

/** What staff should hear about: the breaker opening (sending paused) and closing again. */
export type OutboxAlert = { kind: 'paused'; detail: string; pending: number } | { kind: 'resumed' };

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
  /** Open while sending is paused after repeated identical failures. */
  breaker(): BreakerState | undefined;
  /** Messages kept as failed, oldest first. */
  failed(limit?: number): Promise<FailedMessage[]>;
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
  /** The breaker opened or closed: tell people (never awaited by the queue). */
  onAlert?: (alert: OutboxAlert) => Promise<void>;
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
  let streak: { detail: string; count: number } | undefined;
  let breaker: (BreakerState & { probeAt: number; probeMs: number }) | undefined;

  const ready = (async () => {
    await col.createIndexes([
      { key: { account: 1, status: 1, seq: 1 }, name: 'queue' },
      { key: { account: 1, status: 1, reply: 1, group: 1, notBefore: 1, seq: 1 }, name: 'due' },
      { key: { account: 1, status: 1, reply: 1, chatId: 1, seq: 1 }, name: 'chat' },
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

  /**
   * The lane's first message by due time whose chat has nothing older waiting in the same lane (a
   * chat's messages never overtake each other within a lane), for group or private chats (their
   * gaps differ). The lane is scanned in due order, however long: no window leaves a message unseen.
   */
  async function laneHead(reply: boolean, group: boolean): Promise<OutboxDoc | undefined> {
    const cursor = col.find({ account, status: 'pending', reply, group }).sort({ notBefore: 1, seq: 1 });
    try {
      for await (const doc of cursor) {
        const older = await col.findOne({ account, status: 'pending', reply, chatId: doc.chatId, seq: { $lt: doc.seq } }, { projection: { _id: 1 } });
        if (!older) return doc;
      }
      return undefined;
    } finally {
      await cursor.close();
    }
  }

  /** The message to send next and when it may go, or nothing when the queue is empty. */
  async function plan(): Promise<{ doc: OutboxDoc; at: number } | undefined> {
    const heads = (await Promise.all([laneHead(true, false), laneHead(true, true), laneHead(false, false), laneHead(false, true)]))
      .filter((d): d is OutboxDoc => d !== undefined);
    if (heads.length === 0) return undefined;
    const last = await col.find({ account, status: 'sent' }).sort({ sentAt: -1 }).limit(1).next();
    const lastAt = last?.sentAt?.getTime();
    if (lastAt !== undefined && slot?.after !== lastAt) slot = { after: lastAt, u: random() };
    const u = slot?.u ?? 0;
    // hourlyCap 0: no unsolicited messages at all.
    const capAt = heads.some((d) => !d.reply) ? (pace.hourlyCap > 0 ? await capFreeAt(now()) : Number.POSITIVE_INFINITY) : 0;
    const timed = heads.map((doc) => {
      let at = doc.notBefore.getTime();
      if (lastAt !== undefined) at = Math.max(at, lastAt + gap(doc.group ? pace.groupGapMs : pace.gapMs, u));
      if (breaker) at = Math.max(at, breaker.probeAt);
      if (!doc.reply) at = Math.max(at, capAt);
      return { doc, at };
    });
    // A reply whose time has come takes the next slot: nothing queued may go ahead of it.
    const dueReplies = timed.filter((c) => c.doc.reply && c.doc.notBefore.getTime() <= now());
    const pool = dueReplies.length > 0 ? dueReplies : timed;
    let best: { doc: OutboxDoc; at: number } | undefined;
    for (const c of pool) if (!best || c.at < best.at || (c.at === best.at && c.doc.reply && !best.doc.reply)) best = c;
    return best && Number.isFinite(best.at) ? best : undefined;
  }

  function noteFailure(detail: string): void {
    const key = detail.slice(0, 120);
    streak = streak?.detail === key ? { detail: key, count: streak.count + 1 } : { detail: key, count: 1 };
    if (breaker) {
      // The probe failed too: wait longer before the next one.
      breaker.probeMs = Math.min(HOUR_MS, breaker.probeMs * 2);
      breaker.probeAt = now() + breaker.probeMs;
      return;
    }
    if (streak.count < BREAKER_THRESHOLD) return;
    breaker = { since: timers.now(), detail: key, probeAt: now() + BREAKER_PROBE_MS, probeMs: BREAKER_PROBE_MS };
    logger.error({ detail: key, failures: streak.count }, 'whatsapp sending paused: the same failure keeps repeating (WhatsApp Web may have changed); every message is kept');
    void (async () => {
      const { pending } = await stats();
      await deps.onAlert?.({ kind: 'paused', detail: key, pending });
    })().catch((error: unknown) => logger.error({ err: error }, 'whatsapp pause alert failed'));
  }

  function noteSuccess(): void {
    streak = undefined;
    if (!breaker) return;
    breaker = undefined;
    logger.info('whatsapp sending resumed');
    void deps.onAlert?.({ kind: 'resumed' }).catch((error: unknown) => logger.error({ err: error }, 'whatsapp resume alert failed'));
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
      noteSuccess();
      logger.debug(log, 'whatsapp message sent');
      return;
    }
    const detail = result.detail.slice(0, 300);
    if (!result.permanent) noteFailure(result.detail);
    // A failure the breaker stands for is the account's, not this message's: it costs no attempt.
    const attempts = breaker && !result.permanent ? claimed.attempts : claimed.attempts + 1;
    if (result.permanent || attempts >= MAX_ATTEMPTS) {
      // Kept, text and all, until someone looks: a message is never silently dropped.
      await col.updateOne({ _id: claimed._id }, { $set: { status: 'failed', attempts, error: detail, failedAt: at } });
      logger.warn({ ...log, attempts, detail: result.detail }, 'whatsapp message kept as failed (see `npm run cli -- whatsapp`)');
      if (result.permanent) await deps.onUndeliverable?.(claimed.chatId, result.detail);
      return;
    }
    // 30 s, 1 min, 2 min, 4 min: a hiccup of WhatsApp Web passes; the rest of the queue goes on meanwhile.
    const retryAt = new Date(at.getTime() + (attempts === claimed.attempts ? 0 : 30_000 * 2 ** (attempts - 1)));
    await col.updateOne({ _id: claimed._id }, { $set: { status: 'pending', attempts, notBefore: retryAt, error: detail } });
    logger.warn({ ...log, attempts, detail: result.detail }, 'whatsapp send failed; will retry');
  }

  async function stats(): Promise<OutboxStats> {
    await ready;
    const [pending, sentLastHour, failed] = await Promise.all([
      col.countDocuments({ account, status: { $in: ['pending', 'sending'] } }),
      col.countDocuments({ account, status: 'sent', sentAt: { $gte: new Date(now() - HOUR_MS) } }),
      col.countDocuments({ account, status: 'failed' }),
    ]);
    return { pending, sentLastHour, failed };
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
      // A fresh client (re-login, restart of the browser) gets a fresh chance.
      if (breaker) breaker.probeAt = now();
      kick();
    },
    pause,
    idle,
    stats,
    breaker: () => (breaker ? { since: breaker.since, detail: breaker.detail } : undefined),
    async failed(limit = 100) {
      await ready;
      const docs = await col.find({ account, status: 'failed' }).sort({ seq: 1 }).limit(limit).toArray();
      return docs.map((d) => ({
        id: String(d._id),
        chatId: d.chatId,
        group: d.group,
        text: d.text ?? '',
        attempts: d.attempts,
        error: d.error ?? '',
        createdAt: d.createdAt,
      }));
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

/** For the CLI, which has no outbox of its own: the messages kept as failed, every account. */
export async function listFailedMessages(db: Db, limit = 100): Promise<(FailedMessage & { account: string })[]> {
  const docs = await db.collection<OutboxDoc>(OUTBOX_COLLECTION).find({ status: 'failed' }).sort({ createdAt: 1 }).limit(limit).toArray();
  return docs.map((d) => ({ id: String(d._id), account: d.account, chatId: d.chatId, group: d.group, text: d.text ?? '', attempts: d.attempts, error: d.error ?? '', createdAt: d.createdAt }));
}
