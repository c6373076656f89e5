import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOn } from '../../src/domain/participant.js';
import type { Channel } from '../../src/domain/channel.js';
import { createDispatcher } from '../../src/delivery/dispatcher.js';
import type { ChannelSender, SendOutcome } from '../../src/delivery/ports.js';
import type { OutboundMessage } from '../../src/engine/events.js';
import type { Store } from '../../src/store/index.js';
import { aParticipant } from '../support/fixtures.js';
import { openTestStore, silentLogger } from '../support/store.js';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store?.close();
});

function fakeSender(channel: Channel, answer: (chatId: string) => SendOutcome) {
  const sent: { chatId: string; message: OutboundMessage }[] = [];
  const sender: ChannelSender = {
    channel,
    async send(chatId, message) {
      sent.push({ chatId, message });
      return answer(chatId);
    },
  };
  return { sender, sent };
}

const hello: OutboundMessage = { kind: 'text', text: 'Здравствуйте!' };

describe('dispatcher', () => {
  it('sends to chats in order and to participants on the channel that reaches them', async () => {
    const telegram = fakeSender('telegram', () => ({ ok: true }));
    const whatsapp = fakeSender('whatsapp', () => ({ ok: true }));
    const p = await aParticipant(store.repositories, { addresses: [{ channel: 'whatsapp', id: '77010000001@c.us' }] });
    const dispatcher = createDispatcher({
      senders: [telegram.sender, whatsapp.sender],
      repos: store.repositories,
      logger: silentLogger,
    });
    const deliveries = await dispatcher.dispatch([
      { to: { kind: 'chat', channel: 'whatsapp', chatId: '120363@g.us' }, message: hello },
      { to: { kind: 'participant', participantId: p.id }, message: hello },
    ]);
    expect(deliveries.map((d) => [d.channel, d.chatId, d.outcome.ok])).toEqual([
      ['whatsapp', '120363@g.us', true],
      ['telegram', idOn(p, 'telegram'), true],
    ]);
  });

  it('marks a person who blocked the bot unreachable there and falls back to their other channel', async () => {
    const telegram = fakeSender('telegram', () => ({
      ok: false,
      kind: 'blocked',
      detail: 'Forbidden: bot was blocked by the user',
      retryable: false,
    }));
    const whatsapp = fakeSender('whatsapp', () => ({ ok: true }));
    const p = await aParticipant(store.repositories, { addresses: [{ channel: 'whatsapp', id: '77010000002@c.us' }] });
    const dispatcher = createDispatcher({
      senders: [telegram.sender, whatsapp.sender],
      repos: store.repositories,
      logger: silentLogger,
    });
    const [first] = await dispatcher.dispatch([{ to: { kind: 'participant', participantId: p.id }, message: hello }]);
    expect([first?.channel, first?.outcome.ok]).toEqual(['whatsapp', true]);
    expect(
      (await store.repositories.participants.findById(p.id))?.addresses.find((a) => a.channel === 'telegram')
        ?.unreachableSince,
    ).toBeInstanceOf(Date);
    // Not tried on Telegram again.
    await dispatcher.dispatch([{ to: { kind: 'participant', participantId: p.id }, message: hello }]);
    expect(telegram.sent).toHaveLength(1);
    expect(whatsapp.sent).toHaveLength(2);
  });

  it('reports a participant no enabled channel reaches', async () => {
    const p = await aParticipant(store.repositories);
    const dispatcher = createDispatcher({ senders: [], repos: store.repositories, logger: silentLogger });
    const [d] = await dispatcher.dispatch([{ to: { kind: 'participant', participantId: p.id }, message: hello }]);
    expect(d?.outcome).toMatchObject({ ok: false, kind: 'unreachable' });
  });
});
