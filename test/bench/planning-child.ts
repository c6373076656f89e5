// The measured processes of the planning bench (see ./planning.ts), each the compiled code a centre
// runs and a data directory holding one large cohort, nothing else:
//
//   job   the bot's process: the bot's modules (dist/app.js, as `npm start` loads them before it
//         starts anything), the store opened (the journal loaded, as at the bot's start), then the
//         cohort's job: its state read and what is due planned.
//   show  the CLI's process for `schedule show` with no bot running: the CLI's modules, the data
//         directory opened by the command itself, the month ahead planned, described and formatted
//         (what `runScheduleCommand` does, step by step, so the stored cohort and the command's
//         own cost can be told apart). With the bot running the CLI reads through the bot's store
//         instead and holds no cohort (`show` with a `host` running measures that).
//   host  not measured: the bot's store alone, opened on the data directory and served on its local
//         port (as a running bot does for the CLI), until its stdin closes. With it, `job URI` is the
//         bot's process with its data in another process, as with MongoDB (the embedded store's
//         server standing in for mongod, which this machine does not have), and `show` is the CLI
//         beside a running bot.
//
// Each prints its figures as one JSON line. Run as plain JavaScript (./planning.ts strips the
// types): the modules come from dist/ at run time, so this file imports nothing but types and `node:` modules.
//
//   node planning-child.mjs job|show|host DIST DATA_DIR COHORT_ID TEACHERS [STORE_URI]
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type * as CliStore from '../../src/cli/commands/cohort.js';
import type * as Schedule from '../../src/cli/commands/schedule.js';
import type * as Configs from '../../src/config.js';
import type * as ContentCache from '../../src/engine/content-cache.js';
import type * as Engine from '../../src/engine/index.js';
import type * as Logging from '../../src/logger.js';
import type * as Planning from '../../src/scheduler/planning.js';
import type * as Preview from '../../src/scheduler/preview.js';
import type * as State from '../../src/scheduler/state.js';
import type * as Stores from '../../src/store/index.js';

/** Both processes. */
interface ProcessFigures {
  /** RSS with Node and the process's modules loaded, before the store is opened. */
  rssModulesMb: number;
  /** RSS with the store open and holding the cohort, before reading and planning it. */
  rssBeforeMb: number;
  /** The most RSS the process ever had (the kernel's high-water mark, VmHWM). */
  peakRssMb: number;
  /** The most RSS sampled while the journal was loaded. */
  peakOpenMb: number;
  /** Opening the store: the journal read and its documents put in memory. */
  openMs: number;
  openCpuMs: number;
}

/** The bot's process running the cohort's job. */
export interface JobFigures extends ProcessFigures {
  teachers: number;
  loadMs: number;
  planMs: number;
  planCpuMs: number;
  /** CPU of reading the cohort's state and planning what is due. */
  jobCpuMs: number;
  due: number;
  /** The longest the event loop waited while reading and planning (wall time). */
  maxStallMs: number;
  /** The most CPU time the main thread ran between two turns of a 10 ms timer (see the timer below). */
  maxStallCpuMs: number;
  /** The most RSS sampled while the cohort's job read and planned it (what is due). */
  peakJobMb: number;
}

/** The CLI's process running `schedule show` for the month ahead. */
export interface ShowFigures extends ProcessFigures {
  previewMs: number;
  /** CPU of planning, describing and formatting the month (the content's titles loaded too). */
  showCpuMs: number;
  previewItems: number;
  /** The text's length in characters. */
  textChars: number;
  /** The most RSS sampled while the command planned, described and formatted the month. */
  peakShowMb: number;
}

export interface PlanningFigures {
  job: JobFigures;
  show: ShowFigures;
  /** The same job with the cohort in another process (MongoDB's shape). */
  jobBesideStore: JobFigures;
  /** `schedule show` beside a running bot: it reads through the bot's store. */
  showBesideBot: ShowFigures;
}

const MB = 1024 * 1024;
const [mode, distDir, dataDir, cohortId, teachersArg, storeUri] = process.argv.slice(2) as [
  'job' | 'show' | 'host',
  string,
  string,
  string,
  string,
  string | undefined,
];
const teachers = Number(teachersArg);
/** The store as the bot opens it with no MONGODB_URI: the data directory's journal, in this process. */
const inProcessStore = { mongodbUri: undefined, dbName: 'bench-planning', embeddedDataDir: dataDir };
const dist = pathToFileURL(`${distDir}/`);
const load = <M>(path: string) => import(new URL(path, dist).href) as Promise<M>;
// Monday 23 February 2026, 10:00 in Almaty: the stage-2 questionnaire opens for everyone.
const now = new Date('2026-02-23T05:00:00Z');

const cpuMs = (since?: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
};

function highWaterMb(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

let sampled = 0;
const sampler = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage.rss())), 10);

/** Opens the store with `open`, measuring it; then runs `work` on it and closes it. */
async function withStore<S extends { close(): Promise<void> }, F>(
  open: () => Promise<S>,
  work: (store: S, opened: ProcessFigures) => Promise<F>,
): Promise<F> {
  const rssModules = process.memoryUsage.rss();
  sampled = 0;
  const o0 = performance.now();
  const c0 = process.cpuUsage();
  const store = await open();
  const opened: ProcessFigures = {
    openCpuMs: cpuMs(c0),
    openMs: performance.now() - o0,
    peakOpenMb: Math.max(sampled, process.memoryUsage.rss()) / MB,
    rssModulesMb: rssModules / MB,
    rssBeforeMb: process.memoryUsage.rss() / MB,
    peakRssMb: Number.NaN,
  };
  try {
    const figures = await work(store, opened);
    return { ...figures, peakRssMb: highWaterMb() };
  } finally {
    clearInterval(sampler);
    await store.close();
  }
}

async function job(): Promise<JobFigures> {
  // The bot's whole module graph, as `npm start` has it loaded before the store opens (nothing started).
  await load('app.js');
  const { createLogger } = await load<typeof Logging>('logger.js');
  const { openStore } = await load<typeof Stores>('store/index.js');
  const { planDueAt } = await load<typeof Planning>('scheduler/planning.js');
  const { loadCohortState } = await load<typeof State>('scheduler/state.js');
  return withStore(
    () =>
      openStore({
        // With a URI the data lives in another process (MongoDB's shape); without, in this one.
        config: storeUri
          ? { mongodbUri: storeUri, dbName: 'bench-planning', embeddedDataDir: undefined }
          : inProcessStore,
        logger: createLogger({ level: 'error' }),
      }),
    async (store, opened) => {
      const cohort = await store.repositories.cohorts.findById(cohortId);
      if (!cohort) throw new Error(`no cohort ${cohortId} in ${dataDir}`);
      // Between two runs of a 10 ms timer, the CPU time the main thread ran (the kernel's schedstat,
      // in nanoseconds): the largest is the longest piece of work the event loop waited for, whatever
      // other processes took meanwhile (on a busy machine the wall-clock stall is mostly theirs), and
      // without V8's helper threads (the collector's parallel marking, the optimising compiler).
      const delay = monitorEventLoopDelay({ resolution: 10 });
      const mainThreadNs = () => {
        try {
          return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
        } catch {
          return Number.NaN;
        }
      };
      let lastNs = mainThreadNs();
      let mostCpuMs = 0;
      const tick = () => {
        const ns = mainThreadNs();
        mostCpuMs = Math.max(mostCpuMs, (ns - lastNs) / 1e6);
        lastNs = ns;
      };
      const ticker = setInterval(tick, 10);
      sampled = process.memoryUsage.rss();
      delay.enable();
      const all0 = process.cpuUsage();
      const t0 = performance.now();
      const state = await loadCohortState(store.repositories, cohort);
      const t1 = performance.now();
      const p0 = process.cpuUsage();
      const plan = await planDueAt(state, now);
      const planCpuMs = cpuMs(p0);
      const t2 = performance.now();
      tick();
      const jobCpuMs = cpuMs(all0);
      delay.disable();
      clearInterval(ticker);
      const peakJob = Math.max(sampled, process.memoryUsage.rss());
      if (state.teachers.length !== teachers)
        throw new Error(`read ${state.teachers.length} teachers, expected ${teachers}`);
      // Every teacher gets the stage-2 questionnaire's invitation now; the curator is not due anything yet.
      const invites = plan.due.filter((s) => s.kind === 'invite' && s.occasion === 'stage-2').length;
      if (invites !== teachers) throw new Error(`planned ${invites} stage-2 invitations now, expected ${teachers}`);
      return {
        ...opened,
        teachers,
        loadMs: t1 - t0,
        planMs: t2 - t1,
        planCpuMs,
        jobCpuMs,
        due: plan.due.length,
        maxStallMs: delay.max / 1e6,
        maxStallCpuMs: mostCpuMs,
        peakJobMb: peakJob / MB,
      };
    },
  );
}

async function show(): Promise<ShowFigures> {
  // The CLI's dispatcher and the command's modules, as `npm run cli -- schedule show` loads them
  // before it opens the store (the store's modules come with it, as in the command).
  await load('cli/run.js');
  const { loadConfig } = await load<typeof Configs>('config.js');
  const { openCliStore } = await load<typeof CliStore>('cli/commands/cohort.js');
  const { formatSchedule } = await load<typeof Schedule>('cli/commands/schedule.js');
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, MONGODB_DB: 'bench-planning' });
  const io = { out: () => {}, err: (text: string) => process.stderr.write(text) };
  return withStore(
    async () => {
      const store = await openCliStore(config, io, { dryRun: true });
      if (!store) throw new Error(`schedule show could not open ${dataDir}`);
      return store;
    },
    async (store, opened) => {
      sampled = process.memoryUsage.rss();
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const cohort = await store.repositories.cohorts.findById(cohortId);
      if (!cohort) throw new Error(`no cohort ${cohortId} in ${dataDir}`);
      const [{ loadContent }, { previewCohort }, { contentCacheOptions }] = await Promise.all([
        load<typeof Engine>('engine/index.js'),
        load<typeof Preview>('scheduler/preview.js'),
        load<typeof ContentCache>('engine/content-cache.js'),
      ]);
      const { content } = loadContent(new URL('..', dist).pathname, contentCacheOptions(config.contentCacheDir));
      const to = new Date(now.getTime() + 30 * 86_400_000);
      const preview = await previewCohort({ repos: store.repositories, content, locale: 'ru' }, cohort.id, now, to);
      if (!preview) throw new Error('schedule show found no cohort');
      const text = formatSchedule(preview, now, 30, 'ru');
      const showCpuMs = cpuMs(c0);
      return {
        ...opened,
        previewMs: performance.now() - t0,
        showCpuMs,
        previewItems: preview.items.length,
        textChars: text.length,
        peakShowMb: Math.max(sampled, process.memoryUsage.rss()) / MB,
      };
    },
  );
}

/** The store alone, served to the other processes until stdin closes; prints its URI. */
async function host(): Promise<void> {
  clearInterval(sampler);
  const { createLogger } = await load<typeof Logging>('logger.js');
  const { openStore } = await load<typeof Stores>('store/index.js');
  const store = await openStore({
    config: inProcessStore,
    logger: createLogger({ level: 'error' }),
  });
  const { uri } = JSON.parse(readFileSync(`${dataDir}/embedded-store.address`, 'utf8')) as { uri: string };
  console.log(JSON.stringify({ uri }));
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.once('end', resolve));
  await store.close();
}

if (mode === 'host') await host();
else console.log(JSON.stringify(mode === 'job' ? await job() : await show()));
