import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Output } from './commands/cohort.js';

/**
 * node's parseArgs for a CLI command: a mistyped option is answered with node's message and the
 * command's usage, and the caller exits with 2 (undefined comes back).
 */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T, usage: string, io: Output): ReturnType<typeof parseArgs<T>> | undefined {
  try {
    return parseArgs(config);
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${usage}`);
    return undefined;
  }
}
