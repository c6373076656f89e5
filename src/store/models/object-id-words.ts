// How bson 7 holds an ObjectId: four 24-bit words. Hot loops (the embedded store's joins, an export's
// look-ups) compare ids by these words instead of making a hex string or a 12-byte buffer per id.

/** An ObjectId's bytes as bson 7 keeps them: four 24-bit words. */
export interface ObjectIdWords {
  i0: number;
  i1: number;
  i2: number;
  i3: number;
}

export function isObjectIdWords(v: unknown): v is ObjectIdWords {
  return (
    typeof v === 'object' &&
    v !== null &&
    (v as { _bsontype?: unknown })._bsontype === 'ObjectId' &&
    typeof (v as Partial<ObjectIdWords>).i3 === 'number' &&
    typeof (v as Partial<ObjectIdWords>).i0 === 'number'
  );
}
