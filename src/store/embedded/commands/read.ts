/**
 * find, getMore, killCursors, count, distinct.
 */
import { CommandError, notImplemented } from '../errors.js';
import { compileFilter, compileProjection, parseSort, sortDocs } from '../query.js';
import { compareValues, EMPTY_ARRAY_KEY, getPathValues, keyString, type Doc } from '../values.js';
import {
  assertSimpleCollation,
  letVariables,
  optionalBool,
  optionalDoc,
  optionalNumber,
  targetName,
  type CommandSpec,
} from './context.js';
import { countMatches, matchDocs } from './scan.js';

function truthy(v: unknown): boolean {
  return v !== undefined && v !== null && v !== false && v !== 0;
}

const find: CommandSpec = {
  names: ['find'],
  fields: [
    'filter',
    'sort',
    'projection',
    'skip',
    'limit',
    'batchSize',
    'singleBatch',
    'hint',
    'let',
    'collation',
    'allowDiskUse',
    'noCursorTimeout',
    'allowPartialResults',
    'readOnce',
    'tailable',
    'awaitData',
    'oplogReplay',
    'returnKey',
    'showRecordId',
    'min',
    'max',
  ],
  run(cmd, ctx) {
    const name = targetName(cmd, ctx);
    for (const [field, what] of [
      ['tailable', 'tailable cursors'],
      ['awaitData', 'awaitData cursors'],
      ['returnKey', 'returnKey'],
      ['showRecordId', 'showRecordId'],
      ['min', 'min (index bounds)'],
      ['max', 'max (index bounds)'],
    ] as const) {
      if (truthy(cmd[field])) throw notImplemented(what);
    }
    assertSimpleCollation(cmd.collation);
    const filter = compileFilter(cmd.filter, { variables: letVariables(cmd) });
    const sort = parseSort(cmd.sort);
    const skip = optionalNumber(cmd, 'skip') ?? 0;
    let limit = optionalNumber(cmd, 'limit') ?? 0;
    let singleBatch = optionalBool(cmd, 'singleBatch') ?? false;
    const batchSize = optionalNumber(cmd, 'batchSize');
    if (skip < 0) throw new CommandError('BadValue', 'skip value must be non-negative');
    if (limit < 0) {
      limit = -limit;
      singleBatch = true;
    }
    if (batchSize !== undefined && batchSize < 0)
      throw new CommandError('BadValue', 'batchSize value must be non-negative');
    const coll = ctx.catalog.collection(ctx.db, name);
    let docs = matchDocs(coll, filter, sort ? 0 : limit > 0 ? skip + limit : 0);
    docs = sortDocs(docs, sort);
    if (skip > 0 || limit > 0) docs = docs.slice(skip, limit > 0 ? skip + limit : undefined);
    return ctx.cursors.open({
      ns: `${ctx.db}.${name}`,
      docs,
      project: compileProjection(cmd.projection, filter),
      batchSize: batchSize ?? (limit > 0 ? Math.min(limit, 101) : undefined),
      singleBatch,
    });
  },
};

const getMore: CommandSpec = {
  names: ['getMore'],
  fields: ['collection', 'batchSize', 'term', 'lastKnownCommittedOpTime'],
  run(cmd, ctx) {
    // Not validated as a collection name: listCollections/listIndexes cursors live on '$cmd.*'.
    const collection = cmd.collection;
    if (typeof collection !== 'string' || !collection)
      throw new CommandError('TypeMismatch', "BSON field 'getMore.collection' is missing but a required field");
    const batchSize = optionalNumber(cmd, 'batchSize');
    return ctx.cursors.getMore(cmd.getMore, `${ctx.db}.${collection}`, batchSize);
  },
};

const killCursors: CommandSpec = {
  names: ['killCursors'],
  fields: ['cursors'],
  run(cmd, ctx) {
    const name = cmd.killCursors;
    if (typeof name !== 'string' || !name)
      throw new CommandError('InvalidNamespace', 'killCursors needs a collection name');
    if (!Array.isArray(cmd.cursors))
      throw new CommandError('TypeMismatch', "BSON field 'killCursors.cursors' is missing but a required field");
    const { killed, notFound } = ctx.cursors.kill(`${ctx.db}.${name}`, cmd.cursors);
    return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  },
};

const count: CommandSpec = {
  names: ['count'],
  fields: ['query', 'limit', 'skip', 'hint', 'collation', 'fields'],
  run(cmd, ctx) {
    const name = targetName(cmd, ctx);
    assertSimpleCollation(cmd.collation);
    const filter = compileFilter(optionalDoc(cmd, 'query'));
    const skip = Math.max(0, optionalNumber(cmd, 'skip') ?? 0);
    const limit = Math.abs(optionalNumber(cmd, 'limit') ?? 0);
    let n = countMatches(ctx.catalog.collection(ctx.db, name), filter);
    n = Math.max(0, n - skip);
    if (limit > 0) n = Math.min(n, limit);
    return { n, ok: 1 };
  },
};

const distinct: CommandSpec = {
  names: ['distinct'],
  fields: ['key', 'query', 'hint', 'collation'],
  run(cmd, ctx) {
    const name = targetName(cmd, ctx);
    assertSimpleCollation(cmd.collation);
    if (typeof cmd.key !== 'string')
      throw new CommandError('TypeMismatch', "BSON field 'distinct.key' is missing but a required field");
    const key = cmd.key;
    const filter = compileFilter(optionalDoc(cmd, 'query'));
    const seen = new Map<string, unknown>();
    for (const doc of matchDocs(ctx.catalog.collection(ctx.db, name), filter)) {
      for (const v of getPathValues(doc, key, true)) {
        if (v === undefined || v === EMPTY_ARRAY_KEY) continue;
        const k = keyString(v);
        if (!seen.has(k)) seen.set(k, v);
      }
    }
    const values = [...seen.values()].sort(compareValues);
    return { values, ok: 1 } satisfies Doc;
  },
};

export const readCommands: CommandSpec[] = [find, getMore, killCursors, count, distinct];
