// Stratified sampling (seed 001): respondents chosen so that region, programme direction and
// urban/rural shares match those of everyone trained. Strata are the combinations of the three.
// Each stratum first gets the whole part of its quota; the seats left (fewer than there are
// strata) go one by one where the region, direction and urban/rural shares are furthest below
// their targets, the stratum's own remainder breaking ties (largest remainder). Members within a
// stratum are drawn with a seeded generator: the same seed over the same people gives the same sample.
import { createHash } from 'node:crypto';
import type { Stratum } from '../domain/sample.js';

export type { Stratum } from '../domain/sample.js';

export interface SamplingUnit {
  participantId: string;
  cohortId: string;
  region: string | null;
  direction: string | null;
  settlementType: string | null;
}

export interface Sample {
  seed: string;
  size: number;
  population: number;
  strata: Stratum[];
  members: SamplingUnit[];
}

/** sfc32 seeded from a SHA-256 of the seed text: small, fast, and the same on every platform. */
export function seededRandom(seed: string): () => number {
  const h = createHash('sha256').update(seed).digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

export function stratumKey(u: Pick<SamplingUnit, 'region' | 'direction' | 'settlementType'>): string {
  return JSON.stringify([u.region, u.direction, u.settlementType]);
}

const DIMS = ['region', 'direction', 'settlementType'] as const;

/**
 * Seats per stratum: floors of the exact quotas, then the remaining seats to the stratum whose
 * region, direction and urban/rural totals are furthest below their own quotas. Plain largest
 * remainders on the joint strata can give every leftover seat to one region when strata are many
 * and small; this keeps each of the three shares within a seat of its target in such cases.
 */
export function allocateSeats(
  strata: readonly Pick<Stratum, 'region' | 'direction' | 'settlementType' | 'population'>[],
  seats: number,
  random: () => number,
): number[] {
  const total = strata.reduce((n, s) => n + s.population, 0);
  if (total === 0 || seats <= 0) return strata.map(() => 0);
  const quotas = strata.map((s) => (s.population * seats) / total);
  const result = quotas.map(Math.floor);
  const targets = DIMS.map((d) => {
    const m = new Map<string | null, number>();
    for (const s of strata) m.set(s[d], (m.get(s[d]) ?? 0) + (s.population * seats) / total);
    return m;
  });
  const given = DIMS.map((d) => {
    const m = new Map<string | null, number>();
    strata.forEach((s, i) => {
      m.set(s[d], (m.get(s[d]) ?? 0) + result[i]!);
    });
    return m;
  });
  // A fixed random order among exact ties, drawn from the seed.
  const tie = strata.map(() => random());
  let left = seats - result.reduce((n, x) => n + x, 0);
  while (left > 0) {
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    strata.forEach((s, i) => {
      if (result[i]! >= s.population) return;
      const deficit = DIMS.reduce((sum, d, k) => sum + targets[k]!.get(s[d])! - given[k]!.get(s[d])!, 0);
      const score = deficit + (quotas[i]! - result[i]!) * 1e-3 + tie[i]! * 1e-9;
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    });
    if (best === -1) break;
    result[best]! += 1;
    DIMS.forEach((d, k) => {
      given[k]!.set(strata[best]![d], given[k]!.get(strata[best]![d])! + 1);
    });
    left -= 1;
  }
  return result;
}

/**
 * Draws `size` units (all of them when fewer). Units are sorted by id first, so the order the
 * store returned them in cannot change the sample.
 */
export function drawStratifiedSample(units: readonly SamplingUnit[], size: number, seed: string): Sample {
  const byStratum = new Map<string, SamplingUnit[]>();
  for (const u of [...units].sort((a, b) =>
    a.participantId < b.participantId ? -1 : a.participantId > b.participantId ? 1 : 0,
  )) {
    const key = stratumKey(u);
    byStratum.set(key, [...(byStratum.get(key) ?? []), u]);
  }
  const keys = [...byStratum.keys()].sort();
  const groups = keys.map((k) => byStratum.get(k)!);
  const n = Math.min(Math.max(0, Math.floor(size)), units.length);
  const shapes = groups.map((g) => ({
    region: g[0]!.region,
    direction: g[0]!.direction,
    settlementType: g[0]!.settlementType,
    population: g.length,
  }));
  const seats = allocateSeats(shapes, n, seededRandom(`${seed}\u0000seats`));
  const random = seededRandom(seed);
  const members: SamplingUnit[] = [];
  const strata: Stratum[] = groups.map((group, i) => {
    // A partial Fisher-Yates shuffle: the first `seats[i]` places are the draw.
    const pool = [...group];
    for (let j = 0; j < seats[i]!; j++) {
      const k = j + Math.floor(random() * (pool.length - j));
      [pool[j], pool[k]] = [pool[k]!, pool[j]!];
    }
    members.push(...pool.slice(0, seats[i]));
    return {
      key: keys[i]!,
      ...shapes[i]!,
      quota: units.length ? (group.length * n) / units.length : 0,
      sampled: seats[i]!,
    };
  });
  return { seed, size: n, population: units.length, strata, members };
}

export interface MarginalRow {
  dimension: 'region' | 'direction' | 'settlementType';
  value: string | null;
  population: number;
  sampled: number;
  populationShare: number;
  sampleShare: number;
}

/** Shares of each region, direction and settlement type in the population and in the sample. */
export function marginals(sample: Sample): MarginalRow[] {
  const rows: MarginalRow[] = [];
  for (const dimension of ['region', 'direction', 'settlementType'] as const) {
    const acc = new Map<string | null, { population: number; sampled: number }>();
    for (const s of sample.strata) {
      const a = acc.get(s[dimension]) ?? { population: 0, sampled: 0 };
      a.population += s.population;
      a.sampled += s.sampled;
      acc.set(s[dimension], a);
    }
    for (const [value, a] of [...acc.entries()].sort((x, y) => String(x[0]).localeCompare(String(y[0]), 'ru'))) {
      rows.push({
        dimension,
        value,
        population: a.population,
        sampled: a.sampled,
        populationShare: sample.population ? a.population / sample.population : 0,
        sampleShare: sample.size ? a.sampled / sample.size : 0,
      });
    }
  }
  return rows;
}
