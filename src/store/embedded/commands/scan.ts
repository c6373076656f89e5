/**
 * Finding the documents a filter selects: narrow by index when the filter allows it, then let
 * mingo decide. Shared by every command that reads or writes by filter.
 */
import type { Collection } from '../collection.js';
import type { Filter } from '../query.js';
import type { Doc } from '../values.js';

/** Matching documents in natural (insertion) order, or index order when an index narrowed them. */
export function matchDocs(coll: Collection | undefined, filter: Filter, limit = 0): Doc[] {
  if (!coll) return [];
  const candidates: Iterable<Doc> = coll.candidates(filter.source) ?? coll.docs.values();
  const out: Doc[] = [];
  for (const doc of candidates) {
    if (filter.empty || filter.test(doc)) {
      out.push(doc);
      if (limit > 0 && out.length >= limit) break;
    }
  }
  return out;
}

export function countMatches(coll: Collection | undefined, filter: Filter): number {
  if (!coll) return 0;
  if (filter.empty) return coll.docs.size;
  return matchDocs(coll, filter).length;
}
