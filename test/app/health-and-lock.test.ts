// /healthz answers 503 naming what is down, never 500, and recovers; one bot per data directory.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { DataDirInUseError, startEmbeddedStore } from '../../src/store/embedded/index.js';
import { fillableDisk } from '../store/embedded/helpers.js';
import { silentLogger } from '../support/store.js';

const root = new URL('../../', import.meta.url).pathname;

async function health(
  app: App,
): Promise<{ status: number; body: { status: string; failing: string[]; store: { state: string; error?: string } } }> {
  const response = await fetch(`http://127.0.0.1:${app.http.port}/healthz`);
  return { status: response.status, body: (await response.json()) as never };
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}

describe('/healthz when a part is down', () => {
  it('answers 503 naming the store and the scheduler when MongoDB goes away, and 200 when it is back', async () => {
    const mongo = await startEmbeddedStore();
    const port = mongo.port;
    const app = await startApp(loadConfig({ HTTP_PORT: '0', MONGODB_URI: mongo.uri }), silentLogger);
    let restarted: Awaited<ReturnType<typeof startEmbeddedStore>> | undefined;
    try {
      expect((await health(app)).status).toBe(200);
      await mongo.close();
      const down = await health(app);
      expect(down.status).toBe(503);
      expect(down.body.status).toBe('degraded');
      expect(down.body.failing).toEqual(expect.arrayContaining(['store', 'scheduler']));
      expect(down.body.store.state).toBe('down');

      restarted = await startEmbeddedStore({ port });
      const back = await eventually(
        () => health(app),
        (h) => h.status === 200,
      );
      expect([back.status, back.body.failing]).toEqual([200, []]);
    } finally {
      await app.stop().catch(() => undefined);
      await restarted?.close();
    }
  }, 90_000);

  it('answers 503 naming the store while the disk refuses writes, and 200 once it takes them again', async () => {
    const disk = fillableDisk();
    const dataDir = mkdtempSync(join(tmpdir(), 'sputnik-health-disk-'));
    const app = await startApp(loadConfig({ HTTP_PORT: '0', DATA_DIR: dataDir }), silentLogger, { journalIo: disk.io });
    try {
      expect((await health(app)).status).toBe(200);
      disk.full = true;
      const refused = await app.store.repositories.programmes
        .upsertByCode({ code: 'FULL-1', title: 'Полный диск', direction: 'Общее образование' })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(Error);
      expect(await app.store.repositories.programmes.findByCode('FULL-1')).toBeFalsy();
      const degraded = await health(app);
      expect([degraded.status, degraded.body.failing, degraded.body.store.state]).toEqual([
        503,
        ['store'],
        'read-only',
      ]);
      expect(degraded.body.store.error).toContain('ENOSPC');
      disk.full = false;
      const back = await health(app);
      expect([back.status, back.body.failing]).toEqual([200, []]);
    } finally {
      await app.stop();
    }
  }, 60_000);
});

describe('one bot per data directory', () => {
  it("refuses a second bot on the same DATA_DIR, naming the pid that holds it; takes over a dead pid's lock", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sputnik-lock-'));
    const config = loadConfig({ HTTP_PORT: '0', DATA_DIR: dataDir });
    const first = await startApp(config, silentLogger);
    try {
      const second = await startApp(config, silentLogger).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(DataDirInUseError);
      expect((second as Error).message).toContain(`in use by process ${process.pid}`);

      // `npm start` as a person runs it: one line, exit code 1, no second scheduler or poller.
      const child = spawn(join(root, 'node_modules/.bin/tsx'), ['src/main.ts'], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: dataDir, HTTP_PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toMatch(new RegExp(`^sputnik: data directory .+ is in use by process ${process.pid} `));
      expect(stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await first.stop();
    }

    // A lock left by a process that is gone (kill -9) holds nothing.
    const dead = spawnSync('true').pid;
    writeFileSync(join(dataDir, 'embedded-store.lock'), String(dead));
    const again = await startApp(config, silentLogger);
    await again.stop();
  }, 90_000);
});
