// `npm start` as a user runs it: no configuration, offline, health endpoint up, clean shutdown.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// These tests start processes: on a busy two-core machine a start can take tens of seconds.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const root = new URL('../../', import.meta.url).pathname;

// What `npm start` runs: the compiled JavaScript, built first if src/ changed since the last build.
function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['src/launch.mjs', 'start'], {
    cwd: root,
    // A clean environment: nothing inherited can configure the app by accident.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function waitForLine(read: () => string, pattern: RegExp, timeoutMs = 90_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const line = read()
      .split('\n')
      .find((l) => pattern.test(l));
    if (line) return JSON.parse(line) as Record<string, unknown>;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no log line matching ${pattern} in:\n${read()}`);
}

describe('npm start', () => {
  it('serves /healthz offline with no configuration and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sputnik-start-'));
    const app = start({ HTTP_PORT: '0', DATA_DIR: dataDir });
    try {
      // Generous: after a change of the sources the launcher compiles them first, on a shared machine.
      const listening = await waitForLine(app.out, /health endpoint/, 300_000);
      // The build (run by the launcher when the sources changed) checked the repository's flows and
      // questionnaires: a new data directory does not read them again.
      expect((await waitForLine(app.out, /content loaded/)).cache).toBe('built');
      const warning = await waitForLine(app.out, /embedded in-memory store; set MONGODB_URI for real use/);
      expect(warning.level).toBe(40);
      const response = await fetch(`http://127.0.0.1:${String(listening.port)}/healthz`);
      expect(response.status).toBe(200);
      const health = (await response.json()) as Record<string, unknown>;
      expect(health).toMatchObject({
        status: 'ok',
        store: { kind: 'embedded', state: 'up', persistent: true },
        scheduler: { state: 'running' },
        channels: { telegram: { state: 'disabled' }, whatsapp: { state: 'disabled' }, max: { state: 'disabled' } },
      });
      expect(app.out()).toMatch(/set TELEGRAM_BOT_TOKEN/);
      expect(app.out()).toMatch(/set MAX_BOT_TOKEN/);
      expect((await fetch(`http://127.0.0.1:${String(listening.port)}/nope`)).status).toBe(404);
    } finally {
      app.child.kill('SIGTERM');
    }
    expect(await app.exited).toBe(0);
    expect(app.out()).toMatch(/"msg":"stopped"/);

    // Another cache folder, still empty: the build's copy serves this start too.
    const again = start({ HTTP_PORT: '0', DATA_DIR: dataDir, CONTENT_CACHE_DIR: join(dataDir, 'elsewhere') });
    try {
      const listening = await waitForLine(again.out, /health endpoint/, 300_000);
      expect((await waitForLine(again.out, /content loaded/)).cache).toBe('built');
      expect((await fetch(`http://127.0.0.1:${String(listening.port)}/healthz`)).status).toBe(200);
    } finally {
      again.child.kill('SIGTERM');
    }
    expect(await again.exited).toBe(0);
  }, 400_000);

  it('refuses a bad setting with one line naming it, and exit code 1', async () => {
    const app = start({ HTTP_PORT: 'eighty' });
    expect(await app.exited).toBe(1);
    expect(app.err().trim().split('\n')).toEqual([
      'sputnik: Invalid configuration: HTTP_PORT: expected a port number, a whole number from 0 to 65535, got "eighty"',
    ]);
  });
});
