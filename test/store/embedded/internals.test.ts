import { Binary, Decimal128, Long, MaxKey, MinKey, ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../../src/store/embedded/catalog.js';
import { compareValues, keyString } from '../../../src/store/embedded/values.js';
import { MessageFramer, ProtocolError } from '../../../src/store/embedded/wire.js';

describe('embedded store internals', () => {
  it('gives equal MongoDB values equal keys and different ones different keys', () => {
    expect(keyString(1)).toBe(keyString(1.0));
    expect(keyString(Long.fromNumber(7))).toBe(keyString(7));
    expect(keyString(Decimal128.fromString('2.5'))).toBe(keyString(2.5));
    expect(keyString(null)).toBe(keyString(undefined));
    expect(keyString(-0)).toBe(keyString(0));
    expect(keyString('1')).not.toBe(keyString(1));
    expect(keyString({ a: 1, b: 2 })).not.toBe(keyString({ b: 2, a: 1 }));
    const id = new ObjectId();
    expect(keyString(new ObjectId(id.toHexString()))).toBe(keyString(id));
    expect(keyString(new Date(5))).not.toBe(keyString(5));
    expect(keyString(new Binary(Buffer.from([1]), 0))).not.toBe(keyString(new Binary(Buffer.from([1]), 4)));
  });

  it('keys an ObjectId by its 12 bytes in id order, and a replayed store keeps no view of the journal it was read from', () => {
    const id = new ObjectId();
    expect(keyString(id)).toBe(`o${Buffer.from(id.id).toString('latin1')}`);
    expect(keyString(new ObjectId(id.toHexString()))).toBe(keyString(id));
    const ids = [
      '00000000000000000000ff00',
      '000000000000000000010000',
      'ff0000000000000000000000',
      '0000000000000000000000ff',
    ];
    const sorted = [...ids].sort();
    expect(ids.map((hex) => keyString(new ObjectId(hex))).sort()).toEqual(
      sorted.map((hex) => keyString(new ObjectId(hex))),
    );

    const written = new Catalog();
    const coll = written.createCollection('db', 'things');
    written.insert(coll, { _id: id, at: new Date(5), bytes: new Binary(Buffer.from([1, 2, 3]), 0) });
    // Replayed from one buffer, as the journal file is read: the collection's UUID must not keep it.
    const file = Buffer.concat([...written.snapshot()].map((payload) => Buffer.concat([Buffer.alloc(64), payload])));
    const replayed = new Catalog();
    let offset = 0;
    for (const payload of written.snapshot()) {
      offset += 64;
      replayed.applyRecord(file.subarray(offset, offset + payload.length));
      offset += payload.length;
    }
    const again = replayed.collection('db', 'things');
    expect(again?.uuid.toHexString()).toBe(coll.uuid.toHexString());
    expect(again?.uuid.buffer.buffer).not.toBe(file.buffer);
    expect(again?.docs.get(keyString(id))?.at).toEqual(new Date(5));
  });

  it('sorts values in BSON type order', () => {
    const id1 = ObjectId.createFromTime(1000);
    const id2 = ObjectId.createFromTime(2000);
    const values = [
      new MaxKey(),
      true,
      id2,
      'b',
      new Date(1),
      { a: 1 },
      [1],
      3,
      null,
      id1,
      'a',
      Long.fromString('9007199254740993'),
      new MinKey(),
      2.5,
    ];
    const sorted = [...values].sort(compareValues);
    expect(
      sorted.map((v) =>
        v === null
          ? 'null'
          : typeof v === 'object'
            ? ((v as { _bsontype?: string })._bsontype ?? v.constructor.name)
            : String(v),
      ),
    ).toEqual([
      'MinKey',
      'null',
      '2.5',
      '3',
      'Long',
      'a',
      'b',
      'Object',
      'Array',
      'ObjectId',
      'ObjectId',
      'true',
      'Date',
      'MaxKey',
    ]);
    expect(sorted.indexOf(id1)).toBeLessThan(sorted.indexOf(id2));
  });

  it('expires documents through TTL indexes', () => {
    const catalog = new Catalog();
    const coll = catalog.createCollection('ttl', 'sessions');
    catalog.addIndexes(coll, [{ v: 2, key: { at: 1 }, name: 'at_1', expireAfterSeconds: 60 }]);
    const now = Date.now();
    catalog.insert(coll, { _id: 1, at: new Date(now - 120_000) });
    catalog.insert(coll, { _id: 2, at: new Date(now - 10_000) });
    catalog.insert(coll, { _id: 3, at: 'not a date' });
    expect(catalog.expire(now)).toBe(1);
    expect([...coll.docs.values()].map((d) => d._id)).toEqual([2, 3]);
  });

  it('frames messages split across chunks and rejects absurd lengths', () => {
    const framer = new MessageFramer();
    const msg = Buffer.alloc(20);
    msg.writeInt32LE(20, 0);
    expect(framer.push(msg.subarray(0, 3))).toEqual([]);
    expect(framer.push(msg.subarray(3, 17))).toEqual([]);
    const out = framer.push(Buffer.concat([msg.subarray(17), msg]));
    expect(out).toHaveLength(2);
    const bad = Buffer.alloc(4);
    bad.writeInt32LE(3, 0);
    expect(() => new MessageFramer().push(bad)).toThrow(ProtocolError);
  });
});
