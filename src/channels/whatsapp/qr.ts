// The login QR code: drawn in the terminal for whoever runs the bot, and served as a PNG for staff
// who only reach the HTTP server. Scanning it links a phone's WhatsApp account to this bot.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { deflateSync } from 'node:zlib';
import { encode, renderUnicodeCompact } from 'uqr';

/** Block characters, two rows per line: fits an 80-column terminal and scans from a phone. */
export function qrForTerminal(data: string): string {
  return renderUnicodeCompact(data, { border: 2 });
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A black-and-white PNG of the code, `scale` pixels a module with a 4-module quiet zone. Written
 * by hand (8-bit greyscale, one zlib stream) because it is all a QR code needs.
 */
export function qrPng(data: string, scale = 8): Buffer {
  const { data: modules } = encode(data, { ecc: 'M', border: 4 });
  const size = modules.length * scale;
  const raw = Buffer.alloc((size + 1) * size, 0xff);
  for (let y = 0; y < size; y++) {
    const row = y * (size + 1);
    raw[row] = 0; // filter type: none
    const line = modules[Math.floor(y / scale)]!;
    for (let x = 0; x < size; x++) if (line[Math.floor(x / scale)]) raw[row + 1 + x] = 0x00;
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface QrSource {
  /** The code waiting to be scanned, if the client is waiting for one. */
  currentQr(): string | undefined;
  state(): string;
}

function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${text}\n`);
}

/**
 * GET /whatsapp/qr. Whoever scans the code decides which phone the bot speaks as, so with a token
 * configured the request must carry it (`?token=` or `Authorization: Bearer`).
 */
export function qrHttpHandler(
  source: QrSource,
  options: { token?: string | undefined } = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    if (options.token) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!tokenMatches(url.searchParams.get('token') ?? bearer, options.token)) {
        sendText(res, 401, 'WhatsApp login: a valid token is required (?token=...).');
        return;
      }
    }
    const qr = source.currentQr();
    if (!qr) {
      const state = source.state();
      const why =
        state === 'running'
          ? 'WhatsApp is already logged in; there is no code to scan.'
          : `No login code right now (WhatsApp state: ${state}). Try again in a few seconds.`;
      sendText(res, state === 'running' ? 409 : 404, why);
      return;
    }
    const png = qrPng(qr);
    // WhatsApp replaces the code about every 20 seconds: the browser reloads the picture by itself.
    res.writeHead(200, {
      'content-type': 'image/png',
      'content-length': png.length,
      'cache-control': 'no-store',
      refresh: '15',
    });
    res.end(png);
  };
}
