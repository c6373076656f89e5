import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SAMPLES = fileURLToPath(new URL('../../src/cli/samples/', import.meta.url));
export const sampleCohortPath = `${SAMPLES}cohort.sample.yaml`;
export const sampleCsvPath = `${SAMPLES}participants.sample.csv`;
export const readSample = (path: string): string => readFileSync(path, 'utf8');

const CP1251: Map<string, number> = (() => {
  const decoder = new TextDecoder('windows-1251');
  const map = new Map<string, number>();
  for (let b = 0; b < 256; b += 1) map.set(decoder.decode(new Uint8Array([b])), b);
  return map;
})();

/** What Excel's "CSV (разделители — точка с запятой)" writes on a Russian Windows. */
export function encode1251(text: string): Uint8Array {
  return Uint8Array.from(
    [...text].map((ch) => {
      const byte = CP1251.get(ch);
      if (byte === undefined) throw new Error(`not in Windows-1251: ${ch}`);
      return byte;
    }),
  );
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const withBom = (text: string): Uint8Array => utf8(`\uFEFF${text}`);
