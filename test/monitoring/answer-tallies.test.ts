// Distributions and Likert statistics from answer counts, checked against counts made by hand.
import { describe, expect, it } from 'vitest';
import { medianOf, tallyAnswers, valueKey, type AnswerCounts } from '../../src/monitoring/answer-tallies.js';

const questions = { counted: ['like', 'multi', 'rank', 'num', 'yn'], ranking: ['rank'], numeric: ['num'] };
const scales = [{ questionId: 'like', max: 5 }];

describe('answer tallies', () => {
  // Two segments: "A" and null (not specified). Counts as the pipeline returns them (a question's
  // values per segment in one document), and a question and segment in a second document with a
  // value of the first, as a caller adding up two passes would give them.
  const counts: AnswerCounts[] = [
    { q: 'like', dim: 'A', v: [5, 1, 4], n: [2, 1, 1] },
    { q: 'like', dim: null, v: [2], n: [2] },
    { q: 'like', dim: 'A', v: [5], n: [1] },
    { q: 'multi', dim: 'A', v: [['a', 'b'], ['b'], []], n: [3, 2, 1] },
    {
      q: 'rank',
      dim: 'A',
      v: [
        ['x', 'y', 'z'],
        ['y', 'x'],
      ],
      n: [2, 1],
    },
    { q: 'num', dim: 'A', v: [10, 1.5], n: [2, 1] },
    { q: 'yn', dim: 'A', v: [true, false], n: [4, 1] },
    { q: 'free', dim: 'A', v: ['text'], n: [9] },
  ];
  const t = tallyAnswers(counts, questions, scales);

  it('counts who answered each question per segment, a multiple choice once per teacher', () => {
    expect(t.answered).toEqual([
      { q: 'like', dim: 'A', n: 5 },
      { q: 'like', dim: null, n: 2 },
      { q: 'multi', dim: 'A', n: 6 },
      { q: 'rank', dim: 'A', n: 3 },
      { q: 'num', dim: 'A', n: 3 },
      { q: 'yn', dim: 'A', n: 5 },
    ]);
  });

  it('counts each option of a multiple choice and each value, in the order first seen', () => {
    const multi = t.values.filter((v) => v.q === 'multi');
    expect(multi).toEqual([
      { q: 'multi', dim: 'A', v: 'a', n: 3 },
      { q: 'multi', dim: 'A', v: 'b', n: 5 },
    ]);
    expect(t.values.filter((v) => v.q === 'like' && v.dim === 'A').map((v) => [v.v, v.n])).toEqual([
      [5, 3],
      [1, 1],
      [4, 1],
    ]);
    expect(t.values.filter((v) => v.q === 'yn').map((v) => [v.v, v.n])).toEqual([
      [true, 4],
      [false, 1],
    ]);
    expect(t.values.some((v) => v.q === 'free')).toBe(false);
  });

  it('gives ranked options their places and first places', () => {
    // x: places 1, 1, 2 -> 3 teachers, sum 4, first 2; y: 2, 2, 1 -> sum 5, first 1; z: 3, 3.
    expect(t.ranks).toEqual([
      { q: 'rank', dim: 'A', o: 'x', n: 3, placeSum: 4, first: 2 },
      { q: 'rank', dim: 'A', o: 'y', n: 3, placeSum: 5, first: 1 },
      { q: 'rank', dim: 'A', o: 'z', n: 2, placeSum: 6, first: 0 },
    ]);
  });

  it('summarises numbers', () => {
    // (10 + 10 + 1.5) / 3
    expect(t.numbers).toEqual([{ q: 'num', dim: 'A', n: 3, mean: 21.5 / 3, min: 1.5, max: 10 }]);
  });

  it('computes Likert mean, median and top-2-box per segment', () => {
    // Segment A: 1, 4, 5, 5, 5 -> mean 4, median 5, top-2 (4 and 5 on a 1-5 scale) 4 of 5.
    expect(t.likert).toEqual([
      {
        q: 'like',
        dim: 'A',
        count: 5,
        top2: 4,
        top2Share: 0.8,
        mean: 4,
        median: 5,
        points: [
          { v: 1, n: 1 },
          { v: 4, n: 1 },
          { v: 5, n: 3 },
        ],
      },
      { q: 'like', dim: null, count: 2, top2: 0, top2Share: 0, mean: 2, median: 2, points: [{ v: 2, n: 2 }] },
    ]);
  });

  it('takes the mean of the two middle values for an even count', () => {
    expect(
      medianOf(
        [
          { v: 1, n: 1 },
          { v: 2, n: 1 },
          { v: 4, n: 1 },
          { v: 5, n: 1 },
        ],
        4,
      ),
    ).toBe(3);
    expect(medianOf([{ v: 3, n: 4 }], 4)).toBe(3);
  });

  it('keeps values of different kinds apart, and 1 and 1.0 together', () => {
    expect(valueKey(1)).toBe(valueKey(1.0));
    expect(new Set([valueKey(1), valueKey('1'), valueKey(true), valueKey('true'), valueKey(null)]).size).toBe(5);
    expect(valueKey(['a', 'b'])).not.toBe(valueKey(['b', 'a']));
  });
});
