// A message whose update the channel has already claimed across instances (Telegram webhooks) is
// answered without the engine's own message claim: no second record, the same answer.
import { describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/engine/events.js';
import { useEngineTestbed } from '../support/testbed.js';

const bed = useEngineTestbed('2026-03-25T07:00:00Z');

const start = (chat: string, messageId: string, claimed: boolean): InboundEvent => ({
  channel: 'telegram',
  messageId,
  chat: { id: chat, type: 'private' },
  from: { id: chat },
  at: new Date('2026-03-25T07:00:00Z'),
  payload: { kind: 'text', text: `/start ${bed.cohort.code}` },
  ...(claimed ? { claimed: true as const } : {}),
});

describe('a message the channel has claimed', () => {
  it('is answered as any other, and leaves no message claim of the engine', async () => {
    const claims = bed.store.connection.collection('inbound_messages');
    const mine = await bed.h.engine.handle(start('501', '501:1', true));
    const other = await bed.h.engine.handle(start('502', '502:1', false));
    expect(mine.map((o) => o.message)).toEqual(other.map((o) => o.message));
    expect(mine.length).toBeGreaterThan(0);
    expect(await claims.countDocuments({})).toBe(1);
    // Without the channel's claim, the engine's own still refuses a redelivered message.
    expect(await bed.h.engine.handle(start('502', '502:1', false))).toEqual([]);
    // Her session is kept all the same: the next step finds her where she was.
    expect((await bed.store.sessions.load('telegram', '501'))?.flow?.flowId).toBe('onboarding');
  });
});
