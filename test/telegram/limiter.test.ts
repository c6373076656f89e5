// Telegram's limiter inside a grammY bot: broadcasts sent through bot.api wait their turn, the
// answer to a teacher who just wrote goes first, and a 429 holds every call for retry_after.
import { Bot, type Transformer } from 'grammy';
import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { createTelegramLimiter } from '../../src/channels/telegram/limiter.js';
import { BOT_INFO } from '../support/telegram-harness.js';
import { FakeClock, busiest } from '../support/fake-clock.js';

function bot(clock: FakeClock, refuse: (n: number) => number | undefined = () => undefined) {
  const sent: { chat: string; text: string; at: number }[] = [];
  let n = 0;
  const b = new Bot('123456789:TEST', { botInfo: BOT_INFO });
  // The Bot API itself, innermost: records when each message reached it.
  const api: Transformer = async (_prev, method, payload) => {
    const p = payload as { chat_id: number; text: string };
    const retryAfter = method === 'sendMessage' ? refuse(++n) : undefined;
    if (retryAfter)
      return {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests',
        parameters: { retry_after: retryAfter },
      } as never;
    if (method === 'sendMessage') sent.push({ chat: String(p.chat_id), text: p.text, at: clock.now() });
    return {
      ok: true,
      result: { message_id: n, date: 0, chat: { id: p.chat_id, type: 'private' }, text: p.text },
    } as never;
  };
  b.api.config.use(api);
  const limiter = createTelegramLimiter({ clock });
  b.api.config.use(limiter.transformer);
  b.use(limiter.middleware);
  b.on('message:text', (ctx) => ctx.reply(`ответ на «${ctx.message.text}»`));
  return { bot: b, sent };
}

const message = (id: number, text: string): Update =>
  ({
    update_id: id,
    message: {
      message_id: id,
      date: 0,
      chat: { id: 7, type: 'private', first_name: 'Т' },
      from: { id: 7, is_bot: false, first_name: 'Т' },
      text,
    },
  }) as Update;

describe('Telegram limiter', () => {
  it('answers a teacher who writes during a broadcast within the next second, and keeps the broadcast at 30 a second', async () => {
    const clock = new FakeClock();
    const { bot: b, sent } = bot(clock);
    const broadcast = Array.from({ length: 200 }, (_, i) => b.api.sendMessage(1000 + i, 'Новость курса'));
    await clock.advance(2500);
    const handled = b.handleUpdate(message(1, 'Здравствуйте'));
    await clock.advance(1000);
    await handled;
    const reply = sent.find((s) => s.chat === '7')!;
    expect(reply.text).toBe('ответ на «Здравствуйте»');
    expect(reply.at).toBe(3000);
    await clock.advance(10_000);
    await Promise.all(broadcast);
    expect(sent).toHaveLength(201);
    expect(
      busiest(
        sent.map((s) => s.at),
        1000,
      ),
    ).toBe(30);
  });

  it('holds every call for retry_after when Telegram answers 429, then sends the refused one', async () => {
    const clock = new FakeClock();
    const { bot: b, sent } = bot(clock, (n) => (n === 5 ? 5 : undefined));
    const broadcast = Array.from({ length: 50 }, (_, i) => b.api.sendMessage(1000 + i, 'Напоминание'));
    await clock.advance(20_000);
    await Promise.all(broadcast);
    expect(sent).toHaveLength(50);
    // The first 30 went out together; the fifth of them was refused. Nothing went for five
    // seconds after that, and then the refused one went first.
    expect(sent.filter((s) => s.at === 0)).toHaveLength(29);
    expect(sent[29]).toMatchObject({ chat: '1004', at: 5000 });
    expect(sent.filter((s) => s.at > 0 && s.at < 5000)).toEqual([]);
  });
});
