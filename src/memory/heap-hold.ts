// What V8 is told while a large cohort is read and planned (the cohort's job, `schedule show`, a
// preview): keep the young generation at its size where the documents are in this process
// (./young-generation.ts), and make no object old for where it was made (./pretenuring.ts).
// Both are the process's memory at its peak; neither changes what the work computes.
import { suspendPretenuring } from './pretenuring.js';
import { holdYoungGeneration } from './young-generation.js';

/** `work` with V8's heap held for a large read (above); holds nest. */
export async function withHeapHeld<T>(work: () => Promise<T>): Promise<T> {
  const resume = suspendPretenuring();
  const release = holdYoungGeneration();
  try {
    return await work();
  } finally {
    release();
    resume();
  }
}
