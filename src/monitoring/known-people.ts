// Teachers' profiles as in-process exports read them, kept for the next export of this process while
// no teacher's document is written: a methodologist downloading a file per questionnaire (seven
// files) had every teacher looked up by id and read again for each file.
import { IdMap } from './id-map.js';

/** A teacher as an export read them: the row it shows, and what decides whether it is shown. */
export interface KnownPerson<Row> {
  /** The id as text, as the scope's sets of ids hold it. */
  id: string;
  isStaff: boolean;
  row: Row;
}

/** Let go this long after the last export that used them: the bot runs for months. */
const KEEP_MS = 60_000;

interface Kept<Row> {
  stamp: string;
  /** null: looked up, and no such teacher. */
  people: IdMap<KnownPerson<Row> | null>;
  timer: NodeJS.Timeout;
}

/** Per reader (one per store in this process). */
const keptBy = new WeakMap<object, Kept<unknown>>();

/**
 * The teachers known for `reader` while its teachers' collection reads `stamp` (see
 * `InProcessReader.stamp`): a different stamp starts afresh. At most `limit` are kept: past it
 * they are dropped, and looked up again as they come.
 */
export function knownPeople<Row>(reader: object, stamp: string, limit: number): IdMap<KnownPerson<Row> | null> {
  let kept = keptBy.get(reader) as Kept<Row> | undefined;
  if (kept && kept.stamp === stamp && kept.people.size <= limit) {
    kept.timer.refresh();
    return kept.people;
  }
  if (kept) clearTimeout(kept.timer);
  const timer = setTimeout(() => keptBy.delete(reader), KEEP_MS);
  // Nothing to wait for: a CLI that exported exits at once.
  timer.unref();
  kept = { stamp, people: new IdMap(), timer };
  keptBy.set(reader, kept as Kept<unknown>);
  return kept.people;
}
