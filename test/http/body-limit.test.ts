// Request bodies are read within a limit: a larger one gets 413 and the rest is never read.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { silentLogger } from '../support/store.js';

const LIMIT = 64 * 1024;
let server: HttpServer;
let address: AddressInfo;
const seen: number[] = [];

beforeAll(async () => {
  server = createHttpServer({
    logger: silentLogger,
    maxBodyBytes: LIMIT,
    routes: {
      'POST /api/echo': async (_req, body) => {
        seen.push(body.length);
        return { status: 200, body: { bytes: body.length } };
      },
    },
    rawRoutes: {
      'POST /hook': async (_req, res, body) => {
        seen.push(body.length);
        res.writeHead(200).end(String(body.length));
      },
    },
  });
  address = await server.listen('127.0.0.1', 0);
});
afterAll(() => server.close());

/** Sends `head`, then `bodyBytes` of body in 16 KiB pieces while the server keeps the socket open; returns the reply and what was sent. */
function rawRequest(
  head: string,
  bodyBytes: number,
  chunked = false,
  port = address.port,
): Promise<{ reply: string; sent: number }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    let sent = 0;
    let closed = false;
    const piece = Buffer.alloc(16 * 1024, 0x61);
    const pump = () => {
      while (!closed && sent < bodyBytes) {
        const data = chunked
          ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')])
          : piece;
        sent += piece.length;
        if (!socket.write(data)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    socket.on('connect', () => {
      socket.write(head);
      pump();
    });
    socket.on('data', (d: Buffer) => (reply += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      resolve({ reply, sent });
    });
  });
}

describe('HTTP request body limit', () => {
  it('passes a body within the limit to the route', async () => {
    const response = await fetch(`http://127.0.0.1:${address.port}/api/echo`, {
      method: 'POST',
      body: 'x'.repeat(LIMIT),
    });
    expect([response.status, await response.json()]).toEqual([200, { bytes: LIMIT }]);
    const hook = await fetch(`http://127.0.0.1:${address.port}/hook`, { method: 'POST', body: '{"update_id":1}' });
    expect([hook.status, await hook.text()]).toEqual([200, '15']);
  });

  it('answers 413 to a declared 300 MB body at once, without waiting for it or reading it', async () => {
    const before = seen.length;
    // 300 MB announced, 1 MB offered: the answer comes and the connection closes long before.
    const { reply, sent } = await rawRequest(
      'POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 314572800\r\n\r\n',
      1024 * 1024,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply).toContain('"limitBytes":65536');
    expect(sent).toBeLessThan(314572800);
    expect(seen.length).toBe(before);
  });

  it('stops reading a body without a declared length as soon as it passes the limit', async () => {
    const before = seen.length;
    const { reply } = await rawRequest(
      'POST /api/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n',
      50 * 1024 * 1024,
      true,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(seen.length).toBe(before);
  });
});

describe('the Telegram webhook of the app', () => {
  const SECRET = 'webhook-secret-0123456789';
  let app: App;
  beforeAll(async () => {
    app = await startApp(
      loadConfig({
        HTTP_PORT: '0',
        EMBEDDED_STORE_PERSIST: 'false',
        TELEGRAM_BOT_TOKEN: `123456789:${'A'.repeat(35)}`,
        TELEGRAM_API_ROOT: 'http://127.0.0.1:9',
        TELEGRAM_WEBHOOK_URL: 'https://sputnik.example/telegram/webhook',
        TELEGRAM_WEBHOOK_SECRET: SECRET,
      }),
      silentLogger,
    );
  });
  afterAll(() => app.stop());

  it('refuses a 2 MB update with the right secret with 413 (default limit 1 MB), reading none of it', async () => {
    const { reply } = await rawRequest(
      `POST /telegram/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: ${SECRET}\r\n` +
        `Content-Length: ${2 * 1024 * 1024}\r\n\r\n`,
      256 * 1024,
      false,
      app.http.port,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply).toContain('"limitBytes":1048576');
  });
});
