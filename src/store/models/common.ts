import { Types, type SchemaOptions } from 'mongoose';
import { LOCALES } from '../../domain/locale.js';

/** Every collection: createdAt/updatedAt maintained by mongoose, the collection named explicitly. */
export function schemaOptions(collection: string): SchemaOptions {
  // strictQuery 'throw': a filter on a field the schema does not have is a bug, not "match all".
  return { collection, timestamps: true, strict: true, strictQuery: 'throw' };
}

export const ObjectId = Types.ObjectId;
export type ObjectIdType = Types.ObjectId;

export const localeField = { type: String, enum: LOCALES, required: true } as const;

/** Trimmed, bounded free text: a field nobody can fill with a megabyte. */
export function text(maxLength: number, required = false) {
  return { type: String, trim: true, maxlength: maxLength, required } as const;
}

export const idString = (id: ObjectIdType): string => id.toHexString();
export const optionalIdString = (id: ObjectIdType | null | undefined): string | undefined =>
  id ? id.toHexString() : undefined;

/** Mongoose keeps absent optional fields as undefined or null depending on the path; the domain uses undefined. */
export function orUndefined<T>(value: T | null | undefined): T | undefined {
  return value ?? undefined;
}
