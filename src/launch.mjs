// `npm start`, `npm run cli` and `npm run build` come through here: Sputnik runs as compiled
// JavaScript from dist/, built from src/ by `npm install` (the package's `prepare` script) or, when
// dist/ is missing or older than a source file, right here before it starts; then esbuild joins
// each entry with what it imports into dist/bundle/ (src/launch-bundle.mjs), which runs when there.
// Plain JavaScript on purpose: it has to run before anything is compiled.
//
//   node src/launch.mjs start [args]   the bot (dist/main.js)
//   node src/launch.mjs cli [args]     the staff tools (dist/cli/main.js)
//   node src/launch.mjs build          build when stale; without TypeScript installed, say so and stop
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LAUNCHER_TEXT, launcherLocale } from './launch-text.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = join(root, 'dist');
// Written after a successful build, dated when that build started: an edit made during it still counts.
const stamp = join(dist, '.build-stamp');
const lock = join(dist, '.build-lock');
const ENTRIES = { start: 'main.js', cli: 'cli/main.js' };
// The same entries joined with what they import (src/launch-bundle.mjs): run when the build made them.
const BUNDLED = { start: 'bundle/main.js', cli: 'bundle/cli.js' };

const [mode, ...rest] = process.argv.slice(2);
const text = LAUNCHER_TEXT[launcherLocale(mode, rest, process.env)];

function say(line) {
  process.stderr.write(`sputnik: ${line}\n`);
}

/** The newest modification time among the sources and the compiler settings. */
function newestSource() {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/\.(ts|mts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  visit(join(root, 'src'));
  for (const file of ['tsconfig.json', 'tsconfig.build.json']) newest = Math.max(newest, statSync(join(root, file), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  return newest;
}

function isStale(entry) {
  if (!existsSync(stamp) || (entry && !existsSync(join(dist, entry)))) return true;
  // No sources (an image that ships dist/ alone): nothing to compare with.
  if (!existsSync(join(root, 'src'))) return false;
  return newestSource() > statSync(stamp).mtimeMs;
}

function typescriptCompiler() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One build at a time: two processes started together (tests, a supervisor) wait for each other. */
async function withBuildLock(work) {
  mkdirSync(dist, { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // A lock left by a build that died long ago is nobody's.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`another build holds ${lock}; remove it if no build is running`);
      await sleep(250);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds dist/ if it is stale; false when it could not. */
async function build(entry) {
  if (!isStale(entry)) return true;
  const tsc = typescriptCompiler();
  if (!tsc) {
    if (entry && existsSync(join(dist, entry))) {
      say(text.no_tsc_kept);
      return true;
    }
    say(text.no_tsc);
    return false;
  }
  return withBuildLock(async () => {
    // Someone else may have built it while this process waited for the lock.
    if (!isStale(entry)) return true;
    const startedAt = new Date();
    say(text.building);
    // Until this build succeeds there is no build: the stamp also names the build whose checked
    // content is cached (src/engine/content-cache.ts), and a half-written dist/ must not reuse it.
    rmSync(stamp, { force: true });
    rmSync(join(dist, 'bundle'), { recursive: true, force: true });
    // The compiler's messages go to stderr: a CLI command's stdout stays its own.
    const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: ['ignore', 2, 2] });
    if (result.status !== 0) {
      say(text.failed);
      return false;
    }
    const { bundle } = await import('./launch-bundle.mjs');
    const whyNot = await bundle(dist);
    if (whyNot) say(`${text.unbundled}: ${whyNot}`);
    writeFileSync(stamp, `${startedAt.toISOString()}\n`);
    utimesSync(stamp, startedAt, startedAt);
    // The content as this build checks it, kept for every data directory (src/content-check.ts):
    // the first start or command then skips reading unchanged files. Content with a problem is not
    // kept and is not the build's to report: the start refuses it before /healthz, as always.
    rmSync(join(dist, 'content-cache'), { recursive: true, force: true });
    spawnSync(process.execPath, [join(dist, 'content-check.js')], { cwd: root, stdio: 'ignore' });
    return true;
  });
}

if (mode === 'build') {
  if (!typescriptCompiler()) {
    say('TypeScript is not installed (production install): the build is skipped; dist/ must come with the image');
  } else if (!(await build(undefined))) {
    process.exit(1);
  }
} else if (mode === 'start' || mode === 'cli') {
  const entry = ENTRIES[mode];
  if (!(await build(entry))) process.exit(1);
  // No source maps by default: reading and indexing every .map file (dist/ and the libraries') cost
  // each start and CLI command ~0.15 s of CPU. Stack traces name dist/bundle/*.js lines, which keep
  // tsc's output as it was; NODE_OPTIONS=--enable-source-maps maps them to src/ (`npm run dev` does).
  // The entry reads its arguments from process.argv as if it had been started itself.
  const bundled = join(dist, BUNDLED[mode]);
  const file = existsSync(bundled) ? bundled : join(dist, entry);
  process.argv = [process.argv[0], file, ...rest];
  await import(pathToFileURL(file).href);
} else {
  say('usage: node src/launch.mjs start|cli|build [args]');
  process.exit(2);
}
