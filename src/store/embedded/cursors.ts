/**
 * Server-side cursors for find/aggregate/listIndexes/listCollections. A cursor holds the result
 * list (references to immutable stored documents) and serializes one batch at a time, so large
 * results cost memory once and abandoned cursors cost nothing but their list.
 */
import { BSON, Long } from 'bson';
import { CommandError } from './errors.js';
import type { Projector } from './query.js';
import type { Doc } from './values.js';

/** A reply already encoded as BSON (cursor batches are assembled from per-document buffers). */
export class RawReply {
  constructor(readonly bytes: Buffer) {}
}

export const DEFAULT_FIRST_BATCH = 101;
/**
 * MongoDB caps a batch at 16 MiB; this store, running in the bot's own process, stops at 1 MiB: a
 * batch is serialized here and parsed by the driver in one go each, so a 16 MiB one held the event
 * loop for seconds. A server may always return fewer documents than asked; drivers ask again.
 */
const MAX_BATCH_BYTES = 1024 * 1024;
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface CursorState {
  key: string;
  id: Long;
  ns: string;
  docs: readonly Doc[];
  pos: number;
  project: Projector | undefined;
  lastUsed: number;
}

/**
 * `{cursor: {<batchField>: [...docs], id: Long, ns}, ok: 1}` written into one buffer from the
 * already serialized documents (no re-serialization, one copy).
 */
export function encodeCursorReply(
  batchField: 'firstBatch' | 'nextBatch',
  docs: Uint8Array[],
  id: Long,
  ns: string,
): Buffer {
  const nsLen = Buffer.byteLength(ns, 'utf8');
  let arrayBody = 0;
  for (let i = 0; i < docs.length; i++) arrayBody += 1 + String(i).length + 1 + (docs[i] as Uint8Array).length;
  const arraySize = 4 + arrayBody + 1;
  const cursorSize = 4 + (1 + batchField.length + 1 + arraySize) + (1 + 3 + 8) + (1 + 3 + 4 + nsLen + 1) + 1;
  const total = 4 + (1 + 7 + cursorSize) + (1 + 3 + 8) + 1;
  const out = Buffer.allocUnsafe(total);
  let p = 0;
  p = out.writeInt32LE(total, p);
  out[p++] = 0x03;
  p += out.write('cursor\0', p, 'latin1');
  p = out.writeInt32LE(cursorSize, p);
  out[p++] = 0x04;
  p += out.write(`${batchField}\0`, p, 'latin1');
  p = out.writeInt32LE(arraySize, p);
  for (let i = 0; i < docs.length; i++) {
    out[p++] = 0x03;
    p += out.write(`${String(i)}\0`, p, 'latin1');
    const d = docs[i] as Uint8Array;
    out.set(d, p);
    p += d.length;
  }
  out[p++] = 0;
  out[p++] = 0x12;
  p += out.write('id\0', p, 'latin1');
  p = out.writeInt32LE(id.low, p);
  p = out.writeInt32LE(id.high, p);
  out[p++] = 0x02;
  p += out.write('ns\0', p, 'latin1');
  p = out.writeInt32LE(nsLen + 1, p);
  p += out.write(ns, p, 'utf8');
  out[p++] = 0;
  out[p++] = 0;
  out[p++] = 0x01;
  p += out.write('ok\0', p, 'latin1');
  p = out.writeDoubleLE(1, p);
  out[p++] = 0;
  if (p !== total) throw new Error(`cursor reply size mismatch: wrote ${p}, expected ${total}`);
  return out;
}

function cursorKey(id: unknown): string | undefined {
  if (typeof id === 'number' && Number.isInteger(id)) return String(id);
  if (typeof id === 'bigint') return id.toString();
  // By tag, not instanceof: a Long may come from another copy of the bson package.
  if (id !== null && typeof id === 'object' && (id as { _bsontype?: unknown })._bsontype === 'Long') return String(id);
  return undefined;
}

export interface OpenCursorOptions {
  ns: string;
  docs: readonly Doc[];
  project?: Projector | undefined;
  batchSize?: number | undefined;
  singleBatch?: boolean | undefined;
}

export class CursorManager {
  private readonly cursors = new Map<string, CursorState>();

  get openCount(): number {
    return this.cursors.size;
  }

  private takeBatch(
    state: Pick<CursorState, 'docs' | 'pos' | 'project'>,
    limit: number,
  ): { buffers: Uint8Array[]; next: number } {
    const buffers: Uint8Array[] = [];
    let bytes = 0;
    let pos = state.pos;
    const end = Math.min(state.docs.length, pos + limit);
    // Project in slices so a huge getMore does not clone the whole remainder at once.
    while (pos < end && bytes < MAX_BATCH_BYTES) {
      const slice = state.docs.slice(pos, Math.min(end, pos + 256)) as Doc[];
      const out = state.project ? state.project(slice) : slice;
      let used = 0;
      for (const doc of out) {
        const b = BSON.serialize(doc);
        if (buffers.length > 0 && bytes + b.length > MAX_BATCH_BYTES) break;
        buffers.push(b);
        bytes += b.length;
        used++;
      }
      pos += used;
      if (used < slice.length) break;
    }
    return { buffers, next: pos };
  }

  open(opts: OpenCursorOptions): RawReply {
    const limit = opts.batchSize ?? DEFAULT_FIRST_BATCH;
    const { buffers, next } = this.takeBatch({ docs: opts.docs, pos: 0, project: opts.project }, limit);
    if (next >= opts.docs.length || opts.singleBatch) {
      return new RawReply(encodeCursorReply('firstBatch', buffers, Long.ZERO, opts.ns));
    }
    const id = Long.fromNumber(1 + Math.floor(Math.random() * (Number.MAX_SAFE_INTEGER - 1)));
    const key = id.toString();
    this.cursors.set(key, {
      key,
      id,
      ns: opts.ns,
      docs: opts.docs,
      pos: next,
      project: opts.project,
      lastUsed: Date.now(),
    });
    return new RawReply(encodeCursorReply('firstBatch', buffers, id, opts.ns));
  }

  getMore(rawId: unknown, ns: string, batchSize: number | undefined): RawReply {
    const key = cursorKey(rawId);
    if (key === undefined) throw new CommandError('TypeMismatch', "Field 'getMore' must be of type long");
    const state = this.cursors.get(key);
    if (!state) throw new CommandError('CursorNotFound', `cursor id ${key} not found`);
    if (state.ns !== ns) {
      throw new CommandError(
        'Unauthorized',
        `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${state.ns}`,
      );
    }
    const { buffers, next } = this.takeBatch(state, batchSize && batchSize > 0 ? batchSize : Number.MAX_SAFE_INTEGER);
    state.pos = next;
    state.lastUsed = Date.now();
    const done = next >= state.docs.length;
    if (done) this.cursors.delete(key);
    return new RawReply(encodeCursorReply('nextBatch', buffers, done ? Long.ZERO : state.id, state.ns));
  }

  kill(ns: string, ids: unknown[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const raw of ids) {
      const key = cursorKey(raw);
      const long = key === undefined ? Long.ZERO : Long.fromString(key);
      const state = key === undefined ? undefined : this.cursors.get(key);
      if (state && state.ns === ns) {
        this.cursors.delete(state.key);
        killed.push(long);
      } else {
        notFound.push(long);
      }
    }
    return { killed, notFound };
  }

  sweep(now = Date.now()): number {
    let n = 0;
    for (const [key, state] of this.cursors) {
      if (now - state.lastUsed > IDLE_TIMEOUT_MS) {
        this.cursors.delete(key);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.cursors.clear();
  }
}
