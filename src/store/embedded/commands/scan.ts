/**
 * Finding the documents a filter selects: narrow by index when the filter allows it, then let
 * mingo decide. Shared by every command that reads or writes by filter.
 */
import type { Collection } from '../collection.js';
import type { Filter } from '../query.js';
import { bsonTypeName, isPlainObject, type Doc } from '../values.js';

/**
 * `{_id: {$in: [ObjectId, ...]}}` and nothing else: the documents the `_id` index finds for it are
 * exactly those it selects (an ObjectId equals only itself), so mingo need not test each one, which
 * for a long list hashed the whole list once per document.
 */
function isObjectIdList(source: Doc): boolean {
  const keys = Object.keys(source);
  if (keys.length !== 1 || keys[0] !== '_id') return false;
  const cond = source._id;
  if (!isPlainObject(cond)) return false;
  const ops = Object.keys(cond);
  return (
    ops.length === 1 &&
    ops[0] === '$in' &&
    Array.isArray(cond.$in) &&
    cond.$in.every((v) => bsonTypeName(v) === 'objectId')
  );
}

/** Matching documents in natural (insertion) order, or index order when an index narrowed them. */
export function matchDocs(coll: Collection | undefined, filter: Filter, limit = 0): Doc[] {
  if (!coll) return [];
  const narrowed = coll.candidates(filter.source);
  const candidates: Iterable<Doc> = narrowed ?? coll.docs.values();
  const exact = filter.empty || (narrowed !== undefined && isObjectIdList(filter.source));
  const out: Doc[] = [];
  for (const doc of candidates) {
    if (exact || filter.test(doc)) {
      out.push(doc);
      if (limit > 0 && out.length >= limit) break;
    }
  }
  return out;
}

/**
 * matchDocs a document at a time, for a reader that takes them in turns (the in-process reader
 * gives the event loop a turn every few hundred): testing tens of thousands of documents in one
 * piece held the loop ~30 ms for a 5,000-teacher cohort's send log. The same documents in the
 * same order as matchDocs: the candidates are fixed when reading starts, and stored documents
 * are replaced, never changed, so testing one later gives what testing it then would have.
 */
export function* eachMatch(coll: Collection | undefined, filter: Filter): Generator<Doc, void, undefined> {
  if (!coll) return;
  const narrowed = coll.candidates(filter.source);
  const candidates = narrowed ?? [...coll.docs.values()];
  const exact = filter.empty || (narrowed !== undefined && isObjectIdList(filter.source));
  for (const doc of candidates) if (exact || filter.test(doc)) yield doc;
}

export function countMatches(coll: Collection | undefined, filter: Filter): number {
  if (!coll) return 0;
  if (filter.empty) return coll.docs.size;
  return matchDocs(coll, filter).length;
}
