// The fused `$unwind` + `$group` pass against plain mingo (random documents and pipelines), the
// MongoDB behaviours where it deliberately differs from mingo, its fallbacks, and the monitoring
// pipeline shapes it has to recognise.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Decimal128, Double, Int32, Long, ObjectId } from 'bson';
import { Aggregator as StockAggregator } from 'mingo';
import { Aggregator } from 'mingo/aggregator';
import { ProcessingMode } from 'mingo/core';
import { Query } from 'mingo/query';
import { type Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerCountsPipeline } from '../../../src/monitoring/pipelines.js';
import type { Dimension } from '../../../src/monitoring/scope.js';
import { pipelineIsSafe } from '../../../src/store/embedded/commands/aggregate.js';
import { executePipeline, planFusedGroup, runFusedGroup } from '../../../src/store/embedded/commands/fused-group.js';
import { startEmbeddedStore } from '../../../src/store/embedded/index.js';
import { compileFilter, mingoOptions } from '../../../src/store/embedded/query.js';
import { cloneValue, isPlainObject, keyString, type Doc } from '../../../src/store/embedded/values.js';
import { fillableDisk, startStoreWithClient, uniqueDb, type StoreHandle } from './helpers.js';

/** mulberry32: the same cases on every run; a failure names its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MISSING = Symbol('missing');

/** The aggregate command's mingo path: our operator context, on clones when mingo might write. */
function plainMingo(docs: Doc[], stages: readonly unknown[], collections: Record<string, Doc[]> = {}): Doc[] {
  if (stages.length === 0) return docs;
  const agg = new Aggregator(stages as Doc[], {
    ...mingoOptions({ collectionResolver: (name) => (collections[name] ?? []).map(cloneValue) }),
    processingMode: ProcessingMode.CLONE_OFF,
  });
  return agg.run(docs.map(cloneValue)) as Doc[];
}

function byKey(a: Doc, b: Doc): number {
  const ka = keyString(a._id);
  const kb = keyString(b._id);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

const OID_A = new ObjectId('64b000000000000000000a01');
const OID_B = new ObjectId('64b000000000000000000b02');
const OID_C = new ObjectId('65c000000000000000000a01');

describe('fused $unwind/$group against plain mingo', () => {
  const OTHER = [
    { _id: 'o1', k: 1, label: 'one' },
    { _id: 'o2', k: 'a', label: 'A' },
    { _id: 'o3', k: null, label: 'nil' },
    { _id: 'o4', k: 2 },
    { _id: 'o5', k: [1, 3], label: 'multi' },
    { _id: 'o6', label: 'nokey' },
    // ObjectId keys, as teachers are joined by id; OID_C shares OID_A's last bytes but not the rest.
    { _id: 'o7', k: OID_A, label: 'oid', sub: { x: 1 } },
    { _id: 'o8', k: OID_B, label: 'oid-b', sub: { x: 'b' } },
    { _id: 'o9', k: OID_A, label: 'oid again' },
  ];
  const collections = { other: OTHER };

  function generate(rand: () => number): { docs: Doc[]; pipeline: Doc[]; sets: string[] } {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const chance = (p: number) => rand() < p;
    // Numbers mix integers and fractions; in the process an int32 1 and a double 1.0 are the same number.
    const scalar = () => pick<unknown>([1, 2, 2.5, 0.1, -3, 7, 'a', 'b', 'B', '', null, MISSING, true, false, 0]);
    const put = (doc: Doc, field: string, v: unknown) => {
      if (v !== MISSING) doc[field] = v;
    };
    const unwinding = chance(0.85);
    const element = (): unknown => {
      if (chance(0.2)) return pick<unknown>([1, 2.5, 'a', null, true]);
      // An array element is an array only where it gets unwound: a field path across nested
      // arrays reads differently in mingo and MongoDB (pinned by the targeted tests below).
      if (unwinding && chance(0.08)) return [{ q: 1, v: 2 }, 3, { q: 'a' }];
      const el: Doc = {};
      put(el, 'q', pick<unknown>([1, 2, 'a', 'b', null, MISSING]));
      put(el, 'v', chance(0.25) ? pick([['a', 'b'], ['b', 'a'], ['a'], [], [1, 2.5]]) : scalar());
      if (chance(0.6))
        el.w = chance(0.8) ? { z: scalar() === MISSING ? 1 : pick([1, 'x', null]) } : pick<unknown>([5, null]);
      put(el, 's', pick<unknown>([true, false, MISSING]));
      return el;
    };
    const arrayish = (): unknown => {
      // "" and {} are one-element arrays to MongoDB but dropped by mingo's $unwind: pinned below.
      if (chance(0.7)) return Array.from({ length: Math.floor(rand() * 5) }, element);
      return pick<unknown>([null, MISSING, 4, 'solo', [], true]);
    };
    const docs: Doc[] = Array.from({ length: Math.floor(rand() * 30) }, (_, i) => {
      const doc: Doc = { _id: i };
      put(doc, 'g', scalar());
      put(doc, 'h', scalar());
      if (chance(0.8))
        doc.n = chance(0.8) ? { x: scalar() === MISSING ? 0 : pick([1, 'x', null, 2.5]) } : pick<unknown>([3, null]);
      put(doc, 'arr', arrayish());
      const nested = chance(0.7) ? { list: arrayish(), tag: scalar() } : pick<unknown>([null, MISSING, 'flat']);
      put(doc, 'nested', nested);
      // A fresh ObjectId object each time: equal ids are found by value, not by identity.
      put(
        doc,
        'ref',
        chance(0.25)
          ? new ObjectId(pick([OID_A, OID_B, OID_C]).toHexString())
          : pick<unknown>([1, 2, 'a', null, MISSING, 3, 9]),
      );
      return doc;
    });

    const pipeline: Doc[] = [];
    const roots = ['$g', '$h', '$n.x', '$n'];
    let withJoin = false;
    if (chance(0.3)) {
      withJoin = true;
      pipeline.push({ $lookup: { from: 'other', localField: 'ref', foreignField: 'k', as: 'joined' } });
      if (chance(0.7))
        pipeline.push({
          $addFields: {
            dv: pick<unknown>([
              { $ifNull: [{ $first: '$joined.label' }, null] },
              '$g',
              { $literal: 5 },
              { $first: '$joined' },
              { $ifNull: [{ $first: '$joined.sub.x' }, 'none'] },
            ]),
          },
        });
      roots.push('$dv', '$joined.label');
    }
    if (!withJoin && chance(0.15)) {
      pipeline.push({ $set: { g2: { $ifNull: ['$g', '$h', 'none'] } } });
      roots.push('$g2');
    }

    const u = pick(['arr', 'nested.list']);
    const index = unwinding && chance(0.3);
    if (unwinding) {
      const preserve = chance(0.5) ? undefined : chance(0.5);
      const spec =
        preserve === undefined && !index && chance(0.5)
          ? `$${u}`
          : {
              path: `$${u}`,
              ...(preserve !== undefined ? { preserveNullAndEmptyArrays: preserve } : {}),
              ...(index ? { includeArrayIndex: 'idx' } : {}),
            };
      pipeline.push({ $unwind: spec });
    }
    const elementPaths = unwinding
      ? [`$${u}`, `$${u}.q`, `$${u}.v`, `$${u}.w`, `$${u}.w.z`, `$${u}.s`]
      : [`$${u}.q`, `$${u}`];
    const paths = [...elementPaths, ...roots, ...(index ? ['$idx'] : []), '$nested.tag'];
    // $min/$max over scalars only: mingo orders arrays and documents unlike MongoDB.
    const scalarPaths = ['$g', '$h', '$n.x', ...(index ? ['$idx'] : [])];

    if (chance(0.35)) {
      const filters: Doc[] = unwinding
        ? [
            { [`${u}.q`]: 1 },
            { [`${u}.s`]: { $ne: true } },
            { [`${u}.v`]: { $in: [1, 'a', null] } },
            // Shapes the element test decides alone (the answer counts' $match).
            { [`${u}.q`]: { $in: ['a', 2] }, [`${u}.s`]: { $ne: true }, [`${u}.v`]: { $ne: null } },
            { [`${u}.v`]: { $in: [1, 'a', 2.5] } },
            { [`${u}.v`]: { $ne: 'a' } },
            { [`${u}.v`]: { $eq: 'b' }, [`${u}.s`]: false },
            { [u]: { $type: 'object' } },
            { $or: [{ [`${u}.q`]: 'a' }, { g: null }] },
            { [`${u}.w.z`]: { $exists: true } },
            { $expr: { $eq: ['$g', 1] } },
            ...(index ? [{ idx: { $gte: 1 } }] : []),
          ]
        : [{ g: { $in: [1, 'a'] } }, { 'n.x': { $exists: false } }];
      pipeline.push({ $match: pick(filters) });
    }

    let id: unknown;
    const idKind = rand();
    if (idKind < 0.15) id = null;
    else if (idKind < 0.2) id = 'all';
    else if (idKind < 0.5) id = pick(paths);
    else {
      const obj: Doc = {};
      const fields = 1 + Math.floor(rand() * 3);
      for (let f = 0; f < fields; f++) obj[`k${f}`] = chance(0.15) ? pick<unknown>([null, 'c', 3]) : pick(paths);
      id = obj;
    }
    const group: Doc = { _id: id };
    const sets: string[] = [];
    const accs = 1 + Math.floor(rand() * 4);
    for (let a = 0; a < accs; a++) {
      const op = pick([
        '$sum1',
        '$sumC',
        '$sum',
        '$avg',
        '$min',
        '$max',
        '$first',
        '$last',
        '$push',
        '$addToSet',
        '$count',
        '$sumCond',
      ]);
      const name = `a${a}`;
      if (op === '$sum1') group[name] = { $sum: 1 };
      else if (op === '$sumC') group[name] = { $sum: 2.5 };
      else if (op === '$count') group[name] = { $count: {} };
      else if (op === '$sumCond')
        // The conditional sums of the monitoring pipelines, on values of every type.
        group[name] = {
          $sum: {
            $cond: [
              // Equalities only: mingo orders values of different types unlike MongoDB (pinned below).
              pick<unknown>([
                { $eq: [pick(scalarPaths), pick<unknown>(['a', 1, true, 2.5])] },
                { $and: [{ $ne: [pick(scalarPaths), 'b'] }, { $not: [{ $eq: [pick(scalarPaths), 2] }] }] },
                { $or: [{ $eq: [pick(scalarPaths), 1] }, { $ne: [pick(scalarPaths), 'a'] }] },
              ]),
              pick<unknown>([1, 2.5]),
              pick<unknown>([0, pick(scalarPaths)]),
            ],
          },
        };
      else if (op === '$min' || op === '$max') group[name] = { [op]: pick(scalarPaths) };
      else group[name] = { [op]: pick(paths) };
      if (op === '$addToSet') sets.push(name);
    }
    pipeline.push({ $group: group });
    return { docs, pipeline, sets };
  }

  /**
   * mingo's answer in MongoDB's terms: `$push`/`$addToSet` of a missing value are left out (mingo
   * pushes null; wrapping the value in `{v}` tells missing from null), an object `_id` has no
   * field for a missing value (mingo keeps it as undefined).
   */
  function reference(docs: Doc[], pipeline: Doc[]): Doc[] {
    const group = { ...(pipeline[pipeline.length - 1] as { $group: Doc }).$group };
    const wrapped = new Set<string>();
    for (const [name, spec] of Object.entries(group)) {
      if (name === '_id' || !isPlainObject(spec)) continue;
      const [op] = Object.keys(spec);
      if (op === '$push' || op === '$addToSet') {
        group[name] = { [op]: { v: spec[op] } };
        wrapped.add(name);
      }
    }
    const out = plainMingo(docs, [...pipeline.slice(0, -1), { $group: group }], collections);
    for (const doc of out) {
      if (isPlainObject(doc._id)) for (const [k, v] of Object.entries(doc._id)) if (v === undefined) delete doc._id[k];
      for (const name of wrapped)
        doc[name] = (doc[name] as Array<{ v: unknown }>).filter((e) => e.v !== undefined).map((e) => e.v);
    }
    return out;
  }

  function normalised(out: Doc[], sets: string[]): Doc[] {
    return out
      .map((doc) => {
        const copy = { ...doc };
        for (const s of sets)
          copy[s] = [...(doc[s] as unknown[])].sort((a, b) =>
            keyString(a) < keyString(b) ? -1 : keyString(a) > keyString(b) ? 1 : 0,
          );
        return copy;
      })
      .sort(byKey);
  }

  it('gives the same groups as mingo on random documents and pipelines', () => {
    let recognised = 0;
    // What the cases exercised, so a generator that drifts into trivial cases fails loudly.
    const seen = {
      unwind: 0,
      preserve: 0,
      index: 0,
      dotted: 0,
      match: 0,
      lookup: 0,
      objectId: 0,
      groups: 0,
      nonEmpty: 0,
    };
    for (let seed = 1; seed <= 600; seed++) {
      const { docs, pipeline, sets } = generate(prng(seed));
      const text = JSON.stringify(pipeline);
      seen.unwind += Number(text.includes('$unwind'));
      seen.preserve += Number(text.includes('"preserveNullAndEmptyArrays":true'));
      seen.index += Number(text.includes('includeArrayIndex'));
      seen.dotted += Number(text.includes('"$nested.list"'));
      seen.match += Number(text.includes('$match'));
      seen.lookup += Number(text.includes('$lookup'));
      seen.objectId += Number(isPlainObject((pipeline[pipeline.length - 1] as { $group: Doc }).$group._id));
      const plan = planFusedGroup(pipeline, 0, { collectionResolver: (name) => collections[name as 'other'] ?? [] });
      expect(plan, `seed ${seed}: ${JSON.stringify(pipeline)}`).toBeDefined();
      expect(plan?.length, `seed ${seed}`).toBe(pipeline.length);
      const before = JSON.stringify(docs);
      const fused = runFusedGroup(plan!, docs);
      expect(fused, `seed ${seed} fell back`).toBeDefined();
      expect(JSON.stringify(docs), `seed ${seed} modified its input`).toBe(before);
      // Again, now from the element columns the first pass left (element-columns.ts).
      expect(runFusedGroup(plan!, docs), `seed ${seed}: second pass`).toStrictEqual(fused);
      expect(
        normalised(fused!, sets),
        `seed ${seed}: ${JSON.stringify(pipeline)}\n${JSON.stringify(docs)}`,
      ).toStrictEqual(normalised(reference(docs, pipeline), sets));
      recognised++;
      seen.groups += fused!.length;
      seen.nonEmpty += Number(fused!.length > 1);
    }
    expect(recognised).toBe(600);
    for (const [feature, count] of Object.entries(seen)) expect(count, feature).toBeGreaterThanOrEqual(40);
    expect(seen.groups).toBeGreaterThan(3000);
  });

  it('runs the stages around a fused segment on mingo, in order', () => {
    const rand = prng(99);
    for (let round = 0; round < 100; round++) {
      const { docs, pipeline } = generate(rand);
      const group = pipeline[pipeline.length - 1] as { $group: Doc };
      // No $push/$addToSet here: their missing-value difference is what the test above unwraps.
      for (const [k, v] of Object.entries(group.$group))
        if (isPlainObject(v) && ('$push' in v || '$addToSet' in v)) delete group.$group[k];
      if (isPlainObject(group.$group._id)) continue; // mingo's undefined fields again
      const full = [
        { $sort: { _id: -1 } },
        { $limit: 25 },
        ...pipeline,
        { $sort: { _id: 1 } },
        { $project: { _id: 1, a0: 1 } },
        { $group: { _id: null, n: { $sum: 1 }, firsts: { $push: { $ifNull: ['$a0', 'none'] } } } },
      ];
      const runner = (d: Doc[], s: readonly unknown[]) => plainMingo(d, s, collections);
      const fused = executePipeline(
        docs,
        full,
        { collectionResolver: (name) => collections[name as 'other'] ?? [] },
        runner,
      );
      expect(fused, `round ${round}: ${JSON.stringify(full)}`).toStrictEqual(plainMingo(docs, full, collections));
    }
  });
});

describe('$lookup by localField/foreignField', () => {
  it('matches what stock mingo joins on scalar keys', () => {
    const rand = prng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const key = () => pick<unknown>([1, 2, 2.5, 'a', 'b', null, undefined, true]);
    for (let round = 0; round < 200; round++) {
      const foreign = Array.from({ length: Math.floor(rand() * 12) }, (_, i) => {
        const doc: Doc = { _id: `f${i}` };
        // Distinct elements: stock mingo lists a document once per equal element (MongoDB once).
        const k = rand() < 0.2 ? [...new Set([key(), key()].filter((v) => v !== undefined))] : key();
        if (k !== undefined) doc.k = k;
        if (rand() < 0.3) doc.sub = { k: key() ?? 0 };
        return doc;
      });
      const local = Array.from({ length: Math.floor(rand() * 12) }, (_, i) => {
        const doc: Doc = { _id: i };
        const k = key();
        if (k !== undefined) doc.ref = k;
        return doc;
      });
      const spec = { from: 'f', localField: 'ref', foreignField: pick(['k', 'sub.k']), as: 'j' };
      const ours = plainMingo(local, [{ $lookup: spec }], { f: foreign });
      const stock = new StockAggregator([{ $lookup: spec }], { collectionResolver: () => foreign }).run(
        local.map(cloneValue),
      );
      expect(ours, JSON.stringify({ spec, foreign, local })).toStrictEqual(stock);
    }
  });

  it('joins with MongoDB equality and leaves out local array values without a match', () => {
    const foreign = [{ _id: 'a', k: 1 }, { _id: 'b', k: Long.fromNumber(2) }, { _id: 'c', k: [3, 4, 4] }, { _id: 'd' }];
    const out = plainMingo(
      [{ _id: 1, ref: [2, 9, 4, 1] }, { _id: 2, ref: 2.0 }, { _id: 3 }, { _id: 4, ref: [] }],
      [{ $lookup: { from: 'f', localField: 'ref', foreignField: 'k', as: 'j' } }],
      { f: foreign },
    );
    // Matches come in the foreign collection's order; missing matches missing.
    expect(out.map((d) => (d.j as Doc[]).map((f) => f._id))).toEqual([['a', 'b', 'c'], ['b'], ['d'], []]);
  });
});

describe('filters with $in of scalars', () => {
  it('match a field, an array element or a dotted path with MongoDB equality', () => {
    const id = new ObjectId();
    const docs: Doc[] = [
      { _id: 1, c: new ObjectId(id.toHexString()) },
      { _id: 2, c: [new ObjectId(), id] },
      { _id: 3, c: Long.fromNumber(5) },
      { _id: 4, s: { c: 'x' } },
      { _id: 5 },
      { _id: 6, c: 'x' },
    ];
    const ids = (filter: Doc) => docs.filter((d) => compileFilter(filter).test(d)).map((d) => d._id);
    expect(ids({ c: { $in: [id] } })).toEqual([1, 2]);
    expect(ids({ c: { $in: [5.0, 'nope'] } })).toEqual([3]);
    expect(ids({ 's.c': { $in: ['x'] } })).toEqual([4]);
    expect(ids({ c: { $in: [] } })).toEqual([]);
    // null in the list also matches missing fields: still mingo's job.
    expect(ids({ c: { $in: [null, 'x'] } })).toEqual([4, 5, 6]);
  });

  it('compare a stored string with the wanted strings only, and anything else by its canonical key', () => {
    const docs: Doc[] = [
      { _id: 1, c: 'x' },
      { _id: 2, c: '1' },
      { _id: 3, c: 1 },
      { _id: 4, c: Long.fromNumber(1) },
      { _id: 5, c: ['y', 'x'] },
      { _id: 6, c: true },
      { _id: 7, c: 'true' },
    ];
    const ids = (filter: Doc) => docs.filter((d) => compileFilter(filter).test(d)).map((d) => d._id);
    expect(ids({ c: 'x' })).toEqual([1, 5]);
    expect(ids({ c: { $eq: '1' } })).toEqual([2]);
    expect(ids({ c: { $in: ['x', 1] } })).toEqual([1, 3, 4, 5]);
    expect(ids({ c: { $in: [true, 'nope'] } })).toEqual([6]);
    expect(ids({ c: 'true', _id: 7 })).toEqual([7]);
  });
});

describe('filters split into equality, date range and the rest', () => {
  it('select the same documents as the query engine given the whole filter', () => {
    const a = new ObjectId();
    const b = new ObjectId();
    const day = (d: number) => new Date(Date.UTC(2026, 0, d));
    const docs: Doc[] = [
      { _id: 1, c: a, s: 'done', at: day(5), n: 1 },
      { _id: 2, c: b, s: 'done', at: day(15), n: 2 },
      { _id: 3, c: a, s: 'open', at: day(10) },
      { _id: 4, c: a, s: 'done' },
      { _id: 5, c: a, s: 'done', at: null },
      { _id: 6, c: a, s: 'done', at: [day(1), day(12)] },
      { _id: 7, c: a, s: 'done', at: '2026-01-10' },
      { _id: 8, c: [b, a], s: 'done', at: day(10), n: 3 },
      { _id: 9, c: a, s: 'done', at: day(20) },
      { _id: 10, c: a, s: 'done', at: day(10), n: null },
    ];
    const filters: Doc[] = [
      { c: { $in: [a] }, s: 'done', at: { $gte: day(5), $lt: day(20) } },
      { c: { $in: [a, b] }, at: { $gt: day(5), $lte: day(20) } },
      { at: { $lt: day(11) } },
      { s: 'done', at: { $gte: day(1) }, n: { $gt: 1 } },
      { s: 'done', $or: [{ n: 1 }, { n: { $exists: false } }] },
      { c: a, at: { $gte: day(1), $ne: null } },
      { at: { $gte: '2026-01-01' }, s: 'done' },
    ];
    for (const filter of filters) {
      const whole = new Query(filter, mingoOptions({}));
      const expected = docs.filter((d) => whole.test(d)).map((d) => d._id);
      const compiled = compileFilter(filter);
      expect(
        docs.filter((d) => compiled.test(d)).map((d) => d._id),
        JSON.stringify(filter),
      ).toEqual(expected);
    }
  });
});

describe('fused $group keys', () => {
  it('puts values in one group exactly when their canonical keys are equal (numbers, wrappers, arrays)', () => {
    const values: unknown[] = [
      1,
      1.0,
      new Int32(1),
      new Double(1),
      Long.fromNumber(1),
      Decimal128.fromString('1'),
      Decimal128.fromString('1.0'),
      -0,
      0,
      Number.NaN,
      2 ** 60,
      Long.fromBigInt(2n ** 60n),
      Long.fromBigInt(2n ** 60n + 1n),
      '1',
      true,
      null,
      [],
      [null],
      [1],
      [1.0, 'a'],
      [Long.fromNumber(1), 'a'],
      ['a', 1],
      ['a', ['b']],
      ['a', 'b'],
      [['a', 'b']],
      [{ x: 1 }],
      [{ x: 1.0 }],
      { x: [1] },
      new ObjectId('0123456789abcdef01234567'),
      new ObjectId('0123456789abcdef01234567'),
      new Date(5),
      new Date(5),
    ];
    const docs: Doc[] = values.map((v, i) => ({ _id: i, v }));
    const pipeline = [{ $group: { _id: { v: '$v' }, ids: { $push: '$_id' } } }];
    const plan = planFusedGroup(pipeline, 0, {});
    expect(plan).toBeDefined();
    const groups = runFusedGroup(plan!, docs)!.map((g) => (g.ids as number[]).join(','));
    const expected = new Map<string, number[]>();
    values.forEach((v, i) => {
      const k = keyString(v);
      expected.set(k, [...(expected.get(k) ?? []), i]);
    });
    expect(groups).toEqual([...expected.values()].map((ids) => ids.join(',')));
  });

  it('keeps groups apart across many segments (an organisation breakdown), in first-seen order', () => {
    // 700 segments × 3 questionnaires: past the per-leaf array into its map.
    const docs: Doc[] = Array.from({ length: 4200 }, (_, i) => ({
      _id: i,
      qn: `qn${Math.floor(i / 1400)}`,
      org: i % 701 === 0 ? null : `school ${i % 700}`,
      answers: [
        { q: `q${i % 4}`, v: i % 2 === 0 ? 'a' : ['b', 'c'] },
        { q: 'q9', v: i % 3 },
        { q: 'q9', v: null },
      ],
    }));
    const pipeline = [
      { $unwind: '$answers' },
      { $group: { _id: { qn: '$qn', q: '$answers.q', v: '$answers.v', dim: '$org' }, n: { $sum: 1 } } },
    ];
    const plan = planFusedGroup(pipeline, 0, {});
    expect(plan).toBeDefined();
    const fused = runFusedGroup(plan!, docs)!;
    expect(fused.length).toBeGreaterThan(2000);
    expect(fused).toStrictEqual(plainMingo(docs, pipeline));
  });
});

describe('fused $unwind/$group over the wire (MongoDB behaviour)', () => {
  let h: StoreHandle;
  let db: Db;
  beforeAll(async () => {
    h = await startStoreWithClient();
    db = h.client.db(uniqueDb('fused'));
  });
  afterAll(async () => {
    await h.close();
  });

  async function agg(docs: Doc[], pipeline: Doc[]): Promise<Doc[]> {
    const name = `c${Math.random().toString(36).slice(2)}`;
    if (docs.length) await db.collection(name).insertMany(docs.map((d) => ({ ...d })));
    return (await db.collection(name).aggregate(pipeline).toArray()) as Doc[];
  }
  const sorted = (docs: Doc[]) => [...docs].sort(byKey);

  it('preserves null, missing and empty arrays when asked, with a null index', async () => {
    const docs = [{ _id: 1, a: [10, 20] }, { _id: 2, a: [] }, { _id: 3, a: null }, { _id: 4 }, { _id: 5, a: 30 }];
    const out = await agg(docs, [
      { $unwind: { path: '$a', preserveNullAndEmptyArrays: true, includeArrayIndex: 'i' } },
      { $group: { _id: '$a', ids: { $push: '$_id' }, idx: { $push: '$i' } } },
    ]);
    expect(sorted(out)).toEqual([
      { _id: 10, ids: [1], idx: [0] },
      { _id: 20, ids: [1], idx: [1] },
      { _id: 30, ids: [5], idx: [null] },
      { _id: null, ids: [2, 3, 4], idx: [null, null, null] },
    ]);
    const dropped = await agg(docs, [{ $unwind: '$a' }, { $group: { _id: null, ids: { $push: '$_id' } } }]);
    expect(dropped).toEqual([{ _id: null, ids: [1, 1, 5] }]);
  });

  it('tells an empty array (field removed) from null when preserved', async () => {
    const out = await agg(
      [
        { _id: 1, a: [] },
        { _id: 2, a: null },
      ],
      [{ $unwind: { path: '$a', preserveNullAndEmptyArrays: true } }, { $group: { _id: { a: '$a' }, n: { $sum: 1 } } }],
    );
    expect(out).toEqual([
      { _id: {}, n: 1 },
      { _id: { a: null }, n: 1 },
    ]);
  });

  it('unwinds any non-array non-null value as a one-element array, "" and {} included', async () => {
    const out = await agg(
      [
        { _id: 1, a: '' },
        { _id: 2, a: {} },
        { _id: 3, a: 0 },
        { _id: 4, a: false },
        { _id: 5, a: 'x' },
      ],
      [{ $unwind: '$a' }, { $group: { _id: null, ids: { $push: '$_id' }, values: { $push: '$a' } } }],
    );
    expect(out).toEqual([{ _id: null, ids: [1, 2, 3, 4, 5], values: ['', {}, 0, false, 'x'] }]);
  });

  it('reaches the unwound array through documents only, as MongoDB does', async () => {
    const docs = [
      { _id: 1, a: { b: [1, 2] } },
      { _id: 2, a: [{ b: [3] }] },
      { _id: 3, a: 'str' },
    ];
    const out = await agg(docs, [{ $unwind: '$a.b' }, { $group: { _id: '$a.b', n: { $sum: 1 } } }]);
    expect(sorted(out)).toEqual([
      { _id: 1, n: 1 },
      { _id: 2, n: 1 },
    ]);
    const kept = await agg(docs, [
      { $unwind: { path: '$a.b', preserveNullAndEmptyArrays: true } },
      { $group: { _id: '$_id', b: { $push: '$a.b' } } },
    ]);
    // Document 2 is kept as it was, so its `$a.b` is the usual traversal of the array.
    expect(sorted(kept)).toEqual([
      { _id: 1, b: [1, 2] },
      { _id: 2, b: [[[3]]] },
      { _id: 3, b: [] },
    ]);
  });

  it('sums and averages numbers only', async () => {
    const docs = [
      { _id: 1, x: 'a' },
      { _id: 2, x: null },
      { _id: 3, x: [1, 2] },
      { _id: 4, x: true },
      { _id: 5, x: 3 },
      { _id: 6, x: new Double(2.5) },
      { _id: 7 },
      { _id: 8, x: { n: 1 } },
    ];
    const out = await agg(docs, [
      {
        $group: {
          _id: null,
          sum: { $sum: '$x' },
          avg: { $avg: '$x' },
          none: { $sum: '$nope' },
          noAvg: { $avg: '$nope' },
          n: { $sum: 1 },
        },
      },
    ]);
    expect(out).toEqual([{ _id: null, sum: 5.5, avg: 2.75, none: 0, noAvg: null, n: 8 }]);
  });

  it('groups 1, 1.0, Long(1) and Decimal128("1") together, keeps missing apart from null in an object _id', async () => {
    const docs = [
      { _id: 1, v: new Int32(1) },
      { _id: 2, v: new Double(1) },
      { _id: 3, v: Long.fromNumber(1) },
      { _id: 4, v: Decimal128.fromString('1') },
      { _id: 5, v: null },
      { _id: 6 },
    ];
    // A single-path _id makes missing null, one group with null.
    const single = await agg(docs, [{ $group: { _id: '$v', n: { $sum: 1 } } }]);
    expect(single).toEqual([
      { _id: 1, n: 4 },
      { _id: null, n: 2 },
    ]);
    const compound = await agg(docs, [{ $group: { _id: { v: '$v' }, n: { $sum: 1 } } }]);
    expect(compound.map((d) => d.n)).toEqual([4, 1, 1]);
    expect(compound[1]).toEqual({ _id: { v: null }, n: 1 });
    expect(compound[2]).toEqual({ _id: {}, n: 1 });
  });

  it('skips missing values in $push and $addToSet, dedupes with MongoDB equality, orders $min/$max as BSON', async () => {
    const docs = [
      { _id: 1, x: 1 },
      { _id: 2 },
      { _id: 3, x: null },
      { _id: 4, x: Long.fromNumber(1) },
      { _id: 5, x: 'a' },
      { _id: 6, x: [0] },
    ];
    const out = await agg(docs, [
      {
        $group: {
          _id: null,
          pushed: { $push: '$x' },
          set: { $addToSet: '$x' },
          min: { $min: '$x' },
          max: { $max: '$x' },
          first: { $first: '$y' },
          last: { $last: '$x' },
        },
      },
    ]);
    expect(out).toEqual([
      { _id: null, pushed: [1, null, 1, 'a', [0]], set: [1, null, 'a', [0]], min: 1, max: [0], first: null, last: [0] },
    ]);
  });

  it('filters unwound rows with $match, on the element, the root and the index', async () => {
    const docs = [
      { _id: 1, g: 'x', a: [{ q: 1, s: false }, { q: 2, s: true }, { q: 1 }] },
      { _id: 2, g: 'y', a: [{ q: 1, s: true }, { q: 3 }] },
    ];
    const byQ = await agg(docs, [
      { $unwind: '$a' },
      { $match: { 'a.s': { $ne: true } } },
      { $group: { _id: '$a.q', n: { $sum: 1 } } },
    ]);
    expect(sorted(byQ)).toEqual([
      { _id: 1, n: 2 },
      { _id: 3, n: 1 },
    ]);
    const root = await agg(docs, [
      { $unwind: { path: '$a', includeArrayIndex: 'i' } },
      { $match: { g: 'x', i: { $gte: 1 } } },
      { $match: { $expr: { $eq: ['$a.q', 1] } } },
      { $group: { _id: '$i', n: { $sum: 1 } } },
    ]);
    expect(root).toEqual([{ _id: 2, n: 1 }]);
  });

  it('folds $lookup and $addFields into the pass, as the region breakdowns use them', async () => {
    await db
      .collection<{ _id: string; region?: string }>('people')
      .insertMany([{ _id: 'p1', region: 'north' }, { _id: 'p2', region: 'south' }, { _id: 'p3' }]);
    const docs = [
      {
        _id: 1,
        p: 'p1',
        answers: [
          { q: 'a', v: 1 },
          { q: 'b', v: 2 },
        ],
      },
      { _id: 2, p: 'p2', answers: [{ q: 'a', v: 1 }] },
      { _id: 3, p: 'p3', answers: [{ q: 'a', v: 1 }] },
      { _id: 4, p: 'nobody', answers: [{ q: 'a', v: 5 }] },
    ];
    const out = await agg(docs, [
      { $lookup: { from: 'people', localField: 'p', foreignField: '_id', as: 'src' } },
      { $addFields: { dim: { $ifNull: [{ $first: '$src.region' }, null] } } },
      { $unwind: '$answers' },
      { $group: { _id: { q: '$answers.q', dim: '$dim' }, n: { $sum: 1 }, total: { $sum: '$answers.v' } } },
      { $sort: { '_id.q': 1, '_id.dim': 1 } },
    ]);
    expect(out).toEqual([
      { _id: { q: 'a', dim: null }, n: 2, total: 6 },
      { _id: { q: 'a', dim: 'north' }, n: 1, total: 1 },
      { _id: { q: 'a', dim: 'south' }, n: 1, total: 1 },
      { _id: { q: 'b', dim: 'north' }, n: 1, total: 2 },
    ]);
  });

  it('leaves values it does not handle to mingo, with mingo’s answer or error', async () => {
    const docs = [
      { _id: 1, x: Decimal128.fromString('2.5'), a: [1] },
      { _id: 2, x: 1, a: [2] },
    ];
    // mingo skips Decimal128 in $sum; the pass hands the segment back rather than differ.
    expect(await agg(docs, [{ $unwind: '$a' }, { $group: { _id: null, s: { $sum: '$x' } } }])).toEqual([
      { _id: null, s: 1 },
    ]);
    await expect(agg(docs, [{ $addFields: { f: { $first: '$x' } } }, { $group: { _id: '$f' } }])).rejects.toThrow(
      /\$first/,
    );
    await expect(agg(docs, [{ $unwind: '$a' }, { $group: { n: { $sum: 1 } } }])).rejects.toThrow(/_id/);
  });

  it("compares across types in MongoDB's order and takes MongoDB's truth in conditional sums", async () => {
    const docs = [
      { _id: 1, h: 0.1, d: new Date(5), t: '' },
      { _id: 2, h: 'b', t: Number.NaN },
      { _id: 3, h: null, d: new Date(1), t: 0 },
    ];
    const sum = (cond: unknown) => ({ $sum: { $cond: [cond, 1, 0] } });
    const out = await agg(docs, [
      {
        $group: {
          _id: null,
          // numbers < strings; null < numbers; missing < dates
          belowA: sum({ $lte: ['$h', 'a'] }),
          aboveZero: sum({ $gt: ['$h', 0] }),
          before: sum({ $lt: ['$d', new Date(3)] }),
          // "" and NaN are true, 0 is false
          truthy: sum('$t'),
          both: sum({ $and: [{ $not: ['$t'] }, { $ne: ['$h', 'b'] }] }),
        },
      },
    ]);
    expect(out).toEqual([{ _id: null, belowA: 2, aboveZero: 2, before: 2, truthy: 2, both: 1 }]);
  });

  it('skips nested arrays in field paths and takes $first without flattening', async () => {
    const out = await agg(
      [{ _id: 1, a: [[{ q: 1 }], { q: 2 }, 3], b: [[1, 2], 3] }],
      [{ $addFields: { f: { $first: '$b' } } }, { $group: { _id: null, qs: { $push: '$a.q' }, f: { $first: '$f' } } }],
    );
    expect(out).toEqual([{ _id: null, qs: [[2]], f: [1, 2] }]);
  });
});

describe('the monitoring pipelines', () => {
  const resolver = () => [];
  const dims: Array<Dimension | undefined> = [
    undefined,
    'cohort',
    'region',
    'district',
    'settlementType',
    'organisation',
    'programme',
    'direction',
  ];

  it.each(dims)('count answers by %s in the fused pass, through the first $group', (by) => {
    const stages = answerCountsPipeline({ by, questionnaireId: 'fb' }, ['q1', 'q2']);
    // The leading $match is the index scan; the pass must start right after it and cover the
    // lookups, the unwind, the $match on the answer and the counting $group.
    const rest = stages.slice(1);
    const plan = planFusedGroup(rest, 0, { collectionResolver: resolver });
    expect(plan).toBeDefined();
    const firstGroup = rest.findIndex((s) => '$group' in s);
    expect(plan?.length).toBe(firstGroup + 1);
    expect(
      planFusedGroup(answerCountsPipeline({ by }, ['q1']).slice(1), 0, { collectionResolver: resolver })?.length,
    ).toBe(firstGroup + 1);
  });

  it('decides the answer $match on the element alone, as the query engine does, or hands it over', () => {
    const stages = answerCountsPipeline({}, ['q1', 'q2']);
    const plan = planFusedGroup(stages.slice(1), 0, { collectionResolver: resolver });
    const test = plan?.elementTest;
    expect(test).toBeDefined();
    const match = stages.find((s) => '$match' in s && 'answers.questionId' in (s.$match as Doc))?.$match as Doc;
    const query = compileFilter(match);
    const elements: unknown[] = [
      { questionId: 'q1', value: 3, skipped: false },
      { questionId: 'q1', value: ['a', 'b'] },
      { questionId: 'q2', value: [] },
      { questionId: 'q2', value: null },
      { questionId: 'q2' },
      { questionId: 'q1', value: 'x', skipped: true },
      { questionId: 'q3', value: 1 },
      { questionId: ['q3', 'q1'], value: true },
      { questionId: 'q1', value: [null, 'a'] },
      { questionId: 'q1', value: new Date(0) },
      { questionId: 'q1', value: [{ a: 1 }] },
      'q1',
    ];
    let decided = 0;
    for (const el of elements) {
      const verdict = test?.(el);
      if (verdict !== undefined) decided++;
      expect(verdict ?? query.test({ answers: el }), JSON.stringify(el)).toBe(query.test({ answers: el }));
    }
    expect(decided).toBe(8);
  });

  it('treats what follows the fused $group as safe for mingo without copies', () => {
    for (const by of dims) {
      const stages = answerCountsPipeline({ by }, ['q1']);
      const firstGroup = stages.findIndex((s) => '$group' in s);
      expect(pipelineIsSafe(stages.slice(firstGroup + 1))).toBe(true);
    }
  });

  it.each(dims)('count answers by %s as mingo does, a question and segment per document', (by) => {
    // Many small segments (as districts or schools), two cohorts of one programme, values that
    // MongoDB groups together (2 and 2.0), arrays, skipped and null answers, a missing profile.
    const rand = prng(by === undefined ? 5 : by.length * 31);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const oid = (i: number) => new ObjectId(`64b0000000000000000${String(10000 + i)}`);
    const programmes: Doc[] = [
      { _id: oid(900), direction: 'science' },
      { _id: oid(901), direction: 'humanities' },
      { _id: oid(902) },
    ];
    const cohorts: Doc[] = [0, 1, 2, 3].map((i) => ({ _id: oid(800 + i), programmeId: oid(900 + (i % 3)) }));
    const people: Doc[] = Array.from({ length: 60 }, (_, i) => ({
      _id: oid(i),
      ...(i % 11 === 0 ? {} : { region: `r${i % 3}`, district: `d${i % 17}`, organisation: `school ${i % 29}` }),
      settlementType: i % 2 === 0 ? 'urban' : 'rural',
    }));
    const answer = (): Doc => {
      const a: Doc = { questionId: pick(['q1', 'q2', 'q3']) };
      a.value = pick<unknown>([1, 2, 2.0, 5, 'a', 'b', ['a', 'b'], ['b', 'a'], ['b'], [], null, true]);
      if (rand() < 0.1) a.skipped = true;
      return a;
    };
    const responses: Doc[] = Array.from({ length: 400 }, (_, i) => ({
      _id: i,
      participantId: oid(i % 61),
      cohortId: oid(800 + (i % 4)),
      questionnaireId: pick(['entry', 'exit']),
      status: pick(['completed', 'completed', 'started']),
      answers: Array.from({ length: Math.floor(rand() * 5) }, answer),
    }));
    const collections = { participants: people, cohorts, programmes };
    const stages = answerCountsPipeline({ by }, ['q1', 'q2']);
    const fused = executePipeline(
      responses,
      stages,
      { collectionResolver: (name) => collections[name as keyof typeof collections] ?? [] },
      (d, s) => plainMingo(d, s, collections),
    );
    expect(fused).toStrictEqual(plainMingo(responses, stages, collections));
    // One document per questionnaire, question and segment, each value once.
    const ids = fused.map((d) => keyString(d._id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of fused) {
      const values = (d.v as unknown[]).map(keyString);
      expect(new Set(values).size).toBe(values.length);
      expect((d.n as number[]).length).toBe(values.length);
    }
    expect(fused.length).toBeGreaterThan(by === undefined ? 3 : 8);
  });
});

describe('answer counts from element columns while the stored responses change', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('follow inserts, updates, deletes, a refused write and a journal reload as mingo counts them', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sputnik-columns-'));
    dirs.push(dataDir);
    const rand = prng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const answer = (): Doc => {
      const a: Doc = { questionId: pick(['q1', 'q2', 'q3', 'q9']) };
      const value = pick<unknown>([
        1,
        2,
        2.0,
        5,
        'a',
        'b',
        ['a', 'b'],
        ['b'],
        [],
        null,
        true,
        'x'.repeat(300),
        'MISSING',
      ]);
      if (value !== 'MISSING') a.value = value;
      if (rand() < 0.2) a.skipped = pick([true, false]);
      return a;
    };
    const response = (i: number): Doc => ({
      _id: i,
      participantId: `p${i % 4}`,
      questionnaireId: pick(['entry', 'exit']),
      status: pick(['completed', 'completed', 'started']),
      answers: Array.from({ length: Math.floor(rand() * 6) }, answer),
    });
    const people: Doc[] = [
      { _id: 'p0', region: 'north' },
      { _id: 'p1', region: 'south' },
      { _id: 'p2', region: 'north' },
      { _id: 'p3' },
    ];
    // What the store should hold, kept beside it.
    const mirror = new Map<number, Doc>();
    for (let i = 0; i < 60; i++) mirror.set(i, response(i));
    const pipelines = [
      answerCountsPipeline({}, ['q1', 'q2']),
      answerCountsPipeline({ by: 'region' }, ['q1', 'q2', 'q3']),
    ];

    const disk = fillableDisk();
    let store = await startEmbeddedStore({ dataDir, io: disk.io });
    let client = await MongoClient.connect(store.uri);
    const check = async (when: string) => {
      for (const pipeline of pipelines) {
        const got = await client.db('d').collection('responses').aggregate(pipeline).toArray();
        const expected = plainMingo([...mirror.values()].map(cloneValue), pipeline, { participants: people });
        expect(sortedById(got as Doc[]), when).toStrictEqual(sortedById(expected));
        expect(got.length, when).toBeGreaterThan(0);
      }
    };
    const sortedById = (docs: Doc[]) => [...docs].sort(byKey);
    try {
      const responses = () => client.db('d').collection<{ _id: number; answers?: unknown[] }>('responses');
      await client
        .db('d')
        .collection<Doc>('participants')
        .insertMany(people.map((p) => ({ ...p })));
      await responses().insertMany([...mirror.values()].map((d) => ({ ...cloneValue(d), _id: d._id as number })));
      await check('inserted');
      await check('read again from the columns');

      for (let round = 0; round < 8; round++) {
        const id = Math.floor(rand() * 60);
        const doc = mirror.get(id);
        if (!doc) continue;
        const answers = doc.answers as Doc[];
        if (answers.length > 0) {
          const value = answer().value ?? null;
          await responses().updateOne({ _id: id }, { $set: { 'answers.0.value': value } });
          (answers[0] as Doc).value = value;
        }
        const added = answer();
        await responses().updateOne({ _id: id }, { $push: { answers: added } });
        answers.push(cloneValue(added));
        const status = pick(['completed', 'started']);
        await responses().updateOne({ _id: id }, { $set: { status } });
        doc.status = status;
        await check(`updated ${id} (round ${round})`);
      }
      const replaced = response(5);
      await responses().replaceOne({ _id: 5 }, cloneValue(replaced));
      mirror.set(5, cloneValue(replaced));
      await responses().deleteOne({ _id: 7 });
      mirror.delete(7);
      await responses().insertOne({ ...response(100), _id: 100 });
      mirror.set(100, (await responses().findOne({ _id: 100 })) as Doc);
      await check('replaced, deleted, inserted');

      // A write the journal refuses is taken back: the stored document before it is read again.
      disk.full = true;
      await expect(
        responses().updateOne({ _id: 8 }, { $push: { answers: { questionId: 'q1', value: 1 } } }),
      ).rejects.toThrow(/ENOSPC/);
      await expect(responses().deleteOne({ _id: 9 })).rejects.toThrow(/ENOSPC/);
      disk.full = false;
      await check('after the refused writes');
    } finally {
      await client.close();
      await store.close();
    }

    // The journal read back gives new documents; their columns are built again.
    store = await startEmbeddedStore({ dataDir });
    client = await MongoClient.connect(store.uri);
    try {
      await check('reloaded from the journal');
    } finally {
      await client.close();
      await store.close();
    }
  });
});
