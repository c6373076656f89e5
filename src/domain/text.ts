// Text from outside (a chat message, an imported file) is normalised once, on the way in: the same
// word typed on two keyboards compares equal (NFC), and bidi overrides and zero-width characters,
// which can make a stored name or code read differently from what it holds, are removed.

/**
 * Bidi embeddings/overrides (U+202A-202E) and isolates (U+2066-2069), LRM/RLM/ALM, zero-width
 * space/joiners, word joiner and invisible operators, BOM.
 */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u061C\uFEFF]/g;

export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

export function normaliseIncomingText(text: string): string {
  return stripInvisible(text.normalize('NFC'));
}
