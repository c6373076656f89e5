/**
 * Errors in the shape MongoDB puts on the wire. Drivers and mongoose branch on `code`/`codeName`
 * (e.g. 48 NamespaceExists is ignored by mongoose's autoCreate, 11000 needs keyPattern/keyValue),
 * so the codes here are the server's real ones.
 */

export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  AuthenticationFailed: 18,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CommandNotSupported: 115,
  CannotIndexParallelArrays: 171,
  InvalidIndexSpecificationOption: 197,
  NotImplemented: 238,
  UnsupportedOpQueryCommand: 352,
  BSONObjectTooLarge: 10334,
  DuplicateKey: 11000,
  UnknownField: 40415,
} as const;

export type ErrorCodeName = keyof typeof ErrorCodes;

const CODE_NAMES = new Map<number, string>(
  Object.entries(ErrorCodes).map(([name, code]) => [code, name === 'UnknownField' ? 'Location40415' : name]),
);

export class CommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  /** Extra top-level reply fields (keyPattern/keyValue for E11000). */
  readonly extra: Record<string, unknown>;

  constructor(codeName: ErrorCodeName, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.code = ErrorCodes[codeName];
    this.codeName = CODE_NAMES.get(this.code) ?? codeName;
    this.extra = extra;
  }

  toReply(): Record<string, unknown> {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }

  /** The per-statement shape used inside `writeErrors`. */
  toWriteError(index: number): Record<string, unknown> {
    return { index, code: this.code, codeName: this.codeName, errmsg: this.message, ...this.extra };
  }
}

/** Anything thrown while executing a command becomes a reply; unknown errors are bad input to mingo. */
export function toCommandError(err: unknown): CommandError {
  if (err instanceof CommandError) return err;
  if (err instanceof Error) {
    // mingo throws MingoError for malformed queries/pipelines; a TypeError usually means the same
    // (an operator applied to a value of the wrong type), so neither is an internal failure.
    const isInputError = err.constructor.name === 'MingoError' || err instanceof TypeError || err instanceof RangeError;
    return new CommandError(isInputError ? 'BadValue' : 'InternalError', err.message);
  }
  return new CommandError('InternalError', String(err));
}

export function notImplemented(what: string): CommandError {
  return new CommandError('NotImplemented', `${what} is not supported by the embedded store`);
}
