// `npm start` with no configuration: the sandbox is on, and the start-up output holds exactly one
// URL, which serves the sandbox page. SANDBOX=false turns it off.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// These tests start processes: on a busy two-core machine a start can take tens of seconds.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const root = new URL('../../', import.meta.url).pathname;

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['src/launch.mjs', 'start'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      HTTP_PORT: '0',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sputnik-sandbox-start-')),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => output };
}

async function waitFor(read: () => string, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pattern.test(read())) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no output matching ${pattern} in:\n${read()}`);
}

const URLS = /https?:\/\/[^\s"'<>]+/g;

describe('npm start without a channel', () => {
  it('prints exactly one URL, the sandbox page, which serves the chat', async () => {
    const app = start({});
    try {
      // Generous: after a change of the sources the launcher compiles them first, on a shared machine.
      await waitFor(app.out, /web chat running/, 300_000);
      // Whatever start-up still logs after the channels are up.
      await new Promise((r) => setTimeout(r, 1_000));
      const urls = app.out().match(URLS) ?? [];
      expect(urls).toHaveLength(1);
      const [url] = urls as [string];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sandbox$/);
      const page = await fetch(url, { headers: { 'accept-language': 'ru' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await page.text();
      expect(html).toContain('<title>Спутник — песочница</title>');
      expect(html).toContain('TELEGRAM_BOT_TOKEN');
      expect(html).toContain('WHATSAPP_ENABLED=true');
      expect(html).toContain('MAX_BOT_TOKEN');
      // Nothing from another host: the machine may be offline.
      expect(html.match(URLS) ?? []).toEqual([]);
      expect((await fetch(new URL('/sandbox/app.js', url))).status).toBe(200);
      const health = (await (await fetch(new URL('/healthz', url))).json()) as {
        channels: Record<string, { state: string }>;
      };
      expect(health.channels.webchat).toEqual({ state: 'running' });
      // The page's one-click login takes the newcomer into the console as the demo curator, once.
      const login = html.match(/href="(\/console\/auth\?token=[^"]+)"/)?.[1];
      expect(login).toBeDefined();
      const entered = await fetch(new URL(login as string, url), { redirect: 'manual' });
      expect(entered.status).toBe(303);
      const cookie = entered.headers.get('set-cookie')?.split(';')[0] ?? '';
      const home = await fetch(new URL('/console', url), { headers: { cookie } });
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('Демо-куратор');
      expect((await fetch(new URL(login as string, url), { redirect: 'manual' })).status).toBe(401);
    } finally {
      app.child.kill('SIGTERM');
    }
    expect(await app.exited).toBe(0);
  }, 400_000);

  it('SANDBOX=false turns the sandbox off', async () => {
    const app = start({ SANDBOX: 'false' });
    try {
      await waitFor(app.out, /health endpoint/, 300_000);
      const [health] = app.out().match(URLS) ?? [];
      expect(health).toMatch(/\/healthz$/);
      expect(app.out()).not.toMatch(/try Sputnik in your browser/);
      expect((await fetch(new URL('/sandbox', health))).status).toBe(404);
      const report = (await (await fetch(health as string)).json()) as { channels: Record<string, { state: string }> };
      expect(report.channels.webchat?.state).toBe('disabled');
    } finally {
      app.child.kill('SIGTERM');
    }
    expect(await app.exited).toBe(0);
  }, 400_000);
});
