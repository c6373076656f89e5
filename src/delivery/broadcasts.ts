// A curator's message to a cohort: to its groups and, if asked, to each teacher privately, with the
// outcome recorded per recipient and a report for the author. Sending resumes after a restart:
// recipients already served are not written to twice.
import type { Broadcast, Delivery as RecordedDelivery } from '../domain/broadcast.js';
import { singleInstance, type Coordination } from '../domain/coordination.js';
import type { Participant } from '../domain/participant.js';
import type { BroadcastInput, Repositories } from '../domain/repositories.js';
import { translator } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { chatsOf } from '../engine/identity.js';
import type { Dispatcher } from './dispatcher.js';

export const BROADCAST_MAX_LENGTH = 3500;

export interface BroadcastReport {
  total: number;
  sent: number;
  failed: { reason: string; name?: string }[];
  blocked: string[];
  /** Recipients a restart caught mid-send: perhaps delivered, never sent twice. */
  interrupted: string[];
  notConnected: number;
  optedOut: number;
}

export interface BroadcastService {
  create(input: BroadcastInput): Promise<Broadcast>;
  /** The message exactly as recipients will read it. */
  body(broadcast: Pick<Broadcast, 'text' | 'link'>): string;
  /**
   * Sends whatever is still pending, records each outcome, and tells the author. With several
   * instances each sends the deliveries it claims first; the last to finish reports (the others
   * return undefined).
   */
  send(broadcastId: string): Promise<BroadcastReport | undefined>;
  /** Broadcasts a restart interrupted: finish them. */
  resumeUnfinished(): Promise<void>;
}

/** The stored reason of a delivery a restart interrupted; the author's report lists these apart. */
const INTERRUPTED = 'interrupted by a restart';

/** How often the author hears how a long broadcast is going: every this many recipients... */
export const PROGRESS_EVERY = 25;
/**
 * ...and no more often than this. WhatsApp paces a message every few seconds, so 25 recipients
 * take minutes there; Telegram sends 25 in under a second, and a word every 25 would be 48
 * messages to the author for 1,200 teachers (4 % of the bot's 30-a-second budget on top).
 */
export const PROGRESS_INTERVAL_MS = 30_000;

export function createBroadcastService(deps: {
  repos: Repositories;
  dispatcher: Dispatcher;
  logger: Logger;
  now?: () => Date;
  progressEvery?: number;
  progressIntervalMs?: number;
  /** Deliveries of one broadcast under way at once (claimed, waiting to be sent, being recorded). */
  concurrency?: number;
  /** Instances sharing the store; alone by default (a new id per process, so a restart is a new instance). */
  coordination?: Coordination;
}): BroadcastService {
  const { repos, dispatcher, logger } = deps;
  const progressEvery = deps.progressEvery ?? PROGRESS_EVERY;
  const progressIntervalMs = deps.progressIntervalMs ?? PROGRESS_INTERVAL_MS;
  const concurrency = Math.max(1, deps.concurrency ?? 4);
  const now = deps.now ?? (() => new Date());
  const coordination = deps.coordination ?? singleInstance(`single:${globalThis.crypto.randomUUID()}`);
  const me = coordination.instanceId;
  /** Broadcasts this instance is sending now: a second pass over one would only contend with itself. */
  const inFlight = new Set<string>();
  const body = (b: Pick<Broadcast, 'text' | 'link'>) => (b.link ? `${b.text}\n\n${b.link}` : b.text);

  async function teachers(cohortId: string): Promise<Participant[]> {
    const enrollments = await repos.enrollments.listByCohort(cohortId, 'active');
    return repos.participants.findByIds(enrollments.map((e) => e.participantId));
  }

  async function recipients(b: Broadcast): Promise<{
    deliveries: Omit<RecordedDelivery, 'status' | 'at' | 'reason'>[];
    notConnected: number;
    optedOut: number;
  }> {
    const deliveries: Omit<RecordedDelivery, 'status' | 'at' | 'reason'>[] = [];
    let notConnected = 0;
    let optedOut = 0;
    if (b.toGroups) {
      const cohort = await repos.cohorts.findById(b.cohortId);
      for (const g of cohort?.groups ?? []) deliveries.push({ channel: g.channel, chatId: g.chatId });
    }
    if (b.toParticipants) {
      for (const p of await teachers(b.cohortId)) {
        if (p.remindersOptedOutAt) {
          optedOut += 1;
          continue;
        }
        const chat = chatsOf(p)[0];
        if (chat) deliveries.push({ ...chat, participantId: p.id });
        else notConnected += 1;
      }
    }
    return { deliveries, notConnected, optedOut };
  }

  async function report(b: Broadcast, extra: { notConnected: number; optedOut: number }): Promise<BroadcastReport> {
    const names = new Map(
      (await repos.participants.findByIds(b.deliveries.flatMap((d) => (d.participantId ? [d.participantId] : [])))).map(
        (p) => [p.id, p.fullName ?? '—'],
      ),
    );
    const nameOf = (d: RecordedDelivery) => (d.participantId ? names.get(d.participantId) : undefined);
    return {
      total: b.deliveries.length,
      sent: b.deliveries.filter((d) => d.status === 'sent').length,
      failed: b.deliveries
        .filter((d) => d.status === 'failed' && d.reason !== INTERRUPTED)
        .map((d) => ({ reason: d.reason ?? '', ...(nameOf(d) ? { name: nameOf(d) } : {}) })),
      blocked: b.deliveries.filter((d) => d.status === 'blocked').map((d) => nameOf(d) ?? d.chatId),
      interrupted: b.deliveries
        .filter((d) => d.status === 'failed' && d.reason === INTERRUPTED)
        .map((d) => nameOf(d) ?? d.chatId),
      ...extra,
    };
  }

  /** "Sent 25 of 120…": a long broadcast takes minutes (WhatsApp paces a message every few seconds). */
  async function tellProgress(b: Broadcast, done: number): Promise<void> {
    const author = await repos.participants.findById(b.authorId);
    const text = translator(author?.locale ?? 'ru')('broadcast.progress', { done, total: b.deliveries.length });
    await dispatcher.dispatch([
      { to: { kind: 'participant', participantId: b.authorId }, message: { kind: 'text', text } },
    ]);
  }

  async function tellAuthor(b: Broadcast, r: BroadcastReport): Promise<void> {
    const author = await repos.participants.findById(b.authorId);
    const t = translator(author?.locale ?? 'ru');
    const lines = [t('broadcast.report', { sent: r.sent, total: r.total })];
    if (r.failed.length)
      lines.push(
        t('broadcast.report_failed', {
          count: r.failed.length,
          reasons: [...new Set(r.failed.map((f) => f.reason))].join('; '),
        }),
      );
    if (r.blocked.length) lines.push(t('broadcast.report_blocked', { names: r.blocked.join(', ') }));
    if (r.interrupted.length) lines.push(t('broadcast.report_interrupted', { names: r.interrupted.join(', ') }));
    if (r.notConnected) lines.push(t('broadcast.report_not_connected', { count: r.notConnected }));
    if (r.optedOut) lines.push(t('broadcast.report_opted_out', { count: r.optedOut }));
    await dispatcher.dispatch([
      { to: { kind: 'participant', participantId: b.authorId }, message: { kind: 'text', text: lines.join('\n') } },
    ]);
  }

  /** `sending` by an instance that is gone: perhaps delivered, never sent twice. */
  async function abandoned(d: RecordedDelivery): Promise<boolean> {
    return d.status === 'sending' && d.by !== me && !(d.by !== undefined && (await coordination.isAlive(d.by)));
  }

  async function sendOnce(broadcastId: string): Promise<BroadcastReport | undefined> {
    let b = await repos.broadcasts.findById(broadcastId);
    if (!b || b.status === 'done') return undefined;
    const planned = await recipients(b);
    b = (await repos.broadcasts.startSending(b.id, planned.deliveries)) ?? b;
    const message = { kind: 'text' as const, text: body(b) };
    // A delivery a dead process was sending may have reached the chat: sending it again could
    // double it, so it is reported to the author instead, who can tell the person themselves.
    for (const d of b.deliveries) {
      if (await abandoned(d))
        await repos.broadcasts.recordDelivery(b.id, d.channel, d.chatId, {
          status: 'failed',
          reason: INTERRUPTED,
          at: now(),
        });
    }
    // A few deliveries at a time: the channel adapters pace sends to each platform's limits, and
    // while one delivery waits for its turn or its HTTP call, the next is claimed and the last is
    // recorded (one at a time, the two store writes around each send held the loop at ~40 ms a
    // message, 1.2 x Telegram's 30-a-second floor). Each delivery is claimed first, so instances
    // sharing the store split the broadcast and none sends one twice; a crash leaves at most
    // `concurrency` of them "perhaps delivered".
    const pending = b.deliveries.filter((x) => x.status === 'pending');
    let done = b.deliveries.length - pending.length;
    let mine = 0;
    let next = 0;
    let unfinished = pending.length;
    let toldAt = now().getTime();
    const current = b;
    async function worker(): Promise<void> {
      while (next < pending.length) {
        const d = pending[next++] as RecordedDelivery;
        if (!(await repos.broadcasts.claimDelivery(current.id, d.channel, d.chatId, me, now()))) {
          unfinished -= 1;
          continue;
        }
        const [result] = await dispatcher.dispatch([
          { to: { kind: 'chat', channel: d.channel, chatId: d.chatId }, message },
        ]);
        const outcome = result?.outcome;
        const status = outcome?.ok ? 'sent' : outcome?.kind === 'blocked' ? 'blocked' : 'failed';
        if (outcome && !outcome.ok && outcome.kind === 'blocked' && d.participantId) {
          await repos.participants.setUnreachable(d.participantId, d.channel, now());
        }
        await repos.broadcasts.recordDelivery(current.id, d.channel, d.chatId, {
          status,
          ...(outcome && !outcome.ok ? { reason: outcome.detail.slice(0, 200) } : {}),
          at: now(),
        });
        mine += 1;
        done += 1;
        unfinished -= 1;
        if (mine % progressEvery === 0 && unfinished > 0 && now().getTime() - toldAt >= progressIntervalMs) {
          toldAt = now().getTime();
          await tellProgress(current, done);
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, worker));
    // Another live instance still sending its share finishes (and reports) after it.
    const latest = (await repos.broadcasts.findById(b.id)) ?? b;
    for (const d of latest.deliveries) {
      if (d.status === 'pending') return undefined;
      if (d.status !== 'sending') continue;
      if (!(await abandoned(d))) return undefined;
      await repos.broadcasts.recordDelivery(b.id, d.channel, d.chatId, {
        status: 'failed',
        reason: INTERRUPTED,
        at: now(),
      });
    }
    const finished = await repos.broadcasts.finish(b.id, now());
    if (!finished) return undefined;
    const r = await report(finished, planned);
    await tellAuthor(finished, r);
    logger.info({ broadcast: b.id, sent: r.sent, total: r.total }, 'broadcast finished');
    return r;
  }

  const service: BroadcastService = {
    async create(input) {
      if (input.text.length > BROADCAST_MAX_LENGTH) throw new RangeError('broadcast text too long');
      return repos.broadcasts.create(input);
    },
    body,
    async send(broadcastId) {
      if (inFlight.has(broadcastId)) return undefined;
      inFlight.add(broadcastId);
      try {
        return await sendOnce(broadcastId);
      } finally {
        inFlight.delete(broadcastId);
      }
    },
    async resumeUnfinished() {
      for (const b of await repos.broadcasts.listSending()) {
        await service
          .send(b.id)
          .catch((error: unknown) => logger.error({ err: error, broadcast: b.id }, 'resuming a broadcast failed'));
      }
    },
  };
  return service;
}
