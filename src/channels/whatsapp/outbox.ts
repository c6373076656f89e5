// Every message the WhatsApp account sends goes through this queue. WhatsApp bans numbers that
// send in bursts from unofficial clients, so messages leave one at a time with a jittered gap,
// longer before a group message, and with an hourly cap on messages nobody asked for. The queue
// lives in the store (an OutboxRepository, collection `whatsapp_outbox`): a restart neither loses nor repeats a message,
// and the pace carries over, because the last send time is read back from the same documents.
// Replies to someone who just wrote travel in a lane of their own: nothing queued delays them, not
// even that person's own reminder held by the hourly cap. When every send fails the same way (a
// WhatsApp Web update breaks the client), a breaker pauses sending and keeps every message; a
// message is never dropped: after its retries it stays, as failed, with its text, to be listed.
// A message is marked `sending` before it is handed to WhatsApp. A process that dies right then
// leaves it so: the next one neither sends it again blindly nor forgets it, but looks for it among
// the chat's latest messages once the client is ready; found, it counts as sent; not found, it is
// kept as unconfirmed with its text, listed and reported to staff (never doubled, never lost).
import type { ChannelFileRepository, OutboxEntry, OutboxRepository } from '../../domain/channel-storage.js';
import type { Logger } from '../../logger.js';
import type { PortFile, PortSentMessage, SendResult } from './port.js';
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
/** How many of the account's latest messages in a chat are searched for an interrupted send. */
const CONFIRM_LOOKBACK = 20;
/** WhatsApp's clock and ours may differ a little: a found message may look this much older. */
const CONFIRM_SLACK_MS = 5 * 60_000;

export interface OutboxStats {
  pending: number;
  sentLastHour: number;
  /** Given up after their retries (or refused for good): kept with their text, see `failed()`. */
  failed: number;
  /** On their way when a process died and not found in the chat afterwards: kept, not sent again. */
  unconfirmed: number;
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
  /** Not a refusal: the process died while sending it and WhatsApp did not show it afterwards. */
  unconfirmed: boolean;
}

/**
 * What staff should hear about: the breaker opening (sending paused) and closing again, and
 * messages a crash left unconfirmed (the person may not have them).
 */
export type OutboxAlert =
  | { kind: 'paused'; detail: string; pending: number }
  | { kind: 'resumed' }
  | { kind: 'unconfirmed'; count: number };

export interface Outbox {
  /** Queues the parts of one message for a chat, in order; returns their queue ids. */
  enqueue(chatId: string, parts: readonly string[]): Promise<string[]>;
  /** Queues a file with its caption, paced like any message; the bytes wait in the store's files. */
  enqueueFile(chatId: string, file: PortFile, caption: string): Promise<string>;
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
  /** Messages kept as failed or unconfirmed, oldest first. */
  failed(limit?: number): Promise<FailedMessage[]>;
  /** «Удалить мои данные»: nothing waiting or failed for this chat is kept. */
  forget(chatId: string): Promise<void>;
  stop(): Promise<void>;
}

export interface OutboxDeps {
  /** Where the queue lives (the store's `whatsapp_outbox`). */
  store: OutboxRepository;
  /** The WhatsApp account the queue belongs to (its phone digits, or "default"). */
  account: string;
  send: (chatId: string, text: string) => Promise<SendResult>;
  /** Files: without these two the outbox refuses to queue one. */
  sendFile?: (chatId: string, file: PortFile, caption: string) => Promise<SendResult>;
  files?: ChannelFileRepository;
  /**
   * The account's latest messages in a chat (WhatsApp Web's view): confirms a send a crash
   * interrupted. Without it such a send is reported as unconfirmed.
   */
  recentSent?: (chatId: string, limit: number) => Promise<PortSentMessage[]>;
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

export function createOutbox(deps: OutboxDeps): Outbox {
  const { account, pace, timers, logger } = deps;
  const random = deps.random ?? Math.random;
  const store = deps.store;
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
  // Interrupted sends are settled once, with the first ready client, before anything else is sent.
  let settled = false;

  const ready = (async () => {
    // Sends a previous process died in the middle of: checked against the chat once the client is
    // ready (see `recover`), neither sent again blindly nor forgotten.
    const opened = await store.open(account);
    if (opened.interrupted > 0)
      logger.warn(
        { count: opened.interrupted },
        'whatsapp sends interrupted by a restart will be checked against WhatsApp',
      );
    seq = opened.lastSeq;
  })();

  const now = () => timers.now().getTime();
  const gap = (range: { min: number; max: number }, u: number) => range.min + u * Math.max(0, range.max - range.min);

  function arm(ms: number): void {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = timers.setTimeout(
      () => {
        timer = undefined;
        kick();
      },
      Math.max(0, ms),
    );
  }

  /** When the hourly cap lets the next unsolicited message go. */
  async function capFreeAt(at: number): Promise<number> {
    const recent = await store.unsolicitedSentSince(account, new Date(at - HOUR_MS));
    if (recent.length < pace.hourlyCap) return Number.NEGATIVE_INFINITY;
    return recent[recent.length - pace.hourlyCap]!.getTime() + HOUR_MS;
  }

  /** The message to send next and when it may go, or nothing when the queue is empty. */
  async function plan(): Promise<{ doc: OutboxEntry; at: number } | undefined> {
    const lanes = [
      { reply: true, group: false },
      { reply: true, group: true },
      { reply: false, group: false },
      { reply: false, group: true },
    ];
    const heads = (await Promise.all(lanes.map((lane) => store.laneHead(account, lane)))).filter(
      (d): d is OutboxEntry => d !== undefined,
    );
    if (heads.length === 0) return undefined;
    const lastAt = (await store.lastSentAt(account))?.getTime();
    if (lastAt !== undefined && slot?.after !== lastAt) slot = { after: lastAt, u: random() };
    const u = slot?.u ?? 0;
    // hourlyCap 0: no unsolicited messages at all.
    const capAt = heads.some((d) => !d.reply)
      ? pace.hourlyCap > 0
        ? await capFreeAt(now())
        : Number.POSITIVE_INFINITY
      : 0;
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
    let best: { doc: OutboxEntry; at: number } | undefined;
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
    logger.error(
      { detail: key, failures: streak.count },
      'whatsapp sending paused: the same failure keeps repeating (WhatsApp Web may have changed); every message is kept',
    );
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
    void deps
      .onAlert?.({ kind: 'resumed' })
      .catch((error: unknown) => logger.error({ err: error }, 'whatsapp resume alert failed'));
  }

  /**
   * Settles the sends a crash interrupted: a message WhatsApp shows in the chat (same text, sent
   * since it was handed over) is sent; any other is kept as unconfirmed and staff are told.
   */
  async function recover(): Promise<void> {
    const docs = await store.listInterrupted(account);
    if (docs.length === 0) return;
    let unconfirmed = 0;
    for (const doc of docs) {
      const since = (doc.claimedAt ?? doc.createdAt).getTime() - CONFIRM_SLACK_MS;
      let found = false;
      let detail = 'interrupted by a restart; not found in the chat afterwards';
      if (deps.recentSent && doc.text !== undefined) {
        try {
          const recent = await deps.recentSent(doc.chatId, CONFIRM_LOOKBACK);
          found = recent.some((m) => m.body.trim() === doc.text?.trim() && m.timestamp * 1000 >= since);
        } catch (error) {
          detail = `interrupted by a restart; the chat could not be checked: ${(error as Error).message}`.slice(0, 300);
        }
      } else if (!deps.recentSent) {
        detail = 'interrupted by a restart; this client cannot check the chat';
      }
      const at = timers.now();
      if (found) {
        await store.markSent(doc.id, 'interrupted', doc.claimedAt ?? at, new Date(at.getTime() + KEEP_MS));
        continue;
      }
      if (await store.markKept(doc.id, 'unconfirmed', { error: detail, at })) unconfirmed += 1;
    }
    logger.warn(
      { confirmed: docs.length - unconfirmed, unconfirmed },
      'whatsapp sends interrupted by a restart settled',
    );
    if (unconfirmed > 0) {
      void deps
        .onAlert?.({ kind: 'unconfirmed', count: unconfirmed })
        .catch((error: unknown) => logger.error({ err: error }, 'whatsapp unconfirmed alert failed'));
    }
  }

  async function sendOne(doc: OutboxEntry): Promise<void> {
    const claimed = await store.claim(doc.id, timers.now());
    if (!claimed || claimed.text === undefined) return;
    let result: SendResult;
    const attachment = claimed.attachment;
    try {
      if (attachment) {
        const data = await deps.files?.get(attachment.fileId);
        result =
          data && deps.sendFile
            ? await deps.sendFile(
                claimed.chatId,
                { filename: attachment.filename, mimetype: attachment.mimetype, data, picture: attachment.picture },
                claimed.text,
              )
            : { ok: false, permanent: true, detail: `the file ${attachment.filename} is no longer in the store` };
      } else {
        result = await deps.send(claimed.chatId, claimed.text);
      }
    } catch (error) {
      result = { ok: false, permanent: false, detail: (error as Error).message };
    }
    const at = timers.now();
    const log = { chat: claimed.group ? 'group' : 'private', reply: claimed.reply };
    if (result.ok) {
      await store.markSent(claimed.id, 'sending', at, new Date(at.getTime() + KEEP_MS));
      if (attachment) await deps.files?.delete(attachment.fileId);
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
      await store.markKept(claimed.id, 'failed', { attempts, error: detail, at });
      logger.warn(
        { ...log, attempts, detail: result.detail },
        'whatsapp message kept as failed (see `npm run cli -- whatsapp`)',
      );
      if (result.permanent) await deps.onUndeliverable?.(claimed.chatId, result.detail);
      return;
    }
    // 30 s, 1 min, 2 min, 4 min: a hiccup of WhatsApp Web passes; the rest of the queue goes on meanwhile.
    const retryAt = new Date(at.getTime() + (attempts === claimed.attempts ? 0 : 30_000 * 2 ** (attempts - 1)));
    await store.retryLater(claimed.id, attempts, retryAt, detail);
    logger.warn({ ...log, attempts, detail: result.detail }, 'whatsapp send failed; will retry');
  }

  async function stats(): Promise<OutboxStats> {
    await ready;
    const { pending, sentSince, failed, unconfirmed } = await store.counts(account, new Date(now() - HOUR_MS));
    return { pending, sentLastHour: sentSince, failed, unconfirmed };
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
        if (!settled) {
          await recover();
          settled = true;
        }
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
        const duplicate = await store.findWaiting(account, chatId, text);
        if (duplicate) {
          ids.push(duplicate);
          continue;
        }
        seq += 1;
        ids.push(
          await store.add({
            account,
            seq,
            chatId,
            group: isGroupId(chatId),
            reply,
            text,
            notBefore: at,
            createdAt: at,
          }),
        );
      }
      kick();
      return ids;
    },
    async enqueueFile(chatId, file, caption) {
      await ready;
      if (!deps.files || !deps.sendFile) throw new Error('this outbox sends no files');
      const at = timers.now();
      const since = lastInbound.get(chatId);
      const reply = since !== undefined && at.getTime() - since <= pace.conversationWindowMs;
      const fileId = await deps.files.put(file.filename, file.data);
      seq += 1;
      const id = await store.add({
        account,
        seq,
        chatId,
        group: isGroupId(chatId),
        reply,
        text: caption,
        notBefore: at,
        createdAt: at,
        attachment: { fileId, filename: file.filename, mimetype: file.mimetype, picture: file.picture },
      });
      kick();
      return id;
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
      return (await store.listKept(limit, account)).map(failedMessage);
    },
    async forget(chatId) {
      await ready;
      for (const fileId of await store.forget(account, chatId)) await deps.files?.delete(fileId);
    },
    async stop() {
      pause();
      await idle();
    },
  };
}

/** For the CLI, which has no outbox of its own: the messages kept as failed, every account. */
export async function listFailedMessages(
  store: OutboxRepository,
  limit = 100,
): Promise<(FailedMessage & { account: string })[]> {
  return (await store.listKept(limit)).map((d) => ({ ...failedMessage(d), account: d.account }));
}

function failedMessage(d: OutboxEntry): FailedMessage {
  return {
    id: d.id,
    chatId: d.chatId,
    group: d.group,
    text: d.text ?? '',
    attempts: d.attempts,
    error: d.error ?? '',
    createdAt: d.createdAt,
    unconfirmed: d.status === 'unconfirmed',
  };
}
