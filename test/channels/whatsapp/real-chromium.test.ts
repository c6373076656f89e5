// The real whatsapp-web.js client driving Debian's Chromium (/usr/bin/chromium), offline: the start
// fails cleanly, /healthz's hint says why, stopping is quick, and no Chromium of this data directory
// outlives the channel — also when it is stopped while the browser is still being launched.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOutboxRepository } from '../../../src/store/channel-storage.js';
import { createSessionArchiveRepository } from '../../../src/store/repositories/session-archives.js';
import { createWhatsappChannel, DEFAULT_PACE, type WhatsappChannel } from '../../../src/channels/whatsapp/index.js';
import { createDispatcher } from '../../../src/delivery/dispatcher.js';
import { silentLogger } from '../../support/store.js';
import { useWhatsappTestbed, type WhatsappTestbed } from './support/testbed.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const CHROMIUM = '/usr/bin/chromium';
const tb: WhatsappTestbed = useWhatsappTestbed({ connect: false });
const dirs: string[] = [];
const channels: WhatsappChannel[] = [];
afterEach(async () => {
  for (const channel of channels.splice(0)) await channel.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Live processes whose command line names `dir` (Chromium's carry --user-data-dir=<dir>/...). */
function processesOf(dir: string): { pid: number; state: string }[] {
  const found: { pid: number; state: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      found.push({ pid: Number(entry), state: stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) });
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** Browser zombies among this test process's children: a Chromium that died and is never reaped. */
function zombieChildren(): number[] {
  const zombies: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (fields[0] === 'Z' && Number(fields[1]) === process.pid && /chrom/i.test(name)) zombies.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return zombies;
}

async function until(ok: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return ok();
}

/** The WhatsApp channel as the app builds it, with the real client over Debian's Chromium. */
function realChannel(): { channel: WhatsappChannel; dataDir: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'sputnik-wa-chromium-'));
  dirs.push(dataDir);
  const channel = createWhatsappChannel({
    settings: {
      phone: '+77015550000',
      chromePath: CHROMIUM,
      dataDir,
      remoteSession: false,
      qrToken: undefined,
      pace: DEFAULT_PACE,
      defaultLocale: 'ru',
    },
    engine: tb.engine,
    dispatcher: () => createDispatcher({ senders: [], repos: tb.store.repositories, logger: silentLogger }),
    repos: tb.store.repositories,
    outboxStore: createOutboxRepository(tb.store.connection.db!, 'whatsapp'),
    sessionArchives: createSessionArchiveRepository(tb.store.connection.db!, 'whatsapp'),
    logger: silentLogger,
    terminal: () => undefined,
  });
  channels.push(channel);
  return { channel, dataDir };
}

describe('the real WhatsApp client with Debian’s Chromium, offline', () => {
  it('fails to start cleanly: health says why, no browser is left, and stop is quick', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`).toBe(true);
    const { channel, dataDir } = realChannel();
    await channel.start();
    // The browser really runs: the failure is WhatsApp Web's page, not a missing browser.
    expect(await until(() => processesOf(dataDir).length > 0 || channel.state() === 'failed', 120_000)).toBe(true);
    expect(await until(() => channel.state() === 'failed', 120_000)).toBe(true);
    const health = channel.health();
    expect(health.state).toBe('failed');
    expect(health.hint).toMatch(
      /^could not open WhatsApp Web: no network: web\.whatsapp\.com cannot be reached \(ERR_[A-Z_]+\); retrying/,
    );
    // The failed start closed its browser (a retry may be launching a new one meanwhile).
    const started = Date.now();
    await channel.stop();
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await until(() => processesOf(dataDir).length === 0, 10_000), JSON.stringify(processesOf(dataDir))).toBe(
      true,
    );
    // Node reaps an exited child a moment later: a zombie for good is the failure, not one in passing.
    expect(await until(() => zombieChildren().length === 0, 10_000), JSON.stringify(zombieChildren())).toBe(true);
  });

  it('leaves no browser behind when stopped while Chromium is still being launched', async () => {
    const { channel, dataDir } = realChannel();
    await channel.start();
    // Stopped the moment the browser process appears, before WhatsApp Web could even fail.
    expect(await until(() => processesOf(dataDir).length > 0, 120_000)).toBe(true);
    const started = Date.now();
    await channel.stop();
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await until(() => processesOf(dataDir).length === 0, 10_000), JSON.stringify(processesOf(dataDir))).toBe(
      true,
    );
    // Node reaps an exited child a moment later: a zombie for good is the failure, not one in passing.
    expect(await until(() => zombieChildren().length === 0, 10_000), JSON.stringify(zombieChildren())).toBe(true);
    // And nothing comes back: no retry after a stop.
    await new Promise((r) => setTimeout(r, 7_000));
    expect(processesOf(dataDir)).toEqual([]);
    expect(channel.state()).not.toBe('failed');
  });
});
