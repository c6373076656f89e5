// Delivers the engine's outbound messages: to a chat directly, or to a participant on the channel
// that reaches them. A person who blocked the bot on a channel is marked unreachable there and not
// written to again on it.
import type { Channel } from '../domain/channel.js';
import type { Repositories } from '../domain/repositories.js';
import type { Outbound } from '../engine/events.js';
import { chatsOf } from '../engine/identity.js';
import type { Logger } from '../logger.js';
import type { ChannelSender, SendOutcome } from './ports.js';

export type DeliveryOutcome = SendOutcome | { ok: false; kind: 'unreachable'; detail: string; retryable: false };

export interface Delivery {
  outbound: Outbound;
  channel?: Channel;
  chatId?: string;
  outcome: DeliveryOutcome;
}

export interface Dispatcher {
  dispatch(out: readonly Outbound[]): Promise<Delivery[]>;
}

export function createDispatcher(deps: {
  senders: readonly ChannelSender[];
  repos: Repositories;
  logger: Logger;
  now?: () => Date;
}): Dispatcher {
  // Read at each send: channels register their senders once they are built.
  const sender = (channel: Channel) => deps.senders.find((s) => s.channel === channel);
  const now = deps.now ?? (() => new Date());

  async function sendTo(channel: Channel, chatId: string, o: Outbound): Promise<Delivery> {
    const send = sender(channel);
    if (!send)
      return {
        outbound: o,
        channel,
        chatId,
        outcome: { ok: false, kind: 'unreachable', detail: `${channel} is not enabled`, retryable: false },
      };
    if (o.message.kind === 'ack') throw new Error('acknowledgements are for the adapter, not for sending');
    try {
      const m = o.message;
      const outcome: SendOutcome =
        m.kind !== 'file'
          ? await send.send(chatId, m)
          : send.sendFile
            ? await send.sendFile(chatId, m)
            : m.fallback
              ? await send.send(chatId, { kind: 'text', text: m.fallback })
              : { ok: true };
      return { outbound: o, channel, chatId, outcome };
    } catch (error) {
      deps.logger.error({ err: error, channel }, 'send failed unexpectedly');
      return {
        outbound: o,
        channel,
        chatId,
        outcome: { ok: false, kind: 'failed', detail: (error as Error).message, retryable: true },
      };
    }
  }

  return {
    async dispatch(out) {
      const deliveries: Delivery[] = [];
      // In order: a reply and the question after it must arrive in that order.
      for (const o of out) {
        if (o.message.kind === 'ack') continue;
        if (o.to.kind === 'chat') {
          deliveries.push(await sendTo(o.to.channel, o.to.chatId, o));
          continue;
        }
        const person = await deps.repos.participants.findById(o.to.participantId);
        const chats = person ? chatsOf(person).filter((c) => sender(c.channel) !== undefined) : [];
        let delivered: Delivery | undefined;
        for (const chat of chats) {
          delivered = await sendTo(chat.channel, chat.chatId, o);
          if (delivered.outcome.ok) break;
          if (delivered.outcome.kind === 'blocked' && person) {
            await deps.repos.participants.setUnreachable(person.id, chat.channel, now());
            deps.logger.info(
              { channel: chat.channel },
              'participant blocked the bot; marked unreachable on that channel',
            );
          }
        }
        deliveries.push(
          delivered ?? {
            outbound: o,
            outcome: {
              ok: false,
              kind: 'unreachable',
              detail: 'no channel reaches this participant',
              retryable: false,
            },
          },
        );
      }
      return deliveries;
    },
  };
}
