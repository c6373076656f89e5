import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The version in package.json, read once at start-up. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * Which compiled build is running: the stamp src/launch.mjs writes into dist/ after each successful
 * build (its start time). Undefined when the sources run directly (tsx, tests): there is no build.
 */
export function buildId(): string | undefined {
  try {
    return readFileSync(new URL('./.build-stamp', import.meta.url), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Where the build keeps the content it checked (src/launch.mjs fills it; see src/engine/content-cache.ts). */
export function builtContentCacheDir(): string {
  return fileURLToPath(new URL('./content-cache', import.meta.url));
}
