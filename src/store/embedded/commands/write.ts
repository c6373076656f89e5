/**
 * insert, update, delete, findAndModify. Each statement is validated, applied to a private copy
 * and committed only after the unique checks, so a failed statement leaves its document as it was.
 */
import { ObjectId } from 'bson';
import { CommandError, toCommandError } from '../errors.js';
import { compileFilter, compileProjection, parseSort, sortDocs, type Filter } from '../query.js';
import { applyUpdate, buildUpsertDocument, parseUpdate, type UpdateContext, type UpdateSpec } from '../update.js';
import { isPlainObject, type Doc } from '../values.js';
import {
  assertSimpleCollation,
  checkNestedFields,
  letVariables,
  optionalBool,
  targetName,
  type CommandContext,
  type CommandSpec,
} from './context.js';
import { matchDocs } from './scan.js';

function statements(cmd: Doc, field: string, name: string): unknown[] {
  const list = cmd[field];
  if (!Array.isArray(list))
    throw new CommandError('TypeMismatch', `BSON field '${name}.${field}' is missing but a required field`);
  if (list.length === 0 || list.length > 100_000) {
    throw new CommandError(
      'BadValue',
      `Write batch sizes must be between 1 and 100000. Got ${list.length} operations.`,
    );
  }
  return list;
}

function validateId(id: unknown): void {
  if (id === undefined) throw new CommandError('BadValue', "can't use undefined for _id");
  if (Array.isArray(id)) throw new CommandError('BadValue', "can't use an array for _id");
  if (id instanceof RegExp || (id as { _bsontype?: string } | null)?._bsontype === 'BSONRegExp') {
    throw new CommandError('BadValue', "can't use a regex for _id");
  }
}

/** MongoDB stores `_id` as the first field; the driver appends a generated one at the end. */
function withIdFirst(raw: Doc): Doc {
  if (!('_id' in raw)) return { _id: new ObjectId(), ...raw };
  validateId(raw._id);
  if (Object.keys(raw)[0] === '_id') return raw;
  const out: Doc = { _id: raw._id };
  for (const [k, v] of Object.entries(raw)) if (k !== '_id') out[k] = v;
  return out;
}

const insert: CommandSpec = {
  names: ['insert'],
  fields: ['documents', 'ordered', 'bypassDocumentValidation', 'let'],
  write: true,
  run(cmd, ctx) {
    const name = targetName(cmd, ctx);
    const docs = statements(cmd, 'documents', 'insert');
    const ordered = optionalBool(cmd, 'ordered') ?? true;
    const { coll } = ctx.catalog.ensureCollection(ctx.db, name);
    let n = 0;
    const writeErrors: Doc[] = [];
    docs.forEach((raw, index) => {
      if (ordered && writeErrors.length) return;
      try {
        if (!isPlainObject(raw)) throw new CommandError('TypeMismatch', 'documents to insert must be objects');
        ctx.catalog.insert(coll, withIdFirst(raw));
        n++;
      } catch (err) {
        writeErrors.push(toCommandError(err).toWriteError(index));
      }
    });
    return writeErrors.length ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
  },
};

const UPDATE_STATEMENT_FIELDS = [
  'q',
  'u',
  'upsert',
  'multi',
  'arrayFilters',
  'collation',
  'hint',
  'c',
  'upsertSupplied',
  'sort',
];

function arrayFiltersOf(v: unknown): Doc[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every(isPlainObject))
    throw new CommandError('TypeMismatch', 'arrayFilters must be an array of objects');
  return v;
}

function updateContext(filter: Filter, arrayFilters: Doc[] | undefined, variables: Doc | undefined): UpdateContext {
  return { filter: filter.source, arrayFilters, extras: { variables } };
}

const update: CommandSpec = {
  names: ['update'],
  fields: ['updates', 'ordered', 'bypassDocumentValidation', 'let'],
  write: true,
  run(cmd, ctx) {
    const name = targetName(cmd, ctx);
    const list = statements(cmd, 'updates', 'update');
    const ordered = optionalBool(cmd, 'ordered') ?? true;
    const variables = letVariables(cmd);
    let n = 0;
    let nModified = 0;
    const upserted: Doc[] = [];
    const writeErrors: Doc[] = [];
    for (let index = 0; index < list.length; index++) {
      if (ordered && writeErrors.length) break;
      const st = list[index];
      try {
        if (!isPlainObject(st)) throw new CommandError('TypeMismatch', 'update statements must be objects');
        checkNestedFields('update.updates', st, UPDATE_STATEMENT_FIELDS);
        if (st.sort !== undefined)
          throw new CommandError(
            'NotImplemented',
            'sort in an update statement is not supported by the embedded store',
          );
        assertSimpleCollation(st.collation);
        const stVars = isPlainObject(st.c) ? { ...variables, ...st.c } : variables;
        const filter = compileFilter(st.q ?? {}, { variables: stVars });
        const spec = parseUpdate(st.u);
        const multi = st.multi === true;
        if (multi && spec.kind === 'replacement') {
          throw new CommandError('FailedToParse', 'multi update is not supported for replacement-style update');
        }
        const uctx = updateContext(filter, arrayFiltersOf(st.arrayFilters), stVars);
        const coll = ctx.catalog.collection(ctx.db, name);
        const matched = matchDocs(coll, filter, multi ? 0 : 1);
        if (coll && matched.length) {
          for (const doc of matched) {
            const next = applyUpdate(doc, spec, uctx);
            const r = ctx.catalog.replace(coll, doc, next);
            n++;
            if (r.modified) nModified++;
          }
        } else if (st.upsert === true) {
          const doc = buildUpsertDocument(spec, uctx);
          const stored = ctx.catalog.insert(ctx.catalog.ensureCollection(ctx.db, name).coll, doc, true);
          n++;
          upserted.push({ index, _id: stored._id });
        }
      } catch (err) {
        writeErrors.push(toCommandError(err).toWriteError(index));
      }
    }
    const reply: Doc = { n, nModified };
    if (upserted.length) reply.upserted = upserted;
    if (writeErrors.length) reply.writeErrors = writeErrors;
    reply.ok = 1;
    return reply;
  },
};

const del: CommandSpec = {
  names: ['delete'],
  fields: ['deletes', 'ordered', 'let'],
  write: true,
  run(cmd, ctx) {
    const name = targetName(cmd, ctx);
    const list = statements(cmd, 'deletes', 'delete');
    const ordered = optionalBool(cmd, 'ordered') ?? true;
    const variables = letVariables(cmd);
    let n = 0;
    const writeErrors: Doc[] = [];
    for (let index = 0; index < list.length; index++) {
      if (ordered && writeErrors.length) break;
      const st = list[index];
      try {
        if (!isPlainObject(st)) throw new CommandError('TypeMismatch', 'delete statements must be objects');
        checkNestedFields('delete.deletes', st, ['q', 'limit', 'collation', 'hint']);
        assertSimpleCollation(st.collation);
        const limit = Number(st.limit ?? 0);
        if (limit !== 0 && limit !== 1)
          throw new CommandError(
            'FailedToParse',
            `The limit field in delete objects must be 0 or 1. Got ${String(st.limit)}`,
          );
        const coll = ctx.catalog.collection(ctx.db, name);
        for (const doc of matchDocs(coll, compileFilter(st.q ?? {}, { variables }), limit)) {
          if (coll && ctx.catalog.remove(coll, doc)) n++;
        }
      } catch (err) {
        writeErrors.push(toCommandError(err).toWriteError(index));
      }
    }
    return writeErrors.length ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
  },
};

function project(doc: Doc | null, fields: unknown, filter: Filter): Doc | null {
  if (!doc) return null;
  const projector = compileProjection(fields, filter);
  return projector ? (projector([doc])[0] ?? null) : doc;
}

function findAndModifyRun(cmd: Doc, ctx: CommandContext): Doc {
  const name = targetName(cmd, ctx);
  assertSimpleCollation(cmd.collation);
  const remove = optionalBool(cmd, 'remove') ?? false;
  const returnNew = optionalBool(cmd, 'new') ?? false;
  const upsert = optionalBool(cmd, 'upsert') ?? false;
  const hasUpdate = cmd.update !== undefined && cmd.update !== null;
  if (remove && hasUpdate) throw new CommandError('FailedToParse', 'Cannot specify both an update and remove=true');
  if (!remove && !hasUpdate)
    throw new CommandError('FailedToParse', 'Either an update or remove=true must be specified');
  if (remove && upsert) throw new CommandError('FailedToParse', 'Cannot specify both upsert=true and remove=true');
  if (remove && returnNew)
    throw new CommandError(
      'FailedToParse',
      "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document",
    );
  const variables = letVariables(cmd);
  const filter = compileFilter(cmd.query ?? {}, { variables });
  const sort = parseSort(cmd.sort);
  const spec: UpdateSpec | undefined = hasUpdate ? parseUpdate(cmd.update) : undefined;
  const coll = ctx.catalog.collection(ctx.db, name);
  const matches = sortDocs(matchDocs(coll, filter, sort ? 0 : 1), sort);
  const target = matches[0];

  if (remove) {
    if (target && coll) ctx.catalog.remove(coll, target);
    return { lastErrorObject: { n: target ? 1 : 0 }, value: project(target ?? null, cmd.fields, filter), ok: 1 };
  }
  const uctx = updateContext(filter, arrayFiltersOf(cmd.arrayFilters), variables);
  if (target && coll && spec) {
    const next = applyUpdate(target, spec, uctx);
    const { doc } = ctx.catalog.replace(coll, target, next);
    return {
      lastErrorObject: { n: 1, updatedExisting: true },
      value: project(returnNew ? doc : target, cmd.fields, filter),
      ok: 1,
    };
  }
  if (upsert && spec) {
    const doc = ctx.catalog.insert(
      ctx.catalog.ensureCollection(ctx.db, name).coll,
      buildUpsertDocument(spec, uctx),
      true,
    );
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
      value: returnNew ? project(doc, cmd.fields, filter) : null,
      ok: 1,
    };
  }
  return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
}

const findAndModify: CommandSpec = {
  names: ['findAndModify', 'findandmodify'],
  fields: [
    'query',
    'sort',
    'remove',
    'update',
    'new',
    'fields',
    'upsert',
    'bypassDocumentValidation',
    'arrayFilters',
    'collation',
    'hint',
    'let',
  ],
  write: true,
  run: findAndModifyRun,
};

export const writeCommands: CommandSpec[] = [insert, update, del, findAndModify];
