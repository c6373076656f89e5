/** The pino-compatible subset the embedded store logs through. */
export interface EmbeddedStoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export const silentLogger: EmbeddedStoreLogger = {
  info: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
};
