// Where the CLI writes what staff asked for. A path that cannot be written is one line in the
// staff's language naming the path and why, never Node's stack trace; a half-written export is removed
// so nobody hands in a truncated file.
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Locale } from '../domain/locale.js';
import { fileSystemPhrase } from '../i18n/file-system.js';
import { t, word } from '../i18n/index.js';

/** Why the file system refused, in words (its code when it is a rare one), or undefined for another error. */
export function fileSystemReason(error: unknown, locale: Locale): string | undefined {
  const reason = fileSystemPhrase(error);
  return typeof reason === 'object' ? word(locale, reason) : reason;
}

/**
 * `mkdir -p`, one level at a time. Node's own recursive mkdir never returns for a path under /proc
 * (it keeps retrying, a CPU core busy until killed); this one fails with the first level it cannot make.
 */
export async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if ((await stat(dir)).isDirectory()) return;
      throw error;
    }
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    await makeDirectory(parent);
    await mkdir(dir);
  }
}

function writeProblem(error: unknown, path: string, locale: Locale): string | undefined {
  const reason = fileSystemReason(error, locale);
  return reason === undefined ? undefined : t(locale, 'cli_text.f_unwritable', { path, reason });
}

/** Streams to `path` (its folders made first); on failure says why and leaves no partial file. */
export async function writeStreamTo(path: string, stream: Readable, locale: Locale): Promise<string | undefined> {
  try {
    await makeDirectory(dirname(path));
    await pipeline(stream, createWriteStream(path));
    return undefined;
  } catch (error) {
    const problem = writeProblem(error, path, locale);
    if (problem === undefined) throw error;
    stream.destroy();
    await rm(path, { force: true }).catch(() => undefined);
    return problem;
  }
}

/** Writes several files into `dir` (made first); on failure says which path and why. */
export async function writeFilesTo(
  dir: string,
  files: readonly { name: string; bytes: Uint8Array | string }[],
  locale: Locale,
): Promise<string | undefined> {
  let current = dir;
  try {
    await makeDirectory(dir);
    for (const file of files) {
      current = join(dir, file.name);
      await writeFile(current, file.bytes);
    }
    return undefined;
  } catch (error) {
    const problem = writeProblem(error, current, locale);
    if (problem === undefined) throw error;
    return problem;
  }
}
