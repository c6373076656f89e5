/**
 * Collections, databases and indexes: create, drop, dropDatabase, renameCollection, collMod,
 * listCollections, listDatabases, createIndexes, listIndexes, dropIndexes.
 */
import { Query } from '../mingo.js';
import type { IndexSpec } from '../collection.js';
import { CommandError, notImplemented } from '../errors.js';
import { compileFilter, mingoOptions } from '../query.js';
import { keyString, isPlainObject, type Doc } from '../values.js';
import {
  assertSimpleCollation,
  checkNestedFields,
  commandName,
  optionalBool,
  optionalDoc,
  optionalNumber,
  requireCollection,
  targetName,
  validateCollectionName,
  validateDbName,
  type CommandSpec,
} from './context.js';

const MAX_INDEXES = 64;

/** Options of `create` that change storage semantics we do not have. */
const UNSUPPORTED_CREATE_OPTIONS: Record<string, string> = {
  capped: 'capped collections',
  size: 'capped collections (size)',
  max: 'capped collections (max)',
  viewOn: 'views',
  pipeline: 'views',
  timeseries: 'time series collections',
  clusteredIndex: 'clustered collections',
  expireAfterSeconds: 'collection-level TTL (clustered collections)',
  validator: 'document validation',
  changeStreamPreAndPostImages: 'change stream pre- and post-images',
  encryptedFields: 'queryable encryption',
};

const create: CommandSpec = {
  names: ['create'],
  fields: [
    'collation',
    'idIndex',
    'storageEngine',
    'indexOptionDefaults',
    'validationLevel',
    'validationAction',
    'autoIndexId',
    'flags',
    ...Object.keys(UNSUPPORTED_CREATE_OPTIONS),
  ],
  write: true,
  run(cmd, ctx) {
    const name = targetName(cmd, ctx);
    for (const [field, what] of Object.entries(UNSUPPORTED_CREATE_OPTIONS)) {
      const v = cmd[field];
      if (v === undefined || v === null || v === false) continue;
      if (field === 'validator' && isPlainObject(v) && Object.keys(v).length === 0) continue;
      if (field === 'changeStreamPreAndPostImages' && isPlainObject(v) && v.enabled !== true) continue;
      throw notImplemented(what);
    }
    if (cmd.autoIndexId === false) throw notImplemented('collections without an _id index (autoIndexId: false)');
    assertSimpleCollation(cmd.collation);
    ctx.catalog.createCollection(ctx.db, name, {});
    return { ok: 1 };
  },
};

const drop: CommandSpec = {
  names: ['drop'],
  fields: [],
  write: true,
  run(cmd, ctx) {
    const name = targetName(cmd, ctx);
    const coll = ctx.catalog.dropCollection(ctx.db, name);
    // Since 7.0 dropping a missing collection succeeds quietly.
    return coll ? { nIndexesWas: coll.indexes.size + 1, ns: coll.ns, ok: 1 } : { ok: 1 };
  },
};

const dropDatabase: CommandSpec = {
  names: ['dropDatabase'],
  fields: [],
  write: true,
  run(_cmd, ctx) {
    return ctx.catalog.dropDatabase(ctx.db) ? { dropped: ctx.db, ok: 1 } : { ok: 1 };
  },
};

function splitNamespace(ns: unknown, field: string): [string, string] {
  if (typeof ns !== 'string' || !ns.includes('.'))
    throw new CommandError('InvalidNamespace', `Invalid namespace specified for '${field}': ${String(ns)}`);
  const dot = ns.indexOf('.');
  const db = ns.slice(0, dot);
  validateDbName(db);
  return [db, validateCollectionName(db, ns.slice(dot + 1))];
}

const renameCollection: CommandSpec = {
  names: ['renameCollection'],
  fields: ['to', 'dropTarget', 'stayTemp'],
  adminOnly: true,
  write: true,
  run(cmd, ctx) {
    const [db, name] = splitNamespace(cmd.renameCollection, 'renameCollection');
    const [toDb, toName] = splitNamespace(cmd.to, 'to');
    if (!ctx.catalog.collection(db, name))
      throw new CommandError('NamespaceNotFound', `Source collection ${db}.${name} does not exist`);
    if (db === toDb && name === toName)
      throw new CommandError('IllegalOperation', "Can't rename a collection to itself");
    if (ctx.catalog.collection(toDb, toName)) {
      if (cmd.dropTarget !== true) throw new CommandError('NamespaceExists', 'target namespace exists');
      ctx.catalog.dropCollection(toDb, toName);
    }
    ctx.catalog.renameCollection(db, name, toDb, toName);
    return { ok: 1 };
  },
};

function findIndexByNameOrKey(specs: IndexSpec[], selector: Doc, ns: string): IndexSpec {
  if (typeof selector.name === 'string') {
    const found = specs.find((s) => s.name === selector.name);
    if (!found) throw new CommandError('IndexNotFound', `cannot find index ${selector.name} for ns ${ns}`);
    return found;
  }
  if (isPlainObject(selector.keyPattern)) {
    const wanted = keyString(selector.keyPattern);
    const found = specs.find((s) => keyString(s.key) === wanted);
    if (!found)
      throw new CommandError('IndexNotFound', `cannot find index ${JSON.stringify(selector.keyPattern)} for ns ${ns}`);
    return found;
  }
  throw new CommandError('InvalidOptions', 'collMod index must specify name or keyPattern');
}

const collMod: CommandSpec = {
  names: ['collMod'],
  fields: [
    'index',
    'validator',
    'validationLevel',
    'validationAction',
    'viewOn',
    'pipeline',
    'expireAfterSeconds',
    'changeStreamPreAndPostImages',
    'dryRun',
  ],
  write: true,
  run(cmd, ctx) {
    const name = targetName(cmd, ctx);
    const coll = requireCollection(ctx, name);
    for (const field of [
      'validator',
      'validationLevel',
      'validationAction',
      'viewOn',
      'pipeline',
      'expireAfterSeconds',
      'changeStreamPreAndPostImages',
      'dryRun',
    ]) {
      if (cmd[field] !== undefined) throw notImplemented(`collMod '${field}'`);
    }
    const index = optionalDoc(cmd, 'index');
    if (!index) return { ok: 1 };
    checkNestedFields('collMod.index', index, [
      'name',
      'keyPattern',
      'hidden',
      'expireAfterSeconds',
      'unique',
      'prepareUnique',
      'forceNonUnique',
    ]);
    for (const field of ['unique', 'prepareUnique', 'forceNonUnique']) {
      if (index[field] !== undefined) throw notImplemented(`collMod index '${field}'`);
    }
    const spec = findIndexByNameOrKey(coll.indexSpecs(), index, coll.ns);
    if (spec.name === '_id_') throw new CommandError('InvalidOptions', 'cannot modify the _id index');
    const reply: Doc = {};
    const next: IndexSpec = { ...spec };
    if (index.hidden !== undefined) {
      reply.hidden_old = spec.hidden === true;
      reply.hidden_new = index.hidden === true;
      if (index.hidden === true) next.hidden = true;
      else delete next.hidden;
    }
    if (index.expireAfterSeconds !== undefined) {
      if (spec.expireAfterSeconds === undefined)
        throw new CommandError('InvalidOptions', 'no expireAfterSeconds field to update');
      const ttl = Number(index.expireAfterSeconds);
      if (!Number.isFinite(ttl) || ttl < 0)
        throw new CommandError('InvalidOptions', 'expireAfterSeconds must be a non-negative number');
      reply.expireAfterSeconds_old = spec.expireAfterSeconds;
      reply.expireAfterSeconds_new = ttl;
      next.expireAfterSeconds = ttl;
    }
    ctx.catalog.modifyIndex(coll, spec.name, next);
    return { ...reply, ok: 1 };
  },
};

const listCollections: CommandSpec = {
  names: ['listCollections'],
  fields: ['filter', 'nameOnly', 'authorizedCollections', 'cursor'],
  run(cmd, ctx) {
    const nameOnly = optionalBool(cmd, 'nameOnly') ?? false;
    const filterDoc = optionalDoc(cmd, 'filter');
    const entries: Doc[] = ctx.catalog.collections(ctx.db).map((c) =>
      nameOnly
        ? { name: c.name, type: 'collection' }
        : {
            name: c.name,
            type: 'collection',
            options: { ...c.options },
            info: { readOnly: false, uuid: c.uuid },
            idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
          },
    );
    entries.sort((a, b) => String(a.name).localeCompare(String(b.name)));
    const filter = compileFilter(filterDoc);
    const docs = filter.empty ? entries : entries.filter((e) => filter.test(e));
    const cursor = optionalDoc(cmd, 'cursor');
    return ctx.cursors.open({
      ns: `${ctx.db}.$cmd.listCollections`,
      docs,
      batchSize: cursor ? optionalNumber(cursor, 'batchSize') : undefined,
    });
  },
};

const listDatabases: CommandSpec = {
  names: ['listDatabases'],
  fields: ['filter', 'nameOnly', 'authorizedDatabases'],
  adminOnly: true,
  run(cmd, ctx) {
    const nameOnly = optionalBool(cmd, 'nameOnly') ?? false;
    let dbs: Doc[] = ctx.catalog.databaseNames().map((name) => {
      const docs = ctx.catalog.collections(name).reduce((n, c) => n + c.docs.size, 0);
      // Sizes are not tracked; a document count keeps the numbers meaningful and non-zero.
      return nameOnly ? { name } : { name, sizeOnDisk: docs * 100 + 4096, empty: docs === 0 };
    });
    const filterDoc = optionalDoc(cmd, 'filter');
    if (filterDoc) {
      const q = new Query(filterDoc, mingoOptions());
      dbs = dbs.filter((d) => q.test(d));
    }
    if (nameOnly) return { databases: dbs, ok: 1 };
    const totalSize = dbs.reduce((n, d) => n + Number(d.sizeOnDisk), 0);
    return { databases: dbs, totalSize, totalSizeMb: Math.floor(totalSize / 1024 / 1024), ok: 1 };
  },
};

const INDEX_SPEC_FIELDS = [
  'key',
  'name',
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'hidden',
  'background',
  'v',
  'ns',
  'collation',
  'storageEngine',
];

/** Options that belong to index types the embedded store does not have. */
const UNSUPPORTED_INDEX_OPTIONS: Record<string, string> = {
  weights: 'text indexes',
  default_language: 'text indexes',
  language_override: 'text indexes',
  textIndexVersion: 'text indexes',
  '2dsphereIndexVersion': 'geospatial indexes',
  bits: 'geospatial indexes',
  min: 'geospatial indexes',
  max: 'geospatial indexes',
  bucketSize: 'geoHaystack indexes',
  wildcardProjection: 'wildcard indexes',
  clustered: 'clustered indexes',
  prepareUnique: 'prepareUnique',
};

function defaultIndexName(key: Doc): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}_${String(v)}`)
    .join('_');
}

function normalizeIndexSpec(raw: unknown): IndexSpec {
  if (!isPlainObject(raw)) throw new CommandError('TypeMismatch', 'index specification must be an object');
  for (const [field, what] of Object.entries(UNSUPPORTED_INDEX_OPTIONS)) {
    if (raw[field] !== undefined)
      throw new CommandError('CannotCreateIndex', `${what} are not supported by the embedded store ('${field}')`);
  }
  for (const field of Object.keys(raw)) {
    if (!INDEX_SPEC_FIELDS.includes(field)) {
      throw new CommandError(
        'InvalidIndexSpecificationOption',
        `The field '${field}' is not valid for an index specification. Specification: ${JSON.stringify(raw)}`,
      );
    }
  }
  const key = raw.key;
  if (!isPlainObject(key) || Object.keys(key).length === 0)
    throw new CommandError('CannotCreateIndex', 'Index keys cannot be empty.');
  const normalizedKey: Doc = {};
  for (const [field, dir] of Object.entries(key)) {
    if (typeof dir === 'string')
      throw new CommandError(
        'CannotCreateIndex',
        `'${dir}' indexes are not supported by the embedded store (field '${field}')`,
      );
    if (field.includes('$**'))
      throw new CommandError('CannotCreateIndex', 'wildcard indexes are not supported by the embedded store');
    if (field === '' || field.startsWith('$'))
      throw new CommandError('CannotCreateIndex', `Index key contains an illegal field name: '${field}'`);
    const n = typeof dir === 'number' ? dir : Number(dir);
    if (!Number.isFinite(n) || n === 0)
      throw new CommandError(
        'CannotCreateIndex',
        `Values in the index key pattern can't be 0 or non-numeric: { ${field}: ${String(dir)} }`,
      );
    normalizedKey[field] = dir;
  }
  const name = raw.name === undefined ? defaultIndexName(normalizedKey) : raw.name;
  if (typeof name !== 'string' || name === '')
    throw new CommandError('CannotCreateIndex', 'The index name must be a non-empty string');
  assertSimpleCollation(raw.collation);
  const spec: IndexSpec = { v: 2, key: normalizedKey, name };
  for (const flag of ['unique', 'sparse', 'hidden'] as const) {
    const v = raw[flag];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'boolean' && typeof v !== 'number')
      throw new CommandError('TypeMismatch', `The field '${flag}' must be a boolean`);
    // Kept as given (true or false) so clients comparing specs, like mongoose's syncIndexes, see their own value.
    spec[flag] = Boolean(v);
  }
  if (raw.partialFilterExpression !== undefined) {
    if (!isPlainObject(raw.partialFilterExpression))
      throw new CommandError('TypeMismatch', 'partialFilterExpression must be an object');
    compileFilter(raw.partialFilterExpression);
    spec.partialFilterExpression = raw.partialFilterExpression;
  }
  if (raw.expireAfterSeconds !== undefined) {
    const ttl = Number(raw.expireAfterSeconds);
    if (!Number.isFinite(ttl) || ttl < 0)
      throw new CommandError('CannotCreateIndex', 'expireAfterSeconds must be a non-negative number');
    if (Object.keys(normalizedKey).length !== 1) {
      throw new CommandError(
        'CannotCreateIndex',
        'TTL indexes are single-field indexes, compound indexes do not support TTL',
      );
    }
    spec.expireAfterSeconds = ttl;
  }
  if (name === '_id_' && keyString(normalizedKey) !== keyString({ _id: 1 })) {
    throw new CommandError('CannotCreateIndex', "The index name '_id_' is reserved for the _id index");
  }
  return spec;
}

/** Options that make two indexes with the same key different (for the "same index?" decision). */
function optionsKey(spec: IndexSpec): string {
  return keyString({
    unique: spec.unique === true,
    sparse: spec.sparse === true,
    partialFilterExpression: spec.partialFilterExpression ?? null,
    expireAfterSeconds: spec.expireAfterSeconds ?? null,
  });
}

const createIndexes: CommandSpec = {
  names: ['createIndexes'],
  fields: ['indexes', 'commitQuorum', 'ignoreUnknownIndexOptions'],
  write: true,
  run(cmd, ctx) {
    const name = targetName(cmd, ctx);
    if (!Array.isArray(cmd.indexes) || cmd.indexes.length === 0)
      throw new CommandError('BadValue', 'Must specify at least one index to create');
    const specs = cmd.indexes.map(normalizeIndexSpec);
    const existingColl = ctx.catalog.collection(ctx.db, name);
    const existing = existingColl ? existingColl.indexSpecs() : [{ v: 2, key: { _id: 1 }, name: '_id_' } as IndexSpec];
    const toCreate: IndexSpec[] = [];
    for (const spec of specs) {
      const sameName = existing.find((e) => e.name === spec.name) ?? toCreate.find((e) => e.name === spec.name);
      const sameKey =
        existing.find((e) => keyString(e.key) === keyString(spec.key)) ??
        toCreate.find((e) => keyString(e.key) === keyString(spec.key));
      if (sameName) {
        if (keyString(sameName.key) !== keyString(spec.key)) {
          throw new CommandError(
            'IndexKeySpecsConflict',
            `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName)}`,
          );
        }
        if (sameName.name !== '_id_' && optionsKey(sameName) !== optionsKey(spec)) {
          throw new CommandError(
            'IndexOptionsConflict',
            `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName)}`,
          );
        }
        continue;
      }
      if (sameKey && optionsKey(sameKey) === optionsKey(spec)) {
        throw new CommandError('IndexOptionsConflict', `Index already exists with a different name: ${sameKey.name}`);
      }
      if (sameKey) {
        throw new CommandError(
          'IndexOptionsConflict',
          `An index with the same key pattern ${JSON.stringify(spec.key)} already exists with different options: ${sameKey.name}`,
        );
      }
      toCreate.push(spec);
    }
    const before = existing.length;
    if (before + toCreate.length > MAX_INDEXES)
      throw new CommandError('CannotCreateIndex', `add index fails, too many indexes for ${ctx.db}.${name}`);
    const { coll, created } = ctx.catalog.ensureCollection(ctx.db, name);
    if (toCreate.length) ctx.catalog.addIndexes(coll, toCreate);
    const reply: Doc = {
      numIndexesBefore: before,
      numIndexesAfter: before + toCreate.length,
      createdCollectionAutomatically: created,
    };
    if (toCreate.length === 0) reply.note = 'all indexes already exist';
    reply.ok = 1;
    return reply;
  },
};

const listIndexes: CommandSpec = {
  names: ['listIndexes'],
  fields: ['cursor', 'includeBuildUUIDs', 'includeIndexBuildInfo'],
  run(cmd, ctx) {
    const name = targetName(cmd, ctx);
    const coll = requireCollection(ctx, name);
    const cursor = optionalDoc(cmd, 'cursor');
    const docs = coll.indexSpecs().map((s) => ({ ...s }) as Doc);
    return ctx.cursors.open({
      ns: `${ctx.db}.$cmd.listIndexes.${name}`,
      docs,
      batchSize: cursor ? optionalNumber(cursor, 'batchSize') : undefined,
    });
  },
};

const dropIndexes: CommandSpec = {
  names: ['dropIndexes', 'deleteIndexes'],
  fields: ['index'],
  write: true,
  run(cmd, ctx) {
    const name = targetName(cmd, ctx);
    const coll = requireCollection(ctx, name);
    const nIndexesWas = coll.indexes.size + 1;
    const which = cmd.index;
    const names: string[] = [];
    if (which === '*') {
      names.push(...coll.indexes.keys());
    } else if (typeof which === 'string') {
      names.push(which);
    } else if (Array.isArray(which)) {
      for (const n of which) {
        if (typeof n !== 'string') throw new CommandError('TypeMismatch', 'dropIndexes index names must be strings');
        names.push(n);
      }
    } else if (isPlainObject(which)) {
      const wanted = keyString(which);
      const found = coll.indexSpecs().filter((s) => keyString(s.key) === wanted);
      if (found.length === 0)
        throw new CommandError('IndexNotFound', `can't find index with key: ${JSON.stringify(which)}`);
      names.push(...found.map((s) => s.name));
    } else {
      throw new CommandError('TypeMismatch', `BSON field '${commandName(cmd)}.index' is missing but a required field`);
    }
    for (const n of names) {
      if (n === '_id_') throw new CommandError('InvalidOptions', 'cannot drop _id index');
      if (!coll.indexes.has(n)) throw new CommandError('IndexNotFound', `index not found with name [${n}]`);
    }
    for (const n of names) ctx.catalog.dropIndex(coll, n);
    const reply: Doc = { nIndexesWas };
    if (which === '*') reply.msg = 'non-_id indexes dropped for collection';
    reply.ok = 1;
    return reply;
  },
};

export const ddlCommands: CommandSpec[] = [
  create,
  drop,
  dropDatabase,
  renameCollection,
  collMod,
  listCollections,
  listDatabases,
  createIndexes,
  listIndexes,
  dropIndexes,
];
