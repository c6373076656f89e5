// What src/memory/pretenuring.ts promises: while the heap is held for a large read, V8 makes no
// pretenuring decision (it does not start making a read's objects in the old generation because
// many of them were alive at one scavenge), and once the hold ends V8 decides again for code
// made after it. V8 reports its decisions only to stdout (`--trace-pretenuring-statistics`), so
// each case runs in its own Node process; the output is V8's own, as on Node 20 (V8 11.3).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const CHILD = join(import.meta.dirname, 'fixtures', 'pretenuring-child.ts');

/** V8's pretenuring reports (one line per allocation site looked at) while the child made its survivors. */
async function pretenuringReports(mode: 'free' | 'held' | 'held-then-free'): Promise<number> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--trace-pretenuring-statistics', '--import', 'tsx', CHILD, mode],
    { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
  );
  // Every survivor made is still there (the held case makes as many as the others).
  expect(stdout).toContain(`kept ${mode === 'held-then-free' ? 4_000_000 : 2_000_000}\n`);
  return stdout.split('\n').filter((line) => line.includes('pretenuring:')).length;
}

describe('pretenuring while the heap is held', () => {
  it('is decided by V8 for objects that all survive, when nothing holds the heap', async () => {
    expect(await pretenuringReports('free')).toBeGreaterThan(0);
  }, 150_000);

  it('is not decided at all while the heap is held', async () => {
    expect(await pretenuringReports('held')).toBe(0);
  }, 150_000);

  it('is decided again once the hold ends', async () => {
    expect(await pretenuringReports('held-then-free')).toBeGreaterThan(0);
  }, 150_000);
});
