/**
 * Update semantics on top of mingo's updater. What mingo lacks and is done here: `$setOnInsert`,
 * building an upsert's document from the filter's equality fields, `_id` immutability with
 * MongoDB's codes, and working on a private clone so a failed update never touches stored data.
 */
import { ObjectId } from 'bson';
import type { Modifier, PipelineStage } from 'mingo/updater';
import { update as mingoUpdate, updateOne as mingoUpdateOne } from './mingo.js';
import { CommandError } from './errors.js';
import { compileFilter, mingoOptions, rejectUnsupportedOperators, type Filter, type MingoExtras } from './query.js';
import {
  bsonTypeName,
  cloneValue,
  formatValue,
  getPath,
  isNumeric,
  isPlainObject,
  keyString,
  setPath,
  type Doc,
} from './values.js';

const UPDATE_OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$push',
  '$addToSet',
  '$pop',
  '$pull',
  '$pullAll',
  '$currentDate',
  '$bit',
  '$setOnInsert',
]);

const PIPELINE_UPDATE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

export type UpdateSpec =
  | { kind: 'replacement'; doc: Doc }
  | { kind: 'operators'; ops: Doc }
  | { kind: 'pipeline'; stages: Doc[] };

export function parseUpdate(u: unknown): UpdateSpec {
  if (Array.isArray(u)) {
    for (const stage of u) {
      if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
        throw new CommandError(
          'FailedToParse',
          'A pipeline stage specification object must contain exactly one field.',
        );
      }
      const name = Object.keys(stage)[0] as string;
      if (!PIPELINE_UPDATE_STAGES.has(name)) {
        throw new CommandError(
          'InvalidOptions',
          `${name} is not allowed to be used within an update (allowed: ${[...PIPELINE_UPDATE_STAGES].join(', ')})`,
        );
      }
    }
    rejectUnsupportedOperators(u);
    return { kind: 'pipeline', stages: u as Doc[] };
  }
  if (!isPlainObject(u))
    throw new CommandError('FailedToParse', 'Update argument must be either an object or an array');
  const keys = Object.keys(u);
  const dollar = keys.filter((k) => k.startsWith('$'));
  if (dollar.length === 0) return { kind: 'replacement', doc: u };
  if (dollar.length !== keys.length) {
    const plain = keys.find((k) => !k.startsWith('$'));
    throw new CommandError(
      'FailedToParse',
      `Unknown modifier: ${plain}. Expected a valid update modifier or pipeline-style update specified as an array`,
    );
  }
  for (const op of dollar) {
    if (!UPDATE_OPERATORS.has(op)) {
      throw new CommandError(
        'FailedToParse',
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!isPlainObject(u[op])) {
      throw new CommandError('FailedToParse', `Modifiers operate on fields but we found type ${typeof u[op]} instead.`);
    }
  }
  rejectUnsupportedOperators(u);
  return { kind: 'operators', ops: u };
}

export interface UpdateContext {
  filter: Doc;
  arrayFilters?: Doc[] | undefined;
  extras?: MingoExtras | undefined;
}

/** mingo reports MongoDB's conditions as plain messages; give them MongoDB's codes. */
function translateMingoError(err: unknown): never {
  if (err instanceof CommandError || !(err instanceof Error)) throw err;
  const msg = err.message;
  if (msg.includes('immutable field')) throw new CommandError('ImmutableField', msg);
  if (msg.includes('would create a conflict')) throw new CommandError('ConflictingUpdateOperators', msg);
  if (msg.includes("'.$'") || msg.includes('positional operator')) {
    throw new CommandError('BadValue', 'The positional operator did not find the match needed from the query.');
  }
  throw new CommandError('BadValue', msg);
}

function isPositionalSegment(seg: string): boolean {
  return seg === '$' || seg === '$[]' || (seg.startsWith('$[') && seg.endsWith(']'));
}

function hasPositional(path: string): boolean {
  return path.split('.').some(isPositionalSegment);
}

/** Compiled arrayFilters by identifier; `used` tracks which ones a path referred to. */
interface ArrayFilterSet {
  byId: Map<string, Filter>;
  used: Set<string>;
}

function compileArrayFilters(arrayFilters: Doc[] | undefined, extras: MingoExtras | undefined): ArrayFilterSet {
  const byId = new Map<string, Filter>();
  for (const filter of arrayFilters ?? []) {
    const ids = new Set(Object.keys(filter).map((k) => k.split('.')[0] as string));
    if (ids.size !== 1)
      throw new CommandError('FailedToParse', 'Each array filter must use a single top-level field name');
    const id = [...ids][0] as string;
    if (!/^[a-z][a-zA-Z0-9]*$/.test(id)) {
      throw new CommandError(
        'BadValue',
        `The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${id}'`,
      );
    }
    if (byId.has(id))
      throw new CommandError('FailedToParse', `Found multiple array filters with the same top-level field name ${id}`);
    byId.set(id, compileFilter(filter, extras));
  }
  return { byId, used: new Set() };
}

/** Index of the element the query matched in the array at `arrayPath`, for the `$` operator. */
function positionalIndex(arr: unknown[], arrayPath: string, filter: Doc, extras: MingoExtras | undefined): number {
  const keys = Object.keys(filter).filter((k) => k === arrayPath || k.startsWith(`${arrayPath}.`));
  if (keys.length === 0)
    throw new CommandError('BadValue', 'The positional operator did not find the match needed from the query.');
  const query = compileFilter(Object.fromEntries(keys.map((k) => [k, filter[k]])), extras);
  for (let i = 0; i < arr.length; i++) {
    const probe: Doc = {};
    setPath(probe, arrayPath, [arr[i]]);
    if (query.test(probe)) return i;
  }
  throw new CommandError('BadValue', 'The positional operator did not find the match needed from the query.');
}

/**
 * Turns a path with `$`, `$[]` or `$[id]` into the concrete index paths it designates in the
 * document as it was before the update (MongoDB evaluates every positional path against the
 * original document). mingo resolves positions per operator and treats two paths into the same
 * array (`a.$[x].status`, `a.$[x].at`) as a conflict, so it only ever sees concrete paths.
 */
function expandPath(doc: Doc, path: string, ctx: UpdateContext, filters: ArrayFilterSet): string[] {
  const segments = path.split('.');
  const out: string[] = [];
  const walk = (value: unknown, i: number, prefix: string[]): void => {
    if (i === segments.length) {
      out.push(prefix.join('.'));
      return;
    }
    const seg = segments[i] as string;
    if (!isPositionalSegment(seg)) {
      let next: unknown;
      if (isPlainObject(value)) next = value[seg];
      else if (Array.isArray(value) && /^\d+$/.test(seg)) next = value[Number(seg)];
      walk(next, i + 1, [...prefix, seg]);
      return;
    }
    const arrayPath = prefix.join('.');
    if (!Array.isArray(value)) {
      if (seg === '$')
        throw new CommandError('BadValue', 'The positional operator did not find the match needed from the query.');
      throw new CommandError(
        'BadValue',
        `The path '${arrayPath}' must exist in the document in order to apply array updates.`,
      );
    }
    let indexes: number[];
    if (seg === '$') {
      indexes = [positionalIndex(value, arrayPath, ctx.filter, ctx.extras)];
    } else if (seg === '$[]') {
      indexes = value.map((_, idx) => idx);
    } else {
      const id = seg.slice(2, -1);
      const filter = filters.byId.get(id);
      if (!filter) throw new CommandError('BadValue', `No array filter found for identifier '${id}' in path '${path}'`);
      filters.used.add(id);
      indexes = [];
      value.forEach((el, idx) => {
        if (filter.test({ [id]: el })) indexes.push(idx);
      });
    }
    for (const idx of indexes) walk(value[idx], i + 1, [...prefix, String(idx)]);
  };
  walk(doc, 0, []);
  return out;
}

/** Rewrites every positional path of the operators into concrete paths; checks path conflicts. */
function resolvePositional(target: Doc, ops: Doc, ctx: UpdateContext): Doc {
  const filters = compileArrayFilters(ctx.arrayFilters, ctx.extras);
  const anyPositional = Object.values(ops).some((body) => isPlainObject(body) && Object.keys(body).some(hasPositional));
  if (!anyPositional) {
    if (filters.byId.size) {
      const id = [...filters.byId.keys()][0] as string;
      throw new CommandError('FailedToParse', `The array filter for identifier '${id}' was not used in the update`);
    }
    return ops;
  }
  const out: Doc = {};
  const concrete: string[] = [];
  for (const [op, body] of Object.entries(ops)) {
    if (!isPlainObject(body)) {
      out[op] = body;
      continue;
    }
    const next: Doc = {};
    for (const [path, value] of Object.entries(body)) {
      if (!hasPositional(path)) {
        next[path] = value;
        concrete.push(path);
        continue;
      }
      if (op === '$rename')
        throw new CommandError('BadValue', `The source field for $rename may not be dynamic: ${path}`);
      for (const p of expandPath(target, path, ctx, filters)) {
        const clash = concrete.find((c) => pathsOverlap(c, p));
        if (clash)
          throw new CommandError(
            'ConflictingUpdateOperators',
            `Updating the path '${p}' would create a conflict at '${clash}'`,
          );
        next[p] = value;
        concrete.push(p);
      }
    }
    out[op] = next;
  }
  for (const id of filters.byId.keys()) {
    if (!filters.used.has(id))
      throw new CommandError('FailedToParse', `The array filter for identifier '${id}' was not used in the update`);
  }
  return out;
}

/** Takes `_id` out of $set-like operators: equal values are no-ops, others violate immutability. */
function extractIdAssignment(
  ops: Doc,
  currentId: unknown,
  allowSetWhenMissing: boolean,
): { ops: Doc; newId?: unknown } {
  let newId: unknown;
  let out = ops;
  for (const op of ['$set', '$setOnInsert']) {
    const body = out[op];
    if (!isPlainObject(body) || !('_id' in body)) continue;
    const value = body._id;
    const same = currentId !== undefined && keyString(value) === keyString(currentId);
    if (!same && !(allowSetWhenMissing && currentId === undefined)) {
      throw new CommandError(
        'ImmutableField',
        "Performing an update on the path '_id' would modify the immutable field '_id'",
      );
    }
    if (!same) newId = value;
    const rest = { ...body };
    delete rest._id;
    out = { ...out, [op]: rest };
  }
  return newId === undefined ? { ops: out } : { ops: out, newId };
}

const NUMERIC_OPS = new Set(['$inc', '$mul']);
const ARRAY_OPS = new Set(['$push', '$addToSet', '$pull', '$pullAll', '$pop']);

function isSimplePath(path: string): boolean {
  return !path.split('.').some((p) => p === '' || p.startsWith('$'));
}

/**
 * mingo silently skips an operator applied to a value of the wrong type (`$inc` on a string,
 * `$push` on a number, `$set: {'a.b'}` when `a` is 5); MongoDB refuses the update. These checks
 * restore MongoDB's errors for plain dotted paths (positional paths are left to mingo).
 */
function checkOperatorTypes(target: Doc, ops: Doc): void {
  for (const [op, body] of Object.entries(ops)) {
    if (!isPlainObject(body)) continue;
    for (const [path, operand] of Object.entries(body)) {
      if (!isSimplePath(path)) continue;
      const parts = path.split('.');
      let cur: unknown = target;
      let parentName = '';
      for (let i = 0; i < parts.length - 1 && cur !== undefined; i++) {
        const part = parts[i] as string;
        if (isPlainObject(cur)) cur = cur[part];
        else if (Array.isArray(cur) && /^\d+$/.test(part)) cur = cur[Number(part)];
        else {
          if (op === '$unset' || op === '$pull' || op === '$pullAll' || op === '$pop' || op === '$rename') {
            cur = undefined;
            break;
          }
          throw new CommandError(
            'PathNotViable',
            `Cannot create field '${part}' in element {${parentName}: ${formatValue(cur)}}`,
          );
        }
        parentName = part;
      }
      if (cur !== undefined && cur !== null && !isPlainObject(cur) && !Array.isArray(cur)) {
        if (op === '$unset' || op === '$pull' || op === '$pullAll' || op === '$pop' || op === '$rename') continue;
        throw new CommandError(
          'PathNotViable',
          `Cannot create field '${parts[parts.length - 1]}' in element {${parentName}: ${formatValue(cur)}}`,
        );
      }
      const last = parts[parts.length - 1] as string;
      const current: unknown = isPlainObject(cur)
        ? cur[last]
        : Array.isArray(cur) && /^\d+$/.test(last)
          ? cur[Number(last)]
          : undefined;
      if (NUMERIC_OPS.has(op)) {
        if (!isNumeric(operand)) {
          throw new CommandError(
            'TypeMismatch',
            `Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${formatValue(operand)}}`,
          );
        }
        if (current !== undefined && !isNumeric(current)) {
          throw new CommandError(
            'TypeMismatch',
            `Cannot apply ${op} to a value of non-numeric type. {_id: ${formatValue(target._id)}} has the field '${last}' of non-numeric type ${bsonTypeName(current)}`,
          );
        }
      } else if (ARRAY_OPS.has(op) && current !== undefined && !Array.isArray(current)) {
        throw new CommandError(
          'BadValue',
          `The field '${path}' must be an array but is of type ${bsonTypeName(current)} in document {_id: ${formatValue(target._id)}}`,
        );
      }
    }
  }
}

/**
 * `$addToSet` on plain paths. mingo's version deduplicates the whole array, so an array that
 * already held duplicates loses them and the new element is not added.
 */
function applyAddToSet(target: Doc, body: Doc): void {
  for (const [path, spec] of Object.entries(body)) {
    const values: unknown[] =
      isPlainObject(spec) && '$each' in spec ? (Array.isArray(spec.$each) ? spec.$each : []) : [spec];
    if (isPlainObject(spec) && '$each' in spec && !Array.isArray(spec.$each)) {
      throw new CommandError(
        'TypeMismatch',
        `The argument to $each in $addToSet must be an array but it was of type ${bsonTypeName(spec.$each)}`,
      );
    }
    const existing = getPath(target, path);
    const arr: unknown[] = Array.isArray(existing) ? existing : [];
    const keys = new Set(arr.map(keyString));
    for (const v of values) {
      const k = keyString(v);
      if (keys.has(k)) continue;
      keys.add(k);
      arr.push(cloneValue(v));
    }
    if (!Array.isArray(existing) && !setPath(target, path, arr)) {
      throw new CommandError('PathNotViable', `Cannot apply $addToSet at '${path}'`);
    }
  }
}

function pathsOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

/** A field name that is neither an operator, an array index, nor a path of its own. */
const PLAIN_FIELD = /^(?!\$)(?!\d+$)[^.]+$/;

/**
 * `$set` and `$unset` of plain field paths through sub-documents, done here: mingo builds its
 * operator tables afresh on every update call (~0.3 ms, more than the rest of a small write: two
 * per broadcast delivery, several per update a teacher sends). Anything else (arrays on the way,
 * other operators, overlapping paths that MongoDB refuses) is left to mingo; returns false then,
 * having changed nothing.
 */
function applyPlainSetUnset(target: Doc, ops: Doc): boolean {
  const kinds = Object.keys(ops);
  if (!kinds.every((op) => op === '$set' || op === '$unset')) return false;
  const paths = kinds.flatMap((op) => Object.keys(ops[op] as Doc));
  const sorted = [...paths].sort();
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1] as string, sorted[i] as string];
    if (a === b || b.startsWith(`${a}.`)) return false;
  }
  for (const path of paths) {
    const fields = path.split('.');
    if (!fields.every((f) => PLAIN_FIELD.test(f))) return false;
    let node: unknown = target;
    for (const f of fields.slice(0, -1)) {
      if (node === undefined) break;
      if (!isPlainObject(node)) return false;
      node = node[f];
    }
    if (node !== undefined && !isPlainObject(node)) return false;
  }
  for (const op of kinds) {
    for (const [path, value] of Object.entries(ops[op] as Doc)) {
      const fields = path.split('.');
      const last = fields.pop() as string;
      let node: Doc | undefined = target;
      for (const f of fields) {
        let next = node[f];
        if (next === undefined) {
          if (op === '$unset') {
            node = undefined;
            break;
          }
          next = {};
          node[f] = next;
        }
        node = next as Doc;
      }
      if (!node) continue;
      if (op === '$set') node[last] = cloneValue(value);
      else delete node[last];
    }
  }
  return true;
}

function applyOperators(target: Doc, ops: Doc, ctx: UpdateContext): void {
  const nonEmpty: Doc = {};
  for (const [op, body] of Object.entries(ops)) {
    if (isPlainObject(body) && Object.keys(body).length > 0) nonEmpty[op] = body;
  }
  const effective = resolvePositional(target, nonEmpty, ctx);
  for (const op of Object.keys(effective)) {
    if (isPlainObject(effective[op]) && Object.keys(effective[op] as Doc).length === 0) delete effective[op];
  }
  if (Object.keys(effective).length === 0) return;
  checkOperatorTypes(target, effective);
  const addToSet = effective.$addToSet;
  if (isPlainObject(addToSet) && Object.keys(addToSet).every(isSimplePath)) {
    const others = Object.entries(effective)
      .filter(([op]) => op !== '$addToSet')
      .flatMap(([op, body]) =>
        op === '$rename'
          ? [...Object.keys(body as Doc), ...Object.values(body as Doc).map(String)]
          : Object.keys(body as Doc),
      );
    for (const path of Object.keys(addToSet)) {
      const clash = others.find((o) => pathsOverlap(o, path));
      if (clash)
        throw new CommandError(
          'ConflictingUpdateOperators',
          `Updating the path '${path}' would create a conflict at '${clash}'`,
        );
    }
    delete effective.$addToSet;
    applyAddToSet(target, addToSet);
    if (Object.keys(effective).length === 0) return;
  }
  if (applyPlainSetUnset(target, effective)) return;
  try {
    mingoUpdate(target, effective as Modifier<Doc>, undefined, undefined, {
      cloneMode: 'deep',
      queryOptions: mingoOptions({ ...ctx.extras, queryOnly: true }),
    });
  } catch (err) {
    translateMingoError(err);
  }
}

function applyPipeline(target: Doc, stages: Doc[], ctx: UpdateContext): Doc {
  const docs = [target];
  try {
    mingoUpdateOne(docs, {}, stages as PipelineStage[], { cloneMode: 'deep' }, mingoOptions(ctx.extras));
  } catch (err) {
    translateMingoError(err);
  }
  const out = docs[0];
  if (!isPlainObject(out)) throw new CommandError('BadValue', 'pipeline update must produce a document');
  return out;
}

function withIdFirst(id: unknown, doc: Doc): Doc {
  const out: Doc = { _id: id };
  for (const [k, v] of Object.entries(doc)) if (k !== '_id') out[k] = v;
  return out;
}

function assertSameId(oldId: unknown, next: Doc): void {
  if (!('_id' in next) || keyString(next._id) !== keyString(oldId)) {
    throw new CommandError(
      'ImmutableField',
      `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${formatValue(next._id)}`,
    );
  }
}

/** Returns a new document; `stored` is never modified. */
export function applyUpdate(stored: Doc, spec: UpdateSpec, ctx: UpdateContext): Doc {
  const id = stored._id;
  switch (spec.kind) {
    case 'replacement': {
      if ('_id' in spec.doc && keyString(spec.doc._id) !== keyString(id)) {
        throw new CommandError(
          'ImmutableField',
          `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${formatValue(spec.doc._id)}`,
        );
      }
      return withIdFirst(id, cloneValue(spec.doc));
    }
    case 'operators': {
      const ops = { ...spec.ops };
      delete ops.$setOnInsert;
      const { ops: cleaned } = extractIdAssignment(ops, id, false);
      const target = cloneValue(stored);
      applyOperators(target, cleaned, ctx);
      assertSameId(id, target);
      return target;
    }
    case 'pipeline': {
      const out = applyPipeline(cloneValue(stored), spec.stages, ctx);
      assertSameId(id, out);
      return out;
    }
  }
}

/** The equality fields of a filter, which MongoDB copies into a document created by an upsert. */
function collectEqualities(filter: Doc, out: Array<[string, unknown]>): void {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const sub of value) if (isPlainObject(sub)) collectEqualities(sub, out);
      continue;
    }
    if (key === '$or' && Array.isArray(value) && value.length === 1 && isPlainObject(value[0])) {
      collectEqualities(value[0], out);
      continue;
    }
    if (key.startsWith('$')) continue;
    if (
      value instanceof RegExp ||
      (isPlainObject(value) === false && (value as { _bsontype?: unknown })?._bsontype === 'BSONRegExp')
    ) {
      continue;
    }
    if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
      if ('$eq' in value) out.push([key, value.$eq]);
      continue;
    }
    out.push([key, value]);
  }
}

export function upsertSeed(filter: Doc): Doc {
  const equalities: Array<[string, unknown]> = [];
  collectEqualities(filter, equalities);
  const seed: Doc = {};
  const idEntry = equalities.find(([k]) => k === '_id');
  if (idEntry) seed._id = cloneValue(idEntry[1]);
  for (const [path, value] of equalities) {
    if (path === '_id') continue;
    if (!setPath(seed, path, cloneValue(value))) {
      throw new CommandError('PathNotViable', `cannot infer query fields to set, path '${path}' is matched twice`);
    }
  }
  return seed;
}

/** The document an upsert inserts when nothing matched. */
export function buildUpsertDocument(spec: UpdateSpec, ctx: UpdateContext): Doc {
  const seed = upsertSeed(ctx.filter);
  switch (spec.kind) {
    case 'replacement': {
      const doc = cloneValue(spec.doc);
      const id = '_id' in doc ? doc._id : '_id' in seed ? seed._id : new ObjectId();
      return withIdFirst(id, doc);
    }
    case 'operators': {
      let ops = { ...spec.ops };
      const { ops: cleaned, newId } = extractIdAssignment(ops, seed._id, true);
      ops = cleaned;
      if (newId !== undefined) seed._id = newId;
      const onInsert = ops.$setOnInsert;
      delete ops.$setOnInsert;
      if (isPlainObject(onInsert) && Object.keys(onInsert).length > 0) {
        const set = isPlainObject(ops.$set) ? ops.$set : {};
        for (const path of Object.keys(onInsert)) {
          if (path in set) {
            throw new CommandError(
              'ConflictingUpdateOperators',
              `Updating the path '${path}' would create a conflict at '${path}'`,
            );
          }
        }
        ops.$set = { ...set, ...onInsert };
      }
      applyOperators(seed, ops, { ...ctx, filter: {} });
      return withIdFirst('_id' in seed ? seed._id : new ObjectId(), seed);
    }
    case 'pipeline': {
      const out = applyPipeline(seed, spec.stages, ctx);
      return withIdFirst('_id' in out ? out._id : new ObjectId(), out);
    }
  }
}
