/**
 * BSON value semantics that mingo does not give us: MongoDB's cross-type sort order, the equality
 * used by unique indexes (1 == 1.0 == Long(1), missing == null), dotted-path traversal through
 * arrays, and value formatting for E11000 messages.
 */
import type { Binary, Decimal128, Long, ObjectId } from 'bson';
import { isObjectIdWords } from '../models/object-id-words.js';

export type Doc = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function bsonType(v: object): string | undefined {
  const t = (v as { _bsontype?: unknown })._bsontype;
  return typeof t === 'string' ? t : undefined;
}

/** Numeric view of Long/Decimal128/Int32/Double wrappers; undefined for non-numbers. */
function numericValue(v: unknown): number | bigint | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return v;
  if (v === null || typeof v !== 'object') return undefined;
  switch (bsonType(v)) {
    case 'Long': {
      const l = v as Long;
      const n = l.toNumber();
      return Number.isSafeInteger(n) ? n : l.toBigInt();
    }
    case 'Int32':
    case 'Double':
      return (v as { valueOf(): number }).valueOf();
    case 'Decimal128':
      return Number((v as Decimal128).toString());
    default:
      return undefined;
  }
}

function numberKey(n: number | bigint): string {
  if (typeof n === 'bigint') {
    const asNumber = Number(n);
    return Number.isSafeInteger(asNumber) ? String(asNumber) : n.toString();
  }
  if (Object.is(n, -0)) return '0';
  if (Number.isInteger(n) && !Number.isSafeInteger(n) && Number.isFinite(n)) return BigInt(n).toString();
  return String(n);
}

/** Marker for "empty array at the end of an index path" (MongoDB keys it as undefined, not null). */
export const EMPTY_ARRAY_KEY = Symbol('emptyArray');

/**
 * `o` and the id's 12 bytes, one character each (char codes 0-255: a one-byte string of 13
 * characters, 32 bytes of heap; with 24 hex digits it was 48). The store keeps one for every
 * document (its `_id`) and for every indexed id, so it is most of the keys' memory. Made from
 * bson 7's four 24-bit words, without the hex string bson builds two digits at a time. Byte by
 * byte, so keys of ids order as the ids do (natural order of the bot's own inserts).
 */
function objectIdKey(id: ObjectId): string {
  if (isObjectIdWords(id)) {
    const { i0, i1, i2, i3 } = id;
    return String.fromCharCode(
      0x6f,
      i0 >>> 16,
      (i0 >>> 8) & 0xff,
      i0 & 0xff,
      i1 >>> 16,
      (i1 >>> 8) & 0xff,
      i1 & 0xff,
      i2 >>> 16,
      (i2 >>> 8) & 0xff,
      i2 & 0xff,
      i3 >>> 16,
      (i3 >>> 8) & 0xff,
      i3 & 0xff,
    );
  }
  // An ObjectId held another way than bson 7's words: its bytes.
  return String.fromCharCode(0x6f, ...id.id);
}

/**
 * Canonical string of a value for equality: two values get the same string exactly when MongoDB
 * treats them as equal index keys. Used for the _id map, secondary indexes and distinct.
 */
export function keyString(v: unknown): string {
  if (v === undefined || v === null) return 'z';
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return `n${numberKey(v)}`;
    case 'string':
      return `s${v}`;
    case 'boolean':
      return v ? 'T' : 'F';
    case 'symbol':
      return v === EMPTY_ARRAY_KEY ? 'u' : `y${String(v.description)}`;
    case 'object':
      break;
    default:
      return `x${String(v)}`;
  }
  if (Array.isArray(v)) return `A${JSON.stringify(v.map(keyString))}`;
  if (v instanceof Date) return `d${v.getTime()}`;
  if (v instanceof RegExp) return `r${v.source}/${v.flags}`;
  if (isPlainObject(v)) return `O${JSON.stringify(Object.entries(v).map(([k, x]) => [k, keyString(x)]))}`;
  switch (bsonType(v)) {
    case 'ObjectId':
      return objectIdKey(v as ObjectId);
    case 'Long':
    case 'Int32':
    case 'Double':
      return `n${numberKey(numericValue(v) ?? 0)}`;
    case 'Decimal128': {
      const s = (v as Decimal128).toString();
      const n = Number(s);
      // Only decimals that print exactly like a double share its key; others stay distinct so a
      // unique index never reports a false duplicate because of double rounding.
      return Number.isFinite(n) && String(n) === s ? `n${numberKey(n)}` : `m${s}`;
    }
    case 'Binary': {
      const b = v as Binary;
      return `b${b.sub_type}:${Buffer.from(b.buffer.subarray(0, b.position)).toString('base64')}`;
    }
    case 'Timestamp':
      return `t${(v as Long).toString()}`;
    case 'BSONRegExp': {
      const r = v as { pattern: string; options: string };
      return `r${r.pattern}/${r.options}`;
    }
    case 'MinKey':
      return '-';
    case 'MaxKey':
      return '+';
    case 'Code':
      return `c${String((v as { code: unknown }).code)}`;
    case 'BSONSymbol':
      return `s${String((v as { value: unknown }).value)}`;
    default:
      return `x${JSON.stringify(v)}`;
  }
}

/** MongoDB's cross-type order (https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/). */
function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 2;
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return 3;
    case 'string':
      return 4;
    case 'boolean':
      return 9;
    case 'symbol':
      return v === EMPTY_ARRAY_KEY ? 1 : 4;
    case 'object':
      break;
    default:
      return 14;
  }
  if (Array.isArray(v)) return 6;
  if (v instanceof Date) return 10;
  if (v instanceof RegExp) return 12;
  if (isPlainObject(v)) return 5;
  switch (bsonType(v)) {
    case 'MinKey':
      return 0;
    case 'Long':
    case 'Int32':
    case 'Double':
    case 'Decimal128':
      return 3;
    case 'BSONSymbol':
      return 4;
    case 'Binary':
      return 7;
    case 'ObjectId':
      return 8;
    case 'Timestamp':
      return 11;
    case 'BSONRegExp':
      return 12;
    case 'MaxKey':
      return 13;
    default:
      return 5;
  }
}

function cmp<T extends number | string | bigint>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    if (typeof a === 'number' && !Number.isFinite(a)) return Number.isNaN(a) ? -1 : a > 0 ? 1 : -1;
    if (typeof b === 'number' && !Number.isFinite(b)) return Number.isNaN(b) ? 1 : b > 0 ? -1 : 1;
    const x = typeof a === 'bigint' ? a : BigInt(Math.trunc(a));
    const y = typeof b === 'bigint' ? b : BigInt(Math.trunc(b));
    return cmp(x, y);
  }
  // MongoDB sorts NaN below every other number.
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return cmp(a, b);
}

function toSortString(v: unknown): string {
  return typeof v === 'string' ? v : String((v as { value?: unknown }).value ?? v);
}

/** Total order over BSON values, as MongoDB sorts them. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
    case 1:
    case 2:
    case 13:
      return 0;
    case 3:
      return compareNumbers(numericValue(a) ?? 0, numericValue(b) ?? 0);
    case 4:
      return cmp(toSortString(a), toSortString(b));
    case 5: {
      const ea = Object.entries(a as Doc);
      const eb = Object.entries(b as Doc);
      const n = Math.min(ea.length, eb.length);
      for (let i = 0; i < n; i++) {
        const [ka, va] = ea[i] as [string, unknown];
        const [kb, vb] = eb[i] as [string, unknown];
        const byType = typeRank(va) - typeRank(vb);
        if (byType !== 0) return byType;
        const byName = cmp(ka, kb);
        if (byName !== 0) return byName;
        const byValue = compareValues(va, vb);
        if (byValue !== 0) return byValue;
      }
      return ea.length - eb.length;
    }
    case 6: {
      const xa = a as unknown[];
      const xb = b as unknown[];
      const n = Math.min(xa.length, xb.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(xa[i], xb[i]);
        if (c !== 0) return c;
      }
      return xa.length - xb.length;
    }
    case 7: {
      const ba = a as Binary;
      const bb = b as Binary;
      if (ba.position !== bb.position) return ba.position - bb.position;
      if (ba.sub_type !== bb.sub_type) return ba.sub_type - bb.sub_type;
      return Buffer.compare(ba.buffer.subarray(0, ba.position), bb.buffer.subarray(0, bb.position));
    }
    case 8: {
      // Byte by byte, which orders as their hex does, without two hex strings per comparison
      // (a sort by _id made them n log n times). bson 7 keeps the bytes as four 24-bit words,
      // compared as they are: its `id` makes a new buffer on each read.
      const wa = a as Partial<Record<'i0' | 'i1' | 'i2' | 'i3', number>>;
      const wb = b as Partial<Record<'i0' | 'i1' | 'i2' | 'i3', number>>;
      if (typeof wa.i3 === 'number' && typeof wb.i3 === 'number') {
        for (const w of ['i0', 'i1', 'i2', 'i3'] as const) {
          const x = wa[w] as number;
          const y = wb[w] as number;
          if (x !== y) return x < y ? -1 : 1;
        }
        return 0;
      }
      const ia = (a as ObjectId).id;
      const ib = (b as ObjectId).id;
      for (let i = 0; i < 12; i++) if (ia[i] !== ib[i]) return (ia[i] as number) < (ib[i] as number) ? -1 : 1;
      return 0;
    }
    case 9:
      return (a ? 1 : 0) - (b ? 1 : 0);
    case 10:
      return cmp((a as Date).getTime(), (b as Date).getTime());
    case 11:
      return (a as Long).compare(b as Long);
    default:
      return cmp(keyString(a), keyString(b));
  }
}

/**
 * All values a dotted path reaches, walking into arrays the way MongoDB's query and index code
 * does. `expandLeafArrays` spreads an array found at the end of the path into its elements
 * (multikey indexes, sort keys, distinct). A path that reaches nothing yields `undefined` once.
 */
export function getPathValues(doc: unknown, path: string, expandLeafArrays: boolean): unknown[] {
  const parts = path.split('.');
  const out: unknown[] = [];
  walkPath(doc, parts, 0, out, expandLeafArrays);
  if (out.length === 0) out.push(undefined);
  return out;
}

function walkPath(value: unknown, parts: string[], i: number, out: unknown[], expandLeaf: boolean): void {
  if (i === parts.length) {
    if (expandLeaf && Array.isArray(value)) {
      if (value.length === 0) out.push(EMPTY_ARRAY_KEY);
      else for (const el of value) out.push(el);
    } else {
      out.push(value);
    }
    return;
  }
  const part = parts[i] as string;
  if (Array.isArray(value)) {
    if (/^\d+$/.test(part)) {
      const el: unknown = value[Number(part)];
      if (el !== undefined) walkPath(el, parts, i + 1, out, expandLeaf);
    }
    for (const el of value) {
      if (isPlainObject(el)) walkPath(el, parts, i, out, expandLeaf);
    }
    return;
  }
  if (isPlainObject(value)) {
    const next = value[part];
    if (next === undefined) out.push(undefined);
    else walkPath(next, parts, i + 1, out, expandLeaf);
    return;
  }
  out.push(undefined);
}

/** The single value at a dotted path without array traversal (for seeds and key values). */
export function getPath(doc: Doc, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (isPlainObject(cur)) cur = cur[part];
    else if (Array.isArray(cur) && /^\d+$/.test(part)) cur = cur[Number(part)];
    else return undefined;
  }
  return cur;
}

/** Creates intermediate objects as needed; returns false when the path crosses a non-object. */
export function setPath(doc: Doc, path: string, value: unknown): boolean {
  const parts = path.split('.');
  let cur: Doc | unknown[] = doc;
  const slot = (container: Doc | unknown[], part: string): { get(): unknown; set(v: unknown): void } | undefined => {
    if (!Array.isArray(container)) {
      return { get: () => container[part], set: (v) => (container[part] = v) };
    }
    if (!/^\d+$/.test(part)) return undefined;
    const i = Number(part);
    return { get: () => container[i], set: (v) => (container[i] = v) };
  };
  for (let i = 0; i < parts.length - 1; i++) {
    const s = slot(cur, parts[i] as string);
    if (!s) return false;
    const next = s.get();
    if (next === undefined || next === null) {
      const created: Doc = {};
      s.set(created);
      cur = created;
    } else if (isPlainObject(next) || Array.isArray(next)) {
      cur = next;
    } else {
      return false;
    }
  }
  const last = slot(cur, parts[parts.length - 1] as string);
  if (!last) return false;
  last.set(value);
  return true;
}

/** Deep copy of plain objects, arrays and Dates; BSON value classes are immutable and shared. */
export function cloneValue<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(cloneValue) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const k of Object.keys(v)) out[k] = cloneValue(v[k]);
    return out as T;
  }
  return v;
}

function quote(s: string): string {
  return JSON.stringify(s);
}

/** Renders a value the way MongoDB writes it in `dup key: { ... }`. */
export function formatValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `[ ${v.map(formatValue).join(', ')} ]`;
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (v instanceof RegExp) return `/${v.source}/${v.flags}`;
  if (isPlainObject(v)) {
    const entries = Object.entries(v);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, x]) => `${k}: ${formatValue(x)}`).join(', ')} }`;
  }
  switch (bsonType(v)) {
    case 'ObjectId':
      return `ObjectId('${(v as ObjectId).toHexString()}')`;
    case 'Long':
      return (v as Long).toString();
    case 'Decimal128':
      return `NumberDecimal("${(v as Decimal128).toString()}")`;
    case 'Binary': {
      const b = v as Binary;
      return `BinData(${b.sub_type}, ${Buffer.from(b.buffer.subarray(0, b.position)).toString('hex').toUpperCase()})`;
    }
    default:
      return String(v);
  }
}

export function isNumeric(v: unknown): boolean {
  return numericValue(v) !== undefined;
}

/** True for values MongoDB can use as a scalar equality key (not arrays, documents or regexes). */
export function isScalarKey(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v !== 'object') return typeof v !== 'symbol' && typeof v !== 'function';
  if (Array.isArray(v) || isPlainObject(v) || v instanceof RegExp) return false;
  const t = bsonType(v);
  return t !== 'BSONRegExp' && t !== 'MinKey' && t !== 'MaxKey';
}

export function bsonTypeName(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? 'int' : 'double';
    case 'bigint':
      return 'long';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'object':
      break;
    default:
      return typeof v;
  }
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  if (isPlainObject(v)) return 'object';
  switch (bsonType(v)) {
    case 'ObjectId':
      return 'objectId';
    case 'Long':
      return 'long';
    case 'Int32':
      return 'int';
    case 'Double':
      return 'double';
    case 'Decimal128':
      return 'decimal';
    case 'Binary':
      return 'binData';
    case 'Timestamp':
      return 'timestamp';
    case 'BSONRegExp':
      return 'regex';
    case 'MinKey':
      return 'minKey';
    case 'MaxKey':
      return 'maxKey';
    case 'Code':
      return 'javascript';
    case 'BSONSymbol':
      return 'symbol';
    default:
      return 'object';
  }
}
