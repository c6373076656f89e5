// After `kill -9` of the bot, its Chromium lives on, holding the profile's SingletonLock, and every
// restart fails with "The browser is already running". Chromium's lock is a symlink whose target is
// "<hostname>-<pid>": that pid, when it is alive on this host and runs with this very profile, is
// ended before a new browser is launched. Nothing else is touched.
import { readFileSync, readlinkSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'SingletonLock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The holder's pid from the lock, when the lock was taken on this host. */
export function lockHolder(profileDir: string): number | undefined {
  let target: string;
  try {
    target = readlinkSync(join(profileDir, LOCK_FILE));
  } catch {
    return undefined;
  }
  const match = /^(.*)-(\d+)$/.exec(target);
  if (!match || match[1] !== hostname()) return undefined;
  const pid = Number(match[2]);
  return Number.isSafeInteger(pid) && pid > 1 ? pid : undefined;
}

/** Whether the process runs with this profile (its command line names the directory). */
function usesProfile(pid: number, profileDir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .some((arg) => arg.includes(profileDir));
  } catch {
    // No /proc (macOS): the lock's pid on this host is trusted.
    return process.platform !== 'linux';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type StaleBrowserOutcome = { kind: 'none' } | { kind: 'ended'; pid: number } | { kind: 'stale_lock_removed' };

/** Ends a Chromium left over on this profile and clears its lock; returns what it did. */
export async function endStaleBrowser(profileDir: string): Promise<StaleBrowserOutcome> {
  const pid = lockHolder(profileDir);
  if (pid === undefined || pid === process.pid) return { kind: 'none' };
  if (!alive(pid) || !usesProfile(pid, profileDir)) {
    // A lock left by a browser that is gone (or a pid reused by another program): only the lock goes.
    if (!alive(pid)) {
      rmSync(join(profileDir, LOCK_FILE), { force: true });
      return { kind: 'stale_lock_removed' };
    }
    return { kind: 'none' };
  }
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
  rmSync(join(profileDir, LOCK_FILE), { force: true });
  return { kind: 'ended', pid };
}
