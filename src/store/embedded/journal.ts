/**
 * Append-only journal. File = 8-byte magic, then records of
 * [u32 LE payload length][u32 LE CRC-32 of payload][BSON payload].
 * Records are written with writeSync before the reply leaves, so an acknowledged write survives
 * the process being killed (not a power cut unless the client asked for j:true, which fsyncs).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const JOURNAL_FILE = 'embedded-store.journal';
const MAGIC = Buffer.from('SPKJNL01', 'latin1');
const RECORD_HEADER = 8;
/** Larger than any legitimate record (16 MiB document + envelope); anything bigger is garbage. */
const MAX_RECORD = 17 * 1024 * 1024;

export interface ReplayResult {
  payloads: Buffer[];
  /** Offset where valid data ends; less than the file size when a tail was cut off. */
  validBytes: number;
  fileBytes: number;
  tornAt?: { offset: number; reason: string };
}

/** Splits a journal image into record payloads, stopping at the first torn or corrupt record. */
export function scanJournal(data: Buffer): ReplayResult {
  const payloads: Buffer[] = [];
  let offset = MAGIC.length;
  while (offset < data.length) {
    const remaining = data.length - offset;
    if (remaining < RECORD_HEADER) return { payloads, validBytes: offset, fileBytes: data.length, tornAt: { offset, reason: 'truncated record header' } };
    const len = data.readUInt32LE(offset);
    const crc = data.readUInt32LE(offset + 4);
    if (len < 5 || len > MAX_RECORD) return { payloads, validBytes: offset, fileBytes: data.length, tornAt: { offset, reason: `implausible record length ${len}` } };
    if (remaining < RECORD_HEADER + len) return { payloads, validBytes: offset, fileBytes: data.length, tornAt: { offset, reason: 'truncated record body' } };
    const payload = data.subarray(offset + RECORD_HEADER, offset + RECORD_HEADER + len);
    if (zlib.crc32(payload) !== crc) return { payloads, validBytes: offset, fileBytes: data.length, tornAt: { offset, reason: 'checksum mismatch' } };
    if (payload.readInt32LE(0) !== len) return { payloads, validBytes: offset, fileBytes: data.length, tornAt: { offset, reason: 'BSON length mismatch' } };
    payloads.push(payload);
    offset += RECORD_HEADER + len;
  }
  return { payloads, validBytes: offset, fileBytes: data.length };
}

export function frameRecord(payload: Buffer): Buffer {
  const header = Buffer.allocUnsafe(RECORD_HEADER);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(zlib.crc32(payload), 4);
  return Buffer.concat([header, payload]);
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic there.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}

export class Journal {
  private fd: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private bytes: number;

  private constructor(
    readonly file: string,
    fd: number,
    bytes: number,
  ) {
    this.fd = fd;
    this.bytes = bytes;
  }

  /**
   * Reads the journal in `dir` (creating it if absent), cuts off a torn tail, and opens it for
   * appending. Refuses a file that does not start with our magic rather than truncating it.
   */
  static open(dir: string): { journal: Journal; replay: ReplayResult } {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, JOURNAL_FILE);
    let data: Buffer;
    try {
      data = fs.readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      data = Buffer.alloc(0);
    }
    if (data.length === 0) {
      fs.writeFileSync(file, MAGIC);
      fsyncDir(dir);
      data = Buffer.from(MAGIC);
    } else if (data.length < MAGIC.length || !data.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new Error(`${file} is not an embedded-store journal (bad magic); refusing to touch it`);
    }
    const replay = scanJournal(data);
    if (replay.tornAt) fs.truncateSync(file, replay.validBytes);
    const fd = fs.openSync(file, 'a');
    return { journal: new Journal(file, fd, replay.validBytes), replay };
  }

  get size(): number {
    return this.bytes + this.pendingBytes;
  }

  append(payload: Buffer): void {
    const rec = frameRecord(payload);
    this.pending.push(rec);
    this.pendingBytes += rec.length;
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Writes everything queued by the current command in one system call. */
  flush(durable = false): void {
    if (this.pending.length === 0) {
      if (durable) fs.fsyncSync(this.fd);
      return;
    }
    const buf = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    writeAll(this.fd, buf);
    this.bytes += buf.length;
    if (durable) fs.fsyncSync(this.fd);
  }

  /** Drops queued records (used when a write could not be journaled and the store stops accepting writes). */
  discardPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Replaces the journal with a snapshot: temp file, fsync, rename over, fsync the directory. */
  compact(payloads: Iterable<Buffer>): { before: number; after: number } {
    this.flush();
    const before = this.bytes;
    const tmp = `${this.file}.compact-${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    let after = 0;
    try {
      writeAll(fd, MAGIC);
      after += MAGIC.length;
      let chunk: Buffer[] = [];
      let chunkBytes = 0;
      for (const payload of payloads) {
        const rec = frameRecord(payload);
        chunk.push(rec);
        chunkBytes += rec.length;
        if (chunkBytes > 4 * 1024 * 1024) {
          writeAll(fd, Buffer.concat(chunk));
          after += chunkBytes;
          chunk = [];
          chunkBytes = 0;
        }
      }
      if (chunk.length) {
        writeAll(fd, Buffer.concat(chunk));
        after += chunkBytes;
      }
      fs.fsyncSync(fd);
    } catch (err) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    fs.closeSync(fd);
    fs.renameSync(tmp, this.file);
    fsyncDir(path.dirname(this.file));
    fs.closeSync(this.fd);
    this.fd = fs.openSync(this.file, 'a');
    this.bytes = after;
    return { before, after };
  }

  close(): void {
    try {
      this.flush(true);
    } finally {
      fs.closeSync(this.fd);
    }
  }
}

/** One process per data directory: two writers appending to one journal would corrupt it. */
export class DirLock {
  private constructor(private readonly file: string) {}

  static acquire(dir: string): DirLock {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'embedded-store.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = fs.openSync(file, 'wx');
        fs.writeSync(fd, String(process.pid));
        fs.closeSync(fd);
        return new DirLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const owner = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
        if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
          throw new Error(`data directory ${dir} is in use by process ${owner} (${file})`);
        }
        // The owner died without cleaning up (e.g. kill -9): the lock is stale.
        fs.rmSync(file, { force: true });
      }
    }
    throw new Error(`could not lock data directory ${dir}`);
  }

  release(): void {
    fs.rmSync(this.file, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process lingers as a zombie until reaped; it holds no file descriptors any more.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}
