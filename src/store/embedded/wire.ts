/**
 * MongoDB wire protocol framing: OP_QUERY (only for the legacy handshake the driver still sends on
 * every new connection), OP_MSG with kind-0 body and kind-1 document sequences, and the replies
 * (OP_REPLY to OP_QUERY, OP_MSG otherwise).
 */
import { BSON } from 'bson';
import type { Doc } from './values.js';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const MAX_MESSAGE_SIZE = 48_000_000;

const FLAG_CHECKSUM_PRESENT = 1 << 0;
const FLAG_MORE_TO_COME = 1 << 1;
const FLAG_EXHAUST_ALLOWED = 1 << 16;
/** OP_MSG: the low 16 bits are "required"; an unknown one there must be rejected. */
const KNOWN_REQUIRED_FLAGS = FLAG_CHECKSUM_PRESENT | FLAG_MORE_TO_COME;

export class ProtocolError extends Error {}

export type WireRequest =
  | { kind: 'query'; requestId: number; collection: string; query: Doc }
  | { kind: 'msg'; requestId: number; moreToCome: boolean; exhaustAllowed: boolean; body: Doc };

/** Accumulates socket chunks and yields whole messages. */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.peek(4);
      const len = head.readInt32LE(0);
      if (len < 16 || len > MAX_MESSAGE_SIZE) throw new ProtocolError(`invalid message length ${len}`);
      if (this.buffered < len) break;
      out.push(this.take(len));
    }
    return out;
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0] as Buffer;
    if (first.length >= n) return first;
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] as Buffer;
  }

  private take(n: number): Buffer {
    const all = this.peek(n);
    const msg = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks.shift();
    if (rest.length) this.chunks.unshift(rest);
    this.buffered -= n;
    return msg;
  }
}

function readCString(buf: Buffer, offset: number): [string, number] {
  const end = buf.indexOf(0, offset);
  if (end < 0) throw new ProtocolError('unterminated cstring');
  return [buf.toString('utf8', offset, end), end + 1];
}

function readDocument(buf: Buffer, offset: number, limit: number): [Doc, number] {
  if (offset + 5 > limit) throw new ProtocolError('truncated BSON document');
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > limit) throw new ProtocolError('invalid BSON document size');
  const doc = BSON.deserialize(buf.subarray(offset, offset + size));
  return [doc, offset + size];
}

export function parseMessage(msg: Buffer): WireRequest {
  const requestId = msg.readInt32LE(4);
  const opCode = msg.readInt32LE(12);
  if (opCode === OP_MSG) {
    const flags = msg.readUInt32LE(16);
    if ((flags & 0xffff & ~KNOWN_REQUIRED_FLAGS) !== 0)
      throw new ProtocolError(`unsupported OP_MSG flag bits ${flags}`);
    // The CRC-32C trailer is not verified: TCP already checksums and drivers do not send it.
    const end = flags & FLAG_CHECKSUM_PRESENT ? msg.length - 4 : msg.length;
    let offset = 20;
    let body: Doc | undefined;
    const sequences: Array<[string, Doc[]]> = [];
    while (offset < end) {
      const kind = msg[offset];
      offset += 1;
      if (kind === 0) {
        if (body) throw new ProtocolError('OP_MSG has more than one body section');
        [body, offset] = readDocument(msg, offset, end);
      } else if (kind === 1) {
        const size = msg.readInt32LE(offset);
        const sectionEnd = offset + size;
        if (size < 5 || sectionEnd > end) throw new ProtocolError('invalid document sequence size');
        const [identifier, docsStart] = readCString(msg, offset + 4);
        const docs: Doc[] = [];
        let p = docsStart;
        while (p < sectionEnd) {
          let doc: Doc;
          [doc, p] = readDocument(msg, p, sectionEnd);
          docs.push(doc);
        }
        sequences.push([identifier, docs]);
        offset = sectionEnd;
      } else {
        throw new ProtocolError(`unknown OP_MSG section kind ${String(kind)}`);
      }
    }
    if (!body) throw new ProtocolError('OP_MSG without a body section');
    for (const [identifier, docs] of sequences) {
      if (identifier in body)
        throw new ProtocolError(`OP_MSG field '${identifier}' given twice (body and document sequence)`);
      body[identifier] = docs;
    }
    return {
      kind: 'msg',
      requestId,
      moreToCome: (flags & FLAG_MORE_TO_COME) !== 0,
      exhaustAllowed: (flags & FLAG_EXHAUST_ALLOWED) !== 0,
      body,
    };
  }
  if (opCode === OP_QUERY) {
    const [collection, afterName] = readCString(msg, 20);
    let offset = afterName;
    offset += 8; // numberToSkip, numberToReturn: commands always return one document
    let [query] = readDocument(msg, offset, msg.length);
    // Drivers wrap the command in $query when they also send $readPreference.
    if ('$query' in query && typeof query.$query === 'object' && query.$query !== null) query = query.$query as Doc;
    return { kind: 'query', requestId, collection, query };
  }
  if (opCode === OP_COMPRESSED) throw new ProtocolError('OP_COMPRESSED received although no compressor was negotiated');
  throw new ProtocolError(`unsupported opCode ${opCode}`);
}

let nextResponseId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.allocUnsafe(16);
  h.writeInt32LE(length, 0);
  nextResponseId = (nextResponseId + 1) & 0x7fffffff;
  h.writeInt32LE(nextResponseId, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

export function encodeOpMsg(responseTo: number, body: Uint8Array): Buffer {
  const prefix = Buffer.alloc(5); // flagBits (0) + section kind 0
  const total = 16 + prefix.length + body.length;
  return Buffer.concat([header(total, responseTo, OP_MSG), prefix, body]);
}

export function encodeOpReply(responseTo: number, body: Uint8Array): Buffer {
  const fields = Buffer.alloc(20); // responseFlags, cursorID (int64), startingFrom, numberReturned
  fields.writeInt32LE(1, 16);
  const total = 16 + fields.length + body.length;
  return Buffer.concat([header(total, responseTo, OP_REPLY), fields, body]);
}
