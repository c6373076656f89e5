// Distributions and Likert statistics from answer counts `{q, dim, v, n}` (answerCountsPipeline).
// Pure: the counts are a few thousand documents however many responses there are, so this is
// cheap anywhere, and the same on MongoDB and on the embedded store. Groups keep the order their
// first count came in, as the aggregation stages they replace did.
import type { DistributionQuestions, LikertScale } from './pipelines.js';

/** Answers of question `q` in segment `dim` with value `v` (an array for multiple choice and ranking). */
export interface AnswerCount {
  q: string;
  dim: unknown;
  v: unknown;
  n: number;
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

/** Entries of one map per key, in the order each key was first seen. */
class Tally<T> {
  readonly byKey = new Map<string, T>();
  get(key: string, create: () => T): T {
    let entry = this.byKey.get(key);
    if (entry === undefined) {
      entry = create();
      this.byKey.set(key, entry);
    }
    return entry;
  }
  list(): T[] {
    return [...this.byKey.values()];
  }
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
 * question, segment and value are added up first (two cohorts of one programme).
 */
export function tallyAnswers(
  counts: Iterable<AnswerCount>,
  questions: DistributionQuestions,
  scales: readonly LikertScale[] = [],
): AnswerTallies {
  const merged = new Tally<AnswerCount>();
  for (const c of counts) {
    const entry = merged.get(`${valueKey(c.q)}\u0000${valueKey(c.dim)}\u0000${valueKey(c.v)}`, () => ({
      q: c.q,
      dim: c.dim,
      v: c.v,
      n: 0,
    }));
    entry.n += c.n;
  }
  const counted = new Set(questions.counted);
  const ranking = new Set(questions.ranking);
  const numeric = new Set(questions.numeric);
  const topFrom = new Map(scales.map((s) => [s.questionId, s.max - 1]));

  const answered = new Tally<AnsweredTally>();
  const values = new Tally<ValueTally>();
  const ranks = new Tally<RankTally>();
  const numbers = new Tally<NumberTally & { total: number }>();
  const likert = new Tally<LikertTally & { total: number }>();
  for (const { q, dim, v, n } of merged.byKey.values()) {
    const group = `${valueKey(q)}\u0000${valueKey(dim)}`;
    const top = topFrom.get(q);
    if (top !== undefined && typeof v === 'number') {
      const l = likert.get(group, () => ({
        q,
        dim,
        count: 0,
        top2: 0,
        top2Share: 0,
        mean: 0,
        median: 0,
        points: [],
        total: 0,
      }));
      l.points.push({ v, n });
      l.count += n;
      l.total += v * n;
      if (v >= top) l.top2 += n;
    }
    if (!counted.has(q)) continue;
    answered.get(group, () => ({ q, dim, n: 0 })).n += n;
    for (const value of Array.isArray(v) ? v : [v])
      values.get(`${group}\u0000${valueKey(value)}`, () => ({ q, dim, v: value, n: 0 })).n += n;
    if (ranking.has(q) && Array.isArray(v)) {
      v.forEach((o, i) => {
        const r = ranks.get(`${group}\u0000${valueKey(o)}`, () => ({ q, dim, o, n: 0, placeSum: 0, first: 0 }));
        r.n += n;
        r.placeSum += (i + 1) * n;
        if (i === 0) r.first += n;
      });
    }
    if (numeric.has(q)) {
      const s = numbers.get(group, () => ({ q, dim, n: 0, mean: 0, min: undefined, max: undefined, total: 0 }));
      s.n += n;
      if (typeof v === 'number') {
        s.total += v * n;
        if (s.min === undefined || v < s.min) s.min = v;
        if (s.max === undefined || v > s.max) s.max = v;
      }
    }
  }
  return {
    answered: answered.list(),
    values: values.list(),
    ranks: ranks.list(),
    numbers: numbers.list().map(({ total, ...s }) => ({ ...s, mean: total / s.n })),
    likert: likert.list().map(({ total, ...l }) => {
      const points = [...l.points].sort((a, b) => a.v - b.v);
      return {
        ...l,
        points,
        mean: total / l.count,
        top2Share: l.top2 / l.count,
        median: medianOf(points, l.count),
      };
    }),
  };
}
