// The YAML library, loaded when a content file is first parsed: a start or CLI command whose flows
// and questionnaires come from the cache (src/engine/content-cache.ts) parses no YAML, and loading
// it (72 modules) cost each ~0.04 s of CPU. Loaded with require, which keeps the callers synchronous.
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');
let library: Yaml | undefined;

export function yaml(): Yaml {
  library ??= createRequire(import.meta.url)('yaml') as Yaml;
  return library;
}
