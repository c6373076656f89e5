/**
 * The glue between MongoDB request documents and mingo: filter compilation with the unsupported
 * operators rejected up front, sort with MongoDB's BSON order, and find-style projection.
 */
import type { Iterator } from 'mingo/lazy';
import type { Options, PipelineOperator, QueryOperator } from 'mingo/types';
import {
  accumulatorOperators,
  Context,
  expressionOperators,
  Lazy,
  pipelineOperators,
  projectionOperators,
  Query,
  queryOperators,
  windowOperators,
} from './mingo.js';
import { CommandError, notImplemented } from './errors.js';
import {
  bsonTypeName,
  cloneValue,
  compareValues,
  EMPTY_ARRAY_KEY,
  getPathValues,
  isNumeric,
  isPlainObject,
  isScalarKey,
  keyString,
  type Doc,
} from './values.js';
import { isObjectIdWords, type ObjectIdWords } from '../models/object-id-words.js';

const TYPE_ALIASES: Record<string, string> = {
  1: 'double',
  2: 'string',
  3: 'object',
  4: 'array',
  5: 'binData',
  6: 'undefined',
  7: 'objectId',
  8: 'bool',
  9: 'date',
  10: 'null',
  11: 'regex',
  13: 'javascript',
  14: 'symbol',
  16: 'int',
  17: 'timestamp',
  18: 'long',
  19: 'decimal',
  [-1]: 'minKey',
  127: 'maxKey',
};

function typeMatches(v: unknown, wanted: string): boolean {
  if (wanted === 'number') return isNumeric(v);
  const actual = bsonTypeName(v);
  // A JS number decoded from BSON may have been an int32 or a double; accept both spellings.
  if (typeof v === 'number' && (wanted === 'double' || wanted === 'int'))
    return Number.isInteger(v) || wanted === 'double';
  return actual === wanted;
}

/** mingo's $type does not know ObjectId, Binary, Long or Decimal128; this one does. */
function $type(selector: string, value: unknown): (obj: Record<string, unknown>) => boolean {
  const wanted = (Array.isArray(value) ? value : [value]).map((t) => {
    const name = typeof t === 'number' ? TYPE_ALIASES[String(t)] : typeof t === 'string' ? t : undefined;
    if (name === undefined) throw new CommandError('BadValue', `Unknown type name alias: ${String(t)}`);
    return name;
  });
  return (obj) =>
    getPathValues(obj, selector, false).some(
      (v) =>
        v !== undefined &&
        wanted.some(
          (t) => typeMatches(v, t) || (Array.isArray(v) && t !== 'array' && v.some((el) => typeMatches(el, t))),
        ),
    );
}

/**
 * Our own operator context instead of mingo's default one: when contexts are merged mingo keeps
 * the first definition of an operator, so the only way to replace `$type` is to register it
 * before the stock operators. Use this module's `Query`/`Aggregator` options, not mingo's index.
 */
/** Type bracketing as MongoDB does it: only values of the same canonical type compare. */
function rangeOperator(
  accept: (c: number) => boolean,
): (selector: string, value: unknown) => (obj: Record<string, unknown>) => boolean {
  return (selector, value) => {
    const wantedRank = bracketOf(value);
    const includeArrays = Array.isArray(value);
    return (obj) => {
      const values = getPathValues(obj, selector, true);
      if (includeArrays) values.push(...getPathValues(obj, selector, false).filter(Array.isArray));
      return values.some((v) => {
        const x = v === undefined ? null : v;
        return bracketOf(x) === wantedRank && accept(compareValues(x, value));
      });
    };
  };
}

function bracketOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (isNumeric(v)) return 'number';
  const t = bsonTypeName(v);
  return t === 'symbol' ? 'string' : t;
}

/**
 * mingo compares Long and Decimal128 by their decimal strings and never across number types;
 * these use MongoDB's numeric comparison with type bracketing.
 */
const RANGE_OPERATORS = {
  $gt: rangeOperator((c) => c > 0),
  $gte: rangeOperator((c) => c >= 0),
  $lt: rangeOperator((c) => c < 0),
  $lte: rangeOperator((c) => c <= 0),
};

/** Aggregation `$sort` with MongoDB's order (arrays sort by their min/max element, BSON type order). */
function $sortStage(coll: Iterator, expr: unknown): Iterator {
  const spec = parseSort(expr);
  if (!spec) throw new CommandError('BadValue', '$sort stage must have at least one sort key');
  return Lazy(sortDocs(coll.collect() as Doc[], spec));
}

/**
 * The equality join of `$lookup` by `localField`/`foreignField`, on canonical keys: given the
 * values a document holds at `localField` (as `getPathValues(doc, localField, true)` lists them),
 * the foreign documents whose field, or an element of it, equals one of them; missing and null
 * match missing and null, an empty array matches nothing. Matches keep the foreign collection's
 * natural order.
 * With `shared`, one local value's matches are one array per value, the same for every document
 * that asks (the caller must not change it), and an ObjectId is found by its words: a join per
 * response (a region breakdown over every answer) made a hex key string and a new array for each.
 */
export function hashJoin(
  foreign: readonly Doc[],
  foreignField: string,
  shared = false,
): (localValues: readonly unknown[]) => Doc[] {
  const byKey = new Map<string, number[]>();
  foreign.forEach((doc, ordinal) => {
    for (const v of getPathValues(doc, foreignField, true)) {
      if (v === EMPTY_ARRAY_KEY) continue;
      const key = keyString(v);
      const list = byKey.get(key);
      if (list === undefined) byKey.set(key, [ordinal]);
      // Ordinals only grow, so a document already listed under this key is the last entry.
      else if (list[list.length - 1] !== ordinal) list.push(ordinal);
    }
  });
  const docsOf = (ordinals: number[] | undefined): Doc[] => (ordinals ? ordinals.map((o) => foreign[o] as Doc) : []);
  const sharedByKey = new Map<string, Doc[]>();
  // By the last word, then the other three compared: an ObjectId's last bytes (its counter) differ most.
  const byWords = new Map<number, Array<ObjectIdWords & { docs: Doc[] }>>();
  // The last ObjectId joined and its documents: the store holds a teacher's id once for all her
  // responses (shared-values.ts), and they follow each other, so most look-ups are this one.
  let lastId: ObjectIdWords | undefined;
  let lastDocs: Doc[] = [];
  const one = (only: unknown): Doc[] => {
    if (only === EMPTY_ARRAY_KEY) return [];
    if (!shared) return docsOf(byKey.get(keyString(only)));
    if (only === lastId && lastId !== undefined) return lastDocs;
    if (isObjectIdWords(only)) {
      lastId = only;
      lastDocs = byWordsOf(only);
      return lastDocs;
    }
    const key = keyString(only);
    let docs = sharedByKey.get(key);
    if (docs === undefined) {
      docs = docsOf(byKey.get(key));
      sharedByKey.set(key, docs);
    }
    return docs;
  };
  const byWordsOf = (only: ObjectIdWords): Doc[] => {
    const { i0, i1, i2, i3 } = only;
    let bucket = byWords.get(i3);
    if (bucket === undefined) {
      bucket = [];
      byWords.set(i3, bucket);
    }
    for (const e of bucket) if (e.i0 === i0 && e.i1 === i1 && e.i2 === i2) return e.docs;
    const docs = docsOf(byKey.get(keyString(only)));
    bucket.push({ i0, i1, i2, i3, docs });
    return docs;
  };
  return (locals) => {
    if (locals.length === 1) return one(locals[0]);
    const seen = new Set<number>();
    for (const v of locals) for (const o of byKey.get(keyString(v)) ?? []) seen.add(o);
    return [...seen].sort((a, b) => a - b).map((o) => foreign[o] as Doc);
  };
}

/** `{from, localField, foreignField, as}` with a collection name and an undotted `as`. */
export function isPlainLookup(
  expr: unknown,
): expr is { from: string; localField: string; foreignField: string; as: string } {
  return (
    isPlainObject(expr) &&
    Object.keys(expr).every((k) => k === 'from' || k === 'localField' || k === 'foreignField' || k === 'as') &&
    typeof expr.from === 'string' &&
    typeof expr.localField === 'string' &&
    typeof expr.foreignField === 'string' &&
    typeof expr.as === 'string' &&
    expr.as !== '' &&
    !expr.as.includes('.') &&
    !expr.as.startsWith('$')
  );
}

/**
 * `$lookup` by `localField`/`foreignField` on `hashJoin`. mingo's own join hashes each ObjectId
 * through its generic object hashing and equality, which dominated joins over every response
 * (region breakdowns); canonical keys also follow MongoDB's equality (1 == 1.0 == Long(1)).
 * Other forms (pipeline, let, a literal `from`, a dotted `as`) stay with mingo.
 */
function $lookupStage(coll: Iterator, expr: unknown, options: Options): Iterator {
  const foreign = isPlainLookup(expr) ? options.collectionResolver?.(expr.from) : undefined;
  if (!isPlainLookup(expr) || !Array.isArray(foreign))
    return pipelineOperators.$lookup(coll, expr as Parameters<typeof pipelineOperators.$lookup>[1], options);
  const join = hashJoin(foreign, expr.foreignField);
  const { localField, as } = expr;
  return coll.map((obj) => ({ ...(obj as Doc), [as]: join(getPathValues(obj, localField, true)) }));
}

// mingo types an operator as the intersection of all built-in signatures, which no new function
// can satisfy; these follow the documented (selector, value, options) / (iterator, expr, options) shapes.
const OVERRIDE_QUERY_OPS = { $type, ...RANGE_OPERATORS } as unknown as Record<`$${string}`, QueryOperator>;
const OVERRIDE_PIPELINE_OPS = { $sort: $sortStage, $lookup: $lookupStage } as unknown as Record<
  `$${string}`,
  PipelineOperator
>;

const FULL_CONTEXT = Context.init({ query: OVERRIDE_QUERY_OPS, pipeline: OVERRIDE_PIPELINE_OPS })
  .addQueryOps(queryOperators)
  .addAccumulatorOps(accumulatorOperators)
  .addExpressionOps(expressionOperators)
  .addPipelineOps(pipelineOperators)
  .addProjectionOps(projectionOperators)
  .addWindowOps(windowOperators);

/**
 * mingo copies the whole operator context every time it is handed plain options (each Query, each
 * update call). With every operator that copy dominated a findOne, so filters without `$expr` and
 * operator updates get a context holding only query operators.
 */
const QUERY_CONTEXT = Context.init({ query: OVERRIDE_QUERY_OPS }).addQueryOps(queryOperators);

export interface MingoExtras {
  variables?: Doc | undefined;
  collectionResolver?: ((name: string) => Doc[]) | undefined;
  /** Only query operators are needed (no aggregation expressions, stages or projections). */
  queryOnly?: boolean | undefined;
}

export function mingoOptions(extras: MingoExtras = {}): Partial<Options> {
  const context = extras.queryOnly ? QUERY_CONTEXT : FULL_CONTEXT;
  const opts: Partial<Options> = { context, scriptEnabled: false, useStrictMode: true };
  return {
    ...opts,
    ...(extras.variables ? { variables: extras.variables } : {}),
    ...(extras.collectionResolver ? { collectionResolver: extras.collectionResolver } : {}),
  };
}

const UNSUPPORTED_QUERY_OPERATORS: Record<string, string> = {
  $where: '$where (server-side JavaScript)',
  $text: '$text (full-text search)',
  $near: '$near (geospatial query)',
  $nearSphere: '$nearSphere (geospatial query)',
  $geoWithin: '$geoWithin (geospatial query)',
  $geoIntersects: '$geoIntersects (geospatial query)',
  $jsonSchema: '$jsonSchema',
  $function: '$function (server-side JavaScript)',
  $accumulator: '$accumulator (server-side JavaScript)',
};

/** Walks any request structure and rejects operators we cannot honour with a clear message. */
export function rejectUnsupportedOperators(value: unknown, extra: Record<string, string> = {}): void {
  if (Array.isArray(value)) {
    for (const v of value) rejectUnsupportedOperators(v, extra);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) {
      const what = UNSUPPORTED_QUERY_OPERATORS[k] ?? extra[k];
      if (what) throw notImplemented(what);
    }
    rejectUnsupportedOperators(v, extra);
  }
}

export interface Filter {
  readonly empty: boolean;
  test(doc: Doc): boolean;
  readonly source: Doc;
}

export function compileFilter(filter: unknown, extras: MingoExtras = {}): Filter {
  if (filter === undefined || filter === null) return { empty: true, test: () => true, source: {} };
  if (!isPlainObject(filter)) throw new CommandError('TypeMismatch', 'filter must be an object');
  rejectUnsupportedOperators(filter);
  // $comment is legal at the top of a MongoDB filter but unknown to mingo.
  let source = filter;
  if ('$comment' in filter) {
    source = { ...filter };
    delete source.$comment;
  }
  if (Object.keys(source).length === 0) return { empty: true, test: () => true, source };
  const fast = equalityMatcher(source);
  if (fast) return { empty: false, test: fast, source };
  const split = splitMatcher(source, extras);
  if (split) return { empty: false, test: split, source };
  return { empty: false, test: mingoMatcher(source, extras), source };
}

function mingoMatcher(filter: Doc, extras: MingoExtras): (doc: Doc) => boolean {
  const query = new Query(filter, mingoOptions({ ...extras, queryOnly: !usesExpressions(filter) }));
  return (doc) => query.test(doc);
}

/**
 * A filter's top-level fields are ANDed, so each can be tested on its own: the equality and `$in`
 * fields by the key-set matcher, date ranges by comparing times, and only the rest by mingo. A
 * scoped aggregate's `{cohortId: {$in: [40 ids]}, status, completedAt: {$gte, $lt}}` went to mingo
 * whole for its range, and mingo's `$in` hashes every listed ObjectId again for each document.
 * Undefined when no field can be taken from mingo.
 */
function splitMatcher(filter: Doc, extras: MingoExtras): ((doc: Doc) => boolean) | undefined {
  const equalities: Doc = {};
  const ranges: Array<(doc: Doc) => boolean> = [];
  const rest: Doc = {};
  for (const [path, cond] of Object.entries(filter)) {
    if (equalityMatcher({ [path]: cond })) equalities[path] = cond;
    else {
      const range = dateRangeMatcher(path, cond, extras);
      if (range) ranges.push(range);
      else rest[path] = cond;
    }
  }
  const equal = Object.keys(equalities).length > 0 ? equalityMatcher(equalities) : undefined;
  if (!equal && ranges.length === 0) return undefined;
  const others = Object.keys(rest).length > 0 ? mingoMatcher(rest, extras) : undefined;
  return (doc) => {
    if (equal && !equal(doc)) return false;
    for (const range of ranges) if (!range(doc)) return false;
    return others === undefined || others(doc);
  };
}

const RANGE_TESTS: Record<string, (time: number, bound: number) => boolean> = {
  $gt: (t, b) => t > b,
  $gte: (t, b) => t >= b,
  $lt: (t, b) => t < b,
  $lte: (t, b) => t <= b,
};

/**
 * `{field: {$gte: Date, $lt: Date}}` on a top-level field: a stored date is compared by its time
 * (a date bound matches dates only, in MongoDB as here); any other value (an array, a string,
 * missing) is left to mingo for this field alone.
 */
function dateRangeMatcher(path: string, cond: unknown, extras: MingoExtras): ((doc: Doc) => boolean) | undefined {
  if (path.startsWith('$') || path.includes('.') || !isPlainObject(cond)) return undefined;
  const tests: Array<[(time: number, bound: number) => boolean, number]> = [];
  for (const [op, bound] of Object.entries(cond)) {
    const test = RANGE_TESTS[op];
    if (!test || !(bound instanceof Date) || !Number.isFinite(bound.getTime())) return undefined;
    tests.push([test, bound.getTime()]);
  }
  if (tests.length === 0) return undefined;
  const fallback = mingoMatcher({ [path]: cond }, extras);
  return (doc) => {
    const v = doc[path];
    if (!(v instanceof Date)) return fallback(doc);
    const time = v.getTime();
    for (const [test, bound] of tests) if (!test(time, bound)) return false;
    return true;
  };
}

/** `$expr` (and `$$` variables inside it) need mingo's aggregation expression operators. */
export function usesExpressions(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(usesExpressions);
  if (!isPlainObject(value)) return false;
  for (const [k, v] of Object.entries(value)) {
    if (k === '$expr' || usesExpressions(v)) return true;
  }
  return false;
}

/**
 * Filters made only of scalar equalities and `$in` lists of scalars (`{_id}`, `{email}`,
 * `{name, type}`, `{cohortId: {$in: [...]}}`), the bulk of the bot's reads and of the monitoring
 * matches, are matched without mingo (whose `$in` hashes every listed ObjectId again for each
 * document): a field matches when it, or an element of the array it holds, has the canonical key
 * of a wanted value, which is MongoDB's equality.
 */
function equalityMatcher(filter: Doc): ((doc: Doc) => boolean) | undefined {
  // Per field: the wanted canonical keys, and the wanted strings as they are (a string equals only
  // a string, so a stored string is compared without building its key: most filters are strings).
  // The keys are made when first needed: a filter the `_id` index answers exactly (a thousand
  // teachers by id, for each batch of an export) is never tested, and made one key string per id.
  const wanted: Array<{
    path: string;
    dotted: boolean;
    values: unknown[];
    keys: Set<string> | undefined;
    strings: Set<string>;
  }> = [];
  for (const [path, cond] of Object.entries(filter)) {
    if (path.startsWith('$') || path.split('.').some((p) => p === '' || /^\d+$/.test(p))) return undefined;
    let values: unknown[] = [cond];
    if (isPlainObject(cond)) {
      const keys = Object.keys(cond);
      if (keys.length !== 1) return undefined;
      if (keys[0] === '$in' && Array.isArray(cond.$in)) values = cond.$in;
      else if (keys[0] === '$eq') values = [cond.$eq];
      else return undefined;
    }
    if (!values.every(isScalarKey)) return undefined;
    wanted.push({
      path,
      dotted: path.includes('.'),
      // A copy: the keys are made later, from the values as they were asked.
      values: values.slice(),
      keys: undefined,
      strings: new Set(values.filter((v): v is string => typeof v === 'string')),
    });
  }
  return (doc) => {
    for (const field of wanted) {
      const { path, dotted, strings } = field;
      const top = dotted ? undefined : doc[path];
      if (typeof top === 'string') {
        if (!strings.has(top)) return false;
        continue;
      }
      field.keys ??= new Set(field.values.map(keyString));
      const keys = field.keys;
      if (top !== undefined && !Array.isArray(top)) {
        if (!keys.has(keyString(top))) return false;
        continue;
      }
      if (!getPathValues(doc, path, true).some((v) => v !== undefined && keys.has(keyString(v)))) return false;
    }
    return true;
  };
}

export type SortSpec = Array<[string, 1 | -1]>;

export function parseSort(sort: unknown): SortSpec | undefined {
  if (sort === undefined || sort === null) return undefined;
  if (!isPlainObject(sort)) throw new CommandError('TypeMismatch', 'sort must be an object');
  const spec: SortSpec = [];
  for (const [field, dir] of Object.entries(sort)) {
    if (isPlainObject(dir) && '$meta' in dir) throw notImplemented(`sort by {$meta: ${JSON.stringify(dir.$meta)}}`);
    const n = typeof dir === 'number' ? dir : Number(dir);
    if (n !== 1 && n !== -1) {
      throw new CommandError('BadValue', `$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
    }
    spec.push([field, n]);
  }
  return spec.length ? spec : undefined;
}

/** MongoDB sorts an array field by its smallest element ascending and its largest descending. */
function sortKey(doc: Doc, field: string, dir: 1 | -1): unknown {
  const values = getPathValues(doc, field, true);
  if (values.length === 1) return values[0] === undefined ? null : values[0];
  let best: unknown = values[0];
  for (let i = 1; i < values.length; i++) {
    const c = compareValues(values[i], best);
    if (dir === 1 ? c < 0 : c > 0) best = values[i];
  }
  return best === undefined ? null : best;
}

export function sortDocs<T extends Doc>(docs: T[], spec: SortSpec | undefined): T[] {
  if (!spec) return docs;
  if (spec.length === 1 && spec[0]?.[0] === '$natural') return spec[0][1] === 1 ? docs : docs.slice().reverse();
  if (spec.length === 1 && spec[0]?.[0] === '_id' && inIdOrder(docs, spec[0][1])) return docs;
  const keyed = docs.map((doc) => ({ doc, keys: spec.map(([f, d]) => sortKey(doc, f, d)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < spec.length; i++) {
      const c = compareValues(a.keys[i], b.keys[i]);
      if (c !== 0) return c * (spec[i] as [string, 1 | -1])[1];
    }
    return 0;
  });
  return keyed.map((k) => k.doc);
}

/**
 * Documents inserted with growing ObjectIds are stored in `_id` order already: one pass that
 * finds them so spares the sort its key objects (a 100,000-document export read). An `_id` is
 * never an array, and unique, so the sort would return them as they are.
 */
function inIdOrder(docs: readonly Doc[], dir: 1 | -1): boolean {
  for (let i = 1; i < docs.length; i++) {
    if (compareValues((docs[i - 1] as Doc)._id ?? null, (docs[i] as Doc)._id ?? null) * dir > 0) return false;
  }
  return true;
}

export type Projector = (docs: Doc[]) => Doc[];

/**
 * Find-style projection. mingo edits nested objects of its input in place for dotted exclusions,
 * so each document is cloned first: stored documents are never handed to code that mutates.
 */
export function compileProjection(projection: unknown, filter: Filter): Projector | undefined {
  if (projection === undefined || projection === null) return undefined;
  if (!isPlainObject(projection)) throw new CommandError('TypeMismatch', 'projection must be an object');
  if (Object.keys(projection).length === 0) return undefined;
  rejectUnsupportedOperators(projection, { $meta: '$meta projection' });
  return plainProjector(projection) ?? mingoProjector(projection, filter);
}

/** Every find-style projection through mingo (the plain ones are done by `plainProjector`). */
export function mingoProjector(projection: Doc, filter: Filter): Projector {
  const positional = Object.keys(projection).some((k) => k.endsWith('.$'));
  const query = new Query(positional ? filter.source : {}, mingoOptions());
  const inclusion = Object.entries(projection).some(([k, v]) => k !== '_id' && v !== 0 && v !== false);
  return (docs) => {
    const projected = query.find(docs.map(cloneValue), projection).all() as Doc[];
    // mingo emits included fields in projection order; MongoDB keeps the document's order.
    return inclusion ? projected.map((p, i) => reorderLike(p, docs[i] as Doc)) : projected;
  };
}

function reorderLike(projected: Doc, original: Doc): Doc {
  const out: Doc = {};
  for (const k of Object.keys(original)) if (k in projected) out[k] = projected[k];
  for (const k of Object.keys(projected)) if (!(k in out)) out[k] = projected[k];
  return out;
}

/** Which fields a plain projection names: `true` for a whole field, a subtree for dotted paths. */
interface PathTree {
  [field: string]: true | PathTree;
}

/**
 * The common projection, fields only (`{a: 1, 'b.c': 1}` or `{a: 0}`), done without mingo: no
 * clone of the stored document (the result is only serialized; stored documents are never edited
 * in place) and no query machinery, so an export or a roster read pays for the fields it keeps.
 * Anything else (operators, `$`, path collisions, mixed modes) is left to mingo.
 */
export function plainProjector(projection: Doc): Projector | undefined {
  let inclusion: boolean | undefined;
  let withId = true;
  const tree: PathTree = {};
  for (const [path, value] of Object.entries(projection)) {
    if (typeof value !== 'number' && typeof value !== 'boolean') return undefined;
    if (path.includes('$') || path.startsWith('.') || path.endsWith('.') || path.includes('..')) return undefined;
    const include = value !== 0 && value !== false;
    if (path === '_id') {
      withId = include;
      continue;
    }
    if (inclusion !== undefined && inclusion !== include) return undefined;
    inclusion = include;
    const parts = path.split('.');
    let node = tree;
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      const existing = node[part];
      if (last) {
        if (existing !== undefined) return undefined; // a path collision: mingo (and MongoDB) refuse it
        node[part] = true;
      } else {
        if (existing === true) return undefined;
        const next: PathTree = existing ?? {};
        node[part] = next;
        node = next;
      }
    }
  }
  if (inclusion === undefined) {
    // Only `_id`: `{_id: 0}` drops it, `{_id: 1}` keeps only it.
    return withId
      ? (docs) => docs.map((d) => ('_id' in d ? { _id: d._id } : {}))
      : (docs) => docs.map((d) => excluded(d, { _id: true }));
  }
  if (inclusion) {
    if (withId && tree._id === undefined) tree._id = true;
    return (docs) => docs.map((d) => included(d, tree));
  }
  if (!withId) tree._id = true;
  return (docs) => docs.map((d) => excluded(d, tree));
}

function included(doc: Doc, tree: PathTree): Doc {
  const out: Doc = {};
  for (const key of Object.keys(doc)) {
    const node = tree[key];
    if (node === undefined) continue;
    const value = doc[key];
    if (node === true) out[key] = value;
    else if (isPlainObject(value)) out[key] = included(value, node);
    else if (Array.isArray(value)) out[key] = includedInArray(value, node);
  }
  return out;
}

/** Into arrays a dotted inclusion keeps the sub-documents' fields and drops plain values. */
function includedInArray(values: unknown[], tree: PathTree): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    if (isPlainObject(v)) out.push(included(v, tree));
    else if (Array.isArray(v)) out.push(includedInArray(v, tree));
  }
  return out;
}

function excluded(doc: Doc, tree: PathTree): Doc {
  const out: Doc = {};
  for (const key of Object.keys(doc)) {
    const node = tree[key];
    const value = doc[key];
    if (node === true) continue;
    if (node === undefined) out[key] = value;
    else if (isPlainObject(value)) out[key] = excluded(value, node);
    else if (Array.isArray(value)) out[key] = excludedInArray(value, node);
    else out[key] = value;
  }
  return out;
}

function excludedInArray(values: unknown[], tree: PathTree): unknown[] {
  return values.map((v) => (isPlainObject(v) ? excluded(v, tree) : Array.isArray(v) ? excludedInArray(v, tree) : v));
}
