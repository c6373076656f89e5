// A map keyed by stored ids, for an export's joins: every row names its teacher and its cohort,
// and turning each ObjectId into its hex string to look them up made two short-lived strings (of a
// dozen pieces each) per row, a good part of a 100,000-row export's garbage.
import { isObjectIdWords, type ObjectIdWords } from '../store/models/index.js';

interface Entry<T> {
  i0: number;
  i1: number;
  i2: number;
  value: T;
}

/**
 * Values by id: an ObjectId is found by its words (bucketed by the last, its counter, which differs
 * most), anything else (an id of another shape) by its string. An ObjectId and its hex string are
 * different keys: one map is fed ids of one kind, as the store returns them.
 */
export class IdMap<T> {
  private readonly byWords = new Map<number, Entry<T>[]>();
  private readonly byString = new Map<string, T>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  private entry(id: ObjectIdWords): Entry<T> | undefined {
    const bucket = this.byWords.get(id.i3);
    if (bucket === undefined) return undefined;
    for (const e of bucket) if (e.i0 === id.i0 && e.i1 === id.i1 && e.i2 === id.i2) return e;
    return undefined;
  }

  get(id: unknown): T | undefined {
    return isObjectIdWords(id) ? this.entry(id)?.value : this.byString.get(String(id));
  }

  has(id: unknown): boolean {
    return isObjectIdWords(id) ? this.entry(id) !== undefined : this.byString.has(String(id));
  }

  set(id: unknown, value: T): void {
    if (!isObjectIdWords(id)) {
      const key = String(id);
      if (!this.byString.has(key)) this.count++;
      this.byString.set(key, value);
      return;
    }
    const found = this.entry(id);
    if (found) {
      found.value = value;
      return;
    }
    const { i0, i1, i2, i3 } = id;
    const bucket = this.byWords.get(i3);
    if (bucket) bucket.push({ i0, i1, i2, value });
    else this.byWords.set(i3, [{ i0, i1, i2, value }]);
    this.count++;
  }

  clear(): void {
    this.byWords.clear();
    this.byString.clear();
    this.count = 0;
  }
}

/** Whether two ids are the same (two ObjectIds by their words, without their hex strings). */
export function sameId(a: unknown, b: unknown): boolean {
  if (isObjectIdWords(a) && isObjectIdWords(b)) return a.i3 === b.i3 && a.i0 === b.i0 && a.i1 === b.i1 && a.i2 === b.i2;
  return String(a) === String(b);
}

const HEX = '0123456789abcdef';

/**
 * `String(id)`: an ObjectId's 24 hex digits made as one flat string (bson's own is a rope of a
 * dozen pieces, each a short-lived string), anything else as `String` writes it.
 */
export function idText(id: unknown): string {
  if (!isObjectIdWords(id)) return String(id);
  const codes = new Array<number>(24);
  const words = [id.i0, id.i1, id.i2, id.i3];
  for (let w = 0; w < 4; w++) {
    const word = words[w] as number;
    for (let k = 0; k < 6; k++) codes[w * 6 + k] = HEX.charCodeAt((word >>> (20 - 4 * k)) & 15);
  }
  return String.fromCharCode(...codes);
}
