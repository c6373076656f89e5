// Measuring helpers shared by the bench's parts: peak memory above a start, medians.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// A full collection before each memory measurement, so the figures show what a step holds rather
// than garbage left by the step before it.
setFlagsFromString('--expose-gc');
export const gc = runInNewContext('gc') as () => void;

/** Runs `work` while sampling memory every 20 ms; returns its result and the peaks above the start. */
export async function measured<T>(
  work: () => Promise<T>,
): Promise<{ value: T; base: NodeJS.MemoryUsage; rss: number; heap: number }> {
  gc();
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
    return { value, base, rss: Math.max(rss, m.rss) - base.rss, heap: Math.max(heap, m.heapUsed) - base.heapUsed };
  } finally {
    clearInterval(sampler);
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
