// The bytes of a long text file, written straight into buffers of CHUNK_BYTES: pieces that repeat
// (a teacher's cells, a chosen option) are encoded to UTF-8 once and copied, numbers are written
// digit by digit, and only text seen once is encoded where it lands. A 100,000-row CSV was built
// as strings, joined per chunk and encoded again: three copies of every character, and the
// strings' garbage.

export const CHUNK_BYTES = 64 * 1024;

/** UTF-8 takes at most three bytes for a UTF-16 code unit (a surrogate pair: four for two). */
const MAX_BYTES_PER_UNIT = 3;

export class ByteChunks {
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private pos = 0;
  /** Filled chunks not handed out yet (see `take`). */
  private readonly full: Buffer[] = [];

  /** Room for `n` more bytes in the current chunk, starting a new one when it has not. */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.pos > 0) this.full.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, n));
    this.pos = 0;
  }

  bytes(piece: Uint8Array): void {
    this.room(piece.length);
    this.buf.set(piece, this.pos);
    this.pos += piece.length;
  }

  text(piece: string): void {
    this.room(piece.length * MAX_BYTES_PER_UNIT);
    this.pos += this.buf.write(piece, this.pos);
  }

  /** An ASCII character, by its code. */
  byte(code: number): void {
    this.room(1);
    this.buf[this.pos++] = code;
  }

  /** A non-negative integer in decimal, as `String(n)` writes it. */
  digits(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) {
      this.text(String(n));
      return;
    }
    let width = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) width++;
    this.room(width);
    let at = this.pos + width;
    let x = n;
    do {
      this.buf[--at] = 48 + (x % 10);
      x = Math.floor(x / 10);
    } while (x > 0);
    this.pos += width;
  }

  /** `n` (0–99) as two digits. */
  twoDigits(n: number): void {
    this.room(2);
    this.buf[this.pos++] = 48 + Math.floor(n / 10);
    this.buf[this.pos++] = 48 + (n % 10);
  }

  /** Chunks filled since the last call (the one being written stays). */
  take(): Buffer[] {
    if (this.full.length === 0) return [];
    const out = this.full.slice();
    this.full.length = 0;
    return out;
  }

  /** Everything not taken yet, the current chunk too: the end of the file. */
  rest(): Buffer[] {
    if (this.pos > 0) this.full.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(0);
    this.pos = 0;
    return this.take();
  }
}
