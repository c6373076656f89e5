/**
 * Equal values that many stored documents repeat, held once. Decoding BSON makes a new string,
 * Date and ObjectId for every field of every document: a cohort's send log holds `sent`, `invite`
 * and its occasions tens of thousands of times, the cohort's id in every document and each
 * teacher's id in all of hers, and a batch of sends the same planned time. Each copy costs
 * 24–60 bytes (a string, an ObjectId) or ~110 (a Date with its number); one shared value costs one.
 *
 * Only values met again are kept: a value is first remembered in a window of recent ones, and
 * kept for good when it comes again while there. Values that never repeat (names, send keys, the
 * instants things happened) pass through the window and are forgotten, so the tables stay small
 * whatever the data. Stored documents are never edited in place (see collection.ts), so a shared
 * string or ObjectId (both immutable) can serve any number of them. A Date can be changed by
 * whoever holds it, and `find` in the process hands out the stored documents themselves: a shared
 * Date is a StoredDate, which refuses every setter, so a reader cannot change one document's time
 * and with it every other document's.
 */
import type { ObjectId } from 'bson';
import { isObjectIdWords, type ObjectIdWords } from '../models/object-id-words.js';
import { isPlainObject, type Doc } from './values.js';

/** Strings up to this length are shared: statuses, kinds, occasions, locales, channels, answers. */
const MAX_SHARED_STRING = 32;

const DATE_SETTERS = [
  'setDate',
  'setFullYear',
  'setHours',
  'setMilliseconds',
  'setMinutes',
  'setMonth',
  'setSeconds',
  'setTime',
  'setUTCDate',
  'setUTCFullYear',
  'setUTCHours',
  'setUTCMilliseconds',
  'setUTCMinutes',
  'setUTCMonth',
  'setUTCSeconds',
  'setYear',
] as const;

/** A Date several stored documents share: it reads as any Date, and cannot be changed. */
export class StoredDate extends Date {}

for (const name of DATE_SETTERS) {
  Object.defineProperty(StoredDate.prototype, name, {
    value(): never {
      throw new TypeError(`a stored document's date cannot be changed (${name}); copy it first`);
    },
    writable: false,
    enumerable: false,
    configurable: false,
  });
}

/** What `share` answers when the caller's own value is the one to keep (nothing to write). */
const KEEP = Symbol('keep');

/** Values seen once in a recent window; those seen again kept for good (up to `keepAtMost`). */
class Repeats<K, V> {
  private window = new Map<K, V>();
  private readonly kept = new Map<K, V>();

  constructor(
    private readonly windowSize: number,
    private readonly keepAtMost: number,
    /** The value to keep, from the key and the first value seen (a Date becomes a StoredDate). */
    private readonly toKept: (key: K, first: V) => V,
  ) {}

  /** The shared value equal to `value`, or KEEP: equal strings cannot be told apart by `===`. */
  share(key: K, value: V): V | typeof KEEP {
    const kept = this.kept.get(key);
    if (kept !== undefined) return kept;
    const first = this.window.get(key);
    if (first === undefined) {
      // A new window rather than an ordered eviction: cheaper, and a value repeated within the
      // window's span is caught either way.
      if (this.window.size >= this.windowSize) this.window = new Map();
      this.window.set(key, value);
      return KEEP;
    }
    if (this.kept.size >= this.keepAtMost) return KEEP;
    const shared = this.toKept(key, first);
    this.kept.set(key, shared);
    this.window.delete(key);
    return shared;
  }
}

/** An ObjectId's 12 bytes as six UTF-16 units (a 32-byte string), from bson 7's four 24-bit words. */
function objectIdShareKey({ i0, i1, i2, i3 }: ObjectIdWords): string {
  return String.fromCharCode(
    i0 >>> 8,
    ((i0 & 0xff) << 8) | (i1 >>> 16),
    i1 & 0xffff,
    i2 >>> 8,
    ((i2 & 0xff) << 8) | (i3 >>> 16),
    i3 & 0xffff,
  );
}

export class SharedValues {
  private readonly strings = new Repeats<string, string>(4096, 65_536, (_, s) => s);
  /** Planned times and a batch's instants repeat close together; most instants never do. */
  private readonly dates = new Repeats<number, Date>(1024, 65_536, (t) => new StoredDate(t));
  /**
   * Ids a document refers to (a cohort, a teacher): one teacher's sends are a cohort's size apart
   * in the journal, so the window is wide. A document's own `_id` is never met again, and is left.
   */
  private readonly ids = new Repeats<string, ObjectId>(16_384, 262_144, (_, id) => id);

  /**
   * Replaces, in a document the store has just made its own (decoded from a journal record or a
   * command), repeated values by the shared equal ones. The document and its parts keep their
   * identity; only leaf values are swapped for equal ones.
   */
  shareIn(doc: Doc): void {
    for (const key in doc) {
      const v = doc[key];
      if (typeof v === 'object' && key === '_id') continue;
      const shared = this.swap(v);
      if (shared !== KEEP) doc[key] = shared;
    }
  }

  /** The shared value equal to `v` (walking into documents and arrays, changed in place), or `v`. */
  value(v: unknown): unknown {
    const shared = this.swap(v);
    return shared === KEEP ? v : shared;
  }

  /** The value to put in place of `v`, or KEEP when `v` stays (documents and arrays are changed inside). */
  private swap(v: unknown): unknown {
    if (typeof v === 'string') return v.length <= MAX_SHARED_STRING ? this.strings.share(v, v) : KEEP;
    if (v === null || typeof v !== 'object') return KEEP;
    if (v instanceof Date) {
      const t = v.getTime();
      return Number.isNaN(t) ? KEEP : this.dates.share(t, v);
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const shared = this.swap(v[i]);
        if (shared !== KEEP) v[i] = shared;
      }
      return KEEP;
    }
    if (isPlainObject(v)) {
      this.shareIn(v);
      return KEEP;
    }
    // An ObjectId held another way than bson 7's words stays as it is.
    return isObjectIdWords(v) ? this.ids.share(objectIdShareKey(v), v as unknown as ObjectId) : KEEP;
  }
}
