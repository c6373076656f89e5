// Measuring helpers shared by the bench's parts: peak memory above a start, medians, what the
// rest of the machine was doing meanwhile.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// A full collection before each memory measurement, so the figures show what a step holds rather
// than garbage left by the step before it.
setFlagsFromString('--expose-gc');
export const gc = runInNewContext('gc') as () => void;

/** The machine's CPU while a measurement ran, in cores on average (Linux /proc). */
export interface MachineShare {
  /** Used by other processes (this process's own threads left out; its children count as others). */
  otherCores: number;
  /** Taken by the hypervisor from this virtual machine ("steal"). */
  stealCores: number;
}

function cpuTicks(): { busy: number; steal: number; total: number; own: number } | undefined {
  try {
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user).
    const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
    // Fields after the command name: state, ppid, ..., utime (14th), stime (15th): every thread of this process.
    const own = (readFileSync('/proc/self/stat', 'utf8').split(') ')[1] ?? '').split(' ');
    return {
      busy: user + nice + system + irq + softirq,
      steal,
      total: user + nice + system + idle + iowait + irq + softirq + steal,
      own: Number(own[11]) + Number(own[12]),
    };
  } catch {
    return undefined;
  }
}

/**
 * Starts watching the machine; the function returned says what other processes and the
 * hypervisor took since (undefined where /proc is not there). A figure measured while others
 * used a core is not a quiet machine's, whatever the load average said at the end of the run.
 */
export function machineMeter(): () => MachineShare | undefined {
  const start = cpuTicks();
  return () => {
    const end = cpuTicks();
    if (!start || !end || end.total <= start.total) return undefined;
    const perCore = (end.total - start.total) / cpus().length;
    return {
      otherCores: Math.max(0, end.busy - start.busy - (end.own - start.own)) / perCore,
      stealCores: (end.steal - start.steal) / perCore,
    };
  };
}

/**
 * Runs `work` while sampling memory every 20 ms; returns its result, the peaks above the start,
 * the time the main thread spent in garbage collection, and what the rest of the machine did.
 */
export async function measured<T>(work: () => Promise<T>): Promise<{
  value: T;
  base: NodeJS.MemoryUsage;
  rss: number;
  heap: number;
  gcMs: number;
  machine: MachineShare | undefined;
}> {
  gc();
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  const machine = machineMeter();
  const base = process.memoryUsage();
  let rss = base.rss;
  let heap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 20);
  try {
    const value = await work();
    const m = process.memoryUsage();
    // GC entries are delivered asynchronously: one turn so the last ones are counted.
    await new Promise((resolve) => setImmediate(resolve));
    return {
      value,
      base,
      rss: Math.max(rss, m.rss) - base.rss,
      heap: Math.max(heap, m.heapUsed) - base.heapUsed,
      gcMs,
      machine: machine(),
    };
  } finally {
    clearInterval(sampler);
    observer.disconnect();
  }
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Nearest-rank percentile of `xs` (p in 0..100). */
export const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
};
