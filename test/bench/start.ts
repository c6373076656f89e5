// `npm start` to a healthy /healthz, and one CLI command, as a person runs them: through npm, on
// the compiled build (built first, once, so the figures are not the compiler's).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './measure.js';

const ROOT = join(import.meta.dirname, '../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Seconds from `npm start` to the first 200 from /healthz (no channel configured: the sandbox's start). */
async function startOnce(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'sputnik-bench-start-'));
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(NPM, ['start'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dir, HTTP_PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
    detached: true,
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      if (performance.now() - t0 > 120_000) throw new Error('npm start: /healthz not healthy after 120 s');
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        await res.arrayBuffer();
        if (res.status === 200) return (performance.now() - t0) / 1000;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    // The whole group: npm and the node it started.
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

function cliOnce(args: string[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'sputnik-bench-cli-'));
  try {
    const t0 = performance.now();
    const r = spawnSync(NPM, ['run', '--silent', 'cli', '--', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    if (r.status !== 0) throw new Error(`npm run cli -- ${args.join(' ')} exited with ${r.status}`);
    return (performance.now() - t0) / 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface StartFigures {
  startSeconds: number[];
  startMedian: number;
  /** Per command: the runs' seconds and their median. */
  cli: { command: string; seconds: number[]; median: number }[];
}

export async function benchStart(runs = 3): Promise<StartFigures> {
  const build = spawnSync(NPM, ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'ignore' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const startSeconds: number[] = [];
  for (let i = 0; i < runs; i++) startSeconds.push(await startOnce());
  // `config` reads the settings only; `stats` opens the (embedded) store and computes the figures.
  const cli = ['config', 'stats'].map((command) => {
    const seconds = Array.from({ length: runs }, () => cliOnce([command]));
    return { command, seconds, median: median(seconds) };
  });
  return { startSeconds, startMedian: median(startSeconds), cli };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchStart());
