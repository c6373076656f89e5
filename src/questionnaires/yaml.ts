// The YAML library, loaded when a content file is first parsed: a start or CLI command whose flows
// and questionnaires come from the cache (src/engine/content-cache.ts) parses no YAML, and loading
// it (72 modules) cost each ~0.04 s of CPU. Loaded with require, which keeps the callers synchronous.
// Also how its error codes are worded: staff should not meet the parser's English.
import { createRequire } from 'node:module';
import type { ErrorCode } from 'yaml';
import type { MessageKey } from '../i18n/index.js';

type Yaml = typeof import('yaml');
let library: Yaml | undefined;

export function yaml(): Yaml {
  library ??= createRequire(import.meta.url)('yaml') as Yaml;
  return library;
}

const YAML_HINTS: Record<ErrorCode, MessageKey> = {
  BAD_SCALAR_START: 'imports.yaml_bad_scalar_start',
  DUPLICATE_KEY: 'imports.yaml_duplicate_key',
  BAD_INDENT: 'imports.yaml_bad_indent',
  TAB_AS_INDENT: 'imports.yaml_tab_as_indent',
  MISSING_CHAR: 'imports.yaml_missing_char',
  MULTILINE_IMPLICIT_KEY: 'imports.yaml_multiline_key',
  BAD_DQ_ESCAPE: 'imports.yaml_bad_escape',
  BLOCK_AS_IMPLICIT_KEY: 'imports.yaml_multiline_key',
  KEY_OVER_1024_CHARS: 'imports.yaml_long_key',
  NON_STRING_KEY: 'imports.yaml_non_string_key',
  BLOCK_IN_FLOW: 'imports.yaml_block_in_flow',
  MULTIPLE_DOCS: 'imports.yaml_multiple_docs',
  UNEXPECTED_TOKEN: 'imports.yaml_unexpected',
  ALIAS_PROPS: 'imports.yaml_anchors',
  BAD_ALIAS: 'imports.yaml_anchors',
  MULTIPLE_ANCHORS: 'imports.yaml_anchors',
  MULTIPLE_TAGS: 'imports.yaml_tags',
  TAG_RESOLVE_FAILED: 'imports.yaml_tags',
  BAD_PROP_ORDER: 'imports.yaml_tags',
  BAD_DIRECTIVE: 'imports.yaml_directive',
  BAD_COLLECTION_TYPE: 'imports.yaml_unexpected',
  RESOURCE_EXHAUSTION: 'imports.yaml_too_big',
  IMPOSSIBLE: 'imports.yaml_unexpected',
};

/** The words for one of the parser's error codes. */
export function yamlHint(code: ErrorCode): MessageKey {
  return YAML_HINTS[code] ?? 'imports.yaml_unexpected';
}

/** What `toJS` threw (an alias without its anchor, or aliases that multiply), in words. */
export function yamlBuildHint(error: unknown): MessageKey {
  return error instanceof Error && /excessive alias count/i.test(error.message)
    ? 'imports.yaml_too_big'
    : 'imports.yaml_anchors';
}
