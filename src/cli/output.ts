// Where a CLI command writes, and in which language: the terminal, or a test's recorder.
import type { Locale } from '../domain/locale.js';

export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** The staff's language (`--lang`); Russian when not chosen. */
  locale?: Locale;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};
