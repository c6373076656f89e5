// What src/memory/ promises the bot's memory: the young generation (V8's nursery) is handed back
// by a memory-reducing collection and by a scavenge once the process is quiet, and it does not
// grow while held. The figures are V8's own (the heap space's committed size), as the bench's
// RSS rows depend on them (docs/performance.md, "The young generation handed back").
import { getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { collectAndShrink, collector } from '../../src/memory/collector.js';
import {
  embeddedStoreInThisProcess,
  holdYoungGeneration,
  trimYoungGenerationWhenQuiet,
} from '../../src/memory/young-generation.js';

const MB = 1024 * 1024;
/** The young generation's committed size: both semi-spaces. */
const nurseryMb = () => (getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0) / MB;

/** Objects that survive, as a journal's documents or a cohort's state do: what makes V8 grow the nursery. */
function survivors(count: number): unknown[] {
  const kept: unknown[] = [];
  for (let i = 0; i < count; i++) kept.push({ i, name: `teacher ${i}`, at: new Date(i) });
  return kept;
}

describe('the young generation', () => {
  it('is grown by surviving objects and handed back by a memory-reducing collection', async () => {
    const kept = survivors(400_000);
    expect(nurseryMb()).toBeGreaterThan(8);
    expect(await collectAndShrink()).toBe('shrunk');
    expect(nurseryMb()).toBeLessThanOrEqual(2);
    expect(kept.length).toBe(400_000);
  });

  it('keeps its size while held, and grows again once let go', async () => {
    embeddedStoreInThisProcess(true);
    try {
      await collectAndShrink();
      const release = holdYoungGeneration();
      const inner = holdYoungGeneration();
      const held = survivors(400_000);
      inner();
      // Still held by the outer hold: holds nest.
      const stillHeld = survivors(400_000);
      expect(nurseryMb()).toBeLessThanOrEqual(2);
      release();
      release(); // a second call changes nothing
      const grown = survivors(400_000);
      expect(nurseryMb()).toBeGreaterThan(2);
      expect(held.length + stillHeld.length + grown.length).toBe(1_200_000);
    } finally {
      embeddedStoreInThisProcess(false);
    }
  });

  it('is not held while no embedded store is open in this process (its data elsewhere)', async () => {
    await collectAndShrink();
    const release = holdYoungGeneration();
    const kept = survivors(400_000);
    release();
    expect(nurseryMb()).toBeGreaterThan(2);
    expect(kept.length).toBe(400_000);
  });

  it('is handed back by the trimming scavenge once the process has been quiet for a few seconds', async () => {
    expect(collector()).toBeTypeOf('function');
    let kept: unknown[] | undefined = survivors(400_000);
    expect(nurseryMb()).toBeGreaterThan(8);
    kept = undefined;
    const stop = trimYoungGenerationWhenQuiet(250);
    try {
      const until = Date.now() + 15_000;
      while (nurseryMb() > 2 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 250));
      expect(nurseryMb()).toBeLessThanOrEqual(2);
    } finally {
      stop();
    }
    expect(kept).toBeUndefined();
  }, 30_000);
});
