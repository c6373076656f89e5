// `npm start` to a healthy /healthz, and one CLI command, as a person runs them: through npm, on
// the compiled build (built first, once, so the figures are not the compiler's; the build also
// checks flows/ and questionnaires/ and keeps them in dist/content-cache). Each is run once in a
// new data directory (the first start: the store is created), then again in the same one, as a
// restart or the next command finds it: those runs give the median. And once more in a new data
// directory with CONTENT_CACHE_DIR=off: the content read and checked in full, as the first start
// or command after an edit to flows/ or questionnaires/ does.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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

/** CPU seconds used so far by `pid` and the processes it started (Linux /proc; undefined elsewhere). */
function treeCpuSeconds(pid: number): number | undefined {
  try {
    const stats = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .flatMap((name) => {
        try {
          // Fields after the command name: state, ppid, ..., utime (14th), stime (15th).
          const f = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
          return [{ pid: Number(name), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) }];
        } catch {
          return [];
        }
      });
    const tree = new Set([pid]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of stats)
        if (!tree.has(p.pid) && tree.has(p.ppid)) {
          tree.add(p.pid);
          grew = true;
        }
    }
    // Clock ticks are 1/100 s on Linux.
    return stats.filter((p) => tree.has(p.pid)).reduce((sum, p) => sum + p.ticks, 0) / 100;
  } catch {
    return undefined;
  }
}

/**
 * Seconds from `npm start` to the first 200 from /healthz (no channel configured: the sandbox's
 * start), and the CPU seconds npm and the bot had used by then.
 */
async function startOnce(
  dir: string,
  env: Record<string, string> = {},
): Promise<{ seconds: number; cpuSeconds: number | undefined }> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(NPM, ['start'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dir, HTTP_PORT: String(port), LOG_LEVEL: 'warn', ...env },
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
        if (res.status === 200) {
          const seconds = (performance.now() - t0) / 1000;
          return { seconds, cpuSeconds: child.pid ? treeCpuSeconds(child.pid) : undefined };
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    // The whole group: npm and the node it started.
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

function cliOnce(args: string[], dir: string, env: Record<string, string> = {}): number {
  const t0 = performance.now();
  const r = spawnSync(NPM, ['run', '--silent', 'cli', '--', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'warn', ...env },
    stdio: 'ignore',
  });
  if (r.status !== 0) throw new Error(`npm run cli -- ${args.join(' ')} exited with ${r.status}`);
  return (performance.now() - t0) / 1000;
}

export interface StartFigures {
  /** The first start in a new data directory. */
  firstSeconds: number;
  /** A first start with no content cache: flows and questionnaires read and checked in full. */
  uncheckedSeconds: number;
  /** Restarts in that directory, their median, and the median CPU seconds of npm and the bot. */
  startSeconds: number[];
  startMedian: number;
  startCpuMedian: number | undefined;
  /** Per command: the first run in a new data directory, then the runs' seconds and their median; a first run with no content cache. */
  cli: { command: string; first: number; seconds: number[]; median: number; unchecked: number | undefined }[];
}

/** As after an edit to the content: neither DATA_DIR/cache nor the build's copy is used. */
const NO_CACHE = { CONTENT_CACHE_DIR: 'off' };

async function withNewDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'sputnik-bench-unchecked-'));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchStart(runs = 3): Promise<StartFigures> {
  const build = spawnSync(NPM, ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'ignore' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const dir = mkdtempSync(join(tmpdir(), 'sputnik-bench-start-'));
  try {
    const first = await startOnce(dir);
    const unchecked = await withNewDir((other) => startOnce(other, NO_CACHE));
    const restarts: { seconds: number; cpuSeconds: number | undefined }[] = [];
    for (let i = 0; i < runs; i++) restarts.push(await startOnce(dir));
    const cpu = restarts.map((r) => r.cpuSeconds).filter((c): c is number => c !== undefined);
    // `config` reads the settings only; `stats` opens the (embedded) store and computes the figures.
    const cli: StartFigures['cli'] = [];
    for (const command of ['config', 'stats']) {
      const cliDir = mkdtempSync(join(tmpdir(), 'sputnik-bench-cli-'));
      try {
        const firstRun = cliOnce([command], cliDir);
        const seconds = Array.from({ length: runs }, () => cliOnce([command], cliDir));
        // `config` reads no content.
        const uncheckedRun =
          command === 'config' ? undefined : await withNewDir(async (other) => cliOnce([command], other, NO_CACHE));
        cli.push({ command, first: firstRun, seconds, median: median(seconds), unchecked: uncheckedRun });
      } finally {
        rmSync(cliDir, { recursive: true, force: true });
      }
    }
    const startSeconds = restarts.map((r) => r.seconds);
    return {
      firstSeconds: first.seconds,
      uncheckedSeconds: unchecked.seconds,
      startSeconds,
      startMedian: median(startSeconds),
      startCpuMedian: cpu.length === restarts.length ? median(cpu) : undefined,
      cli,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchStart());
