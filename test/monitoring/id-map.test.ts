// An export joins each row to its teacher and cohort by ObjectId words instead of hex strings:
// the same ids (as different objects) must meet, different ones must not, and the text of an id
// in a file must be its hex.
import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { IdMap, idText, sameId } from '../../src/monitoring/id-map.js';

describe('IdMap', () => {
  it('finds an ObjectId by an equal one, tells apart ids that share their last bytes', () => {
    const ids = Array.from({ length: 500 }, () => new Types.ObjectId());
    // Same counter bytes (the last three), different first bytes: the same bucket.
    const twin = new Types.ObjectId(`ffffffffffffffffff${ids[0]!.toHexString().slice(18)}`);
    const map = new IdMap<number>();
    for (const [i, id] of ids.entries()) map.set(id, i);
    expect(map.size).toBe(500);
    expect(map.get(twin)).toBeUndefined();
    map.set(twin, -1);
    expect(map.size).toBe(501);
    for (const [i, id] of ids.entries()) expect(map.get(new Types.ObjectId(id.toHexString()))).toBe(i);
    expect(map.get(twin)).toBe(-1);
    map.set(ids[3], 33);
    expect(map.get(ids[3])).toBe(33);
    expect(map.size).toBe(501);
    expect(map.has('not-an-id')).toBe(false);
    map.set('not-an-id', 7);
    expect(map.get('not-an-id')).toBe(7);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.has(ids[0])).toBe(false);
  });

  it('writes an ObjectId as its hex and compares ids without it', () => {
    for (let i = 0; i < 200; i++) {
      const id = new Types.ObjectId();
      expect(idText(id)).toBe(id.toHexString());
      expect(sameId(id, new Types.ObjectId(id.toHexString()))).toBe(true);
    }
    const edge = new Types.ObjectId('000000ff00ff0fffffffffff');
    expect(idText(edge)).toBe('000000ff00ff0fffffffffff');
    expect(sameId(edge, new Types.ObjectId())).toBe(false);
    expect(idText(42)).toBe('42');
  });
});
