import { BSON, Binary, Decimal128, Long, ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { applyDelta, documentDelta } from '../../../src/store/embedded/delta.js';
import type { Doc } from '../../../src/store/embedded/values.js';

/** What the store holds: a document as BSON gives it back. */
const stored = (doc: Doc): Doc => BSON.deserialize(BSON.serialize(doc));
const bytes = (doc: Doc): Buffer => Buffer.from(BSON.serialize(doc));

/** Replays the delta as the journal would (through BSON) and compares the bytes with the real result. */
function roundTrip(before: Doc, after: Doc): number | undefined {
  const ops = documentDelta(stored(before), stored(after));
  if (!ops) return undefined;
  const journaled = BSON.deserialize(BSON.serialize({ o: ops })).o as typeof ops;
  const replayed = applyDelta(stored(before), journaled);
  expect(bytes(replayed).equals(bytes(stored(after)))).toBe(true);
  return ops.length;
}

const id = new ObjectId();
const deliveries = Array.from({ length: 50 }, (_, i) => ({
  _id: new ObjectId(),
  chatId: String(1000 + i),
  status: 'pending',
}));
const broadcast = { _id: id, status: 'sending', text: 'Уважаемые коллеги!', deliveries, updatedAt: new Date(1) };

describe('embedded store: change records (deltas) replay to the very same document', () => {
  it('one delivery marked sent is two small operations, not the broadcast', () => {
    const after = stored(broadcast) as typeof broadcast;
    Object.assign(after.deliveries[17] as object, { status: 'sent', at: new Date(5) });
    after.updatedAt = new Date(6);
    const ops = documentDelta(stored(broadcast), stored(after));
    expect(ops?.map((o) => o.p.join('.'))).toEqual(['deliveries.17.status', 'deliveries.17.at', 'updatedAt']);
    expect(roundTrip(broadcast, after)).toBe(3);
  });

  it('covers $set of new and nested fields, $unset, $push, $inc and BSON values', () => {
    const before = {
      _id: id,
      a: 1,
      nested: { x: 'x', y: [1, 2] },
      list: [{ k: 1 }],
      big: Long.fromString('9007199254740993'),
    };
    const after = {
      _id: id,
      a: 2,
      nested: { x: 'x', y: [1, 2, 3], z: new Binary(Buffer.from('zz')) },
      list: [{ k: 1, added: true }, { k: 2 }],
      big: Long.fromString('9007199254740995'),
      price: Decimal128.fromString('1.10'),
    };
    expect(roundTrip(before, after)).toBeGreaterThan(0);
    const unset = { _id: id, nested: { x: 'x', y: [1, 2] }, list: [{ k: 1 }], big: before.big };
    expect(roundTrip(before, unset)).toBe(1);
  });

  it('an array that shrank is set whole; a reordered document is not a delta at all', () => {
    const before = { _id: id, tags: ['a', 'b', 'c'], other: 1 };
    const pulled = { _id: id, tags: ['a', 'c'], other: 1 };
    expect(documentDelta(stored(before), stored(pulled))).toEqual([{ p: ['tags'], v: ['a', 'c'] }]);
    expect(roundTrip(before, pulled)).toBe(1);
    // $rename moves a field to the end: replaying "set" in place would keep the old order.
    const renamed = { _id: id, other: 1, labels: ['a', 'b', 'c'] };
    expect(roundTrip(before, renamed)).toBe(2);
    const reordered = { _id: id, other: 1, tags: ['a', 'b', 'c'] };
    expect(documentDelta(stored(before), stored(reordered))).toBeUndefined();
  });

  it('keeps the key order of an embedded document or sets it whole', () => {
    const before = { _id: id, profile: { first: 'A', last: 'B' } };
    const after = { _id: id, profile: { last: 'B', first: 'A' } };
    expect(documentDelta(stored(before), stored(after))).toEqual([{ p: ['profile'], v: { last: 'B', first: 'A' } }]);
    expect(roundTrip(before, after)).toBe(1);
  });

  it('another _id or too many changes: the whole document is journaled instead', () => {
    expect(documentDelta({ _id: 1, a: 1 }, { _id: 2, a: 1 })).toBeUndefined();
    const wide = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}`, i]));
    const changed = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}`, i + 1]));
    expect(documentDelta({ _id: 1, ...wide }, { _id: 1, ...changed })).toBeUndefined();
  });

  it('refuses to replay a change that does not fit the document it finds', () => {
    expect(() => applyDelta({ _id: 1, list: [1] }, [{ p: ['list', '5'], v: 2 }])).toThrow(/does not fit/);
    expect(() => applyDelta({ _id: 1, a: 'text' }, [{ p: ['a', 'b'], v: 2 }])).toThrow(/not a document/);
  });

  it('changes a copy: the document it started from is untouched', () => {
    const before = stored(broadcast);
    const snapshot = bytes(before);
    applyDelta(before, [
      { p: ['deliveries', '3', 'status'], v: 'sent' },
      { p: ['status'], v: 'done' },
    ]);
    expect(bytes(before).equals(snapshot)).toBe(true);
  });
});
