// `npm run bench`: Sputnik at a region's scale, every row of issue 13's table beside its target
// (and the platform's floor where there is one). Data is shaped like the shipped questionnaires
// (./data.ts). Each aggregate: one warm-up run, then the median of BENCH_RUNS (3). Results are
// checked against counts made while generating (a wrong result stops the bench); timings are
// printed, never asserted. Parts:
//   aggregates  300,000 responses (BENCH_PARTICIPANTS=30000 teachers × 10)
//   exports     CSV and XLSX of 25,000 and 100,000 responses (memory flat in rows?), and CSV read
//               through the driver (a CLI beside a running bot, or MongoDB)
//   planning    one 5,000-teacher cohort: the bot's cohort job and the CLI's schedule show, each in its own
//               process, each BENCH_RUNS times (CPU: the median run; memory and stalls: the worst)
//   store       a broadcast's deliveries recorded in the embedded store, 200 / 1,000 / 4,000
//   broadcasts  1,200 / 2,000 / 4,000 teachers through the limiter and grammY to a fake Bot API
//               (BENCH_FULL=1 adds 10,000: 333 s at the floor)
//   limits      Telegram's per-group and per-chat limits all at once (a 600-teacher broadcast, 25
//               messages to one group, 10 to one teacher), and a 429 with retry_after = 5
//   replies     update to the first reply, p50 / p95: 25 teachers at once and 50 over 2 s (under
//               the limits), and 50 at once beside what the 30 msg/s limit alone costs
//   start       `npm start` to a healthy /healthz, and CLI commands, through npm
// BENCH_ONLY=exports,planning runs some parts. BENCH_WRITE=1 writes the table into
// docs/performance.md with the machine, date and load.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/logger.js';
import {
  activities,
  activityKinds,
  answerStats,
  computeAggregates,
  consultations,
  distributions,
  likert,
  responseRate,
  stages,
} from '../../src/monitoring/aggregates.js';
import { loadSamplingUnits } from '../../src/monitoring/sampling-units.js';
import { drawStratifiedSample } from '../../src/monitoring/sampling.js';
import type { Scope } from '../../src/monitoring/scope.js';
import { openStore, type Store } from '../../src/store/index.js';
import { benchBroadcastStore } from './broadcast-store.js';
import { generate, type BenchData } from './data.js';
import { benchExport, type ExportFigures } from './exports.js';
import { gc, machineMeter, measured, median, type MachineShare } from './measure.js';
import { benchPlanning } from './planning.js';
import { benchStart } from './start.js';
import { benchBroadcasts, benchLimits, benchPause, benchReplies, replyFloor } from './telegram.js';

const PARTS = ['aggregates', 'exports', 'planning', 'store', 'broadcasts', 'limits', 'replies', 'start'] as const;
const only = new Set((process.env.BENCH_ONLY ?? PARTS.join(',')).split(',').map((s) => s.trim()));
const FULL = process.env.BENCH_FULL === '1';
const AGGREGATE_PARTICIPANTS = Number(process.env.BENCH_PARTICIPANTS ?? 30_000);
const EXPORT_PARTICIPANTS = 10_000;
/** Timed runs of each aggregate after one warm-up run; the median is reported. */
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const MB = 1024 * 1024;
const table: { what: string; measured: string; target: string; floor: string }[] = [];
const row = (what: string, measuredText: string, target: string, floor = '—') =>
  table.push({ what, measured: measuredText, target, floor });
const say = (text: string) => process.stdout.write(`${text}\n`);
const n = (x: number) => x.toLocaleString('en');
const s = (seconds: number, digits = 2) => `${seconds.toFixed(digits)} s`;

/** Other processes' and the hypervisor's CPU while each in-process part measured (see machineMeter). */
const machineDuring: { part: string; share: MachineShare }[] = [];
const BUSY_CORES = 0.25;
const cores = (x: number) => x.toFixed(2);
/** A row measured while the rest of the machine took a quarter of a core or more says so. */
function busyNote(share: MachineShare | undefined): string {
  if (!share || share.otherCores + share.stealCores < BUSY_CORES) return '';
  return ` [busy: others used ${cores(share.otherCores)} cores${share.stealCores >= 0.05 ? `, steal ${cores(share.stealCores)}` : ''}]`;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`bench result wrong: ${what}`);
}

async function openBenchStore(name: string): Promise<Store> {
  return openStore({
    config: { mongodbUri: undefined, dbName: name, embeddedDataDir: undefined },
    logger: createLogger({ level: 'error' }),
  });
}

/** One warm-up run (caches, JIT), then RUNS timed runs; the median and the spread are reported. */
async function timed<T>(
  label: string,
  run: () => Promise<T>,
  results: [string, number, MachineShare | undefined][],
): Promise<T> {
  let value = await run();
  const times: number[] = [];
  const machine = machineMeter();
  for (let i = 0; i < RUNS; i++) {
    // Each run pays for its own garbage, not for the previous one's.
    gc();
    const t0 = performance.now();
    value = await run();
    times.push(performance.now() - t0);
  }
  const ms = median(times);
  const share = machine();
  results.push([label, ms, share]);
  const spread = RUNS > 1 ? ` (runs ${times.map((t) => (t / 1000).toFixed(2)).join(' / ')})` : '';
  say(
    `  ${label.padEnd(44)} ${(ms / 1000).toFixed(3)} s median${spread}${ms > 2000 ? '  (over the 2 s target)' : ''}${busyNote(share)}`,
  );
  return value;
}

async function benchAggregates(): Promise<void> {
  const store = await openBenchStore('bench-aggregates');
  try {
    const data = await generate(store, AGGREGATE_PARTICIPANTS);
    say(
      `Generated ${n(data.participants)} teachers, ${n(data.responses)} responses (the shipped questionnaires), ${n(data.participants * 3)} activities, ` +
        `${n(data.participants / 2)} consultations in ${data.generatedSeconds.toFixed(1)} s\n\nAggregates over ${n(data.responses)} responses (embedded store):`,
    );
    // As the bot's monitoring has it (service.ts): the embedded store of this process reads in-process.
    const deps = { models: store.models, catalog: data.catalog, reader: store.inProcess };
    const results: [string, number, MachineShare | undefined][] = [];
    const machine = machineMeter();
    const all: Scope = {};
    const byRegion: Scope = { by: 'region' };
    const cohortScope: Scope = { cohortIds: data.cohortIds.slice(0, 5), by: 'direction' };
    const rate = await timed('response rate, all cohorts', () => responseRate(deps, all, 'ru'), results);
    const completed = rate.filter((r) => r.group.key === null).reduce((sum, r) => sum + r.completed, 0);
    check(
      completed === data.completedResponses,
      `response rate counts ${completed} completed responses, ${data.completedResponses} were generated`,
    );
    say(
      `  (counted while generating: ${n(data.completedResponses)} completed of ${n(data.responses)} responses; the aggregate agrees)`,
    );
    await timed('response rate by region', () => responseRate(deps, byRegion, 'ru'), results);
    await timed('distributions, all questions', () => distributions(deps, all, 'ru'), results);
    await timed('distributions by region', () => distributions(deps, byRegion, 'ru'), results);
    // 136 districts: many more segments, so many more counts after the pass (the region row has 17).
    await timed('distributions by district', () => distributions(deps, { by: 'district' }, 'ru'), results);
    await timed('Likert mean/median/top-2', () => likert(deps, all, 'ru'), results);
    await timed('Likert by region', () => likert(deps, byRegion, 'ru'), results);
    await timed('Likert by direction, 5 cohorts', () => likert(deps, cohortScope, 'ru'), results);
    await timed('distributions + Likert in one pass (summary)', () => answerStats(deps, all, 'ru'), results);
    // What a curator's /stats, a CLI --cohort/--from or the half-year report asks: named cohorts and a period.
    const halfYear: Scope = { cohortIds: data.cohortIds, from: new Date('2025-09-01'), to: new Date('2026-03-01') };
    await timed('distributions, 40 cohorts named, half a year', () => distributions(deps, halfYear, 'ru'), results);
    await timed('activities per teacher, >= 3 accepted', () => activities(deps, all, 'ru'), results);
    await timed('activities by organisation', () => activities(deps, { by: 'organisation' }, 'ru'), results);
    await timed('activities by type and level', () => activityKinds(deps, all, 'ru'), results);
    await timed('stage completion by settlement type', () => stages(deps, { by: 'settlementType' }, 'ru'), results);
    await timed('consultations by topic', () => consultations(deps, all, 'ru'), results);
    await timed(
      'stratified sample of 500',
      async () => drawStratifiedSample(await loadSamplingUnits(store.models, {}), 500, 'bench'),
      results,
    );
    const summary = await measured(() => computeAggregates(deps, all, 'ru'));
    say(
      `\n  all aggregates of the summary sheet: peak +${(summary.rss / MB).toFixed(0)} MB rss, +${(summary.heap / MB).toFixed(0)} MB heap`,
    );
    const slowest = results.reduce((a, b) => (b[1] > a[1] ? b : a));
    say(`  slowest: ${slowest[0]} ${(slowest[1] / 1000).toFixed(3)} s (target < 2 s)`);
    const share = machine();
    if (share) machineDuring.push({ part: 'aggregates', share });
    for (const [label, ms, during] of results)
      row(
        `${label} (${n(data.responses)} responses)`,
        `${s(ms / 1000)} (median of ${RUNS})${busyNote(during)}`,
        '< 2 s',
      );
  } finally {
    await store.close();
  }
}

async function benchExports(): Promise<void> {
  const store = await openBenchStore('bench-exports');
  try {
    const data: BenchData = await generate(store, EXPORT_PARTICIPANTS);
    const quarter = data.cohortIds.slice(0, data.cohortIds.length / 4);
    say(
      `\nExports (${n(EXPORT_PARTICIPANTS)} teachers; a quarter of the cohorts, then all; in-process reads unless said otherwise):`,
    );
    const machine = machineMeter();
    const show = (label: string, f: ExportFigures) => {
      const others = f.machine
        ? `; others ${cores(f.machine.otherCores)} cores, steal ${cores(f.machine.stealCores)}`
        : '';
      say(
        `  ${label.padEnd(34)} ${n(f.rows).padStart(7)} rows  ${s(f.seconds, 1).padStart(7)} (CPU ${s(f.cpuSeconds, 1)}, GC ${s(f.gcSeconds, 1)}${others})  ` +
          `${(f.bytes / MB).toFixed(1)} MB  peak added rss +${f.rssAddedMb.toFixed(0)} MB, heap +${f.heapAddedMb.toFixed(0)} MB`,
      );
      return f;
    };
    for (const format of ['csv', 'xlsx'] as const) {
      const small = show(
        `${format.toUpperCase()}, a quarter of the cohorts`,
        await benchExport(store, data, format, { cohortIds: quarter }),
      );
      const big = show(`${format.toUpperCase()}, all cohorts`, await benchExport(store, data, format));
      const what =
        format === 'csv'
          ? 'CSV export (a file per questionnaire)'
          : 'XLSX export (summary + a sheet per questionnaire)';
      row(
        `${what}, ${n(small.rows)} / ${n(big.rows)} responses`,
        `${s(small.seconds, 1)} / ${s(big.seconds, 1)}; rss +${small.rssAddedMb.toFixed(0)} / +${big.rssAddedMb.toFixed(0)} MB, heap +${small.heapAddedMb.toFixed(0)} / +${big.heapAddedMb.toFixed(0)} MB${busyNote(big.machine)}`,
        format === 'csv' ? '< 3 s at 100k, memory flat in rows' : '< 10 s at 100k, memory flat in rows',
      );
    }
    const wire = show('CSV through the driver, all cohorts', await benchExport(store, data, 'csv', { wire: true }));
    row(
      `CSV export of ${n(wire.rows)} responses read through the driver (CLI beside a running bot; MongoDB)`,
      `${s(wire.seconds, 1)}, rss +${wire.rssAddedMb.toFixed(0)} MB${busyNote(wire.machine)}`,
      '—',
    );
    const share = machine();
    if (share) machineDuring.push({ part: 'exports', share });
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  if (only.has('aggregates')) await benchAggregates();
  if (only.has('exports')) await benchExports();

  if (only.has('planning')) {
    const teachers = Number(process.env.BENCH_PLANNING_TEACHERS ?? 5000);
    const runs = await benchPlanning(teachers, RUNS);
    // Memory and stalls: each process's worst run (a peak is what a centre's machine must have);
    // CPU: the median run. The breakdown printed is the worst run's.
    const worst = <F extends { peakRssMb: number }>(xs: F[]): F =>
      xs.reduce((a, b) => (b.peakRssMb > a.peakRssMb ? b : a));
    const [j, w, jm, wb] = [
      worst(runs.job),
      worst(runs.show),
      worst(runs.jobBesideStore),
      worst(runs.showBesideBot),
    ] as const;
    const everyRun = (xs: { peakRssMb: number }[]) =>
      xs.length > 1
        ? ` (the highest of ${xs.length} runs: ${xs.map((x) => x.peakRssMb.toFixed(0)).join(' / ')} MB)`
        : '';
    const planCpu = median(runs.job.map((x) => x.planCpuMs));
    const stateRead = median(runs.job.map((x) => x.loadMs));
    const stallMs = Math.max(...runs.job.map((x) => x.maxStallMs));
    const stallCpuMs = Math.max(...runs.job.map((x) => x.maxStallCpuMs));
    for (const x of [...runs.job, ...runs.jobBesideStore])
      check(
        x.due === j.due,
        'the cohort job planned different sends in two runs, or through the driver than in-process',
      );
    for (const x of [...runs.show, ...runs.showBesideBot])
      check(
        x.previewItems === w.previewItems,
        'schedule show described different sends in two runs, or through the driver than in-process',
      );
    check(j.due > 0 && w.previewItems > 0 && w.textChars > 0, 'planning found nothing to send');
    const mb = (x: number) => x.toFixed(0);
    say(
      `\nPlanning one cohort of ${n(teachers)} teachers, each in the process a centre runs it in (the compiled code, the embedded store holding only that cohort):\n` +
        `  the bot's process, the cohort's job: open the store (journal loaded) ${s(j.openMs / 1000)}, ${s(j.openCpuMs / 1000)} CPU; ` +
        `read its state ${s(j.loadMs / 1000)}; plan what is due ${s(j.planMs / 1000)} wall, ${s(j.planCpuMs / 1000)} CPU (${n(j.due)} due); read + plan ${s(j.jobCpuMs / 1000)} CPU\n` +
        `    longest event-loop stall ${j.maxStallMs.toFixed(0)} ms; the main thread's most CPU between two turns of a 10 ms timer ${j.maxStallCpuMs.toFixed(0)} ms\n` +
        `    RSS: ${mb(j.rssModulesMb)} MB Node and the bot's modules; ${mb(j.rssBeforeMb)} MB holding the cohort (peak ${mb(j.peakOpenMb)} MB while the journal loaded); ` +
        `peak ${mb(j.peakJobMb)} MB while the job read and planned it; the process's high-water mark ${mb(j.peakRssMb)} MB\n` +
        `  the CLI's process, schedule show of the month after (no bot running: it opens the data directory): open ${s(w.openMs / 1000)}, ${s(w.openCpuMs / 1000)} CPU; ` +
        `plan, describe and format ${s(w.previewMs / 1000)} wall, ${s(w.showCpuMs / 1000)} CPU (${n(w.previewItems)} sends)\n` +
        `    RSS: ${mb(w.rssModulesMb)} MB Node and the CLI's modules; ${mb(w.rssBeforeMb)} MB holding the cohort (peak ${mb(w.peakOpenMb)} MB while the journal loaded); ` +
        `peak ${mb(w.peakShowMb)} MB while schedule show ran; the process's high-water mark ${mb(w.peakRssMb)} MB\n` +
        `  with the cohort in another process (a running bot's store served on its port, standing in for MongoDB):\n` +
        `    the bot's process, the cohort's job through the driver: read its state ${s(jm.loadMs / 1000)}; plan ${s(jm.planCpuMs / 1000)} CPU; read + plan ${s(jm.jobCpuMs / 1000)} CPU; ` +
        `longest stall ${jm.maxStallMs.toFixed(0)} ms (main thread ${jm.maxStallCpuMs.toFixed(0)} ms CPU); RSS ${mb(jm.rssModulesMb)} MB modules, ${mb(jm.rssBeforeMb)} MB connected, high-water mark ${mb(jm.peakRssMb)} MB\n` +
        `    the CLI's schedule show beside that bot: ${s(wb.previewMs / 1000)} wall, ${s(wb.showCpuMs / 1000)} CPU; RSS ${mb(wb.rssModulesMb)} MB modules, ${mb(wb.rssBeforeMb)} MB attached, high-water mark ${mb(wb.peakRssMb)} MB`,
    );
    const ofRuns = RUNS > 1 ? ` (median of ${RUNS})` : '';
    row(
      `planning one ${n(teachers)}-teacher cohort (what is due)`,
      `${s(planCpu / 1000)} CPU; state read ${s(stateRead / 1000)}${ofRuns}`,
      '< 2 s CPU',
    );
    row(
      'longest event-loop stall while reading and planning it',
      `${stallMs.toFixed(0)} ms; the main thread's longest piece of work ${stallCpuMs.toFixed(0)} ms CPU${RUNS > 1 ? ` (the longest of ${RUNS} runs)` : ''}`,
      '< 100 ms',
    );
    row(
      "planning's own memory (RSS over the process holding that cohort)",
      `the cohort's job +${mb(j.peakJobMb - j.rssBeforeMb)} MB, schedule show +${mb(w.peakShowMb - w.rssBeforeMb)} MB`,
      '< 200 MB',
    );
    row(
      "the bot's process running the cohort's job (the bot holding that cohort only)",
      `peak RSS ${mb(j.peakRssMb)} MB: Node and the bot's modules ${mb(j.rssModulesMb)} MB, the stored cohort +${mb(j.rssBeforeMb - j.rssModulesMb)} MB, the job +${mb(j.peakRssMb - j.rssBeforeMb)} MB${everyRun(runs.job)}`,
      '< 200 MB',
    );
    row(
      "the CLI's process running schedule show (no bot running: it opens the data directory)",
      `peak RSS ${mb(w.peakRssMb)} MB: Node and the CLI's modules ${mb(w.rssModulesMb)} MB, the stored cohort +${mb(w.rssBeforeMb - w.rssModulesMb)} MB, schedule show +${mb(w.peakRssMb - w.rssBeforeMb)} MB${everyRun(runs.show)}`,
      '< 200 MB',
    );
    row(
      "the bot's process running the cohort's job, the cohort in MongoDB's place (another process: a running bot's store on its port)",
      `peak RSS ${mb(jm.peakRssMb)} MB: Node and the bot's modules ${mb(jm.rssModulesMb)} MB, connected +${mb(jm.rssBeforeMb - jm.rssModulesMb)} MB, the job +${mb(jm.peakRssMb - jm.rssBeforeMb)} MB; ${s(jm.jobCpuMs / 1000)} CPU, main thread's longest piece ${jm.maxStallCpuMs.toFixed(0)} ms${everyRun(runs.jobBesideStore)}`,
      '< 200 MB',
    );
    row(
      "the CLI's process running schedule show beside a running bot (reads through its store)",
      `peak RSS ${mb(wb.peakRssMb)} MB: Node and the CLI's modules ${mb(wb.rssModulesMb)} MB, attached +${mb(wb.rssBeforeMb - wb.rssModulesMb)} MB, schedule show +${mb(wb.peakRssMb - wb.rssBeforeMb)} MB${everyRun(runs.showBesideBot)}`,
      '< 200 MB',
    );
  }

  if (only.has('store')) {
    say('\nBroadcast deliveries in the embedded store (claim + record per recipient; CPU of this process):');
    const figures = [];
    await benchBroadcastStore(200); // warm-up
    for (const size of [200, 1000, 4000]) {
      const b = await benchBroadcastStore(size);
      figures.push(b);
      say(
        `  ${String(size).padStart(5)} recipients: ${b.cpuMsPerDelivery.toFixed(2)} ms CPU (${b.msPerDelivery.toFixed(2)} ms wall) per delivery, journal ${b.journalBeforeMb.toFixed(2)} -> ${b.journalAfterMb.toFixed(2)} MB${b.compacted ? ' (compacted while running)' : ''}`,
      );
    }
    const journal = figures
      .map(
        (f) =>
          `${f.journalBeforeMb.toFixed(2)} → ${f.journalAfterMb.toFixed(2)} MB${f.compacted ? ' (compacted meanwhile)' : ''}`,
      )
      .join(' / ');
    const written = figures
      .filter((f) => !f.compacted)
      .map((f) => `${(((f.journalAfterMb - f.journalBeforeMb) * MB) / f.recipients).toFixed(0)} at ${n(f.recipients)}`)
      .join(', ');
    row(
      `store per broadcast delivery at ${figures.map((f) => n(f.recipients)).join(' / ')} recipients`,
      `${figures.map((f) => f.cpuMsPerDelivery.toFixed(2)).join(' / ')} ms CPU; journal ${journal}; bytes a delivery: ${written}`,
      'flat in N; journal linear (before: 0.44 → 103.6 MB at 1,000)',
    );
  }

  if (only.has('broadcasts')) {
    const sizes = FULL ? [200, 1200, 2000, 4000, 10_000] : [200, 1200, 2000, 4000];
    say(
      `\nBroadcasts through the limiter and grammY to a fake Bot API (floor: 30 messages a second)${FULL ? '' : '; BENCH_FULL=1 adds 10,000'}:`,
    );
    const figures = await benchBroadcasts(sizes);
    for (const b of figures) {
      say(
        `  ${n(b.recipients).padStart(6)} teachers: ${s(b.seconds, 1).padStart(8)} (${(b.seconds / b.floorSeconds).toFixed(3)} × the floor of ${s(b.floorSeconds, 1)}), ` +
          `most in any 1 s: ${b.maxPerSecond}, CPU ${b.cpuMsPerMessage.toFixed(2)} ms a message`,
      );
      if (b.recipients >= 1000)
        row(
          `broadcast to ${n(b.recipients)} teachers`,
          `${s(b.seconds, 1)} (${(b.seconds / b.floorSeconds).toFixed(3)} × floor); most in any 1 s: ${b.maxPerSecond}`,
          'within 5 % of the floor; ≤ 30 in any 1 s',
          `${s(b.floorSeconds, 1)} (30 msg/s)`,
        );
    }
    const small = figures[0]!;
    const large = figures.find((f) => f.recipients === 4000)!;
    row(
      'CPU per broadcast message, 200 vs 4,000 teachers',
      `${small.cpuMsPerMessage.toFixed(2)} / ${large.cpuMsPerMessage.toFixed(2)} ms`,
      'flat in N',
    );
  }

  if (only.has('limits')) {
    say("\nTelegram's limits through the limiter and grammY to the fake Bot API:");
    const l = await benchLimits();
    say(
      `  at once: ${n(l.teachers)} teachers, ${l.groupMessages} messages to one group, ${l.chatMessages} to one teacher: ` +
        `most in any 1 s ${l.maxPerSecond}, the group in any 60 s ${l.groupMaxPerMinute}, shortest gap in one chat ${(l.minGapOneChatMs / 1000).toFixed(3)} s; ` +
        `the group's last message at ${s(l.groupSeconds, 1)} (${(l.groupSeconds / l.groupFloorSeconds).toFixed(3)} × its floor of ${s(l.groupFloorSeconds, 0)})`,
    );
    row(
      `Telegram's limits at once: ${n(l.teachers)} teachers, ${l.groupMessages} messages to one group, ${l.chatMessages} to one teacher`,
      `most in any 1 s: ${l.maxPerSecond}; the group in any 60 s: ${l.groupMaxPerMinute}; shortest gap in one chat: ${(l.minGapOneChatMs / 1000).toFixed(3)} s; the group's last at ${s(l.groupSeconds, 1)} (${(l.groupSeconds / l.groupFloorSeconds).toFixed(3)} × floor)`,
      '≤ 30 in any 1 s, ≤ 20 a minute per group, ≥ 1 s apart per chat',
      `${s(l.groupFloorSeconds, 0)} for ${l.groupMessages} to one group (20/min, 1/s)`,
    );
    const p = await benchPause();
    const underWay =
      p.duringPause > 0
        ? ` (${p.duringPause} already under way arrived within ${p.lastDuringPauseMs.toFixed(0)} ms of it)`
        : '';
    say(
      `  a 429 (retry_after = ${p.retryAfterSeconds}) in a ${n(p.recipients)}-teacher broadcast: ${p.duringPause} sent during the pause${underWay}; ` +
        `the next after ${s(p.resumedAfterSeconds)}, ${p.refusedWentFirst ? 'the refused message' : 'NOT the refused message'}; all in ${s(p.seconds, 1)} (floor ${s(p.floorSeconds, 1)})`,
    );
    check(p.refusedWentFirst, 'after the 429 another message went before the refused one');
    row(
      `a 429 with retry_after = ${p.retryAfterSeconds} in a ${n(p.recipients)}-teacher broadcast`,
      `nothing sent for ${s(p.resumedAfterSeconds)}${underWay}, then the refused message first; all in ${s(p.seconds, 1)}`,
      'every send waits it out',
      `${s(p.floorSeconds, 1)} (${n(p.recipients)} at 30 in any 1 s, + ${p.retryAfterSeconds} s)`,
    );
  }

  if (only.has('replies')) {
    // Under the limits (25 at once; 50 spread over 2 s) a reply's time is the bot's own; 50 at
    // once is over Telegram's 30 a second, so it is shown beside what the limit alone costs.
    say('\nUpdate to the first reply (webhook, limiter, grammY, fake Bot API; 3 rounds after a warm-up):');
    const cases = [
      { label: '25 teachers at once', teachers: 25, spreadMs: 0 },
      { label: '50 teachers arriving over 2 s', teachers: 50, spreadMs: 2000 },
      { label: '50 teachers at once', teachers: 50, spreadMs: 0 },
    ];
    for (const c of cases) {
      const r = await benchReplies(c.teachers, { spreadMs: c.spreadMs });
      const floor = c.spreadMs > 0 ? { p50Ms: 0, p95Ms: 0 } : replyFloor(c.teachers);
      const over = floor.p95Ms > 0;
      say(
        `  ${c.label.padEnd(32)} p50 ${r.p50Ms.toFixed(0)} ms, p95 ${r.p95Ms.toFixed(0)} ms, max ${r.maxMs.toFixed(0)} ms; ` +
          `CPU ${r.cpuMsPerUpdate.toFixed(1)} ms an update${over ? `; the 30/s limit alone: p50 ${floor.p50Ms} ms, p95 ${floor.p95Ms} ms` : ''}`,
      );
      row(
        `update to the first reply, ${c.label} (p50 / p95)`,
        `${r.p50Ms.toFixed(0)} / ${r.p95Ms.toFixed(0)} ms; ${r.cpuMsPerUpdate.toFixed(1)} ms CPU an update`,
        over ? `p95 within 300 ms of the floor's` : 'p95 < 300 ms',
        over ? `p95 ${floor.p95Ms} ms: the 31st-50th wait for the next second (30 msg/s)` : '— (under 30 msg/s)',
      );
    }
  }

  if (only.has('start')) {
    const f = await benchStart();
    const cpu = f.startCpuMedian === undefined ? '' : `, ${s(f.startCpuMedian)} CPU`;
    say(
      `\n\`npm start\` to a healthy /healthz (compiled, no channel): first start ${s(f.firstSeconds)}, restarts ${f.startSeconds.map((x) => x.toFixed(2)).join(' / ')} s, median ${s(f.startMedian)}${cpu}; ` +
        `a first start checking the content in full (CONTENT_CACHE_DIR=off, as after an edit) ${s(f.uncheckedSeconds)}`,
    );
    row(
      '`npm start` to a healthy /healthz (compiled)',
      `${s(f.startMedian)}${cpu} (median of ${f.startSeconds.length} restarts; the first start ${s(f.firstSeconds)}; after a content edit ${s(f.uncheckedSeconds)})`,
      '< 2 s',
    );
    for (const c of f.cli) {
      say(
        `\`npm run cli -- ${c.command}\`: first ${s(c.first)}, then ${c.seconds.map((x) => x.toFixed(2)).join(' / ')} s, median ${s(c.median)}${c.unchecked === undefined ? '' : `; content checked in full ${s(c.unchecked)}`}`,
      );
      row(
        `one CLI command: \`npm run cli -- ${c.command}\``,
        `${s(c.median)} (median of ${c.seconds.length}; the first ${s(c.first)}${c.unchecked === undefined ? '' : `; after a content edit ${s(c.unchecked)}`})`,
        '< 1.5 s',
      );
    }
  }

  const load = loadavg();
  const header =
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ` +
    `${(totalmem() / 1024 ** 3).toFixed(0)} GB, Node ${process.versions.node}, load average ${load.map((l) => l.toFixed(1)).join(' / ')} at the end ` +
    `(${load[0]! > cpus().length ? 'a BUSY machine: wall times are inflated' : 'a quiet machine'}); the bench took ${((performance.now() - started) / 60_000).toFixed(1)} min.` +
    // The load at the end says nothing of the first minutes of a long run.
    (machineDuring.length
      ? ` Other processes used ${machineDuring.map((m) => `${cores(m.share.otherCores)} cores (steal ${cores(m.share.stealCores)}) during the ${m.part}`).join(', ')}; a row measured while they took ${BUSY_CORES} or more says so.`
      : '');
  const markdown = [
    header,
    '',
    '| what | measured | target | platform floor |',
    '|---|---|---|---|',
    ...table.map((r) => `| ${r.what} | ${r.measured} | ${r.target} | ${r.floor} |`),
  ].join('\n');
  say(`\n${markdown}`);
  if (process.env.BENCH_WRITE === '1') {
    // Between the markers in docs/performance.md, so a run replaces the last one's table.
    const doc = join(import.meta.dirname, '../../docs/performance.md');
    const text = readFileSync(doc, 'utf8');
    const start = '<!-- bench:start -->';
    const end = '<!-- bench:end -->';
    const i = text.indexOf(start);
    const j = text.indexOf(end);
    if (i < 0 || j < i) throw new Error('docs/performance.md has no bench markers');
    writeFileSync(doc, `${text.slice(0, i + start.length)}\n${markdown}\n${text.slice(j)}`);
    say('\nWritten to docs/performance.md');
  }
}

await main();
// What stays open after the app has stopped is Agenda's (6.2.6): each job run races the job
// against `checkIfJobIsStillAlive`, whose `delay(max(processEvery, lockLifetime) / 2)` (5 min
// here) is never cleared when the job wins, so the process would linger 5 minutes after the last
// job ran. Nothing of Sputnik's is left; `npm start` exits on its own signal handler the same way.
process.exit(process.exitCode ?? 0);
