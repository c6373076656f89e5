// A memory-reducing collection once the embedded store has read its journal. Replaying a large
// journal (a 5,000-teacher cohort's is ~20 MB, a centre's year more) leaves megabytes of garbage in
// V8's old generation: each record's decoded image, the documents an update replaced, the batches
// read. V8 collects it only when the old generation next reaches its limit, which it set from the
// heap as replay left it, so the process's first large piece of work (the cohort's job at start, a
// `schedule show`) grows the heap on top of that garbage instead of into the room it would free.
// Collected at once, before anything is served, the same work peaks ~10–20 MB lower
// (docs/performance.md, "What replay leaves behind"), and ~20 MB lower again with the young
// generation replay grew handed back ("V8's young generation handed back"). And one collection
// while the journal is read, three quarters of the way through, so that the garbage does not all
// pile up before that one.
import { getHeapStatistics } from 'node:v8';
import { collectAndShrink, collector } from '../memory/collector.js';

/** Below this much heap growth while the store opened, a collection is not worth its pause. */
export const REPLAY_GARBAGE_FLOOR_BYTES = 16 * 1024 * 1024;

/**
 * While the journal is read, one full collection when this share of it has been replayed. Replay's
 * garbage (~20 MB of heap for a 5,000-teacher cohort's ~20 MB journal: the documents updates
 * replaced) otherwise all piles up before the one collection at the end, and the process's peak
 * while opening stood ~22 MB over what it keeps. Collected here, what is left to pile up is the
 * last quarter's; the collection costs ~3/4 of the one at the end (its heap is that much smaller).
 */
export const REPLAY_COLLECTION_AT = 0.75;

/** Smaller journals leave too little garbage for a collection mid-replay to be worth its pause. */
export const REPLAY_COLLECTION_FLOOR_BYTES = 8 * 1024 * 1024;

/**
 * What `openStore` passes to the embedded store while its journal is read: one full collection
 * once `REPLAY_COLLECTION_AT` of a journal of `REPLAY_COLLECTION_FLOOR_BYTES` or more is replayed.
 * It takes the place of one V8 would run on its own during replay (a 5,000-teacher cohort's open
 * runs as many full collections as before, and no more CPU), placed where it lowers the peak.
 */
export function replayGarbage(): (recordBytes: number, journalBytes: number) => void {
  let read = 0;
  let collected = false;
  return (recordBytes, journalBytes) => {
    read += recordBytes;
    if (collected || journalBytes < REPLAY_COLLECTION_FLOOR_BYTES || read < journalBytes * REPLAY_COLLECTION_AT) return;
    collected = true;
    collector()?.();
  };
}

/** The heap in use now, to pass back to `collectReplayGarbage` once the store is open. */
export const heapInUse = (): number => getHeapStatistics().used_heap_size;

/**
 * One memory-reducing collection when opening the store grew the heap by
 * `REPLAY_GARBAGE_FLOOR_BYTES` or more since `before` (a large journal replayed); a small store is
 * left alone. It frees replay's garbage and hands back the young generation replay grew
 * (`collectAndShrink`: ~30 MB of RSS for a 5,000-teacher cohort). It holds the event loop
 * (~0.15 s for that cohort's ~100 MB heap), once, before the store is handed out.
 */
export async function collectReplayGarbage(before: number): Promise<boolean> {
  if (heapInUse() - before < REPLAY_GARBAGE_FLOOR_BYTES) return false;
  return (await collectAndShrink()) !== 'none';
}
