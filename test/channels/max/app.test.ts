// The whole app with Max in webhook mode, against the fake Max Bot API: the subscription carries the
// secret, updates pushed to /max/webhook with it are served, forged ones are refused, and /healthz
// shows the channel.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApp, type App } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { seedCohort } from '../../support/cohort-fixture.js';
import { MaxFakeApi, person } from '../../support/max-fake-api.js';
import { silentLogger } from '../../support/store.js';
import { waitFor } from '../../support/wait.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const SECRET = 'max-webhook-secret-0123';
let fake: MaxFakeApi;
let app: App;
let hook: string;
let code: string;

beforeAll(async () => {
  fake = new MaxFakeApi();
  await fake.start();
  app = await startApp(
    loadConfig({
      MAX_BOT_TOKEN: fake.token,
      MAX_API_ROOT: fake.url,
      MAX_WEBHOOK_URL: 'https://sputnik.example/max/webhook',
      MAX_WEBHOOK_SECRET: SECRET,
      HTTP_PORT: '0',
      EMBEDDED_STORE_PERSIST: 'false',
    }),
    silentLogger,
  );
  hook = `http://127.0.0.1:${app.http.port}/max/webhook`;
  code = (await seedCohort(app.store, { code: 'MAXHOOK-1' })).code;
  await waitFor(async () =>
    app.channels.find((c) => c.name === 'max')?.health().state === 'running' ? true : undefined,
  );
});

afterAll(async () => {
  await app?.stop();
  await fake?.stop();
});

const started = (userId: number, payload: string) => ({
  update_type: 'bot_started',
  timestamp: Date.now(),
  chat_id: 5_000_000 + userId,
  user: person(userId),
  payload,
});

describe('Max in webhook mode', () => {
  it('subscribes with the secret and never polls', () => {
    const subscribe = fake.calls.find((c) => c.method === 'POST' && c.path === '/subscriptions');
    expect(subscribe?.body).toMatchObject({ url: 'https://sputnik.example/max/webhook', secret: SECRET });
    expect(fake.calls.filter((c) => c.path === '/updates')).toEqual([]);
  });

  it('serves an update pushed with the secret, and refuses one without it', async () => {
    const forged = await fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-max-bot-api-secret': 'wrong-secret-0000000000' },
      body: JSON.stringify(started(8001, code)),
    });
    expect(forged.status).toBe(404);
    const real = await fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-max-bot-api-secret': SECRET },
      body: JSON.stringify(started(8002, code)),
    });
    expect(real.status).toBe(200);
    const replies = await waitFor(async () => (fake.sentTo(8002).length >= 2 ? fake.sentTo(8002) : undefined));
    expect(replies[1]?.text).toBe('На каком языке вам удобнее общаться?');
    expect(fake.sentTo(8001)).toEqual([]);
  });

  it('shows the channel on /healthz', async () => {
    const health = (await (await fetch(`http://127.0.0.1:${app.http.port}/healthz`)).json()) as {
      channels: Record<string, unknown>;
    };
    expect(health.channels.max).toEqual({ state: 'running', hint: 'webhook' });
    expect(health.channels.telegram).toMatchObject({ state: 'disabled' });
  });
});
