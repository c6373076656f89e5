// The measured process of the planning bench (see ./planning.ts): the compiled bot's modules, a data
// directory holding one large cohort, and nothing else. It opens the store (the journal loaded, as
// at the bot's start), then reads the cohort's state, plans what is due and previews the month
// ahead, and prints its figures as one JSON line.
//
// Run as plain JavaScript (./planning.ts strips the types): the modules come from dist/ at run
// time, so this file imports nothing but types and `node:` modules.
//
//   node planning-child.mjs DIST DATA_DIR COHORT_ID TEACHERS
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type * as Logging from '../../src/logger.js';
import type * as Planning from '../../src/scheduler/planning.js';
import type * as Preview from '../../src/scheduler/preview.js';
import type * as State from '../../src/scheduler/state.js';
import type * as Stores from '../../src/store/index.js';

export interface PlanningFigures {
  teachers: number;
  /** Opening the store: the journal read and its documents put in memory. */
  openMs: number;
  openCpuMs: number;
  loadMs: number;
  planMs: number;
  planCpuMs: number;
  previewMs: number;
  /** CPU of reading, planning and previewing together. */
  readPlanPreviewCpuMs: number;
  due: number;
  previewItems: number;
  /** The longest the event loop waited while reading, planning and previewing (wall time). */
  maxStallMs: number;
  /** The most CPU time the main thread ran between two turns of a 10 ms timer (see the timer below). */
  maxStallCpuMs: number;
  /** RSS with Node and the modules loaded, before the store is opened. */
  rssModulesMb: number;
  /** RSS with the store open and holding the cohort, before reading and planning it. */
  rssBeforeMb: number;
  /** The most RSS the process ever had (the kernel's high-water mark, VmHWM). */
  peakRssMb: number;
  /** The most RSS sampled while the journal was loaded. */
  peakOpenMb: number;
  /** The most RSS sampled while the cohort's job read and planned it (what is due). */
  peakJobMb: number;
  /** The most RSS sampled while reading, planning and previewing. */
  peakPlanMb: number;
}

const MB = 1024 * 1024;
const [distDir, dataDir, cohortId, teachersArg] = process.argv.slice(2) as [string, string, string, string];
const teachers = Number(teachersArg);
const dist = pathToFileURL(`${distDir}/`);
const load = <M>(path: string) => import(new URL(path, dist).href) as Promise<M>;

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

const { createLogger } = await load<typeof Logging>('logger.js');
const { openStore } = await load<typeof Stores>('store/index.js');
const { planDueAt } = await load<typeof Planning>('scheduler/planning.js');
const { previewCohort } = await load<typeof Preview>('scheduler/preview.js');
const { loadCohortState } = await load<typeof State>('scheduler/state.js');
const rssModules = process.memoryUsage.rss();

sampled = 0;
const o0 = performance.now();
const c0 = process.cpuUsage();
const store = await openStore({
  config: { mongodbUri: undefined, dbName: 'bench-planning', embeddedDataDir: dataDir },
  logger: createLogger({ level: 'error' }),
});
const openCpuMs = cpuMs(c0);
const openMs = performance.now() - o0;
const peakOpen = Math.max(sampled, process.memoryUsage.rss());
try {
  const cohort = await store.repositories.cohorts.findById(cohortId);
  if (!cohort) throw new Error(`no cohort ${cohortId} in ${dataDir}`);
  // Monday 23 February 2026, 10:00 in Almaty: the stage-2 questionnaire opens for everyone.
  const now = new Date('2026-02-23T05:00:00Z');
  const rssBefore = process.memoryUsage.rss();

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
  sampled = rssBefore;
  delay.enable();
  const all0 = process.cpuUsage();
  // The cohort's job and `schedule show` one after the other, each keeping only its figures, as
  // in the bot: neither holds on to the other's state.
  const job = await (async () => {
    const t0 = performance.now();
    const state = await loadCohortState(store.repositories, cohort);
    const t1 = performance.now();
    const p0 = process.cpuUsage();
    const plan = await planDueAt(state, now);
    const planCpuMs = cpuMs(p0);
    const t2 = performance.now();
    if (state.teachers.length !== teachers)
      throw new Error(`read ${state.teachers.length} teachers, expected ${teachers}`);
    // Every teacher gets the stage-2 questionnaire's invitation now; the curator is not due anything yet.
    const invites = plan.due.filter((s) => s.kind === 'invite' && s.occasion === 'stage-2').length;
    if (invites !== teachers) throw new Error(`planned ${invites} stage-2 invitations now, expected ${teachers}`);
    return { loadMs: t1 - t0, planMs: t2 - t1, planCpuMs, due: plan.due.length };
  })();
  const peakJob = Math.max(sampled, process.memoryUsage.rss());
  const show = await (async () => {
    const t0 = performance.now();
    const preview = await previewCohort(
      { repos: store.repositories, canReach: () => true },
      cohort.id,
      now,
      new Date(now.getTime() + 30 * 86_400_000),
    );
    return { previewMs: performance.now() - t0, previewItems: preview?.items.length ?? 0 };
  })();
  tick();
  const readPlanPreviewCpuMs = cpuMs(all0);
  delay.disable();
  clearInterval(ticker);
  const peakPlan = Math.max(sampled, process.memoryUsage.rss());
  clearInterval(sampler);
  const figures: PlanningFigures = {
    teachers,
    openMs,
    openCpuMs,
    ...job,
    ...show,
    readPlanPreviewCpuMs,
    maxStallMs: delay.max / 1e6,
    maxStallCpuMs: mostCpuMs,
    rssModulesMb: rssModules / MB,
    rssBeforeMb: rssBefore / MB,
    peakRssMb: highWaterMb(),
    peakOpenMb: peakOpen / MB,
    peakJobMb: peakJob / MB,
    peakPlanMb: peakPlan / MB,
  };
  console.log(JSON.stringify(figures));
} finally {
  clearInterval(sampler);
  await store.close();
}
