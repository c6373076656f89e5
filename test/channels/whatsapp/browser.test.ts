// The browser behind WhatsApp Web: a Chromium left running by a killed bot is found by the pid in
// its profile lock and ended at start; a browser that cannot be found stops the retries with one
// clear line instead of "Could not find Chrome" forever.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { endStaleBrowser, LOCK_FILE } from '../../../src/channels/whatsapp/stale-browser.js';
import { useWhatsappTestbed } from './support/testbed.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A long-lived process whose command line carries `--user-data-dir=<profile>`, as Chromium's does. */
async function fakeChromium(profile: string | undefined): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-e', 'setInterval(() => {}, 1000)', '--', ...(profile ? [`--user-data-dir=${profile}`] : [])],
    { stdio: 'ignore' },
  );
  children.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  return child;
}

function profileDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sputnik-profile-'));
  dirs.push(dir);
  return dir;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );

describe('a stale Chromium of this data directory', () => {
  it('is ended at start by the pid in its SingletonLock, and the lock cleared', async () => {
    const profile = profileDir();
    const chromium = await fakeChromium(profile);
    symlinkSync(`${hostname()}-${chromium.pid}`, join(profile, LOCK_FILE));
    expect(await endStaleBrowser(profile)).toEqual({ kind: 'ended', pid: chromium.pid });
    await exited(chromium);
    expect(existsSync(join(profile, LOCK_FILE))).toBe(false);
  }, 30_000);

  it('leaves alone a live process that is not this profile’s browser, and clears a dead one’s lock', async () => {
    const profile = profileDir();
    const other = await fakeChromium(undefined);
    symlinkSync(`${hostname()}-${other.pid}`, join(profile, LOCK_FILE));
    expect(await endStaleBrowser(profile)).toEqual({ kind: 'none' });
    expect(other.exitCode).toBeNull();
    other.kill('SIGKILL');
    await exited(other);
    expect(await endStaleBrowser(profile)).toEqual({ kind: 'stale_lock_removed' });
    expect(existsSync(join(profile, LOCK_FILE))).toBe(false);
    // A lock taken on another host (a shared volume) is not ours to judge.
    symlinkSync(`another-host-${process.pid}`, join(profile, LOCK_FILE));
    expect(await endStaleBrowser(profile)).toEqual({ kind: 'none' });
  }, 30_000);
});

describe('a browser that cannot be found', () => {
  const tb = useWhatsappTestbed({ connect: false });

  it('stops the retries, with a hint about CHROME_PATH in the health', async () => {
    const { bed } = tb;
    bed.fake.failInitialize = 100;
    bed.fake.initializeError =
      'Could not find Chrome (ver. 131.0.6778.204). This can occur if either 1. you did not perform an installation before running the script';
    await bed.channel.start();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(bed.channel.state()).toBe('failed');
    expect(bed.timers.nextAt()).toBeUndefined();
    expect(bed.fake.initialized).toBe(1);
    expect(bed.channel.health().hint).toMatch(/CHROME_PATH/);
  });
});
