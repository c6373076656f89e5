// What was stored before a restart of the embedded store is there after it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// These tests start processes: on a busy two-core machine a start can take tens of seconds.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });
import { startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../support/store.js';

describe('app restart on the embedded store', () => {
  it('keeps programmes, participants and unique identities across a stop and start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sputnik-restart-'));
    const config = loadConfig({ DATA_DIR: dataDir, HTTP_PORT: '0' });

    const first = await startApp(config, silentLogger);
    await first.store.repositories.programmes.upsertByCode({
      code: 'FG-72',
      title: 'Функциональная грамотность',
      direction: 'Общее образование',
    });
    const created = await first.store.repositories.participants.create({
      fullName: 'Петрова Анна',
      addresses: [{ channel: 'telegram', id: String(4242) }],
      locale: 'ru',
    });
    expect(created.ok).toBe(true);
    await first.stop();

    const second = await startApp(config, silentLogger);
    try {
      expect((await second.store.repositories.programmes.findByCode('FG-72'))?.title).toBe(
        'Функциональная грамотность',
      );
      expect((await second.store.repositories.participants.findByAddress('telegram', String(4242)))?.fullName).toBe(
        'Петрова Анна',
      );
      expect(
        await second.store.repositories.participants.create({
          addresses: [{ channel: 'telegram', id: String(4242) }],
          locale: 'ru',
        }),
      ).toEqual({
        ok: false,
        error: { kind: 'identity_taken', field: 'address' },
      });
    } finally {
      await second.stop();
    }
  });
});

describe('CLI beside a running bot', () => {
  it("imports into the running bot's embedded store instead of failing on its data directory", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sputnik-shared-'));
    const config = loadConfig({ DATA_DIR: dataDir, HTTP_PORT: '0' });
    const app = await startApp(config, silentLogger);
    try {
      const root = new URL('../../', import.meta.url).pathname;
      // Asynchronously: the store answering the CLI runs in this very process.
      const child = spawn(
        join(root, 'node_modules/.bin/tsx'),
        ['src/cli/main.ts', 'cohort', 'import', 'src/cli/samples/cohort.sample.yaml'],
        {
          cwd: root,
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: dataDir },
        },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(status, stderr).toBe(0);
      expect((await app.store.repositories.cohorts.findByCode('FG72-SPRING'))?.title).toBe('Поток весна 2026');
    } finally {
      await app.stop();
    }
    expect(existsSync(join(dataDir, 'embedded-store.address'))).toBe(false);
  });
});

describe('Telegram out of reach', () => {
  it('does not hold up start-up or health; the channel keeps trying in the background', async () => {
    const config = loadConfig({
      HTTP_PORT: '0',
      EMBEDDED_STORE_PERSIST: 'false',
      TELEGRAM_BOT_TOKEN: `123456789:${'A'.repeat(35)}`,
      TELEGRAM_API_ROOT: 'http://127.0.0.1:9',
    });
    const app = await startApp(config, silentLogger);
    try {
      expect(app.channels.find((c) => c.name === 'telegram')?.health().state).toBe('starting');
      const health = (await (await fetch(`http://127.0.0.1:${app.http.port}/healthz`)).json()) as {
        status: string;
        channels: { telegram: { state: string } };
      };
      expect(health).toMatchObject({ status: 'ok', channels: { telegram: { state: 'starting' } } });
    } finally {
      await app.stop();
    }
  });
});

describe('WhatsApp without a browser or network', () => {
  it('starts the rest of the bot and reports the WhatsApp state in /healthz', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sputnik-wa-'));
    const config = loadConfig({
      HTTP_PORT: '0',
      DATA_DIR: dataDir,
      EMBEDDED_STORE_PERSIST: 'false',
      WHATSAPP_ENABLED: 'true',
      CHROME_PATH: '/nonexistent/chromium',
    });
    const app = await startApp(config, silentLogger);
    try {
      const response = await fetch(`http://127.0.0.1:${app.http.port}/healthz`);
      const health = (await response.json()) as {
        status: string;
        failing: string[];
        channels: { whatsapp: { state: string } };
      };
      expect(['starting', 'failed', 'disconnected']).toContain(health.channels.whatsapp.state);
      // The rest of the bot runs; a WhatsApp channel that cannot deliver is named, with a 503.
      if (health.channels.whatsapp.state === 'starting') expect([response.status, health.status]).toEqual([200, 'ok']);
      else expect([response.status, health.status, health.failing]).toEqual([503, 'degraded', ['channels.whatsapp']]);
      expect((await fetch(`http://127.0.0.1:${app.http.port}/whatsapp/qr`)).status).toBe(404);
    } finally {
      await app.stop();
    }
  });
});
