/**
 * A one-pass `[$lookup/$addFields*, $unwind?, $match*, $group]` for the counting pipelines.
 * mingo's `$unwind` copies the document once per array element, its `$group` hashes each key
 * through generic object hashing and then re-evaluates every accumulator over the collected
 * documents, and `$lookup`/`$addFields` copy every document again; over a few hundred thousand
 * answers that is seconds, most of it garbage collection. Here array elements are visited in
 * place, fields a `$lookup`/`$addFields` adds sit in a small per-document layer instead of a copy,
 * the group key is the canonical key string of values.ts (MongoDB's equality: 1 == 1.0 ==
 * Long(1)) and accumulators are updated as rows stream by. Stages around the recognised segment
 * still run on mingo, and a segment outside the recognised shape is left to mingo whole, so its
 * errors and behaviour do not change.
 *
 * Where MongoDB and mingo disagree this follows MongoDB (the tests pin each case): `$unwind`
 * reaches its array through documents only and treats any other non-null value ("" and {}
 * included) as a one-element array; `$push`/`$addToSet` skip missing values; an object `_id`
 * leaves a missing field out instead of keeping it as undefined (which the wire turned into a
 * second null group); field paths skip nested arrays; `$first` does not flatten nested arrays.
 */
import { compileFilter, hashJoin, isPlainLookup, type Filter, type MingoExtras } from '../query.js';
import { compareValues, getPathValues, isNumeric, isPlainObject, keyString, type Doc } from '../values.js';
import { atomCount, atomValue, type ColumnReader, columnReader, UNKNOWN } from './element-columns.js';

/** How the current row relates to the stored document it comes from. */
const ELEMENT = 0; // the unwound path holds `row.el`
const REMOVED = 1; // the unwound path was an empty array, preserved: the field is gone
const ORIGINAL = 2; // the document as stored (no unwind, or a preserved null/missing/scalar)

interface Row {
  /** Counts the input documents: rows of one document share it. */
  seq: number;
  doc: Doc;
  /** Top-level fields set by the folded `$lookup`/`$addFields` (undefined: removed). */
  layer: Doc | undefined;
  mode: number;
  el: unknown;
  idx: number | null;
}

/** A value of the row's virtual document; undefined is "missing". */
type Getter = (row: Row) => unknown;

interface UnwindPlan {
  parts: string[];
  preserve: boolean;
  indexField: string | undefined;
}

type PreStage =
  | { kind: 'lookup'; from: string; localField: string; localTop: string; foreignField: string; as: string }
  | { kind: 'set'; fields: Array<[string, Getter]> };

interface IdField {
  name: string;
  get: Getter | undefined;
  constant: unknown;
  /** The value does not depend on the unwound element: the same for every row of one document. */
  perDocument: boolean;
  /** `$<array>.<field>` of a top-level unwound array: read straight from a document element. */
  elementField: string | undefined;
}

type AccKind = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'first' | 'last' | 'push' | 'addToSet';

interface AccPlan {
  name: string;
  kind: AccKind;
  get: Getter;
  /** The constant of `$sum: <number>` (`count`); the result is rows times it, as mingo computes it. */
  constant: number;
}

export interface FusedPlan {
  /** Stages the segment covers. */
  length: number;
  pre: PreStage[];
  unwind: UnwindPlan | undefined;
  filters: Filter[];
  /** Filters look at the unwound field only, so a one-field document stands in for the row. */
  filtersOnUnwound: boolean;
  /** The filters tested on the unwound element itself, when they are simple enough (elementTest). */
  elementTest: ElementTest | undefined;
  /** The checks elementTest makes, for the pass over element columns. */
  elementChecks: ElementCheck[] | undefined;
  /** `_id: <expression>` (missing and null are one group) vs an object of fields vs a constant. */
  idValue: Getter | undefined;
  idFields: IdField[] | undefined;
  idConstant: unknown;
  accs: AccPlan[];
  resolve: ((name: string) => Doc[]) | undefined;
}

/** Thrown from the pass when a value needs mingo after all (its error, or its number handling). */
class Unsupported extends Error {}

const missing: Getter = () => undefined;

function stageOf(stage: unknown): [string, unknown] | undefined {
  if (!isPlainObject(stage)) return undefined;
  const keys = Object.keys(stage);
  if (keys.length !== 1) return undefined;
  const name = keys[0] as string;
  return [name, stage[name]];
}

function plainFieldName(p: string): boolean {
  return p !== '' && !p.startsWith('$') && !/^\d+$/.test(p) && p !== '__proto__';
}

/** Dotted path parts; undefined for parts mingo reads differently from MongoDB (array indexes). */
function plainPath(path: unknown): string[] | undefined {
  if (typeof path !== 'string') return undefined;
  const parts = path.split('.');
  return parts.every(plainFieldName) ? parts : undefined;
}

/** `$a.b` as parts; undefined for variables (`$$ROOT`, `$$x`). */
function fieldPath(expr: unknown): string[] | undefined {
  if (typeof expr !== 'string' || !expr.startsWith('$') || expr.startsWith('$$')) return undefined;
  return plainPath(expr.slice(1));
}

/** A top-level field of the row's document, the layer first. */
function topField(row: Row, name: string): unknown {
  const layer = row.layer;
  if (layer !== undefined && Object.hasOwn(layer, name)) return layer[name];
  const v = row.doc[name];
  // Inherited methods (`constructor`, `toString`) are not fields.
  return typeof v === 'function' ? undefined : v;
}

/**
 * MongoDB's aggregation field path from `value` (found at `parts[from - 1]`) on: into documents,
 * across arrays (collecting the non-missing results of document elements), anything else missing.
 */
function descend(value: unknown, parts: readonly string[], from: number): unknown {
  let cur = value;
  for (let i = from; i < parts.length; i++) {
    if (Array.isArray(cur)) {
      const out: unknown[] = [];
      for (const el of cur) {
        if (!isPlainObject(el)) continue;
        const v = descend(el, parts, i);
        if (v !== undefined) out.push(v);
      }
      return out;
    }
    if (!isPlainObject(cur)) return undefined;
    const next = cur[parts[i] as string];
    if (next === undefined || typeof next === 'function') return undefined;
    cur = next;
  }
  return cur;
}

const NOT_AN_ARRAY = Symbol('not an array');

/**
 * `$first` of `descend(value, parts, from)` without building the list it collects across an
 * array: the first value found (undefined when none); null when the path ends in null or missing;
 * NOT_AN_ARRAY when it ends in anything else that is not an array (an error).
 */
function firstOnPath(value: unknown, parts: readonly string[], from: number): unknown {
  let cur = value;
  for (let i = from; i < parts.length; i++) {
    if (Array.isArray(cur)) {
      for (let k = 0; k < cur.length; k++) {
        const el = cur[k];
        if (!isPlainObject(el)) continue;
        const v = descend(el, parts, i);
        if (v !== undefined) return v;
      }
      return undefined;
    }
    if (!isPlainObject(cur)) return null;
    const next = cur[parts[i] as string];
    if (next === undefined || typeof next === 'function') return null;
    cur = next;
  }
  if (cur === undefined || cur === null) return null;
  return Array.isArray(cur) ? cur[0] : NOT_AN_ARRAY;
}

function fromRoot(row: Row, parts: readonly string[]): unknown {
  return descend(topField(row, parts[0] as string), parts, 1);
}

/** The value `$unwind` works on: MongoDB follows the path through documents only. */
function unwindTarget(row: Row, parts: readonly string[]): unknown {
  let cur = topField(row, parts[0] as string);
  for (let i = 1; i < parts.length; i++) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[parts[i] as string];
    if (typeof cur === 'function') return undefined;
  }
  return cur;
}

function rootGetter(parts: string[]): Getter {
  return (row) => fromRoot(row, parts);
}

/** A field path read from the row after `unwind`; undefined when the row cannot answer it. */
function unwoundGetter(parts: string[], unwind: UnwindPlan | undefined): Getter | undefined {
  if (!unwind) return rootGetter(parts);
  if (unwind.indexField !== undefined && parts[0] === unwind.indexField) {
    return parts.length === 1 ? (row) => row.idx : missing;
  }
  const u = unwind.parts;
  let common = 0;
  while (common < u.length && common < parts.length && u[common] === parts[common]) common++;
  if (common === u.length) {
    const rest = parts.slice(u.length);
    if (rest.length === 1) {
      // A field of the element (`$answers.questionId`): read directly when the element is a document.
      const field = rest[0] as string;
      return (row) => {
        if (row.mode === ELEMENT) {
          const el = row.el;
          if (isPlainObject(el)) {
            const v = el[field];
            return v === undefined || typeof v === 'function' ? undefined : v;
          }
          return descend(el, rest, 0);
        }
        return row.mode === REMOVED ? undefined : fromRoot(row, parts);
      };
    }
    return (row) =>
      row.mode === ELEMENT ? descend(row.el, rest, 0) : row.mode === REMOVED ? undefined : fromRoot(row, parts);
  }
  // A proper prefix of the unwound path would need the rebuilt document: leave it to mingo.
  if (common === parts.length) return undefined;
  return rootGetter(parts);
}

function isConstant(v: unknown): boolean {
  if (typeof v === 'string') return !v.startsWith('$');
  return !isPlainObject(v) && !Array.isArray(v) && typeof v !== 'function' && v !== undefined;
}

/** MongoDB's truth: false, null, missing and zero are false, anything else (NaN, "", []) true. */
function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false) return false;
  if (typeof v === 'number') return v !== 0;
  // Long/Decimal128 zeros are false too; rather than a second number model, hand them to mingo.
  if (typeof v === 'bigint' || (typeof v === 'object' && !Array.isArray(v) && !isPlainObject(v) && isNumeric(v)))
    throw new Unsupported();
  return true;
}

const COMPARISONS: Record<string, (c: number) => boolean> = {
  $eq: (c) => c === 0,
  $ne: (c) => c !== 0,
  $gt: (c) => c > 0,
  $gte: (c) => c >= 0,
  $lt: (c) => c < 0,
  $lte: (c) => c <= 0,
};

/**
 * An aggregation comparison of two scalars in MongoDB's order of types (values.ts). Arrays and
 * documents, and a missing value against null (which MongoDB tells apart and the shared order does
 * not), are left to mingo.
 */
function compareScalars(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number' && !Number.isNaN(a) && !Number.isNaN(b)) return a - b;
  if (typeof a === 'string' && typeof b === 'string' && a === b) return 0;
  if (Array.isArray(a) || Array.isArray(b) || isPlainObject(a) || isPlainObject(b)) throw new Unsupported();
  if ((a === undefined && b === null) || (a === null && b === undefined)) throw new Unsupported();
  return compareValues(a, b);
}

/**
 * The few expressions the monitoring pipelines put on every document: a field path, a constant,
 * `$literal`, `$ifNull`, `$first` (of an array), and the conditional sums' `$cond`, `$and`, `$or`,
 * `$not` and comparisons of scalars. Anything else leaves the segment to mingo.
 */
function compileExpr(expr: unknown, path: (parts: string[]) => Getter | undefined): Getter | undefined {
  if (typeof expr === 'string' && expr.startsWith('$')) {
    const parts = fieldPath(expr);
    return parts && path(parts);
  }
  if (isConstant(expr)) return () => expr;
  const op = stageOf(expr);
  if (!op) return undefined;
  const [name, arg] = op;
  switch (name) {
    case '$literal':
      return () => arg;
    case '$ifNull': {
      if (!Array.isArray(arg) || arg.length < 2) return undefined;
      const inputs = arg.map((a) => compileExpr(a, path));
      if (!inputs.every((g): g is Getter => g !== undefined)) return undefined;
      return (row) => {
        let v: unknown;
        for (const input of inputs) {
          v = input(row);
          if (v !== undefined && v !== null) return v;
        }
        return v;
      };
    }
    case '$first': {
      // `$first: [x]` is an argument list to MongoDB but an array literal to mingo.
      if (Array.isArray(arg)) return undefined;
      const input = compileExpr(arg, path);
      if (!input) return undefined;
      const parts = fieldPath(arg);
      if (parts && path === rootGetter) {
        // `$first` of a joined field (`$dimSource.region`): the first value, without the list.
        return (row) => {
          const v = firstOnPath(topField(row, parts[0] as string), parts, 1);
          if (v === NOT_AN_ARRAY) throw new Unsupported();
          return v;
        };
      }
      return (row) => {
        const v = input(row);
        if (v === undefined || v === null) return null;
        // Not an array is an error; mingo reports it.
        if (!Array.isArray(v)) throw new Unsupported();
        return v[0];
      };
    }
    case '$cond': {
      const parts = Array.isArray(arg)
        ? arg
        : isPlainObject(arg) && Object.keys(arg).length === 3
          ? [arg.if, arg.then, arg.else]
          : undefined;
      if (parts?.length !== 3 || parts.some((p) => p === undefined)) return undefined;
      const [test, then, otherwise] = parts.map((p) => compileExpr(p, path));
      if (!test || !then || !otherwise) return undefined;
      return (row) => (truthy(test(row)) ? then(row) : otherwise(row));
    }
    case '$and':
    case '$or': {
      if (!Array.isArray(arg)) return undefined;
      const inputs = arg.map((a) => compileExpr(a, path));
      if (!inputs.every((g): g is Getter => g !== undefined)) return undefined;
      // Every operand is evaluated, so an error in any of them reaches mingo as it would.
      return name === '$and'
        ? (row) => inputs.map((input) => truthy(input(row))).every(Boolean)
        : (row) => inputs.map((input) => truthy(input(row))).some(Boolean);
    }
    case '$not': {
      const operand = Array.isArray(arg) ? (arg.length === 1 ? arg[0] : undefined) : arg;
      if (operand === undefined) return undefined;
      const input = compileExpr(operand, path);
      return input && ((row) => !truthy(input(row)));
    }
    default: {
      const test = COMPARISONS[name];
      if (!test || !Array.isArray(arg) || arg.length !== 2) return undefined;
      const [left, right] = arg.map((a) => compileExpr(a, path));
      if (!left || !right) return undefined;
      return (row) => test(compareScalars(left(row), right(row)));
    }
  }
}

function parseUnwind(spec: unknown): UnwindPlan | undefined {
  let path: unknown = spec;
  let preserve = false;
  let indexField: string | undefined;
  if (isPlainObject(spec)) {
    for (const k of Object.keys(spec))
      if (k !== 'path' && k !== 'preserveNullAndEmptyArrays' && k !== 'includeArrayIndex') return undefined;
    path = spec.path;
    if (spec.preserveNullAndEmptyArrays !== undefined) {
      if (typeof spec.preserveNullAndEmptyArrays !== 'boolean') return undefined;
      preserve = spec.preserveNullAndEmptyArrays;
    }
    if (spec.includeArrayIndex !== undefined) {
      const name = spec.includeArrayIndex;
      // mingo sets the index as a top-level key; a dotted name would land elsewhere than MongoDB's.
      if (typeof name !== 'string' || !plainFieldName(name) || name.includes('.')) return undefined;
      indexField = name;
    }
  }
  const parts = fieldPath(path);
  if (!parts || parts[0] === indexField) return undefined;
  return { parts, preserve, indexField };
}

function parsePreStage(stage: [string, unknown] | undefined, hasResolver: boolean): PreStage | undefined {
  if (!stage) return undefined;
  const [name, spec] = stage;
  if (name === '$lookup') {
    if (!hasResolver || !isPlainLookup(spec) || !plainPath(spec.localField) || !plainPath(spec.foreignField))
      return undefined;
    const { from, localField, foreignField, as } = spec;
    return { kind: 'lookup', from, localField, localTop: localField.split('.')[0] as string, foreignField, as };
  }
  if (name === '$addFields' || name === '$set') {
    if (!isPlainObject(spec)) return undefined;
    const fields: Array<[string, Getter]> = [];
    for (const [field, expr] of Object.entries(spec)) {
      // Dotted names and embedded documents merge into existing documents: mingo's business.
      if (
        !plainFieldName(field) ||
        field.includes('.') ||
        (isPlainObject(expr) && !Object.keys(expr)[0]?.startsWith('$'))
      )
        return undefined;
      const get = compileExpr(expr, rootGetter);
      if (!get) return undefined;
      fields.push([field, get]);
    }
    return fields.length > 0 ? { kind: 'set', fields } : undefined;
  }
  return undefined;
}

/** First components of the fields a filter reads; false when it may read anything ($expr). */
function filterFields(filter: Doc, into: Set<string>): boolean {
  for (const [k, v] of Object.entries(filter)) {
    if (k === '$and' || k === '$or' || k === '$nor') {
      if (!Array.isArray(v) || !v.every((f) => isPlainObject(f) && filterFields(f, into))) return false;
    } else if (k === '$comment') {
      // A comment filters nothing.
    } else if (k.startsWith('$')) {
      return false;
    } else {
      into.add(k.split('.')[0] as string);
    }
  }
  return true;
}

const ACCUMULATORS: Record<string, AccKind> = {
  $sum: 'sum',
  $avg: 'avg',
  $min: 'min',
  $max: 'max',
  $first: 'first',
  $last: 'last',
  $push: 'push',
  $addToSet: 'addToSet',
};

function parseAccumulator(
  name: string,
  spec: unknown,
  path: (parts: string[]) => Getter | undefined,
): AccPlan | undefined {
  if (name.includes('.') || name.startsWith('$')) return undefined;
  const op = stageOf(spec);
  if (!op) return undefined;
  const [opName, arg] = op;
  if (opName === '$count')
    return isPlainObject(arg) && Object.keys(arg).length === 0
      ? { name, kind: 'count', get: missing, constant: 1 }
      : undefined;
  const kind = ACCUMULATORS[opName];
  // mingo hands the documents themselves to an accumulator of null.
  if (!kind || arg === null || arg === undefined) return undefined;
  if (kind === 'sum' && typeof arg === 'number') return { name, kind: 'count', get: missing, constant: arg };
  const get = compileExpr(arg, path);
  return get ? { name, kind, get, constant: 0 } : undefined;
}

/** true / false when decided on the element alone; undefined: ask the compiled filters. */
type ElementTest = (el: unknown) => boolean | undefined;

/** "Some element (or the value itself) of the field passes", optionally negated. */
interface ElementCheck {
  field: string;
  negate: boolean;
  pass: (x: unknown) => boolean;
}

/** A literal a query compares by plain equality: no null, NaN, documents, arrays or wrappers. */
function simpleLiteral(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && !Number.isNaN(v));
}

/**
 * `$match`es on fields of the unwound element (`{'answers.questionId': {$in: [...]}, 'answers.value':
 * {$ne: null}}`) as one test on the element, without building a document for the query engine:
 * that was most of the counting pass. Only equality, `$eq`, `$ne` and `$in` of simple literals and
 * `$ne: null` on a direct field. The test decides only when the element is a document whose field
 * is missing, null, a string, number or boolean, or an array of strings, numbers and booleans (a
 * field matches when it or one of its elements does, as in MongoDB); anything else (a date, a
 * wrapper, an array holding documents, arrays or null) goes to the compiled filters.
 */
function elementChecks(matches: readonly Doc[], top: string): ElementCheck[] | undefined {
  const checks: ElementCheck[] = [];
  for (const m of matches) {
    for (const [key, cond] of Object.entries(m)) {
      const parts = key.split('.');
      if (parts.length !== 2 || parts[0] !== top || !plainFieldName(parts[1] as string)) return undefined;
      const field = parts[1] as string;
      if (simpleLiteral(cond)) {
        checks.push({ field, negate: false, pass: (x) => x === cond });
        continue;
      }
      if (!isPlainObject(cond)) return undefined;
      const ops = Object.entries(cond);
      if (ops.length === 0) return undefined;
      for (const [op, arg] of ops) {
        if (op === '$eq' && simpleLiteral(arg)) checks.push({ field, negate: false, pass: (x) => x === arg });
        else if (op === '$ne' && simpleLiteral(arg)) checks.push({ field, negate: true, pass: (x) => x === arg });
        else if (op === '$ne' && arg === null)
          checks.push({ field, negate: true, pass: (x) => x === null || x === undefined });
        else if (op === '$in' && Array.isArray(arg) && arg.length > 0 && arg.every(simpleLiteral)) {
          const set = new Set<unknown>(arg);
          checks.push({ field, negate: false, pass: (x) => set.has(x) });
        } else return undefined;
      }
    }
  }
  return checks.length === 0 ? undefined : checks;
}

function elementTest(checks: readonly ElementCheck[]): ElementTest {
  return (el) => {
    if (!isPlainObject(el)) return undefined;
    for (const { field, negate, pass } of checks) {
      const x = Object.hasOwn(el, field) ? el[field] : undefined;
      let hit: boolean;
      if (Array.isArray(x)) {
        hit = false;
        for (const e of x) {
          if (typeof e !== 'string' && typeof e !== 'boolean' && typeof e !== 'number') return undefined;
          if (pass(e)) hit = true;
        }
      } else if (
        x === undefined ||
        x === null ||
        typeof x === 'string' ||
        typeof x === 'boolean' ||
        typeof x === 'number'
      ) {
        hit = pass(x);
      } else {
        return undefined;
      }
      if (hit === negate) return false;
    }
    return true;
  };
}

/**
 * The fused segment starting at `stages[start]`: foldable `$lookup`/`$addFields`/`$set`
 * (optional), `$unwind` (optional), `$match` stages (optional), then `$group` with a recognised
 * `_id` and accumulators. Undefined when the stages there are anything else.
 */
export function planFusedGroup(stages: readonly unknown[], start: number, extras: MingoExtras): FusedPlan | undefined {
  let i = start;
  let stage = stageOf(stages[i]);
  const pre: PreStage[] = [];
  for (
    let p = parsePreStage(stage, extras.collectionResolver !== undefined);
    p;
    p = parsePreStage(stage, extras.collectionResolver !== undefined)
  ) {
    pre.push(p);
    stage = stageOf(stages[++i]);
  }
  let unwind: UnwindPlan | undefined;
  if (stage?.[0] === '$unwind') {
    unwind = parseUnwind(stage[1]);
    if (!unwind) return undefined;
    stage = stageOf(stages[++i]);
  }
  const matches: Doc[] = [];
  while (stage?.[0] === '$match') {
    if (!isPlainObject(stage[1])) return undefined;
    matches.push(stage[1]);
    stage = stageOf(stages[++i]);
  }
  if (stage?.[0] !== '$group' || !isPlainObject(stage[1]) || !('_id' in stage[1])) return undefined;
  const group = stage[1];
  const path = (parts: string[]): Getter | undefined => unwoundGetter(parts, unwind);

  let idValue: Getter | undefined;
  let idFields: IdField[] | undefined;
  const idSpec = group._id;
  if (isPlainObject(idSpec) && !Object.keys(idSpec)[0]?.startsWith('$')) {
    const names = Object.keys(idSpec);
    if (names.length === 0 || names.some((n) => n.startsWith('$') || n.includes('.'))) return undefined;
    idFields = [];
    for (const n of names) {
      const v = idSpec[n];
      if (isConstant(v)) {
        idFields.push({ name: n, get: undefined, constant: v, perDocument: true, elementField: undefined });
        continue;
      }
      let readsElement = false;
      const get = compileExpr(v, (parts) => {
        if (unwind && (parts[0] === unwind.indexField || unwind.parts.every((u, k) => parts[k] === u)))
          readsElement = true;
        return path(parts);
      });
      if (!get) return undefined;
      const parts = fieldPath(v);
      const elementField =
        unwind?.parts.length === 1 &&
        unwind.indexField === undefined &&
        parts?.length === 2 &&
        parts[0] === unwind.parts[0]
          ? parts[1]
          : undefined;
      idFields.push({ name: n, get, constant: undefined, perDocument: !readsElement, elementField });
    }
  } else if (!isConstant(idSpec)) {
    idValue = compileExpr(idSpec, path);
    if (!idValue) return undefined;
  }

  const accs: AccPlan[] = [];
  for (const [name, spec] of Object.entries(group)) {
    if (name === '_id') continue;
    const acc = parseAccumulator(name, spec, path);
    if (!acc) return undefined;
    accs.push(acc);
  }

  const filters: Filter[] = [];
  const fields = new Set<string>();
  let readsAnything = false;
  for (const m of matches) {
    try {
      filters.push(compileFilter(m, extras));
    } catch {
      // Let mingo report a bad filter the way it always has.
      return undefined;
    }
    if (!filterFields(m, fields)) readsAnything = true;
  }
  const filtersOnUnwound =
    unwind !== undefined &&
    unwind.indexField === undefined &&
    !readsAnything &&
    [...fields].every((f) => f === unwind.parts[0]);

  const checks =
    filtersOnUnwound && unwind?.parts.length === 1 ? elementChecks(matches, unwind.parts[0] as string) : undefined;
  return {
    length: i - start + 1,
    pre,
    unwind,
    filters,
    filtersOnUnwound,
    elementTest: checks && elementTest(checks),
    elementChecks: checks,
    idValue,
    idFields,
    idConstant: idValue || idFields ? undefined : idSpec,
    accs,
    resolve: extras.collectionResolver,
  };
}

/** Copy of `obj` with the value at `parts` (reached through documents) replaced or removed. */
function rebuilt(obj: Doc, parts: readonly string[], i: number, mode: number, value: unknown): Doc {
  const copy: Doc = { ...obj };
  const part = parts[i] as string;
  if (i === parts.length - 1) {
    if (mode === REMOVED) delete copy[part];
    else copy[part] = value;
  } else {
    const next = obj[part];
    if (isPlainObject(next)) copy[part] = rebuilt(next, parts, i + 1, mode, value);
  }
  return copy;
}

/** The document with its layer applied, as mingo's `$lookup`/`$addFields` would have built it. */
function layered(row: Row): Doc {
  if (row.layer === undefined) return row.doc;
  const out: Doc = { ...row.doc };
  for (const [k, v] of Object.entries(row.layer)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** The row as a document, built only for `$match` (grouping reads the row without it). */
function virtualDoc(row: Row, unwind: UnwindPlan | undefined, minimal: boolean): Doc {
  if (!unwind) return layered(row);
  let base: Doc;
  if (minimal) {
    const top = unwind.parts[0] as string;
    const v = topField(row, top);
    base = v === undefined ? {} : { [top]: v };
  } else {
    base = layered(row);
  }
  let out = row.mode === ORIGINAL ? base : rebuilt(base, unwind.parts, 0, row.mode, row.el);
  if (unwind.indexField !== undefined) {
    if (out === row.doc) out = { ...out };
    out[unwind.indexField] = row.idx;
  }
  return out;
}

/** Per-document work of the folded `$lookup`/`$addFields`, ready to run (joins built). */
function preparePre(plan: FusedPlan): Array<(row: Row) => void> {
  return plan.pre.map((p): ((row: Row) => void) => {
    if (p.kind === 'set') {
      const values: unknown[] = new Array(p.fields.length);
      return (row) => {
        // Every expression of one stage sees the document as it entered the stage.
        for (let f = 0; f < p.fields.length; f++) values[f] = (p.fields[f] as [string, Getter])[1](row);
        row.layer ??= {};
        const layer = row.layer;
        for (let f = 0; f < p.fields.length; f++) layer[(p.fields[f] as [string, Getter])[0]] = values[f];
      };
    }
    const foreign = plan.resolve?.(p.from);
    if (!Array.isArray(foreign)) throw new Unsupported();
    const join = hashJoin(foreign, p.foreignField, true);
    const topLevel = p.localField === p.localTop;
    // A top-level local field that is not an array is the one local value getPathValues would list.
    const one: unknown[] = [undefined];
    return (row) => {
      const layer = row.layer;
      const inLayer = layer !== undefined && Object.hasOwn(layer, p.localTop);
      const top = inLayer ? layer[p.localTop] : row.doc[p.localTop];
      let locals: unknown[];
      if (topLevel && !Array.isArray(top)) {
        one[0] = top;
        locals = one;
      } else locals = getPathValues(inLayer ? { [p.localTop]: top } : row.doc, p.localField, true);
      row.layer ??= {};
      row.layer[p.as] = join(locals);
    };
  });
}

interface GroupState {
  id: unknown;
  rows: number;
  values: unknown[];
  counts: number[];
}

/**
 * The groups, reached through one level per `_id` part. Strings, booleans, numbers, null and
 * missing are Map keys as they are (missing apart from null; a Map's equality is MongoDB's for
 * numbers: 0 and -0 are one, NaN is NaN); a Long, Int32, Double or Decimal128 wrapper equal to a
 * double stands as that double. An array goes down a trie of its elements, each by the same
 * rules, ended by END. Anything else goes by its canonical key string (values.ts). No string is
 * built for the usual row: a question id, an option id, a scale point, a list of option ids and a
 * segment name; that string building was most of the pass.
 */
interface KeyLevel {
  plain: Map<unknown, unknown>;
  keyed: Map<string, unknown>;
  arrays: KeyLevel | undefined;
}

const END = Symbol('end of array');

const newLevel = (): KeyLevel => ({ plain: new Map(), keyed: new Map(), arrays: undefined });

function slot(level: KeyLevel, v: unknown, make: () => unknown): unknown {
  let map: Map<unknown, unknown> = level.plain;
  let key: unknown = v;
  if (typeof v === 'string') {
    // The usual key (a question, an option, a segment): straight to the map.
  } else if (Array.isArray(v)) {
    level.arrays ??= newLevel();
    let element = level.arrays;
    // In a key string a missing element reads as null; BSON has no missing elements anyway.
    for (let i = 0; i < v.length; i++) {
      const e: unknown = v[i];
      element = slot(element, e === undefined ? null : e, newLevel) as KeyLevel;
    }
    map = element.plain;
    key = END;
  } else if (
    v !== undefined &&
    v !== null &&
    typeof v !== 'string' &&
    typeof v !== 'number' &&
    typeof v !== 'boolean'
  ) {
    const k = keyString(v);
    // 110 is "n": a number's key; the wrapper equals that double exactly when the keys agree.
    const asDouble = k.charCodeAt(0) === 110 ? Number(k.slice(1)) : undefined;
    if (asDouble !== undefined && keyString(asDouble) === k) key = asDouble;
    else {
      map = level.keyed;
      key = k;
    }
  }
  let next = map.get(key);
  if (next === undefined) {
    next = make();
    map.set(key, next);
  }
  return next;
}

interface GroupFinder {
  /** The row's group. */
  find: () => GroupState;
  /**
   * The group of a row whose element is the document `el`, when every `_id` part that reads the
   * element is one of its fields: read straight from it, without the row's getters.
   */
  element: ((el: Doc) => GroupState) | undefined;
  /** With `element`: the leaf the element fields' values lead to, the one `element` reaches for them. */
  leafOf: ((values: readonly unknown[]) => Leaf) | undefined;
  /** The row's group in a leaf. */
  inLeaf: (leaf: Leaf) => GroupState;
  /**
   * Adds one row to the row's group in a leaf, for a count-only `$group`: the count is kept in a
   * number table until `settle`, so an answer costs one typed-array cell, not a group look-up.
   */
  countIn: (leaf: Leaf) => void;
  /** Adds what `countIn` kept to the groups' rows. */
  settle: () => void;
}

/**
 * Where the `_id` parts read from the element end: the row's group per document index, the first
 * LOW_INDEXES in an array (a breakdown by region has 17 segments × the questionnaires); any
 * further (136 districts or 400 schools × the questionnaires) in a map per document index keyed
 * by the leaf's number, so a breakdown into thousands does not give every leaf an array that long.
 */
interface Leaf {
  low: Array<GroupState | undefined>;
  /** The leaf's number in its finder: its key in a document index's map past LOW_INDEXES. */
  id: number;
}

const LOW_INDEXES = 256;

/** countIn's table is bounded (16 MB): a breakdown past it counts in the group objects. */
const MAX_TALLY_CELLS = 1 << 22;

/**
 * Finds (or makes, with `make`) the row's group. The parts that do not depend on the unwound
 * element (a segment looked up per teacher, the questionnaire) are resolved once per document to
 * a small number; the parts read from the element go down one trie shared by all documents, whose
 * leaf holds the groups by that number. An answer then costs only the levels of its own fields,
 * in maps that every document shares (a few hundred, hot in the cache), where a trie per segment
 * and questionnaire made an answer's look-ups land in one of thousands of maps.
 */
function groupFinder(plan: FusedPlan, row: Row, make: () => GroupState): GroupFinder {
  const { idValue } = plan;
  if (idValue) {
    // `_id: <expression>`: missing and null are one group.
    const root = newLevel();
    const find = () => slot(root, idValue(row) ?? null, make) as GroupState;
    return {
      find,
      element: undefined,
      leafOf: undefined,
      inLeaf: find,
      countIn: () => {
        find().rows++;
      },
      settle: () => {},
    };
  }
  const fields = (plan.idFields ?? []).filter((f) => f.get !== undefined);
  const docGetters = fields.filter((f) => f.perDocument).map((f) => f.get as Getter);
  const elGetters = fields.filter((f) => !f.perDocument).map((f) => f.get as Getter);
  const docRoot = newLevel();
  let docCount = 0;
  const newDocIndex = (): number => docCount++;
  let seq = -1;
  let docIndex = 0;
  /** The row's document index, worked out once per document. */
  const docOf = (): number => {
    if (row.seq === seq) return docIndex;
    seq = row.seq;
    if (docGetters.length === 0) {
      docIndex = 0;
      return docIndex;
    }
    let level = docRoot;
    const last = docGetters.length - 1;
    for (let k = 0; k < last; k++) level = slot(level, (docGetters[k] as Getter)(row), newLevel) as KeyLevel;
    docIndex = slot(level, (docGetters[last] as Getter)(row), newDocIndex) as number;
    return docIndex;
  };
  const elRoot = newLevel();
  let leafCount = 0;
  const newLeaf = (): Leaf => ({ low: [], id: leafCount++ });
  const onlyLeaf = newLeaf();
  const byDoc: Array<Map<number, GroupState>> = [];
  const groupIn = (leaf: Leaf, d: number): GroupState => {
    if (d >= LOW_INDEXES) {
      // Past LOW_INDEXES the document index's own map, by leaf: an answer's look-ups then stay in
      // the one map of its response (a district × questionnaire) instead of one per leaf.
      const i = d - LOW_INDEXES;
      while (byDoc.length <= i) byDoc.push(new Map());
      const groups = byDoc[i] as Map<number, GroupState>;
      let g = groups.get(leaf.id);
      if (g === undefined) {
        g = make();
        groups.set(leaf.id, g);
      }
      return g;
    }
    const low = leaf.low;
    // Filled up to `d`, so the array stays without holes.
    while (low.length <= d) low.push(undefined);
    let g = low[d];
    if (g === undefined) {
      g = make();
      low[d] = g;
    }
    return g;
  };
  // Without element parts (a second $group, a count per teacher) each document index has one
  // group: past LOW_INDEXES they share one map, not a map each.
  const onlyHigh = new Map<number, GroupState>();
  const groupAlone = (d: number): GroupState => {
    if (d < LOW_INDEXES) return groupIn(onlyLeaf, d);
    let g = onlyHigh.get(d);
    if (g === undefined) {
      g = make();
      onlyHigh.set(d, g);
    }
    return g;
  };
  const lastEl = elGetters.length - 1;
  const find = (): GroupState => {
    const d = docOf();
    if (lastEl < 0) return groupAlone(d);
    let level = elRoot;
    for (let i = 0; i < lastEl; i++) level = slot(level, (elGetters[i] as Getter)(row), newLevel) as KeyLevel;
    return groupIn(slot(level, (elGetters[lastEl] as Getter)(row), newLeaf) as Leaf, d);
  };
  const perElement = fields.filter((f) => !f.perDocument);
  const inLeaf = (leaf: Leaf): GroupState => groupIn(leaf, docOf());
  // countIn's table: per document index, the rows of each leaf's group, by the leaf's number. A
  // response's answers land in its own document index's row, and a count is a number in a typed
  // array rather than a field of a group object among the heap's millions: with 136 districts ×
  // the questionnaires (~100,000 groups) the look-up and the group's cache miss were most of the pass.
  const tally: Array<Int32Array | undefined> = [];
  let tallyCells = 0;
  /** The groups countIn started, with where their counts are. */
  const tallied: GroupState[] = [];
  const talliedAt: number[] = [];
  const countIn = (leaf: Leaf): void => {
    const d = docOf();
    const id = leaf.id;
    let counts = tally[d];
    if (counts === undefined || id >= counts.length) {
      const length = Math.max(64, id + 1, counts === undefined ? 0 : counts.length * 2);
      // Past the bound (a breakdown into tens of thousands) the group objects count, as before.
      if (tallyCells + length > MAX_TALLY_CELLS) {
        groupIn(leaf, d).rows++;
        return;
      }
      const grown = new Int32Array(length);
      if (counts !== undefined) grown.set(counts);
      tallyCells += length - (counts === undefined ? 0 : counts.length);
      while (tally.length < d) tally.push(undefined);
      tally[d] = grown;
      counts = grown;
    }
    const n = counts[id] as number;
    if (n === 0) {
      // The group is made (or found, if another path made it) with this row, as before.
      tallied.push(groupIn(leaf, d));
      talliedAt.push(d, id);
    }
    counts[id] = n + 1;
  };
  const settle = (): void => {
    for (let k = 0; k < tallied.length; k++) {
      const counts = tally[talliedAt[2 * k] as number] as Int32Array;
      (tallied[k] as GroupState).rows += counts[talliedAt[2 * k + 1] as number] as number;
    }
  };
  if (perElement.length === 0 || perElement.some((f) => f.elementField === undefined))
    return { find, element: undefined, leafOf: undefined, inLeaf, countIn, settle };
  const names = perElement.map((f) => f.elementField as string);
  const lastName = names.length - 1;
  // What the element getters read: an own or inherited field, a method counting as missing.
  const field = (el: Doc, name: string): unknown => {
    const v = el[name];
    return v === undefined || typeof v === 'function' ? undefined : v;
  };
  const element = (el: Doc): GroupState => {
    const d = docOf();
    let level = elRoot;
    for (let k = 0; k < lastName; k++) level = slot(level, field(el, names[k] as string), newLevel) as KeyLevel;
    return groupIn(slot(level, field(el, names[lastName] as string), newLeaf) as Leaf, d);
  };
  const leafOf = (values: readonly unknown[]): Leaf => {
    let level = elRoot;
    for (let k = 0; k < lastName; k++) level = slot(level, values[k], newLevel) as KeyLevel;
    return slot(level, values[lastName], newLeaf) as Leaf;
  };
  return { find, element, leafOf, inLeaf, countIn, settle };
}

function groupId(plan: FusedPlan, row: Row): unknown {
  if (plan.idValue) return plan.idValue(row) ?? null;
  const fields = plan.idFields;
  if (!fields) return plan.idConstant;
  const id: Doc = {};
  for (const f of fields) {
    const v = f.get ? f.get(row) : f.constant;
    if (v !== undefined) id[f.name] = v;
  }
  return id;
}

/** A count-only group's accumulator state: its rows say it all. Never written. */
const NO_STATE: never[] = [];

function newGroup(plan: FusedPlan, row: Row): GroupState {
  if (plan.accs.every((acc) => acc.kind === 'count'))
    return { id: groupId(plan, row), rows: 0, values: NO_STATE, counts: NO_STATE };
  const values: unknown[] = [];
  for (const acc of plan.accs) {
    switch (acc.kind) {
      case 'sum':
      case 'avg':
        values.push(0);
        break;
      case 'push':
        values.push([]);
        break;
      case 'addToSet':
        values.push(new Map<string, unknown>());
        break;
      case 'first':
        values.push(acc.get(row) ?? null);
        break;
      default:
        values.push(undefined);
    }
  }
  return { id: groupId(plan, row), rows: 0, values, counts: plan.accs.map(() => 0) };
}

function numberOrSkip(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  // mingo skips Long/Decimal128 wrappers in $sum; rather than a third behaviour, hand them back.
  if (
    typeof v === 'bigint' ||
    (typeof v === 'object' && v !== null && !Array.isArray(v) && !isPlainObject(v) && isNumeric(v))
  )
    throw new Unsupported();
  return undefined;
}

function accumulate(g: GroupState, plan: FusedPlan, row: Row): void {
  g.rows++;
  const accs = plan.accs;
  for (let a = 0; a < accs.length; a++) {
    const acc = accs[a] as AccPlan;
    switch (acc.kind) {
      case 'count':
      case 'first':
        break;
      case 'sum': {
        const n = numberOrSkip(acc.get(row));
        if (n !== undefined) g.values[a] = (g.values[a] as number) + n;
        break;
      }
      case 'avg': {
        const n = numberOrSkip(acc.get(row));
        if (n !== undefined) {
          g.values[a] = (g.values[a] as number) + n;
          g.counts[a] = (g.counts[a] as number) + 1;
        }
        break;
      }
      case 'min':
      case 'max': {
        const v = acc.get(row);
        if (v === undefined || v === null) break;
        const best = g.values[a];
        if (best === undefined) {
          g.values[a] = v;
          break;
        }
        const c =
          typeof v === 'number' && typeof best === 'number' && !Number.isNaN(v) && !Number.isNaN(best)
            ? v - best
            : compareValues(v, best);
        if (acc.kind === 'min' ? c < 0 : c > 0) g.values[a] = v;
        break;
      }
      case 'last':
        g.values[a] = acc.get(row) ?? null;
        break;
      case 'push': {
        const v = acc.get(row);
        if (v !== undefined) (g.values[a] as unknown[]).push(v);
        break;
      }
      case 'addToSet': {
        const v = acc.get(row);
        if (v === undefined) break;
        const set = g.values[a] as Map<string, unknown>;
        const k = keyString(v);
        if (!set.has(k)) set.set(k, v);
        break;
      }
    }
  }
}

function finish(g: GroupState, plan: FusedPlan): Doc {
  const out: Doc = { _id: g.id };
  plan.accs.forEach((acc, a) => {
    const v = g.values[a];
    switch (acc.kind) {
      case 'count':
        out[acc.name] = g.rows * acc.constant;
        break;
      case 'avg':
        out[acc.name] = (g.counts[a] as number) > 0 ? (v as number) / (g.counts[a] as number) : null;
        break;
      case 'min':
      case 'max':
        out[acc.name] = v ?? null;
        break;
      case 'addToSet':
        out[acc.name] = [...(v as Map<string, unknown>).values()];
        break;
      default:
        out[acc.name] = v;
    }
  });
  return out;
}

/** The element was left out by the `$match`. */
const FILTERED = null;

/**
 * The usual answer read from its array's element columns (element-columns.ts): the `$match` on
 * the element decided per atom, once per pass, and the group found by atoms in maps keyed by small
 * numbers, whose leaves are the ones the element's own values reach. Undefined when the plan has
 * another shape; the function's undefined means "this element the usual way" (a value that is no
 * atom).
 */
function columnPass(
  plan: FusedPlan,
  finder: GroupFinder,
):
  | {
      reader: ColumnReader;
      width: number;
      at: (cells: Int32Array, base: number) => Leaf | null | undefined;
    }
  | undefined {
  const { unwind, elementChecks: checks, filters } = plan;
  const leafOf = finder.leafOf;
  if (unwind?.parts.length !== 1 || !leafOf || finder.element === undefined) return undefined;
  if (checks === undefined && filters.length > 0) return undefined;
  const groupNames = (plan.idFields ?? [])
    .filter((f) => f.get !== undefined && !f.perDocument)
    .map((f) => f.elementField as string);
  const checkList = checks ?? [];
  const fields = [...new Set([...checkList.map((c) => c.field), ...groupNames])];
  const width = fields.length;
  const checkAt = checkList.map((c) => fields.indexOf(c.field));
  const groupAt = groupNames.map((n) => fields.indexOf(n));
  const lastGroup = groupAt.length - 1;
  // Per check, per atom: 0 not decided yet, 1 passes, 2 fails.
  const verdicts = checkList.map(() => new Int8Array(atomCount() + 64));
  const decide = (c: ElementCheck, x: unknown): boolean => {
    let hit = false;
    if (Array.isArray(x)) {
      for (const e of x) if (c.pass(e)) hit = true;
    } else hit = c.pass(x);
    return hit !== c.negate;
  };
  // Per `_id` level, each atom's number in this pass (0: none yet), so a level is an array
  // indexed by small numbers rather than a map.
  const locals = groupAt.map(() => new Int32Array(atomCount() + 64));
  const counts = groupAt.map(() => 0);
  const local = (k: number, id: number): number => {
    let m = locals[k] as Int32Array;
    if (id >= m.length) {
      const grown = new Int32Array(Math.max(atomCount(), id + 1) + 64);
      grown.set(m);
      locals[k] = grown;
      m = grown;
    }
    let n = m[id] as number;
    if (n === 0) {
      n = ++(counts[k] as number);
      counts[k] = n;
      m[id] = n;
    }
    return n;
  };
  const root: unknown[] = [];
  const values: unknown[] = new Array(groupAt.length).fill(undefined);
  const reader = columnReader(fields);
  const at = (block: Int32Array, base: number): Leaf | null | undefined => {
    for (let k = 0; k < checkAt.length; k++) {
      const id = block[base + (checkAt[k] as number)] as number;
      if (id === UNKNOWN) return undefined;
      let vs = verdicts[k] as Int8Array;
      if (id >= vs.length) {
        const grown = new Int8Array(Math.max(atomCount(), id + 1) + 64);
        grown.set(vs);
        verdicts[k] = grown;
        vs = grown;
      }
      let r = vs[id] as number;
      if (r === 0) {
        r = decide(checkList[k] as ElementCheck, atomValue(id)) ? 1 : 2;
        vs[id] = r;
      }
      if (r === 2) return FILTERED;
    }
    let node = root;
    for (let k = 0; k < lastGroup; k++) {
      const id = block[base + (groupAt[k] as number)] as number;
      if (id === UNKNOWN) return undefined;
      const n = local(k, id);
      let next = node[n] as unknown[] | undefined;
      if (next === undefined) {
        next = [];
        node[n] = next;
      }
      node = next;
    }
    const id = block[base + (groupAt[lastGroup] as number)] as number;
    if (id === UNKNOWN) return undefined;
    const n = local(lastGroup, id);
    let leaf = node[n] as Leaf | undefined;
    if (leaf === undefined) {
      for (let k = 0; k <= lastGroup; k++) values[k] = atomValue(block[base + (groupAt[k] as number)] as number);
      leaf = leafOf(values);
      node[n] = leaf;
    }
    return leaf;
  };
  return { reader, width, at };
}

/**
 * Runs the segment over `docs` (never modified). Groups come out in the order their first row was
 * seen, as from mingo. Undefined means "run these stages on mingo instead".
 */
export function runFusedGroup(plan: FusedPlan, docs: Iterable<Doc>): Doc[] | undefined {
  const groups: GroupState[] = [];
  const row: Row = { seq: 0, doc: {}, layer: undefined, mode: ORIGINAL, el: undefined, idx: null };
  const finder = groupFinder(plan, row, () => {
    const g = newGroup(plan, row);
    groups.push(g);
    return g;
  });
  const { find: findGroup, element: elementGroup } = finder;
  const columns = columnPass(plan, finder);
  let cellsRead = 0;
  const { unwind, filters, filtersOnUnwound, elementTest } = plan;
  // `$sum: <number>` only (the counting pipelines): a row adds one to its group's rows.
  const countOnly = plan.accs.every((acc) => acc.kind === 'count');
  const visit = (): void => {
    const quick = elementTest !== undefined && row.mode === ELEMENT ? elementTest(row.el) : undefined;
    if (quick === false) return;
    if (quick === undefined && filters.length > 0) {
      const doc = virtualDoc(row, unwind, filtersOnUnwound);
      for (const f of filters) if (!f.test(doc)) return;
    }
    accumulate(findGroup(), plan, row);
  };
  try {
    const pre = preparePre(plan);
    const steps = pre.length;
    const list = Array.isArray(docs) ? (docs as Doc[]) : [...docs];
    for (let d = 0; d < list.length; d++) {
      row.doc = list[d] as Doc;
      row.layer = undefined;
      row.mode = ORIGINAL;
      row.el = undefined;
      row.idx = null;
      row.seq++;
      for (let k = 0; k < steps; k++) (pre[k] as (row: Row) => void)(row);
      if (!unwind) {
        visit();
        continue;
      }
      const target = unwindTarget(row, unwind.parts);
      if (Array.isArray(target)) {
        if (target.length === 0) {
          if (unwind.preserve) {
            row.mode = REMOVED;
            visit();
          }
          continue;
        }
        row.mode = ELEMENT;
        let start = -1;
        let cells: Int32Array | undefined;
        if (columns !== undefined) {
          start = columns.reader.at(target);
          cells = columns.reader.cells();
          cellsRead += target.length * columns.width;
        }
        for (let i = 0; i < target.length; i++) {
          const el = target[i];
          row.el = el;
          row.idx = i;
          if (cells !== undefined) {
            const leaf = (columns as NonNullable<typeof columns>).at(
              cells,
              start + i * (columns as NonNullable<typeof columns>).width,
            );
            if (leaf === FILTERED) continue;
            if (leaf !== undefined) {
              if (countOnly) finder.countIn(leaf);
              else accumulate(finder.inLeaf(leaf), plan, row);
              continue;
            }
          }
          // The usual answer: a document decided by the element test, grouped by its own fields.
          if (elementGroup !== undefined && isPlainObject(el)) {
            const quick = elementTest !== undefined ? elementTest(el) : filters.length === 0 ? true : undefined;
            if (quick === false) continue;
            if (quick === true) {
              const g = elementGroup(el);
              if (countOnly) g.rows++;
              else accumulate(g, plan, row);
              continue;
            }
          }
          visit();
        }
      } else if (unwind.preserve || (target !== undefined && target !== null)) {
        // A scalar is a one-element array, left where it is; null and missing only when preserved.
        visit();
      }
    }
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
  columns?.reader.done(cellsRead);
  finder.settle();
  const out: Doc[] = [];
  for (const g of groups) out.push(finish(g, plan));
  return out;
}

/**
 * Runs `stages` over `input`: each recognised segment on the fused pass, the stages between on
 * `runMingo` (which must not let mingo modify the documents it is given).
 */
export function executePipeline(
  input: Doc[],
  stages: readonly unknown[],
  extras: MingoExtras,
  runMingo: (docs: Doc[], stages: readonly unknown[]) => Doc[],
): Doc[] {
  let docs = input;
  let pos = 0;
  for (;;) {
    let start = pos;
    let plan: FusedPlan | undefined;
    for (; start < stages.length; start++) {
      plan = planFusedGroup(stages, start, extras);
      if (plan) break;
    }
    if (!plan) return runMingo(docs, stages.slice(pos));
    const before = runMingo(docs, stages.slice(pos, start));
    const grouped = runFusedGroup(plan, before);
    if (!grouped) return runMingo(before, stages.slice(start));
    docs = grouped;
    pos = start + plan.length;
  }
}
