/**
 * One collection: documents keyed by the canonical string of their `_id` (that Map is the `_id_`
 * index) plus secondary indexes mapping canonical key strings to document keys. Stored documents
 * are replaced, never edited, so a reference held by a cursor stays a consistent snapshot.
 *
 * Opened with `indexesWhenUsed` (a CLI command opening the data directory itself), a secondary
 * index read back from the journal is built when first needed (a query it can serve, or a write
 * it must check for uniqueness), not while the journal is read: the documents are the truth, so
 * an index can be made from them at any moment, and one the command never uses is not held.
 */
import { UUID } from 'bson';
import { CommandError } from './errors.js';
import { compileFilter, type Filter } from './query.js';
import {
  EMPTY_ARRAY_KEY,
  formatValue,
  getPathValues,
  isPlainObject,
  isScalarKey,
  keyString,
  type Doc,
} from './values.js';

export interface IndexSpec {
  v: number;
  key: Doc;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  expireAfterSeconds?: number;
  hidden?: boolean;
}

interface IndexKey {
  key: string;
  values: unknown[];
}

export function duplicateKeyError(ns: string, indexName: string, keyPattern: Doc, keyValue: Doc): CommandError {
  const rendered = Object.entries(keyValue)
    .map(([k, v]) => `${k}: ${formatValue(v)}`)
    .join(', ');
  return new CommandError(
    'DuplicateKey',
    `E11000 duplicate key error collection: ${ns} index: ${indexName} dup key: { ${rendered} }`,
    {
      keyPattern,
      keyValue,
    },
  );
}

export class SecondaryIndex {
  readonly fields: string[];
  private readonly partial: Filter | undefined;
  /** Canonical key -> one document key, or a Set when several documents share the key. */
  private readonly entries = new Map<string, string | Set<string>>();

  /**
   * Whether `entries` holds every document's keys. False for an index read back from the journal
   * until the collection first needs it (`Collection.use`); while false, writes leave it alone.
   */
  built = true;

  /**
   * Two or more fields under one parent path (`groups.channel`, `groups.chatId`): when that
   * parent is an array, each element gives its own keys, as in MongoDB, and such an index cannot
   * answer a plain equality on both fields (they may match in different elements).
   */
  readonly sameArrayPaths: boolean;

  /** No field is a dotted path: a document's keys are its own fields' values, unless one is an array. */
  private readonly topLevel: boolean;

  constructor(public spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    this.topLevel = this.fields.every((f) => !f.includes('.'));
    const heads = this.fields.filter((f) => f.includes('.')).map((f) => f.slice(0, f.indexOf('.')));
    this.sameArrayPaths = new Set(heads).size < heads.length;
    this.partial = spec.partialFilterExpression ? compileFilter(spec.partialFilterExpression) : undefined;
  }

  get name(): string {
    return this.spec.name;
  }

  get unique(): boolean {
    return this.spec.unique === true;
  }

  /** Keys a document contributes; null when a sparse or partial index leaves it out. */
  keysFor(doc: Doc): IndexKey[] | null {
    if (this.topLevel) {
      const keys = this.plainKeys(doc);
      if (keys !== undefined) return keys;
    }
    const perField = this.fields.map((f) => getPathValues(doc, f, true));
    if (this.spec.sparse && perField.every((vals) => vals.every((v) => v === undefined))) return null;
    if (this.partial && !this.partial.test(doc)) return null;
    let combos: unknown[][];
    if (this.sameArrayPaths) {
      combos = pathKeys(
        doc,
        this.fields.map((f, i) => ({ i, parts: f.split('.'), at: 0 })),
      ).map((assigned) => this.fields.map((_, i) => assigned.get(i) ?? null));
    } else {
      const multi = perField.filter((vals) => vals.length > 1);
      if (multi.length > 1) {
        const names = this.fields.filter((_, i) => (perField[i] as unknown[]).length > 1);
        throw new CommandError('CannotIndexParallelArrays', `cannot index parallel arrays [${names[1]}] [${names[0]}]`);
      }
      combos = [[]];
      for (const vals of perField) {
        const next: unknown[][] = [];
        for (const combo of combos) for (const v of vals) next.push([...combo, v === undefined ? null : v]);
        combos = next;
      }
    }
    const seen = new Set<string>();
    const out: IndexKey[] = [];
    for (const values of combos) {
      const key = values.length === 1 ? keyString(values[0]) : JSON.stringify(values.map(keyString));
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ key, values });
    }
    return out;
  }

  /**
   * The keys of a document whose indexed fields are top-level and hold no array (almost every
   * document): what the general path above makes, without splitting paths, walking them and
   * combining their values; `undefined` when a field holds an array (the general path then).
   */
  private plainKeys(doc: Doc): IndexKey[] | null | undefined {
    const values: unknown[] = [];
    let missing = 0;
    for (const field of this.fields) {
      const v = doc[field];
      if (Array.isArray(v)) return undefined;
      if (v === undefined) missing++;
      values.push(v === undefined ? null : v);
    }
    if (this.spec.sparse && missing === values.length) return null;
    if (this.partial && !this.partial.test(doc)) return null;
    return [{ key: this.keyFor(values), values }];
  }

  keyFor(values: unknown[]): string {
    return values.length === 1 ? keyString(values[0]) : JSON.stringify(values.map(keyString));
  }

  /** A document key other than `self` that already holds `key`. */
  conflict(key: string, self: string): string | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (typeof e === 'string') return e === self ? undefined : e;
    for (const id of e) if (id !== self) return id;
    return undefined;
  }

  add(docKey: string, keys: IndexKey[] | null): void {
    if (!keys) return;
    for (const { key } of keys) {
      const e = this.entries.get(key);
      if (e === undefined) this.entries.set(key, docKey);
      else if (typeof e === 'string') {
        if (e !== docKey) this.entries.set(key, new Set([e, docKey]));
      } else e.add(docKey);
    }
  }

  remove(docKey: string, keys: IndexKey[] | null): void {
    if (!keys) return;
    for (const { key } of keys) {
      const e = this.entries.get(key);
      if (e === undefined) continue;
      if (typeof e === 'string') {
        if (e === docKey) this.entries.delete(key);
      } else {
        e.delete(docKey);
        if (e.size === 1) this.entries.set(key, e.values().next().value as string);
        else if (e.size === 0) this.entries.delete(key);
      }
    }
  }

  lookup(key: string): string[] {
    const e = this.entries.get(key);
    if (e === undefined) return [];
    return typeof e === 'string' ? [e] : [...e];
  }

  /** Distinct keys held: more than the documents only when a field holds arrays. */
  get keyCount(): number {
    return this.entries.size;
  }

  /**
   * The document keys under every key whose first `values.length` fields equal `values` (fewer
   * than the index has). A compound key is the JSON array of its fields' canonical keys, each a
   * JSON string, so `["k1","k2",` begins exactly the keys whose first two fields are k1 and k2.
   */
  lookupPrefix(values: unknown[], into: Set<string>): void {
    const head = JSON.stringify(values.map(keyString));
    const prefix = `${head.slice(0, -1)},`;
    for (const [key, e] of this.entries) {
      if (!key.startsWith(prefix)) continue;
      if (typeof e === 'string') into.add(e);
      else for (const docKey of e) into.add(docKey);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  duplicateError(ns: string, values: unknown[]): CommandError {
    const keyValue: Doc = {};
    this.fields.forEach((f, i) => {
      keyValue[f] = values[i] ?? null;
    });
    return duplicateKeyError(ns, this.name, { ...this.spec.key }, keyValue);
  }
}

/** A validated write, ready to commit without any further failure. */
export interface WritePlan {
  docKey: string;
  doc: Doc;
  oldDoc: Doc | undefined;
  newKeys: Map<SecondaryIndex, IndexKey[] | null>;
  oldKeys: Map<SecondaryIndex, IndexKey[] | null>;
}

/** Scalar equality in a filter condition, the only shape an index lookup can serve exactly. */
function equalityOf(cond: unknown, allowDocuments: boolean): { value: unknown } | undefined {
  if (isScalarKey(cond)) return { value: cond };
  if (isPlainObject(cond)) {
    const keys = Object.keys(cond);
    if (keys.length === 1 && keys[0] === '$eq' && isScalarKey(cond.$eq)) return { value: cond.$eq };
    if (allowDocuments && keys.length > 0 && !keys.some((k) => k.startsWith('$'))) return { value: cond };
  }
  return undefined;
}

export class Collection {
  readonly docs = new Map<string, Doc>();
  readonly indexes = new Map<string, SecondaryIndex>();
  readonly uuid: UUID;
  /**
   * Documents written or removed so far: with the UUID, what a reader that keeps what it made of
   * the documents compares to know nothing changed since (see `EmbeddedStore.stamp`).
   */
  private writes = 0;
  /**
   * Whether every document was added with a key greater than all before it (ObjectIds made as
   * time goes: the bot's own inserts), so that natural order is the order of the keys: documents
   * found by several index keys are then put in natural order by sorting their keys.
   */
  private keysInOrder = true;
  private lastKey = '';

  constructor(
    public db: string,
    public name: string,
    public options: Doc = {},
    uuid?: UUID,
  ) {
    this.uuid = uuid ?? new UUID();
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  /** Checks _id and unique indexes; throws E11000 or parallel-array errors without changing anything. */
  planWrite(oldDoc: Doc | undefined, doc: Doc): WritePlan {
    const docKey = keyString(doc._id);
    if (!oldDoc && this.docs.has(docKey)) {
      throw duplicateKeyError(this.ns, '_id_', { _id: 1 }, { _id: doc._id });
    }
    const newKeys = new Map<SecondaryIndex, IndexKey[] | null>();
    const oldKeys = new Map<SecondaryIndex, IndexKey[] | null>();
    for (const index of this.indexes.values()) {
      const keys = index.keysFor(doc);
      newKeys.set(index, keys);
      if (oldDoc) oldKeys.set(index, index.keysFor(oldDoc));
      if (index.unique && keys) {
        this.use(index);
        for (const k of keys) {
          if (index.conflict(k.key, docKey) !== undefined) throw index.duplicateError(this.ns, k.values);
        }
      }
    }
    return { docKey, doc, oldDoc, newKeys, oldKeys };
  }

  /** Before a document key goes into `docs`: a new one keeps `keysInOrder` or ends it. */
  private noteKey(docKey: string): void {
    if (!this.keysInOrder || this.docs.has(docKey)) return;
    if (docKey > this.lastKey) this.lastKey = docKey;
    else this.keysInOrder = false;
  }

  commit(plan: WritePlan): void {
    this.writes++;
    this.noteKey(plan.docKey);
    for (const index of this.indexes.values()) {
      if (!index.built) continue;
      const newKeys = plan.newKeys.get(index) ?? null;
      if (!plan.oldDoc) {
        index.add(plan.docKey, newKeys);
        continue;
      }
      // Only keys that changed are touched: less work, and an update that leaves a key alone
      // keeps the document's place among the others with that key (natural order on lookups).
      const oldKeys = plan.oldKeys.get(index) ?? null;
      const before = new Set(oldKeys?.map((k) => k.key));
      const after = new Set(newKeys?.map((k) => k.key));
      index.remove(plan.docKey, oldKeys?.filter((k) => !after.has(k.key)) ?? null);
      index.add(plan.docKey, newKeys?.filter((k) => !before.has(k.key)) ?? null);
    }
    this.docs.set(plan.docKey, plan.doc);
  }

  /** Replay path: no uniqueness checks, the journal only holds states that passed them. */
  forcePut(doc: Doc): void {
    this.writes++;
    const docKey = keyString(doc._id);
    this.noteKey(docKey);
    const old = this.docs.get(docKey);
    for (const index of this.indexes.values()) {
      if (!index.built) continue;
      if (old) index.remove(docKey, safeKeys(index, old));
      index.add(docKey, safeKeys(index, doc));
    }
    this.docs.set(docKey, doc);
  }

  remove(doc: Doc): boolean {
    const docKey = keyString(doc._id);
    const current = this.docs.get(docKey);
    if (!current) return false;
    this.writes++;
    for (const index of this.indexes.values()) if (index.built) index.remove(docKey, safeKeys(index, current));
    this.docs.delete(docKey);
    return true;
  }

  removeById(id: unknown): Doc | undefined {
    const doc = this.docs.get(keyString(id));
    if (doc) this.remove(doc);
    return doc;
  }

  /**
   * An index read back from the journal (a `createIndexes` that already passed), to be built when
   * first needed (`use`). The journal only holds states that passed its checks.
   */
  restoredIndex(spec: IndexSpec): SecondaryIndex {
    const index = new SecondaryIndex(spec);
    index.built = false;
    return index;
  }

  /**
   * Makes `index` hold every document's keys, if it does not yet, in the documents' natural
   * order (as MongoDB orders equal keys: by record). A document that cannot be keyed (parallel
   * arrays) is left out, as replay always did.
   */
  private use(index: SecondaryIndex): SecondaryIndex {
    if (index.built) return index;
    for (const [docKey, doc] of this.docs) index.add(docKey, safeKeys(index, doc));
    index.built = true;
    return index;
  }

  /** Builds an index over the current documents; throws E11000 if a unique index would be violated. */
  buildIndex(spec: IndexSpec, enforceUnique: boolean): SecondaryIndex {
    const index = new SecondaryIndex(spec);
    for (const [docKey, doc] of this.docs) {
      const keys = enforceUnique ? index.keysFor(doc) : safeKeys(index, doc);
      if (enforceUnique && index.unique && keys) {
        for (const k of keys)
          if (index.conflict(k.key, docKey) !== undefined) throw index.duplicateError(this.ns, k.values);
      }
      index.add(docKey, keys);
    }
    return index;
  }

  /**
   * Documents that can possibly match `filter`, narrowed by `_id`, by an index whose fields all
   * have scalar equalities in the filter, or else by the leading fields of a compound index that
   * have them (MongoDB's prefix rule: equality on the first k fields); undefined means "scan
   * everything". The caller still applies the full filter, so a superset is always safe.
   */
  candidates(filter: Doc): Doc[] | undefined {
    if ('_id' in filter) {
      const cond = filter._id;
      const eq = equalityOf(cond, true);
      if (eq) {
        const doc = this.docs.get(keyString(eq.value));
        return doc ? [doc] : [];
      }
      if (
        isPlainObject(cond) &&
        Object.keys(cond).length === 1 &&
        Array.isArray(cond.$in) &&
        cond.$in.every((v) => isScalarKey(v))
      ) {
        const out: Doc[] = [];
        const seen = new Set<string>();
        for (const v of cond.$in) {
          const k = keyString(v);
          const doc = seen.has(k) ? undefined : this.docs.get(k);
          seen.add(k);
          if (doc) out.push(doc);
        }
        return out;
      }
    }
    let best: { index: SecondaryIndex; values: unknown[] } | undefined;
    /** The compound index with the most leading fields given, when none has all of them. */
    let leading: { index: SecondaryIndex; values: unknown[] } | undefined;
    for (const index of this.indexes.values()) {
      if (index.spec.partialFilterExpression || index.spec.hidden || index.sameArrayPaths) continue;
      if (best && best.index.fields.length >= index.fields.length) continue;
      const values: unknown[] = [];
      for (const field of index.fields) {
        const eq = field in filter ? equalityOf(filter[field], false) : undefined;
        if (!eq) break;
        values.push(eq.value);
      }
      if (values.length === index.fields.length) best = { index, values };
      // A sparse index leaves out documents missing all its fields, which `{a: null}` matches.
      // One whose fields hold arrays has more keys than documents: going through them all could
      // cost more than the scan.
      else if (
        values.length > 0 &&
        !index.spec.sparse &&
        (!leading || leading.values.length < values.length) &&
        this.use(index).keyCount <= this.docs.size
      )
        leading = { index, values };
    }
    if (!best) return leading ? this.byLeadingFields(leading.index, leading.values) : undefined;
    const out: Doc[] = [];
    for (const docKey of this.use(best.index).lookup(best.index.keyFor(best.values))) {
      const doc = this.docs.get(docKey);
      if (doc) out.push(doc);
    }
    return out;
  }

  /**
   * The documents under an index's keys that begin with `values`, in natural order, as a scan
   * finds them (a file per questionnaire of 100,000 responses tested all 100,000 for each
   * questionnaire). Several keys' documents are merged: by sorting their document keys when
   * those are in natural order (`keysInOrder`), else by a pass over every document key.
   */
  private byLeadingFields(index: SecondaryIndex, values: unknown[]): Doc[] {
    const found = new Set<string>();
    index.lookupPrefix(values, found);
    const out: Doc[] = [];
    if (found.size === 0) return out;
    if (this.keysInOrder) {
      // Each key's documents are mostly in order already: runs the sort merges.
      for (const docKey of [...found].sort()) {
        const doc = this.docs.get(docKey);
        if (doc) out.push(doc);
      }
      return out;
    }
    for (const [docKey, doc] of this.docs) {
      if (!found.has(docKey)) continue;
      out.push(doc);
      if (out.length === found.size) break;
    }
    return out;
  }

  indexSpecs(): IndexSpec[] {
    return [{ v: 2, key: { _id: 1 }, name: '_id_' }, ...[...this.indexes.values()].map((i) => i.spec)];
  }

  /** Changes whenever a document is written or removed, and differs for another collection. */
  get stamp(): string {
    return `${this.uuid.toHexString()}:${this.writes}`;
  }

  clearDocs(): void {
    this.writes++;
    this.keysInOrder = true;
    this.lastKey = '';
    this.docs.clear();
    for (const index of this.indexes.values()) index.clear();
  }
}

/** Index keys for replay, where a document that cannot be keyed is simply left out of that index. */
function safeKeys(index: SecondaryIndex, doc: Doc): IndexKey[] | null {
  try {
    return index.keysFor(doc);
  } catch {
    return null;
  }
}

interface PathItem {
  /** The field's position in the index key. */
  i: number;
  parts: string[];
  at: number;
}

function leafValues(value: unknown): unknown[] {
  if (!Array.isArray(value)) return [value];
  return value.length === 0 ? [EMPTY_ARRAY_KEY] : value;
}

/** Every combination of one entry from each part; only one part may have several (parallel arrays). */
function combine(
  parts: Array<Array<Map<number, unknown>>>,
  fieldOf: (part: number) => string,
): Array<Map<number, unknown>> {
  const multi = parts.map((p, n) => (p.length > 1 ? n : -1)).filter((n) => n >= 0);
  if (multi.length > 1) {
    throw new CommandError(
      'CannotIndexParallelArrays',
      `cannot index parallel arrays [${fieldOf(multi[1] as number)}] [${fieldOf(multi[0] as number)}]`,
    );
  }
  let out: Array<Map<number, unknown>> = [new Map()];
  for (const part of parts) {
    const next: Array<Map<number, unknown>> = [];
    for (const left of out) for (const right of part) next.push(new Map([...left, ...right]));
    out = next;
  }
  return out;
}

/**
 * MongoDB's key generation for fields that share a parent path: walking down together, an array
 * on the shared path is entered element by element, so `{groups.channel, groups.chatId}` yields
 * one (channel, chatId) pair per group, never a pair mixed from two groups. Arrays on different
 * paths still multiply, and two of them at once are parallel arrays.
 */
function pathKeys(value: unknown, items: PathItem[]): Array<Map<number, unknown>> {
  const leaves = items.filter((it) => it.at === it.parts.length);
  const deeper = items.filter((it) => it.at < it.parts.length);
  const parts: Array<Array<Map<number, unknown>>> = [];
  const owners: string[] = [];
  for (const leaf of leaves) {
    parts.push(leafValues(value).map((v) => new Map([[leaf.i, v]])));
    owners.push(leaf.parts.join('.'));
  }
  if (deeper.length > 0 && Array.isArray(value)) {
    const perElement = value.filter((el) => isPlainObject(el)).flatMap((el) => pathKeys(el, deeper));
    parts.push(perElement.length > 0 ? perElement : pathKeys(undefined, deeper));
    owners.push((deeper[0] as PathItem).parts.slice(0, (deeper[0] as PathItem).at).join('.'));
  } else {
    const groups = new Map<string, PathItem[]>();
    for (const it of deeper) {
      const head = it.parts[it.at] as string;
      groups.set(head, [...(groups.get(head) ?? []), { ...it, at: it.at + 1 }]);
    }
    for (const [head, group] of groups) {
      parts.push(pathKeys(isPlainObject(value) ? value[head] : undefined, group));
      owners.push((group[0] as PathItem).parts.slice(0, (group[0] as PathItem).at).join('.') || head);
    }
  }
  return combine(parts, (n) => owners[n] ?? '');
}
