import { Types, trusted } from 'mongoose';

/**
 * Ids cross the domain boundary as 24-hex strings. A malformed id (typed by a user, carried in a
 * callback) finds nothing instead of throwing a CastError.
 */
export function toObjectId(id: string): Types.ObjectId | undefined {
  return /^[0-9a-f]{24}$/i.test(id) ? new Types.ObjectId(id) : undefined;
}

export function toObjectIds(ids: readonly string[]): Types.ObjectId[] {
  return ids.map(toObjectId).filter((id): id is Types.ObjectId => id !== undefined);
}

/** Where an id must be valid (it came from our own records), a bad one is a programming error. */
export function requireObjectId(id: string, what: string): Types.ObjectId {
  const objectId = toObjectId(id);
  if (!objectId) throw new TypeError(`${what}: not a valid id`);
  return objectId;
}

/**
 * The connection sanitises filters (a `$` key in a user-supplied value becomes a literal). Our own
 * operators are marked trusted so they still act as operators.
 */
export const op = <T extends object>(operator: T): T => trusted(operator) as T;

/** The field behind a MongoDB duplicate-key error (E11000), if that is what `error` is. */
export function duplicateKeyField(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, keyPattern } = error as { code?: unknown; keyPattern?: unknown };
  if (code !== 11000) return undefined;
  if (typeof keyPattern === 'object' && keyPattern !== null) return Object.keys(keyPattern)[0];
  return undefined;
}

/** Options for every update that returns the document: after the change, validated. */
export const AFTER_UPDATE = { returnDocument: 'after', runValidators: true } as const;
