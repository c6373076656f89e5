/**
 * Splits a patch into `$set` and `$unset`: a field given as undefined is cleared, so a re-imported
 * file that no longer has a value really removes it instead of keeping a stale one.
 */
export function setOrUnset(patch: Record<string, unknown>): {
  $set?: Record<string, unknown>;
  $unset?: Record<string, ''>;
} {
  const $set: Record<string, unknown> = {};
  const $unset: Record<string, ''> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) $unset[key] = '';
    else $set[key] = value;
  }
  // An empty operator is an error on older MongoDB servers, so it is left out.
  return {
    ...(Object.keys($set).length > 0 ? { $set } : {}),
    ...(Object.keys($unset).length > 0 ? { $unset } : {}),
  };
}

/** Like `setOrUnset`, but only for the keys present in the patch: absent keys stay as they are. */
export function setPresent(patch: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
}
