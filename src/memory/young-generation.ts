// V8's young generation (the nursery where every object starts) grows from two 1 MB semi-spaces to
// two of 16 MB when much of what it holds survives, and it stays that size: 32 MB of the process's
// memory, given back only by a memory-reducing collection (./collector.ts) or at a scavenge after
// a quiet spell (below). Two moments make it grow in Sputnik, and both are
// places where the process's memory peaks: the embedded store's documents read from the journal,
// and a large cohort's state read and planned (everything read survives, the due plan too).
//
// Holding: while held, V8's growth factor is 1, so the young generation keeps the size it has.
// Taken only where what the work reads survives anyway (a store in this process hands out its own
// documents); with the data in another process every read makes short-lived copies, and a small
// nursery would promote them into the old generation (measured: the job beside a separate store
// went 164 → 208 MB with two 1 MB semi-spaces).
//
// Trimming: V8 shrinks the young generation at a scavenge that finds the last ~5 s allocated at
// under ~1 MB/s. A quiet bot runs no scavenge at all, so it would keep the 32 MB until its next
// message; one scavenge every few seconds (~1–2 ms on an empty nursery) lets V8 decide, and a busy
// bot keeps the nursery it is using.
import { collector } from './collector.js';
import { setV8Flag, startedWith, verifiedEngine } from './v8-flags.js';

/** What the hold gives back: V8's default, or the factor the process was started with. */
const growthFactorAtStart = startedWith('semi-space-growth-factor') || '2';

let holds = 0;
let storesHere = 0;

/**
 * Told by `openStore` when it opens (`true`) and closes (`false`) an embedded store in this
 * process: holding is allowed only while one is open (see above for why not otherwise).
 */
export function embeddedStoreInThisProcess(open: boolean): void {
  storesHere = Math.max(0, storesHere + (open ? 1 : -1));
}

/**
 * Keeps V8's young generation at its present size until the returned function is called (once).
 * Holds nest: the size is let go when the last one ends. Does nothing unless an embedded store is
 * open in this process (above).
 */
export function holdYoungGeneration(): () => void {
  if (storesHere === 0 || !verifiedEngine) return () => undefined;
  if (holds++ === 0) setV8Flag('--semi-space-growth-factor=1');
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holds === 0) setV8Flag(`--semi-space-growth-factor=${growthFactorAtStart}`);
  };
}

/** How often a quiet process gives V8 the chance to shrink its young generation. */
export const TRIM_EVERY_MS = 5_000;

/**
 * One scavenge every `everyMs` (the timer does not keep the process alive), so that V8 shrinks the
 * young generation once allocation has been low (see above). Returns the function that stops it.
 */
export function trimYoungGenerationWhenQuiet(everyMs = TRIM_EVERY_MS): () => void {
  const gc = collector();
  if (!gc) return () => undefined;
  const timer = setInterval(() => gc({ type: 'minor' }), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
