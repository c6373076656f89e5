// The web chat at its edge: how a question looks on the page, the mailbox the page long-polls,
// and the HTTP API refusing what it cannot take.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Mailboxes } from '../../../src/channels/webchat/mailbox.js';
import { renderWebMessage } from '../../../src/channels/webchat/render.js';
import type { Store } from '../../../src/store/index.js';
import { seedCohort } from '../../support/cohort-fixture.js';
import { Clock } from '../../support/engine-harness.js';
import { openTestStore } from '../../support/store.js';
import { makeEngine } from '../whatsapp/support/testbed.js';
import type { ChannelDriver } from '../shared/driver.js';
import { webchatDriver } from '../shared/webchat-driver.js';

const prompt = {
  kind: 'prompt' as const,
  ref: '7',
  locale: 'ru' as const,
  text: 'Какие форматы?',
  canSkip: true,
  canGoBack: true,
};

describe('rendering for the page', () => {
  it('turns options into buttons, with back and skip beside them', () => {
    expect(
      renderWebMessage({
        ...prompt,
        options: [
          { id: 'a', label: 'Проекты' },
          { id: 'b', label: 'Кейсы' },
        ],
      }),
    ).toEqual({
      text: 'Какие форматы?',
      ref: '7',
      options: [
        { id: 'a', label: 'Проекты' },
        { id: 'b', label: 'Кейсы' },
      ],
      controls: [
        { id: '__back', label: '← Назад' },
        { id: '__skip', label: 'Пропустить →' },
      ],
    });
  });

  it('lets several options be ticked and sent with «Готово»', () => {
    const m = renderWebMessage({
      ...prompt,
      canSkip: false,
      canGoBack: false,
      options: [{ id: 'a', label: 'Проекты' }],
      multiple: { min: 1, max: 2 },
    });
    expect(m.multiple).toEqual({ min: 1, max: 2, done: 'Готово' });
    expect(m.controls).toBeUndefined();
  });

  it('asks for a ranking as a typed order, like WhatsApp', () => {
    const m = renderWebMessage({
      ...prompt,
      canSkip: false,
      canGoBack: false,
      options: [
        { id: 'a', label: 'А' },
        { id: 'b', label: 'Б' },
        { id: 'c', label: 'В' },
      ],
      ranking: { count: 3 },
    });
    expect(m.options).toBeUndefined();
    expect(m.text).toContain('1 — А\n2 — Б\n3 — В');
  });

  it('keeps the hint of a typed answer apart from the question', () => {
    expect(renderWebMessage({ ...prompt, canSkip: false, options: [], hint: 'дд.мм.гггг' })).toEqual({
      text: 'Какие форматы?',
      ref: '7',
      controls: [{ id: '__back', label: '← Назад' }],
      hint: 'дд.мм.гггг',
    });
  });
});

describe('the mailbox', () => {
  it('numbers messages per chat and answers a waiting request as soon as one arrives', async () => {
    const boxes = new Mailboxes();
    expect(boxes.post('chat-a', { text: 'один' })).toBe(1);
    expect(boxes.post('chat-b', { text: 'другой чат' })).toBe(1);
    expect((await boxes.since('chat-a', 0, 0)).map((m) => m.text)).toEqual(['один']);
    const waiting = boxes.since('chat-a', 1, 10_000);
    setTimeout(() => boxes.post('chat-a', { text: 'два' }), 20);
    const started = Date.now();
    expect((await waiting).map((m) => [m.seq, m.text])).toEqual([[2, 'два']]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('gives up waiting after the time asked for, with nothing', async () => {
    expect(await new Mailboxes().since('quiet', 0, 30)).toEqual([]);
  });
});

describe('the HTTP API', () => {
  let store: Store;
  let d: ChannelDriver & { base: string };
  let base: string;

  beforeEach(async () => {
    store = await openTestStore();
    await seedCohort(store);
    d = await webchatDriver(store, makeEngine(store, new Clock(new Date('2026-06-01T07:00:00Z'))));
    base = d.base;
  });
  afterEach(async () => {
    await d.close();
    await store.close();
  });

  it('refuses a malformed message, an unknown chat id form and a text over the limit', async () => {
    const post = (body: unknown) =>
      fetch(`${base}/webchat/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    expect((await post('not json')).status).toBe(400);
    expect((await post({ chat: 'x', text: 'hi' })).status).toBe(400);
    const chat = ((await (await fetch(`${base}/webchat/chats`, { method: 'POST' })).json()) as { chat: string }).chat;
    expect(chat).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const refused = await post({ chat, text: 'я'.repeat(4001) });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'text: at most 4000 characters' });
    expect((await fetch(`${base}/webchat/messages?chat=${chat}&after=-1`)).status).toBe(400);
  });

  it('handles a message sent twice with the same id once', async () => {
    const chat = ((await (await fetch(`${base}/webchat/chats`, { method: 'POST' })).json()) as { chat: string }).chat;
    const send = () =>
      fetch(`${base}/webchat/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat, id: 'm1', text: '/start FG72-SPRING' }),
      });
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);
    const { messages } = (await (await fetch(`${base}/webchat/messages?chat=${chat}&after=0`)).json()) as {
      messages: { text: string }[];
    };
    expect(messages.map((m) => m.text)).toEqual([
      expect.stringContaining('Вы присоединяетесь к курсу'),
      'На каком языке вам удобнее общаться?',
    ]);
  });
});
