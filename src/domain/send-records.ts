// A cohort's send log as the planner reads it: per key its status, attempts and two instants.
// A 5,000-teacher cohort has ~35,000 records and a running job keeps them all while it plans and
// sends; held as one object and two Dates each they were ~5 MB with their map, and reading them
// made as many objects again that outlived the read. Here a record is a row of four number
// columns (~21 bytes) behind one key → row map; no object per record.
import { SEND_STATUSES, type SendRecord, type SendStatus } from './scheduled-send.js';

/** What the planner reads of the log: a record's row by its key, then its columns. */
export interface SendRecordsView {
  /** The record's row, or -1 when nothing is logged under that key. */
  rowOf(key: string): number;
  status(row: number): SendStatus;
  attempts(row: number): number;
  /** Milliseconds since the epoch. */
  attemptedAt(row: number): number;
  /** Milliseconds since the epoch; NaN when it has not gone. */
  sentAt(row: number): number;
}

const statusCode = new Map<SendStatus, number>(SEND_STATUSES.map((s, i) => [s, i]));

export class SendRecords implements SendRecordsView {
  private readonly rows = new Map<string, number>();
  private statuses: Uint8Array;
  private attemptCounts: Uint32Array;
  private attemptedAts: Float64Array;
  private sentAts: Float64Array;

  /** `expected`: how many records the caller expects to hold, so the columns need not grow. */
  constructor(expected = 16) {
    const n = Math.max(16, expected);
    this.statuses = new Uint8Array(n);
    this.attemptCounts = new Uint32Array(n);
    this.attemptedAts = new Float64Array(n);
    this.sentAts = new Float64Array(n);
  }

  static of(records: Iterable<SendRecord>): SendRecords {
    const log = new SendRecords();
    for (const r of records) log.set(r.key, r.status, r.attempts, r.attemptedAt.getTime(), r.sentAt?.getTime() ?? NaN);
    return log;
  }

  get size(): number {
    return this.rows.size;
  }

  /** Records (or replaces) the record under `key`; the instants in milliseconds, `sentAt` NaN when not sent. */
  set(key: string, status: SendStatus, attempts: number, attemptedAt: number, sentAt: number): void {
    let row = this.rows.get(key);
    if (row === undefined) {
      row = this.rows.size;
      if (row === this.statuses.length) this.grow();
      this.rows.set(key, row);
    }
    this.statuses[row] = statusCode.get(status) as number;
    this.attemptCounts[row] = attempts;
    this.attemptedAts[row] = attemptedAt;
    this.sentAts[row] = sentAt;
  }

  rowOf(key: string): number {
    return this.rows.get(key) ?? -1;
  }
  status(row: number): SendStatus {
    return SEND_STATUSES[this.statuses[row] as number] as SendStatus;
  }
  attempts(row: number): number {
    return this.attemptCounts[row] as number;
  }
  attemptedAt(row: number): number {
    return this.attemptedAts[row] as number;
  }
  sentAt(row: number): number {
    return this.sentAts[row] as number;
  }

  /** The record under `key` as an object (for tests and occasional readers, not for planning). */
  get(key: string): SendRecord | undefined {
    const row = this.rows.get(key);
    if (row === undefined) return undefined;
    const sentAt = this.sentAt(row);
    return {
      key,
      status: this.status(row),
      attemptedAt: new Date(this.attemptedAt(row)),
      attempts: this.attempts(row),
      ...(Number.isNaN(sentAt) ? {} : { sentAt: new Date(sentAt) }),
    };
  }

  /** Every record as an object, in the order first logged. */
  *records(): IterableIterator<SendRecord> {
    for (const key of this.rows.keys()) yield this.get(key) as SendRecord;
  }

  /** Gives back the columns' room to grow, once the log is read: up to half of them. */
  trim(): void {
    if (this.statuses.length > 16 && this.statuses.length > this.rows.size * 1.25)
      this.resize(Math.max(16, this.rows.size));
  }

  private grow(): void {
    this.resize(this.statuses.length * 2);
  }

  private resize(n: number): void {
    this.statuses = resized(this.statuses, new Uint8Array(n));
    this.attemptCounts = resized(this.attemptCounts, new Uint32Array(n));
    this.attemptedAts = resized(this.attemptedAts, new Float64Array(n));
    this.sentAts = resized(this.sentAts, new Float64Array(n));
  }
}

/** `to` holding what fits of `from`: a column moved to a table of another size. */
function resized<T extends Uint8Array | Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from.subarray(0, Math.min(to.length, from.length)));
  return to;
}
