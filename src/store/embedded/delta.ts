/**
 * What an update changed in a stored document, as a short list of path operations for the
 * journal: a delivery marked "sent" in a broadcast of 1,000 is a few dozen bytes instead of the
 * whole broadcast. A delta is only made when replaying it gives back exactly the document the
 * update produced (same fields, same values, same field order); otherwise the caller journals the
 * whole document, as before.
 */
import { BSON, type ObjectId } from 'bson';
import { isPlainObject, type Doc } from './values.js';

/** Set `v` at path `p`, or (with `u`) remove the field at `p`. Segments are field names or array indexes. */
export type DeltaOp = { p: string[]; v: unknown } | { p: string[]; u: true };

/** Past this many operations the whole document is usually smaller and always simpler. */
const MAX_OPS = 64;

function sameLeaf(a: unknown, b: unknown): boolean {
  if (a === b) return a !== 0 || Object.is(a, b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b) || isPlainObject(a) || isPlainObject(b)) return false;
  const type = (a as { _bsontype?: unknown })._bsontype;
  if (type !== (b as { _bsontype?: unknown })._bsontype) return false;
  // The common case (ids in every subdocument) without serializing anything.
  if (type === 'ObjectId') return (a as ObjectId).equals(b as ObjectId);
  // Other BSON values (ObjectId, Binary, Long, Decimal128, RegExp...): equal when they serialize alike.
  return Buffer.from(BSON.serialize({ v: a })).equals(BSON.serialize({ v: b }));
}

/**
 * Replaying sets an existing field in place, removes a field without moving the others, and
 * appends a new field at the end. The new key order must be exactly that, or a delta would
 * reorder the document.
 */
function keyOrderKept(oldKeys: string[], newKeys: string[], before: Doc): boolean {
  const after = new Set(newKeys);
  const kept = oldKeys.filter((k) => after.has(k));
  const added = newKeys.filter((k) => !Object.hasOwn(before, k));
  if (kept.length + added.length !== newKeys.length) return false;
  for (let i = 0; i < kept.length; i++) if (kept[i] !== newKeys[i]) return false;
  for (let i = 0; i < added.length; i++) if (added[i] !== newKeys[kept.length + i]) return false;
  return true;
}

/**
 * Adds the operations turning `a` into `b` at `path` (a stack shared by the whole walk, copied
 * only into an operation); false when there are too many.
 */
function diff(a: unknown, b: unknown, path: string[], ops: DeltaOp[]): boolean {
  if (isPlainObject(a) && isPlainObject(b)) {
    const oldKeys = Object.keys(a);
    const newKeys = Object.keys(b);
    if (!keyOrderKept(oldKeys, newKeys, a)) {
      if (path.length === 0) return false;
      ops.push({ p: path.slice(), v: b });
      return ops.length <= MAX_OPS;
    }
    for (const k of oldKeys) if (!Object.hasOwn(b, k)) ops.push({ p: [...path, k], u: true });
    for (const k of newKeys) {
      if (Object.hasOwn(a, k)) {
        path.push(k);
        const ok = diff(a[k], b[k], path, ops);
        path.pop();
        if (!ok) return false;
      } else {
        ops.push({ p: [...path, k], v: b[k] });
      }
      if (ops.length > MAX_OPS) return false;
    }
    return true;
  }
  if (Array.isArray(a) && Array.isArray(b) && b.length >= a.length && path.length > 0) {
    // Elements changed in place or appended ($set on one element, $push); a shorter array is
    // set whole, as removal from the middle would shift every index after it.
    for (let i = 0; i < a.length; i++) {
      path.push(String(i));
      const ok = diff(a[i], b[i], path, ops);
      path.pop();
      if (!ok) return false;
    }
    for (let i = a.length; i < b.length; i++) {
      ops.push({ p: [...path, String(i)], v: b[i] });
      if (ops.length > MAX_OPS) return false;
    }
    return true;
  }
  if (sameLeaf(a, b)) return true;
  if (path.length === 0) return false;
  ops.push({ p: path.slice(), v: b });
  return ops.length <= MAX_OPS;
}

/** The operations turning `before` into `after`, or undefined when only the whole document will do. */
export function documentDelta(before: Doc, after: Doc): DeltaOp[] | undefined {
  if (!sameLeaf(before._id, after._id)) return undefined;
  const ops: DeltaOp[] = [];
  return diff(before, after, [], ops) ? ops : undefined;
}

/** A copy of `doc` with `ops` applied; the containers on each path are copied, nothing is shared-and-changed. */
export function applyDelta(doc: Doc, ops: readonly DeltaOp[]): Doc {
  const root: Doc = { ...doc };
  const copied = new Set<unknown>([root]);
  for (const op of ops) {
    if (op.p.length === 0) throw new Error('delta operation with an empty path');
    let parent: Doc | unknown[] = root;
    for (let i = 0; i < op.p.length - 1; i++) {
      const seg = op.p[i] as string;
      const child: unknown = Array.isArray(parent) ? parent[arrayIndex(parent, seg, false)] : parent[seg];
      let copy: Doc | unknown[];
      if (copied.has(child)) copy = child as Doc | unknown[];
      else if (Array.isArray(child)) copy = child.slice();
      else if (isPlainObject(child)) copy = { ...child };
      else throw new Error(`delta path ${op.p.join('.')} crosses a value that is not a document or an array`);
      copied.add(copy);
      if (Array.isArray(parent)) parent[arrayIndex(parent, seg, false)] = copy;
      else parent[seg] = copy;
      parent = copy;
    }
    const last = op.p[op.p.length - 1] as string;
    if ('u' in op) {
      if (Array.isArray(parent)) throw new Error(`delta removes array element ${op.p.join('.')}`);
      delete parent[last];
    } else if (Array.isArray(parent)) {
      parent[arrayIndex(parent, last, true)] = op.v;
    } else {
      parent[last] = op.v;
    }
  }
  return root;
}

/** An index into `arr`; one past the end only when appending. Anything else means the delta does not fit. */
function arrayIndex(arr: unknown[], seg: string, append: boolean): number {
  const i = Number(seg);
  if (!Number.isInteger(i) || i < 0 || i > arr.length || (i === arr.length && !append)) {
    throw new Error(`delta index ${seg} does not fit an array of ${arr.length}`);
  }
  return i;
}
