// The CSV export's bytes are written into fixed-size chunks; whatever the pieces and where the
// chunk boundaries fall, the chunks joined must be the text's UTF-8, byte for byte.
import { describe, expect, it } from 'vitest';
import { ByteChunks, CHUNK_BYTES } from '../../src/monitoring/byte-chunks.js';

function joined(chunks: ByteChunks): Buffer {
  return Buffer.concat([...chunks.take(), ...chunks.rest()]);
}

describe('ByteChunks', () => {
  it('writes text, remembered bytes and numbers as their UTF-8, across chunk boundaries', () => {
    const out = new ByteChunks();
    let expected = '';
    const handed: Buffer[] = [];
    const cell = Buffer.from(';Приёмы оценивания; «ИКТ» 👩‍🏫');
    for (let row = 0; row < 5000; row++) {
      out.digits(row);
      out.bytes(cell);
      out.text(`;Ответ ${row} — ${'ж'.repeat(row % 50)}`);
      out.byte(59);
      out.twoDigits(row % 100);
      out.byte(13);
      out.byte(10);
      expected += `${row}${cell.toString()};Ответ ${row} — ${'ж'.repeat(row % 50)};${String(row % 100).padStart(2, '0')}\r\n`;
      handed.push(...out.take());
    }
    const bytes = Buffer.concat([...handed, ...out.rest()]);
    expect(handed.length).toBeGreaterThan(3);
    expect(handed.every((c) => c.length <= CHUNK_BYTES)).toBe(true);
    expect(bytes.equals(Buffer.from(expected))).toBe(true);
  });

  it('keeps a piece longer than a chunk whole, and numbers as String() writes them', () => {
    const out = new ByteChunks();
    const long = `«${'Длинный ответ учителя. '.repeat(5000)}»`;
    out.text('a');
    out.text(long);
    out.bytes(Buffer.from(long));
    const numbers = [0, 7, 10, 99, 100, 123_456_789, 2 ** 53 + 2, -3, 1.5];
    for (const n of numbers) out.digits(n);
    const bytes = joined(out);
    expect(bytes.length).toBeGreaterThan(2 * 64 * 1024);
    expect(bytes.equals(Buffer.from(`a${long}${long}${numbers.map(String).join('')}`))).toBe(true);
  });
});
