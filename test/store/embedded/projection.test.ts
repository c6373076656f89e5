// The plain projection (fields only, done without mingo for speed) gives what the mingo path gives,
// keeps the document's field order, and never edits the stored document.
import { ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { compileFilter, compileProjection, mingoProjector, plainProjector } from '../../../src/store/embedded/query.js';
import type { Doc } from '../../../src/store/embedded/values.js';

const docs: Doc[] = [
  {
    _id: new ObjectId('64b000000000000000000001'),
    fullName: 'Абаева Айгерим',
    phone: '+77010000001',
    addresses: [
      { channel: 'telegram', id: '100', username: 'aig' },
      { channel: 'whatsapp', id: '7701@c.us' },
    ],
    consent: { given: true, at: new Date('2025-09-01T00:00:00Z'), withdrawnAt: null },
    answers: [
      { questionId: 'q1', value: 5, answeredAt: new Date('2025-10-01T00:00:00Z') },
      7,
      [{ questionId: 'q2', value: ['a', 'b'] }],
    ],
    region: 'Акмолинская область',
  },
  { _id: 2, fullName: 'Без адресов', consent: 'not an object', answers: 'scalar' },
  { _id: 3 },
];

const projections: Doc[] = [
  { fullName: 1, phone: 1 },
  { fullName: 1, _id: 0 },
  { 'consent.withdrawnAt': 1, region: true },
  { 'addresses.channel': 1, 'addresses.id': 1 },
  { 'answers.questionId': 1, 'answers.value': 1 },
  { answers: 0 },
  { 'answers.answeredAt': 0, 'consent.at': 0 },
  { _id: 0 },
  { _id: 1 },
  { phone: 0, _id: 0 },
];

describe('plain projections', () => {
  it.each(projections.map((p) => [JSON.stringify(p), p]))('%s gives what mingo gives', (_, projection) => {
    const plain = plainProjector(projection as Doc);
    expect(plain).toBeDefined();
    const expected = mingoProjector(projection as Doc, compileFilter({}))(docs);
    expect(plain!(docs)).toEqual(expected);
  });

  it('keeps the stored field order and leaves the stored document as it was', () => {
    const before = structuredClone(docs[0]);
    const [out] = compileProjection({ region: 1, 'addresses.id': 1, fullName: 1 }, compileFilter({}))!([docs[0]!]);
    expect(Object.keys(out!)).toEqual(['_id', 'fullName', 'addresses', 'region']);
    expect(out!.addresses).toEqual([{ id: '100' }, { id: '7701@c.us' }]);
    expect(docs[0]).toEqual(before);
  });

  it('leaves operators, positional paths, mixed modes and path collisions to mingo', () => {
    for (const p of [
      { 'answers.$': 1 },
      { answers: { $slice: 1 } },
      { fullName: 1, phone: 0 },
      { consent: 1, 'consent.at': 1 },
      { 'consent.at': 1, consent: 1 },
    ]) {
      expect(plainProjector(p as Doc)).toBeUndefined();
    }
  });
});
