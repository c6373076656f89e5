// V8's allocation-site pretenuring: at a scavenge of a young generation at its largest, V8 looks
// at what share of the objects made at each place in the code survived, and where nearly all did
// it makes that place's objects in the old generation from then on. Reading a large cohort
// through the driver (MongoDB, or the CLI beside a running bot) deserialises tens of thousands of
// documents that die a moment later; when the scavenge falls while a batch is still live, V8 takes
// the deserialiser's objects for long-lived, and each later batch goes straight to the old
// generation, where it stays until a full collection V8 has no reason to start soon. The same
// `schedule show` then peaked at 201–207 MB instead of 162–173 in 2–4 runs of 24, depending on
// nothing but timing (measured against a running bot's store, docs/performance.md). Suspended
// while a cohort is read and planned (./heap-hold.ts), the objects go through the young
// generation as they are: the ones that live are promoted, the rest never reach the old one.
import { setV8Flag, startedWith } from './v8-flags.js';

/** Off at the start (`--no-allocation-site-pretenuring`): nothing to suspend or restore. */
const offFromTheStart = startedWith('no-allocation-site-pretenuring') !== undefined;

let suspensions = 0;

/**
 * No pretenuring decisions until the returned function is called (once); suspensions nest, and V8
 * decides again when the last one ends. Code V8 optimised meanwhile keeps making its objects young
 * (its allocations carry no record of where they were made): for the driver's deserialiser, which
 * is what this is for, that is the better choice anyway.
 */
export function suspendPretenuring(): () => void {
  if (offFromTheStart) return () => undefined;
  if (suspensions++ === 0) setV8Flag('--no-allocation-site-pretenuring');
  let resumed = false;
  return () => {
    if (resumed) return;
    resumed = true;
    if (--suspensions === 0) setV8Flag('--allocation-site-pretenuring');
  };
}
