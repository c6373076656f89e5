// Telegram with several Sputnik instances on one store. Webhooks: Telegram may hand the same
// update to any instance (and again after a time-out), so each update is claimed once, and one
// chat's updates are handled in their order, one at a time, whichever instances got them. Long
// polling: Telegram serves one poller per bot, so the poller holds a lease and a second instance
// refuses to poll, saying who holds it.
import { createHash } from 'node:crypto';
import type { MiddlewareFn } from 'grammy';
import { inChatOrder, type Coordination } from '../../domain/coordination.js';
import type { Logger } from '../../logger.js';
import type { SputnikContext } from './bot.js';

export const POLLING_LEASE = 'telegram:polling';
const POLLING_TTL_MS = 30_000;

/** A chat's lease is named by a hash: the store's lease list holds no Telegram ids. */
export function chatLeaseName(chatKey: string): string {
  return `chat:telegram:${createHash('sha256').update(chatKey).digest('hex').slice(0, 24)}`;
}

/** Updates this instance claimed for itself: no other instance handles them, so the engine need not claim their messages again. */
const claimed = new WeakSet<object>();

export function claimedHere(update: object): boolean {
  return claimed.has(update);
}

export function sharedInstances(deps: {
  coordination: Coordination;
  logger: Logger;
  active: () => boolean;
  chatKey: (ctx: SputnikContext) => string | undefined;
}): MiddlewareFn<SputnikContext> {
  return async (ctx, next) => {
    if (!deps.active()) return next();
    const key = deps.chatKey(ctx);
    const chat = key === undefined ? undefined : chatLeaseName(key);
    const updateId = ctx.update.update_id;
    if (!(await deps.coordination.claimUpdate('telegram', updateId, chat))) {
      deps.logger.info({ update: updateId }, 'update already handled by another instance; skipped');
      return;
    }
    claimed.add(ctx.update);
    if (chat === undefined) return next();
    const { held, inOrder } = await inChatOrder(deps.coordination, { source: 'telegram', updateId, chat }, () =>
      next(),
    );
    if (!inOrder)
      deps.logger.warn(
        { update: updateId },
        "a chat's earlier update took too long on another instance; handled anyway",
      );
    if (!held)
      deps.logger.warn(
        { update: updateId },
        'a chat lease was held too long by another instance; the update was handled anyway',
      );
  };
}

export class PollingHeldError extends Error {
  constructor(
    readonly holder: string,
    readonly until: Date,
  ) {
    super(
      `another Sputnik instance (${holder}) is polling Telegram for this bot (its lease runs to ${until.toISOString()}); ` +
        'Telegram serves one poller per bot. To run several instances set TELEGRAM_WEBHOOK_URL (webhooks), ' +
        'or stop the other instance; this one will try again',
    );
    this.name = 'PollingHeldError';
  }
}

/** Takes the polling lease (or throws PollingHeldError) and keeps it renewed until `release`. */
export async function holdPollingLease(
  coordination: Coordination,
  logger: Logger,
): Promise<{ release(): Promise<void> }> {
  const first = await coordination.acquire(POLLING_LEASE, POLLING_TTL_MS);
  if (!first.held) throw new PollingHeldError(first.holder, first.until);
  const renew = setInterval(() => {
    coordination
      .acquire(POLLING_LEASE, POLLING_TTL_MS)
      .then((r) => {
        if (!r.held) logger.error({ holder: r.holder }, 'lost the Telegram polling lease to another instance');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'could not renew the Telegram polling lease'));
  }, POLLING_TTL_MS / 3);
  renew.unref();
  return {
    async release() {
      clearInterval(renew);
      await coordination.release(POLLING_LEASE).catch(() => undefined);
    },
  };
}
