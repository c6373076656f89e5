/**
 * Append-only journal. File = 8-byte magic, then records of
 * [u32 LE payload length][u32 LE CRC-32 of payload][BSON payload].
 * Records are written with writeSync before the reply leaves, so an acknowledged write survives
 * the process being killed (not a power cut unless the client asked for j:true, which fsyncs).
 *
 * Every record is verified on open. A bad record with nothing valid after it is a torn tail (the
 * process died mid-write) and is cut off; a bad record with valid records after it is damage to
 * acknowledged data, so the store refuses to start and names the way out (`store repair`).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const JOURNAL_FILE = 'embedded-store.journal';
export const LOCK_FILE = 'embedded-store.lock';
const MAGIC = Buffer.from('SPKJNL01', 'latin1');
const RECORD_HEADER = 8;
/** The smallest BSON document (5 bytes). */
const MIN_RECORD = 5;
/** Larger than any legitimate record (16 MiB document + envelope); anything bigger is garbage. */
const MAX_RECORD = 17 * 1024 * 1024;

/** The system calls a journal writes with; tests swap in one that fails like a full disk. */
export interface JournalIo {
  write(fd: number, buf: Buffer, offset: number, length: number): number;
  fsync(fd: number): void;
  ftruncate(fd: number, length: number): void;
}

export const nodeJournalIo: JournalIo = {
  write: (fd, buf, offset, length) => fs.writeSync(fd, buf, offset, length),
  fsync: (fd) => fs.fsyncSync(fd),
  ftruncate: (fd, length) => fs.ftruncateSync(fd, length),
};

export interface Damage {
  offset: number;
  reason: string;
  /** Bytes skipped up to the next valid record (or to the end of the file). */
  bytes: number;
}

export interface ReplayResult {
  /** Valid records read (each handed to the caller's `apply` as it was read). */
  records: number;
  /** Offset where valid data ends; less than the file size when a tail was cut off. */
  validBytes: number;
  fileBytes: number;
  tornAt?: { offset: number; reason: string };
}

/** Why the record at `offset` is not valid, or undefined (and its length) when it is. */
function checkRecord(data: Buffer, offset: number): { reason: string } | { len: number } {
  const remaining = data.length - offset;
  if (remaining < RECORD_HEADER) return { reason: 'truncated record header' };
  const len = data.readUInt32LE(offset);
  if (len < MIN_RECORD || len > MAX_RECORD) return { reason: `implausible record length ${len}` };
  if (remaining < RECORD_HEADER + len) return { reason: 'truncated record body' };
  const body = offset + RECORD_HEADER;
  if (data.readInt32LE(body) !== len || data[body + len - 1] !== 0) return { reason: 'BSON length mismatch' };
  if (zlib.crc32(data.subarray(body, body + len)) !== data.readUInt32LE(offset + 4))
    return { reason: 'checksum mismatch' };
  return { len };
}

/** The offset of the next valid record after `from`, if any: cheap checks first, the CRC last. */
function nextValidRecord(data: Buffer, from: number): number | undefined {
  for (let p = from; p + RECORD_HEADER + MIN_RECORD <= data.length; p++) {
    const len = data.readUInt32LE(p);
    if (len < MIN_RECORD || len > MAX_RECORD || p + RECORD_HEADER + len > data.length) continue;
    if (data.readInt32LE(p + RECORD_HEADER) !== len || data[p + RECORD_HEADER + len - 1] !== 0) continue;
    if ('len' in checkRecord(data, p)) return p;
  }
  return undefined;
}

export interface FullScan {
  payloads: Buffer[];
  damage: Damage[];
  /** Set when the last damage runs to the end of the file with nothing valid after it. */
  tail?: Damage;
  badMagic: boolean;
}

/**
 * Reads every valid record, stepping over damaged stretches: after a bad record the scan resumes
 * at the next offset where a whole record checks out (length, BSON framing and CRC all agree).
 */
export function scanAll(data: Buffer): FullScan {
  const payloads: Buffer[] = [];
  const damage: Damage[] = [];
  const badMagic = data.length < MAGIC.length || !data.subarray(0, MAGIC.length).equals(MAGIC);
  let offset = MAGIC.length;
  if (badMagic) {
    const first = nextValidRecord(data, 0);
    const end = first ?? data.length;
    damage.push({ offset: 0, reason: 'bad magic', bytes: end });
    offset = end;
  }
  while (offset < data.length) {
    const check = checkRecord(data, offset);
    if ('len' in check) {
      payloads.push(data.subarray(offset + RECORD_HEADER, offset + RECORD_HEADER + check.len));
      offset += RECORD_HEADER + check.len;
      continue;
    }
    const next = nextValidRecord(data, offset + 1);
    damage.push({ offset, reason: check.reason, bytes: (next ?? data.length) - offset });
    if (next === undefined) break;
    offset = next;
  }
  const last = damage.at(-1);
  const tail = last && last.offset + last.bytes === data.length ? last : undefined;
  return { payloads, damage, ...(tail ? { tail } : {}), badMagic };
}

/** How much of the journal is read at a time when it is opened. */
const READ_CHUNK = 1024 * 1024;

/**
 * Reads the journal from `fd` a chunk at a time, handing each valid record's payload to `apply`,
 * up to the first torn or corrupt record. Each chunk is a fresh buffer (a document's binary field
 * is a view into the one it was read from, so none is ever reused); the whole file is never in
 * memory at once, as reading it in one piece put it there beside the documents made from it.
 */
function replayChunks(fd: number, fileBytes: number, apply: (payload: Buffer) => void): ReplayResult {
  let chunk = Buffer.alloc(0);
  let pos = 0;
  /** The file offset of chunk[0]. */
  let chunkAt = MAGIC.length;
  let readTo = MAGIC.length;
  /** Makes at least `need` bytes available from `pos`, unless the file ends first. */
  const ensure = (need: number): void => {
    if (chunk.length - pos >= need || readTo >= fileBytes) return;
    const next = Buffer.allocUnsafe(Math.min(Math.max(READ_CHUNK, need), chunk.length - pos + fileBytes - readTo));
    let filled = chunk.copy(next, 0, pos);
    while (filled < next.length) {
      const n = fs.readSync(fd, next, filled, next.length - filled, readTo);
      if (n === 0) break;
      filled += n;
      readTo += n;
    }
    chunkAt += pos;
    chunk = next.subarray(0, filled);
    pos = 0;
  };
  let records = 0;
  for (;;) {
    ensure(RECORD_HEADER);
    if (pos >= chunk.length) return { records, validBytes: chunkAt + pos, fileBytes };
    if (chunk.length - pos >= RECORD_HEADER) {
      const len = chunk.readUInt32LE(pos);
      if (len >= MIN_RECORD && len <= MAX_RECORD) ensure(RECORD_HEADER + len);
    }
    // checkRecord sees the chunk's end as the file's: ensure() made the whole record available
    // unless the file ends within it.
    const check = checkRecord(chunk, pos);
    if (!('len' in check))
      return { records, validBytes: chunkAt + pos, fileBytes, tornAt: { offset: chunkAt + pos, reason: check.reason } };
    apply(chunk.subarray(pos + RECORD_HEADER, pos + RECORD_HEADER + check.len));
    records++;
    pos += RECORD_HEADER + check.len;
  }
}

/** Damage in the middle of the journal: acknowledged records follow it, so nothing is cut silently. */
export class JournalDamagedError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
    /** Valid records after the first damage, which `store repair` brings back. */
    readonly recordsAfter: number,
  ) {
    super(
      `the embedded store's journal ${file} is damaged at byte ${offset} (${reason}), with ${recordsAfter} intact ` +
        'records after it; nothing was changed. To recover, stop every Sputnik process on this data directory and run ' +
        '`npm run cli -- store repair` (it keeps a copy of the damaged file and recovers every intact record), then start again',
    );
    this.name = 'JournalDamagedError';
  }
}

/** Another live process holds the data directory. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `data directory ${dir} is in use by process ${pid} (${path.join(dir, LOCK_FILE)}); stop it first or use another DATA_DIR`,
    );
    this.name = 'DataDirInUseError';
  }
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

function writeAll(io: JournalIo, fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += io.write(fd, buf, off, buf.length - off);
}

/** Writes MAGIC + records to a temp file beside `file`, fsyncs it and renames it over `file`. */
function writeJournalFile(file: string, payloads: Iterable<Buffer>, io: JournalIo = nodeJournalIo): number {
  const tmp = `${file}.rewrite-${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  let after = 0;
  try {
    writeAll(io, fd, MAGIC);
    after += MAGIC.length;
    let chunk: Buffer[] = [];
    let chunkBytes = 0;
    for (const payload of payloads) {
      const rec = frameRecord(payload);
      chunk.push(rec);
      chunkBytes += rec.length;
      if (chunkBytes > 4 * 1024 * 1024) {
        writeAll(io, fd, Buffer.concat(chunk));
        after += chunkBytes;
        chunk = [];
        chunkBytes = 0;
      }
    }
    if (chunk.length) {
      writeAll(io, fd, Buffer.concat(chunk));
      after += chunkBytes;
    }
    io.fsync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
  return after;
}

export class Journal {
  private fd: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes known to be whole records on disk. */
  private bytes: number;
  /** A failed write may have left part of a record behind: cut back to `bytes` before appending. */
  private tailUnknown = false;

  private constructor(
    readonly file: string,
    fd: number,
    bytes: number,
    private readonly io: JournalIo,
  ) {
    this.fd = fd;
    this.bytes = bytes;
  }

  /**
   * Reads the journal in `dir` (creating it if absent), handing each record to `apply` in order,
   * cuts off a torn tail, and opens it for appending. Refuses a file that does not start with our
   * magic rather than truncating it, and a file damaged in the middle (JournalDamagedError, after
   * the records before the damage were applied: the caller discards what it built) rather than
   * losing what follows the damage.
   */
  static open(
    dir: string,
    apply: (payload: Buffer) => void,
    io: JournalIo = nodeJournalIo,
  ): { journal: Journal; replay: ReplayResult } {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, JOURNAL_FILE);
    // A rewrite cut short by a crash leaves its temp file; the journal itself was never touched.
    for (const name of fs.readdirSync(dir)) {
      if (name.startsWith(`${JOURNAL_FILE}.rewrite-`) && name.endsWith('.tmp'))
        fs.rmSync(path.join(dir, name), { force: true });
    }
    let fileBytes: number;
    try {
      fileBytes = fs.statSync(file).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      fileBytes = 0;
    }
    if (fileBytes === 0) {
      fs.writeFileSync(file, MAGIC);
      fsyncDir(dir);
      fileBytes = MAGIC.length;
    }
    let replay: ReplayResult;
    const fd = fs.openSync(file, 'r');
    try {
      const head = Buffer.alloc(MAGIC.length);
      const headBytes = fs.readSync(fd, head, 0, MAGIC.length, 0);
      if (headBytes < MAGIC.length || !head.equals(MAGIC)) {
        const scan = scanAll(fs.readFileSync(file));
        if (scan.payloads.length > 0) throw new JournalDamagedError(file, 0, 'bad magic', scan.payloads.length);
        throw new Error(`${file} is not an embedded-store journal (bad magic); refusing to touch it`);
      }
      replay = replayChunks(fd, fileBytes, apply);
    } finally {
      fs.closeSync(fd);
    }
    if (replay.tornAt) {
      // The rare path: the whole file, to tell a torn tail from damage with records after it.
      const data = fs.readFileSync(file);
      const resumes = nextValidRecord(data, replay.tornAt.offset + 1);
      if (resumes !== undefined) {
        const after = scanAll(data).payloads.length - replay.records;
        throw new JournalDamagedError(file, replay.tornAt.offset, replay.tornAt.reason, after);
      }
      fs.truncateSync(file, replay.validBytes);
    }
    const appendFd = fs.openSync(file, 'a');
    return { journal: new Journal(file, appendFd, replay.validBytes, io), replay };
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

  /**
   * Writes everything queued by the current command in one system call. On failure the queue is
   * dropped and the file cut back to its last whole record, so the next append starts clean.
   */
  flush(durable = false): void {
    if (this.pending.length === 0) {
      if (durable) this.io.fsync(this.fd);
      return;
    }
    const buf = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    try {
      if (this.tailUnknown) {
        this.io.ftruncate(this.fd, this.bytes);
        this.tailUnknown = false;
      }
      writeAll(this.io, this.fd, buf);
      if (durable) this.io.fsync(this.fd);
    } catch (err) {
      this.tailUnknown = true;
      try {
        this.io.ftruncate(this.fd, this.bytes);
        this.tailUnknown = false;
      } catch {
        // Tried again before the next write; until then nothing is appended after the torn bytes.
      }
      throw err;
    }
    this.bytes += buf.length;
  }

  /** Drops queued records (used when a write could not be journaled). */
  discardPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Replaces the journal with a snapshot: temp file, fsync, rename over, fsync the directory. */
  compact(payloads: Iterable<Buffer>): { before: number; after: number } {
    this.flush();
    const before = this.bytes;
    const after = writeJournalFile(this.file, payloads, this.io);
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

export interface RepairResult {
  file: string;
  /** The untouched damaged journal, kept beside it; absent when there was nothing to repair. */
  backup?: string;
  records: number;
  damage: Damage[];
}

/**
 * Rewrites a damaged journal from every valid record, in order, after copying the damaged file
 * aside. The caller holds the directory lock. A record lost to the damage is gone; every record
 * after it is kept, so later writes to the same documents still win.
 */
export function repairJournal(dir: string, now: Date = new Date()): RepairResult {
  const file = path.join(dir, JOURNAL_FILE);
  const data = fs.readFileSync(file);
  const scan = scanAll(data);
  if (scan.damage.length === 0) return { file, records: scan.payloads.length, damage: [] };
  if (scan.badMagic && scan.payloads.length === 0) {
    throw new Error(`${file} is not an embedded-store journal (bad magic, no valid record); refusing to touch it`);
  }
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  let backup = `${file}.damaged-${stamp}`;
  for (let n = 2; fs.existsSync(backup); n++) backup = `${file}.damaged-${stamp}-${n}`;
  fs.copyFileSync(file, backup, fs.constants.COPYFILE_EXCL);
  const fd = fs.openSync(backup, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  writeJournalFile(file, scan.payloads);
  return { file, backup, records: scan.payloads.length, damage: scan.damage };
}

/**
 * One process per data directory: two writers appending to one journal would corrupt it.
 *
 * The lock file holds "<pid> <generation>" and is only ever written whole (a temporary file linked
 * or renamed into place), so nobody reads it half-written. A lock whose pid is dead (kill -9) is
 * taken over, and two processes starting at once on it must not both win: the take-over of
 * generation g needs the claim file `<lock>.gen-<g+1>`, created with O_EXCL, so exactly one
 * process gets it; the winner checks the lock still reads as it did, then renames its own lock
 * over it. A claim whose pid died before finishing is passed over with the next generation.
 */
export class DirLock {
  private constructor(
    private readonly file: string,
    private readonly claim: string | undefined,
  ) {}

  static acquire(dir: string): DirLock {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, LOCK_FILE);
    // Long enough for a rival's take-over to finish (a few file operations), short for a person.
    for (let attempt = 0; attempt < 50; attempt++) {
      const current = readLock(file);
      if (current === undefined) {
        // No lock: the first to link one into place has it.
        if (placeLock(file, 0, 'create')) {
          // Claims left from take-overs of earlier locks mean nothing for this one.
          removeClaims(file, Number.POSITIVE_INFINITY);
          return new DirLock(file, undefined);
        }
        continue;
      }
      if (current.pid > 0 && isAlive(current.pid)) throw new DataDirInUseError(dir, current.pid);
      const won = takeOver(file, current);
      if (won) return new DirLock(file, won);
      sleepSync(20 + Math.floor(Math.random() * 30));
    }
    const owner = lockHolder(dir);
    if (owner !== undefined) throw new DataDirInUseError(dir, owner);
    throw new Error(`could not lock data directory ${dir}`);
  }

  release(): void {
    // Only our own lock: one a rival took over (we were thought dead) is theirs.
    if (readLock(this.file)?.pid === process.pid) fs.rmSync(this.file, { force: true });
    if (this.claim) fs.rmSync(this.claim, { force: true });
  }
}

interface LockContent {
  pid: number;
  generation: number;
  /** Exactly as read: the take-over replaces only this very lock. */
  raw: string;
}

function readLock(file: string): LockContent | undefined {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const [pid, generation] = raw
    .trim()
    .split(/\s+/)
    .map((n) => Number.parseInt(n, 10));
  // An unreadable lock (an older format, a stray edit) is a dead one.
  return {
    pid: Number.isInteger(pid) && (pid ?? 0) > 0 ? (pid as number) : 0,
    generation: Number.isInteger(generation) ? (generation as number) : 0,
    raw,
  };
}

/** Puts "<our pid> <generation>" at `file` in one step: `create` fails if a lock exists, `replace` does not. */
function placeLock(file: string, generation: number, how: 'create' | 'replace'): boolean {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(temp, `${process.pid} ${generation}\n`);
  try {
    if (how === 'replace') {
      fs.renameSync(temp, file);
      return true;
    }
    fs.linkSync(temp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** Takes over a dead process's lock; returns our claim file, or nothing when a rival is at it. */
function takeOver(file: string, stale: LockContent): string | undefined {
  for (let generation = stale.generation + 1; generation <= stale.generation + 8; generation++) {
    const claim = `${file}.gen-${generation}`;
    let fd: number;
    try {
      fd = fs.openSync(claim, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLock(claim);
      // A rival is taking over (or its claim is still being written): let it finish.
      if (holder === undefined || (holder.pid === 0 && !abandoned(claim)) || (holder.pid > 0 && isAlive(holder.pid)))
        return undefined;
      // That rival died before finishing: the next generation.
      continue;
    }
    fs.writeSync(fd, `${process.pid} ${generation}\n`);
    fs.closeSync(fd);
    if (readLock(file)?.raw !== stale.raw) {
      // Someone else's lock is there now: not ours to replace.
      fs.rmSync(claim, { force: true });
      return undefined;
    }
    placeLock(file, generation, 'replace');
    // Claims of earlier generations are history now.
    removeClaims(file, generation);
    return claim;
  }
  return undefined;
}

/** Removes the take-over claims of generations below `below`. */
function removeClaims(file: string, below: number): void {
  const prefix = `${path.basename(file)}.gen-`;
  for (const name of fs.readdirSync(path.dirname(file))) {
    if (name.startsWith(prefix) && Number(name.slice(prefix.length)) < below)
      fs.rmSync(path.join(path.dirname(file), name), { force: true });
  }
}

/** A claim left empty: its process died between creating and writing it. */
function abandoned(claim: string): boolean {
  try {
    return Date.now() - fs.statSync(claim).mtimeMs > 5_000;
  } catch {
    return false;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The pid of the live process holding `dir`, if any (a lock of a dead process holds nothing). */
export function lockHolder(dir: string): number | undefined {
  let owner: number | undefined;
  try {
    owner = readLock(path.join(dir, LOCK_FILE))?.pid;
  } catch {
    return undefined;
  }
  return owner !== undefined && owner > 0 && isAlive(owner) ? owner : undefined;
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
