// V8's own collections, asked for by code that knows a large piece of work has just ended (the
// embedded store's journal replayed) or that the process has gone quiet. Node 20 offers no API for
// either: `gc` is behind `--expose-gc`, and the only collection that also hands V8's young
// generation back (a memory-reducing one) is the inspector's `HeapProfiler.collectGarbage`. Both
// are reached here at run time, in this process, so no flag is needed and no other code sees them.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** V8's `gc` with the options Node 20's V8 takes; `minor` is a scavenge of the young generation only. */
export type Collect = (options?: { type?: 'major' | 'minor' }) => void;

let collect: Collect | null | undefined;

/**
 * V8's `gc`. Node offers it only behind `--expose-gc`; the flag set now exposes `gc` in contexts
 * made after it (this one, not the bot's global scope). Undefined where it cannot be had (another
 * engine, a locked-down flag): the caller's garbage then waits for V8's own time.
 */
export function collector(): Collect | undefined {
  if (collect === undefined) {
    collect = null;
    try {
      setFlagsFromString('--expose-gc');
      const gc: unknown = runInNewContext('gc');
      if (typeof gc === 'function') collect = gc as Collect;
    } catch {
      // Stays null: asked once, not on every call.
    }
  }
  return collect ?? undefined;
}

/**
 * A memory-reducing collection: full collections until nothing more is freed, after which V8 also
 * shrinks its young generation to its starting size (two 16 MB semi-spaces, grown by loading the
 * bot's modules or replaying a journal, back to two of 1 MB) and returns the pages. Through the
 * inspector's in-process session (`HeapProfiler.collectGarbage` is V8's low-memory notification);
 * where Node was built without the inspector, a plain full collection, which frees the garbage
 * but keeps the young generation. It holds the event loop (~0.15 s for a heap of ~100 MB): for
 * moments when nothing is being served. Resolves with what was done.
 */
export async function collectAndShrink(): Promise<'shrunk' | 'collected' | 'none'> {
  try {
    const { Session } = await import('node:inspector');
    const session = new Session();
    session.connect();
    try {
      await new Promise<void>((resolve, reject) =>
        session.post('HeapProfiler.collectGarbage', (error) => (error ? reject(error) : resolve())),
      );
      return 'shrunk';
    } finally {
      session.disconnect();
    }
  } catch {
    const gc = collector();
    if (!gc) return 'none';
    gc();
    return 'collected';
  }
}
