// Distributions and Likert statistics from answer counts `{q, dim, v: [...], n: [...]}`
// (answerCountsPipeline). Pure: the same on MongoDB and on the embedded store. Groups keep the
// order their first count came in, as the aggregation stages they replace did. With many small
// segments there are about as many counts as answers, so the work here is per count: a question
// and segment is keyed once per document, and a value only by its own elements.
import type { DistributionQuestions, LikertScale } from './pipelines.js';

/**
 * The answers of question `q` in segment `dim`: `n[i]` answers gave `v[i]` (an array for multiple
 * choice and ranking). Within one document the values are distinct as MongoDB groups them; a
 * question and segment in two documents is added up value by value.
 */
export interface AnswerCounts {
  q: string;
  dim: unknown;
  v: unknown[];
  n: number[];
}
export interface AnsweredTally {
  q: string;
  dim: unknown;
  /** Teachers who answered the question. */
  n: number;
}

export interface ValueTally {
  q: string;
  dim: unknown;
  /** One value; a multiple choice's or a ranking's array is counted per element. */
  v: unknown;
  n: number;
}

export interface RankTally {
  q: string;
  dim: unknown;
  /** A ranked option. */
  o: unknown;
  /** Teachers who ranked it. */
  n: number;
  /** Sum of its places (1 is first) over them. */
  placeSum: number;
  /** How many put it first. */
  first: number;
}

export interface NumberTally {
  q: string;
  dim: unknown;
  /** Answers, and their mean; min and max are undefined when none was a number. */
  n: number;
  mean: number;
  min: number | undefined;
  max: number | undefined;
}

export interface LikertTally {
  q: string;
  dim: unknown;
  count: number;
  /** Answers in the two highest points of the question's own scale. */
  top2: number;
  top2Share: number;
  mean: number;
  median: number;
  /** The distribution, points ascending. */
  points: { v: number; n: number }[];
}

export interface AnswerTallies {
  answered: AnsweredTally[];
  values: ValueTally[];
  ranks: RankTally[];
  numbers: NumberTally[];
  likert: LikertTally[];
}

/**
 * A key with MongoDB's grouping equality for the values answers hold: numbers by value (1 and 1.0
 * are one), strings, booleans and null each their own kind, documents and arrays by content.
 */
export function valueKey(v: unknown): string {
  if (v === null || v === undefined) return 'z';
  switch (typeof v) {
    case 'number':
      return `n${v}`;
    case 'string':
      return `s${v}`;
    case 'boolean':
      return v ? 'T' : 'F';
    case 'object': {
      const hex = (v as { toHexString?: unknown }).toHexString;
      if (typeof hex === 'function') return `o${String(hex.call(v))}`;
      if (v instanceof Date) return `d${v.getTime()}`;
      if (Array.isArray(v)) return `A${JSON.stringify(v.map(valueKey))}`;
      return `O${JSON.stringify(Object.entries(v).map(([k, x]) => [k, valueKey(x)]))}`;
    }
    default:
      return `x${String(v)}`;
  }
}

/** Entries by key, in the order each key was first seen; a string, number or boolean is its own key. */
class Tally<T> {
  private readonly plain = new Map<unknown, T>();
  private readonly keyed = new Map<string, T>();
  readonly entries: T[] = [];
  get(value: unknown, create: () => T): T {
    const kind = typeof value;
    // Map keys compare these as MongoDB's grouping does (1 and 1.0 are one); anything else by valueKey.
    const own = kind === 'string' || kind === 'number' || kind === 'boolean';
    const map: Map<unknown, T> = own ? this.plain : this.keyed;
    const key = own ? value : valueKey(value);
    let entry = map.get(key);
    if (entry === undefined) {
      entry = create();
      map.set(key, entry);
      this.entries.push(entry);
    }
    return entry;
  }
}

/** One question and segment: its values with their counts, added up over the documents holding it. */
interface Merged {
  q: string;
  dim: unknown;
  v: unknown[];
  n: number[];
  /** Index of each value by valueKey; made when a second document brings the same question and segment. */
  index: Map<string, number> | undefined;
}

function merge(counts: Iterable<AnswerCounts>): Iterable<Merged> {
  const byGroup = new Map<string, Merged>();
  for (const c of counts) {
    const key = `${valueKey(c.q)}\u0000${valueKey(c.dim)}`;
    const m = byGroup.get(key);
    if (m === undefined) {
      byGroup.set(key, { q: c.q, dim: c.dim, v: c.v, n: c.n, index: undefined });
      continue;
    }
    if (m.index === undefined) {
      // Copies: the arrays were the caller's.
      m.v = [...m.v];
      m.n = [...m.n];
      m.index = new Map(m.v.map((v, i) => [valueKey(v), i]));
    }
    for (let i = 0; i < c.v.length; i++) {
      const key = valueKey(c.v[i]);
      const at = m.index.get(key);
      if (at === undefined) {
        m.index.set(key, m.v.length);
        m.v.push(c.v[i]);
        m.n.push(c.n[i] as number);
      } else m.n[at] = (m.n[at] as number) + (c.n[i] as number);
    }
  }
  return byGroup.values();
}

/** The median of a distribution sorted by value: the mean of the two middle values when even. */
export function medianOf(points: readonly { v: number; n: number }[], count: number): number {
  const k1 = Math.floor((count + 1) / 2);
  const k2 = Math.floor(count / 2) + 1;
  let cum = 0;
  let a: number | undefined;
  let b: number | undefined;
  for (const p of points) {
    cum += p.n;
    if (a === undefined && cum >= k1) a = p.v;
    if (b === undefined && cum >= k2) b = p.v;
  }
  return ((a ?? Number.NaN) + (b ?? Number.NaN)) / 2;
}

/**
 * The statistics of the summary sheet and the report from answer counts: how many answered each
 * question, how often each value was given, mean places and first places of ranked options,
 * number summaries (mean, min, max), and Likert mean, median and top-2-box. Counts with the same
 * question, segment and value are added up first.
 */
export function tallyAnswers(
  counts: Iterable<AnswerCounts>,
  questions: DistributionQuestions,
  scales: readonly LikertScale[] = [],
): AnswerTallies {
  const counted = new Set(questions.counted);
  const ranking = new Set(questions.ranking);
  const numeric = new Set(questions.numeric);
  const topFrom = new Map(scales.map((s) => [s.questionId, s.max - 1]));

  const out: AnswerTallies = { answered: [], values: [], ranks: [], numbers: [], likert: [] };
  for (const { q, dim, v: vs, n: ns } of merge(counts)) {
    const top = topFrom.get(q);
    let l: (LikertTally & { total: number }) | undefined;
    if (top !== undefined) {
      for (let i = 0; i < vs.length; i++) {
        const v = vs[i];
        if (typeof v !== 'number') continue;
        const n = ns[i] as number;
        l ??= { q, dim, count: 0, top2: 0, top2Share: 0, mean: 0, median: 0, points: [], total: 0 };
        l.points.push({ v, n });
        l.count += n;
        l.total += v * n;
        if (v >= top) l.top2 += n;
      }
    }
    if (l !== undefined) {
      const { total, ...rest } = l;
      const points = [...rest.points].sort((a, b) => a.v - b.v);
      out.likert.push({
        ...rest,
        points,
        mean: total / rest.count,
        top2Share: rest.top2 / rest.count,
        median: medianOf(points, rest.count),
      });
    }
    if (!counted.has(q)) continue;
    const answered: AnsweredTally = { q, dim, n: 0 };
    const values = new Tally<ValueTally>();
    const ranks = ranking.has(q) ? new Tally<RankTally>() : undefined;
    const number = numeric.has(q)
      ? { q, dim, n: 0, mean: 0, min: undefined as number | undefined, max: undefined as number | undefined, total: 0 }
      : undefined;
    for (let i = 0; i < vs.length; i++) {
      const v = vs[i];
      const n = ns[i] as number;
      answered.n += n;
      if (Array.isArray(v)) {
        for (const value of v) values.get(value, () => ({ q, dim, v: value, n: 0 })).n += n;
        if (ranks !== undefined) {
          v.forEach((o, place) => {
            const r = ranks.get(o, () => ({ q, dim, o, n: 0, placeSum: 0, first: 0 }));
            r.n += n;
            r.placeSum += (place + 1) * n;
            if (place === 0) r.first += n;
          });
        }
      } else values.get(v, () => ({ q, dim, v, n: 0 })).n += n;
      if (number !== undefined) {
        number.n += n;
        if (typeof v === 'number') {
          number.total += v * n;
          if (number.min === undefined || v < number.min) number.min = v;
          if (number.max === undefined || v > number.max) number.max = v;
        }
      }
    }
    out.answered.push(answered);
    out.values.push(...values.entries);
    if (ranks !== undefined) out.ranks.push(...ranks.entries);
    if (number !== undefined) {
      const { total, ...s } = number;
      out.numbers.push({ ...s, mean: total / s.n });
    }
  }
  return out;
}
