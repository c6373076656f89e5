// Text from outside (a chat message, an imported file) is normalised once, on the way in: the same
// word typed on two keyboards compares equal (NFC), and bidi overrides and zero-width characters,
// which can make a stored name or code read differently from what it holds, are removed.

/**
 * Bidi embeddings/overrides (U+202A-202E) and isolates (U+2066-2069), LRM/RLM/ALM, zero-width
 * space and non-joiner, word joiner and invisible operators, BOM.
 */
const INVISIBLE = /[\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u061C\uFEFF]/g;
/**
 * A zero-width joiner, except inside an emoji sequence (👩‍🏫 is 👩 ZWJ 🏫: without it, two
 * pictures). After a pictograph, its variation selector or a skin tone, and before a pictograph.
 */
const STRAY_JOINER =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: the class lists code points on purpose; no character is combined.
  /(?<![\p{Extended_Pictographic}\uFE0F\u{1F3FB}-\u{1F3FF}])\u200D|\u200D(?!\p{Extended_Pictographic})/gu;

/** Any character the two patterns above may remove (U+200D is in the range): most text has none. */
const MAY_HIDE = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;

export function stripInvisible(text: string): string {
  // One scan for the common case: an export cleans every cell it writes, and the joiner's
  // look-behind pattern costs several times a plain character class.
  if (!MAY_HIDE.test(text)) return text;
  return text.replace(INVISIBLE, '').replace(STRAY_JOINER, '');
}

export function normaliseIncomingText(text: string): string {
  return stripInvisible(text.normalize('NFC'));
}
