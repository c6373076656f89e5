// One process per data directory, also when several start at the same moment on a lock left by a
// process that is gone (kill -9): exactly one takes it over, the others refuse naming the winner.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataDirInUseError, DirLock, LOCK_FILE, lockHolder } from '../../../src/store/embedded/journal.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const racer = 'test/store/embedded/fixtures/lock-racer.ts';
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `sputnik-${name}-`));
  dirs.push(dir);
  return dir;
}

/** A pid that was alive a moment ago and is gone now. */
const deadPid = () => spawnSync('true').pid ?? 999_999;

describe('the data directory lock, taken over by racing processes', () => {
  it('lets exactly one of six processes starting at once take over a dead process’s lock (100 directories raced)', async () => {
    const root = tempDir('lock-race');
    const signals = tempDir('lock-signals');
    const DIRS = 100;
    for (let n = 0; n < DIRS; n++) {
      mkdirSync(join(root, String(n)));
      writeFileSync(join(root, String(n), LOCK_FILE), String(deadPid()));
    }
    const outputs: string[] = Array(6).fill('');
    const exits: Promise<void>[] = [];
    for (let n = 0; n < outputs.length; n++) {
      const child = spawn(join(repoRoot, 'node_modules/.bin/tsx'), [racer, root, signals, String(DIRS)], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      child.stdout?.on('data', (d: Buffer) => (outputs[n] += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (outputs[n] += d.toString()));
      exits.push(new Promise((done) => child.once('exit', () => done())));
    }
    const until = async (ok: () => boolean) => {
      const deadline = Date.now() + 100_000;
      while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    };
    await until(() => outputs.every((o) => o.includes('ready')));
    writeFileSync(join(signals, 'go'), '');
    await until(() => outputs.every((o) => o.includes('done')));
    const lines = outputs.flatMap((o) => o.split('\n')).filter((l) => /^\d+ /.test(l));
    expect(lines, outputs.join('\n')).toHaveLength(DIRS * outputs.length);
    for (let n = 0; n < DIRS; n++) {
      const verdicts = lines.filter((l) => l.startsWith(`${n} `));
      const winners = verdicts.filter((v) => v.startsWith(`${n} won `));
      expect(winners, verdicts.join('\n')).toHaveLength(1);
      const winner = Number(winners[0]!.split(' ')[2]);
      expect(
        verdicts.filter((v) => v !== winners[0]),
        verdicts.join('\n'),
      ).toEqual(Array(outputs.length - 1).fill(`${n} refused ${winner}`));
      expect(lockHolder(join(root, String(n)))).toBe(winner);
    }
    writeFileSync(join(signals, 'stop'), '');
    await Promise.all(exits);
    // The winners released them, claims and all: nothing is left to mislead the next start.
    for (let n = 0; n < DIRS; n++) expect(readdirSync(join(root, String(n)))).toEqual([]);
  });

  it('passes over the claim of a process that died in the middle of a take-over', () => {
    const dataDir = tempDir('lock-claim');
    writeFileSync(join(dataDir, LOCK_FILE), `${deadPid()} 3\n`);
    writeFileSync(join(dataDir, `${LOCK_FILE}.gen-4`), `${deadPid()} 4\n`);
    const lock = DirLock.acquire(dataDir);
    expect(readFileSync(join(dataDir, LOCK_FILE), 'utf8')).toBe(`${process.pid} 5\n`);
    expect(existsSync(join(dataDir, `${LOCK_FILE}.gen-4`))).toBe(false);
    expect(() => DirLock.acquire(dataDir)).toThrow(DataDirInUseError);
    lock.release();
    expect(readdirSync(dataDir).filter((f) => f.startsWith(LOCK_FILE))).toEqual([]);
  });

  it('waits for a live rival’s take-over instead of racing it, and never releases a lock it no longer holds', () => {
    const dataDir = tempDir('lock-rival');
    const rival = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(rival);
    writeFileSync(join(dataDir, LOCK_FILE), `${deadPid()} 0\n`);
    // The rival holds the claim on the next generation: it is the one taking over.
    writeFileSync(join(dataDir, `${LOCK_FILE}.gen-1`), `${rival.pid} 1\n`);
    const stale = readFileSync(join(dataDir, LOCK_FILE), 'utf8');
    expect(() => DirLock.acquire(dataDir)).toThrow(/could not lock data directory/);
    expect(readFileSync(join(dataDir, LOCK_FILE), 'utf8')).toBe(stale);
    // The rival finished: its lock stands, and we are refused by name.
    writeFileSync(join(dataDir, LOCK_FILE), `${rival.pid} 1\n`);
    expect(() => DirLock.acquire(dataDir)).toThrow(new RegExp(`in use by process ${rival.pid}`));

    // A lock of ours that a rival took over (we looked dead to it) is not ours to remove.
    const ours = DirLock.acquire(tempDir('lock-ours'));
    const oursDir = dirs.at(-1)!;
    writeFileSync(join(oursDir, LOCK_FILE), `${rival.pid} 1\n`);
    ours.release();
    expect(readFileSync(join(oursDir, LOCK_FILE), 'utf8')).toBe(`${rival.pid} 1\n`);
  });
});
