// A cache of validated content. Reading flows/ and questionnaires/ from YAML and checking them
// with zod costs about 0.6 s of CPU at every start and in CLI commands, while the files rarely
// change between two starts. What a check accepted is kept in one file per kind of load, under a
// key made of every byte of the files read, the compiled code that checked them (its build stamp:
// the i18n catalogs and registries the check uses are compiled in) and the V8 that serialised it.
// So any edit, an added or a removed file, or a new build is a miss, and a miss validates in full:
// a bad edit is refused exactly as without a cache. Only content with no problem at all is kept.
// Running the sources (tests, `npm run dev`) has no build stamp and never uses the cache.
//
// File: 32 bytes of key, 32 bytes of the payload's SHA-256, then the payload (v8.serialize, which
// keeps what JSON would lose: `undefined` fields). Anything unreadable or damaged is a miss.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';

/** Bump when the file layout or what is stored changes. */
const FORMAT = 'sputnik-content-cache 1';
const HASH_BYTES = 32;

export interface ContentCacheOptions {
  /** Where the cache files are kept; undefined: no cache. */
  dir: string | undefined;
  /** The compiled build that checks the content (see buildId in src/version.ts); undefined: no cache. */
  buildId: string | undefined;
}

export const NO_CONTENT_CACHE: ContentCacheOptions = { dir: undefined, buildId: undefined };

/** `off`: no cache was asked for, or the content's files could not be read to make a key. */
export type ContentCacheOutcome = 'hit' | 'miss' | 'off';

/** Every file under `dir`, depth first, as paths relative to `root`, in a fixed order. */
function filesUnder(root: string, dir: string): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    const entries = readdirSync(join(root, rel), { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of entries) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory()) visit(path);
      else out.push(path);
    }
  };
  visit(dir);
  return out;
}

function cacheKey(name: string, root: string, dirs: readonly string[], buildId: string): Buffer {
  const hash = createHash('sha256');
  const field = (value: string | Buffer) => {
    hash.update(`${value.length}:`);
    hash.update(value);
  };
  for (const part of [FORMAT, name, buildId, process.versions.v8, root]) field(part);
  for (const dir of dirs) {
    for (const file of filesUnder(root, dir)) {
      field(file);
      field(readFileSync(join(root, file)));
    }
  }
  return hash.digest();
}

function readCached(path: string, key: Buffer): unknown {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  if (bytes.length <= 2 * HASH_BYTES || !bytes.subarray(0, HASH_BYTES).equals(key)) return undefined;
  const payload = bytes.subarray(2 * HASH_BYTES);
  const sum = createHash('sha256').update(payload).digest();
  if (!sum.equals(bytes.subarray(HASH_BYTES, 2 * HASH_BYTES))) return undefined;
  try {
    return deserialize(payload);
  } catch {
    return undefined;
  }
}

/** Written beside and renamed over: a reader sees the old file or the new one, never half of one. */
function writeCached(path: string, key: Buffer, value: unknown): void {
  const payload = serialize(value);
  const sum = createHash('sha256').update(payload).digest();
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([key, sum, payload]));
    renameSync(temporary, path);
  } catch {
    // A cache that cannot be written (read-only or full disk) only costs the next start its time.
    rmSync(temporary, { force: true });
  }
}

/**
 * `load()` (which reads and validates), or what it returned before for the same bytes and build.
 * `name` names the cache file (one per kind of load); `dirs` are the folders under `root` it reads.
 */
export function cachedContent<T, E>(
  name: string,
  root: string,
  dirs: readonly string[],
  options: ContentCacheOptions,
  load: () => { value: T; errors: E[] },
): { value: T; errors: E[]; cache: ContentCacheOutcome } {
  const { dir, buildId } = options;
  let key: Buffer | undefined;
  if (dir !== undefined && buildId !== undefined) {
    try {
      key = cacheKey(name, root, dirs, buildId);
    } catch {
      // A folder missing or unreadable: the load itself reports it.
      key = undefined;
    }
  }
  if (dir === undefined || key === undefined) return { ...load(), cache: 'off' };
  const path = join(dir, `${name}.bin`);
  const cached = readCached(path, key);
  // Stored as `{ value }`, so a cached `undefined` is told apart from nothing cached.
  if (cached !== undefined) return { value: (cached as { value: T }).value, errors: [], cache: 'hit' };
  const loaded = load();
  if (loaded.errors.length === 0) {
    try {
      mkdirSync(dir, { recursive: true });
      writeCached(path, key, { value: loaded.value });
    } catch {
      // As above: no cache, no harm.
    }
  }
  return { ...loaded, cache: 'miss' };
}
