/**
 * Element columns: the fields of an array's document elements as small numbers ("atoms"), kept
 * beside the array. The counting pass over answers (`$unwind: '$answers'`, a `$match` on the
 * answer, a `$group` by question and value) reads three fields of some three million answer
 * objects scattered over a heap of a gigabyte or more; most of its time went into reaching them.
 * With the answers of a response as one small block of numbers, the pass tests and groups an
 * answer by looking numbers up, and touches the answer object only to start a group.
 *
 * The blocks are kept per array object, weakly: a stored document is never edited (an update, a
 * rollback or the journal's replay stores a new document whose changed arrays are new arrays),
 * so a block stays right for as long as its array lives, and goes with it. A new or changed
 * response gets its block the first time a pass reads it. Arrays handed to the pass are read
 * only, like the stored documents they come from.
 *
 * Atoms are MongoDB-equal classes of the values a `$group` key map keeps as they are: strings,
 * numbers (0 and -0 one, NaN one), booleans, null, missing, and arrays of strings, numbers and
 * booleans. Anything else (dates, ObjectIds, number wrappers, documents, a long text) is UNKNOWN
 * and its element goes the way it went before.
 */
import { isPlainObject } from '../values.js';

export const UNKNOWN = -1;

/** Past this many atoms new values stay UNKNOWN: the table lives as long as the process. */
const MAX_ATOMS = 200_000;
/** Free-text answers are not grouped by the monitoring pipelines; keeping them would only fill the table. */
const MAX_STRING = 200;

interface ArrayNode {
  next: Map<number, ArrayNode> | undefined;
  id: number;
}

const primitives = new Map<unknown, number>();
const arrays: ArrayNode = { next: undefined, id: UNKNOWN };
/** An atom's value, as first seen: any other value of its class is MongoDB-equal to it. */
const values: unknown[] = [];

function newAtom(value: unknown): number {
  if (values.length >= MAX_ATOMS) return UNKNOWN;
  values.push(value);
  return values.length - 1;
}

function primitiveAtom(x: unknown): number {
  let id = primitives.get(x);
  if (id === undefined) {
    id = newAtom(x);
    if (id === UNKNOWN) return UNKNOWN;
    primitives.set(x, id);
  }
  return id;
}

/** The atom of a field value; UNKNOWN when it is none of the kinds above. */
export function atomOf(x: unknown): number {
  if (x === undefined || x === null || typeof x === 'number' || typeof x === 'boolean') return primitiveAtom(x);
  if (typeof x === 'string') return x.length <= MAX_STRING ? primitiveAtom(x) : UNKNOWN;
  if (!Array.isArray(x)) return UNKNOWN;
  let node = arrays;
  for (let i = 0; i < x.length; i++) {
    if (!Object.hasOwn(x, i)) return UNKNOWN;
    const e: unknown = x[i];
    if (typeof e !== 'string' && typeof e !== 'number' && typeof e !== 'boolean') return UNKNOWN;
    const id = atomOf(e);
    if (id === UNKNOWN) return UNKNOWN;
    node.next ??= new Map();
    let child = node.next.get(id);
    if (child === undefined) {
      if (values.length >= MAX_ATOMS) return UNKNOWN;
      child = { next: undefined, id: UNKNOWN };
      node.next.set(id, child);
    }
    node = child;
  }
  if (node.id === UNKNOWN) node.id = newAtom(x);
  return node.id;
}

/** The value an atom stands for. */
export function atomValue(id: number): unknown {
  return values[id];
}

export function atomCount(): number {
  return values.length;
}

/**
 * One field set's columns: the blocks of all arrays laid end to end in one growing buffer (a
 * typed array per response cost more to make and to keep than its numbers), found by the array.
 * An array whose document was replaced leaves its block behind; when what was left behind
 * outgrows what passes still read, the columns start afresh and are rebuilt as passes need them.
 */
interface Columns {
  width: number;
  where: WeakMap<readonly unknown[], number>;
  cells: Int32Array;
  used: number;
  /** The most cells one pass has read since the columns started. */
  mostRead: number;
}

/** Columns start afresh when they are over this many cells and twice the most one pass read. */
const FRESH_START_CELLS = 1 << 20;

const columnSets = new Map<string, Columns>();

export interface ColumnReader {
  /** The cells of all blocks; `at` gives where an array's block starts (element i, field f at start + i * width + f). */
  cells: () => Int32Array;
  at: (array: readonly unknown[]) => number;
  /** After a pass: the cells it read, to tell when the columns should start afresh. */
  done: (cellsRead: number) => void;
}

function fresh(width: number): Columns {
  return { width, where: new WeakMap(), cells: new Int32Array(1 << 16), used: 0, mostRead: 0 };
}

/**
 * The columns of `fields` for arrays: element i's field f holds its atom, or UNKNOWN (every field
 * of an element that is not a document is UNKNOWN). A field is the element's own; missing, or a
 * function (never stored), is the atom of undefined.
 */
export function columnReader(fields: readonly string[]): ColumnReader {
  const key = fields.join('\u0000');
  let columns = columnSets.get(key);
  if (columns === undefined) {
    columns = fresh(fields.length);
    columnSets.set(key, columns);
  }
  const c = columns;
  const width = fields.length;
  const missing = atomOf(undefined);
  const at = (array: readonly unknown[]): number => {
    const start = c.where.get(array);
    if (start !== undefined) return start;
    const need = array.length * width;
    if (c.used + need > c.cells.length) {
      const grown = new Int32Array(Math.max(c.cells.length * 2, c.used + need));
      grown.set(c.cells.subarray(0, c.used));
      c.cells = grown;
    }
    const cells = c.cells;
    const begin = c.used;
    for (let i = 0; i < array.length; i++) {
      const el: unknown = array[i];
      const plain = isPlainObject(el);
      for (let f = 0; f < width; f++) {
        let atom = UNKNOWN;
        if (plain) {
          const name = fields[f] as string;
          const v = Object.hasOwn(el, name) ? el[name] : undefined;
          atom = typeof v === 'function' ? missing : atomOf(v);
        }
        cells[begin + i * width + f] = atom;
      }
    }
    c.used += need;
    c.where.set(array, begin);
    return begin;
  };
  return {
    cells: () => c.cells,
    at,
    done: (cellsRead) => {
      c.mostRead = Math.max(c.mostRead, cellsRead);
      if (c.used > FRESH_START_CELLS && c.used > 2 * c.mostRead && columnSets.get(key) === c) columnSets.delete(key);
    },
  };
}
