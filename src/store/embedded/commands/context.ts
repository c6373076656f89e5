/**
 * Shared types and argument helpers for command handlers.
 */
import type { Catalog } from '../catalog.js';
import type { Collection } from '../collection.js';
import type { CursorManager, RawReply } from '../cursors.js';
import { CommandError, notImplemented } from '../errors.js';
import type { EmbeddedStoreLogger } from '../logger.js';
import { isPlainObject, type Doc } from '../values.js';

export interface CommandContext {
  catalog: Catalog;
  cursors: CursorManager;
  /** Database the command was sent to (`$db`, or the OP_QUERY namespace). */
  db: string;
  connectionId: number;
  logger: EmbeddedStoreLogger;
}

export type CommandResult = Doc | RawReply;

export interface CommandSpec {
  /** First key of the command document; aliases share one spec. */
  names: readonly string[];
  /** Fields accepted besides the command name and the generic ones; anything else is an error. */
  fields: readonly string[];
  /** Handshake commands carry driver metadata that varies by version; they accept any field. */
  anyFields?: boolean;
  adminOnly?: boolean;
  write?: boolean;
  /** Recognised only to refuse clearly (authentication); not listed as supported. */
  refuses?: boolean;
  run(cmd: Doc, ctx: CommandContext): CommandResult;
}

/** Fields every command may carry: session, routing and API-versioning metadata. */
export const GENERIC_FIELDS = [
  '$db',
  'lsid',
  '$clusterTime',
  '$readPreference',
  '$audit',
  '$client',
  'comment',
  'maxTimeMS',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
  'readConcern',
  'writeConcern',
] as const;

export function commandName(cmd: Doc): string {
  return Object.keys(cmd)[0] ?? '';
}

const INVALID_DB_CHARS = /[/\\. "$*<>:|?\0]/;

export function validateDbName(db: string): void {
  if (!db || INVALID_DB_CHARS.test(db) || db.length > 63)
    throw new CommandError('InvalidNamespace', `Invalid database name: '${db}'`);
}

export function validateCollectionName(db: string, name: unknown): string {
  if (typeof name !== 'string')
    throw new CommandError('InvalidNamespace', `collection name has invalid type ${typeof name}`);
  if (!name || name.includes('\0') || name.startsWith('.') || name.includes('$') || name.startsWith('system.')) {
    throw new CommandError('InvalidNamespace', `Invalid collection name: ${db}.${name}`);
  }
  return name;
}

/** The collection named by the command's first field (a string for collection-level commands). */
export function targetName(cmd: Doc, ctx: CommandContext): string {
  return validateCollectionName(ctx.db, cmd[commandName(cmd)]);
}

export function optionalDoc(cmd: Doc, field: string): Doc | undefined {
  const v = cmd[field];
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v))
    throw new CommandError(
      'TypeMismatch',
      `BSON field '${commandName(cmd)}.${field}' is the wrong type, expected type 'object'`,
    );
  return v;
}

export function optionalNumber(cmd: Doc, field: string): number | undefined {
  const v = cmd[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    // Long values arrive promoted to numbers; anything else is a type error like MongoDB's.
    const asNumber = Number((v as { toNumber?: () => number }).toNumber?.() ?? Number.NaN);
    if (Number.isFinite(asNumber)) return asNumber;
    throw new CommandError(
      'TypeMismatch',
      `BSON field '${commandName(cmd)}.${field}' is the wrong type, expected a number`,
    );
  }
  return Math.trunc(v);
}

export function optionalBool(cmd: Doc, field: string): boolean | undefined {
  const v = cmd[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  throw new CommandError(
    'TypeMismatch',
    `BSON field '${commandName(cmd)}.${field}' is the wrong type 'string', expected type 'bool'`,
  );
}

/** Only the simple (binary) collation can be honoured; anything else would silently compare wrongly. */
export function assertSimpleCollation(collation: unknown): void {
  if (collation === undefined || collation === null) return;
  if (isPlainObject(collation) && collation.locale === 'simple') return;
  const locale = isPlainObject(collation) ? String(collation.locale) : String(collation);
  throw notImplemented(`collation (locale '${locale}'; only the simple binary collation is available)`);
}

/** Rejects fields of a nested statement (update/delete entries, index specs) that are not allowed. */
export function checkNestedFields(path: string, doc: Doc, allowed: readonly string[]): void {
  for (const key of Object.keys(doc)) {
    if (!allowed.includes(key))
      throw new CommandError('UnknownField', `BSON field '${path}.${key}' is an unknown field.`);
  }
}

export function requireCollection(ctx: CommandContext, name: string): Collection {
  const coll = ctx.catalog.collection(ctx.db, name);
  if (!coll) throw new CommandError('NamespaceNotFound', `ns does not exist: ${ctx.db}.${name}`);
  return coll;
}

export function letVariables(cmd: Doc): Doc | undefined {
  return optionalDoc(cmd, 'let');
}
