// The HTTP side: health, the staff API (/api/...), and later the WhatsApp QR page, on one router.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { t } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { errorBody, requestLocale } from './locale.js';

/** A JSON reply; `headers` adds to the defaults (e.g. WWW-Authenticate on a 401). */
export interface JsonReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A file or a long export: bytes as they are, streamed when `body` is a stream. */
export interface RawReply {
  status: number;
  raw: Buffer | Readable;
  headers: Record<string, string> & { 'content-type': string };
}

export type RouteReply = JsonReply | RawReply;

export type RouteHandler = (req: IncomingMessage) => Promise<RouteReply>;

/** A handler that writes the response itself (a webhook, a file download). */
export type RawRouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface HttpServer {
  listen(host: string, port: number): Promise<AddressInfo>;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
  });
  res.end(payload);
}

function sendRaw(res: ServerResponse, reply: RawReply, onError: (error: unknown) => void): void {
  const headers = { 'cache-control': 'no-store', ...reply.headers };
  if (Buffer.isBuffer(reply.raw)) {
    res.writeHead(reply.status, { ...headers, 'content-length': reply.raw.length });
    res.end(reply.raw);
    return;
  }
  const stream = reply.raw;
  res.writeHead(reply.status, headers);
  // A client that goes away stops the export; a failing export cuts the response short, since its
  // status line is already sent.
  res.once('close', () => {
    if (!stream.readableEnded) stream.destroy();
  });
  stream.once('error', (error) => {
    onError(error);
    res.destroy(error);
  });
  stream.pipe(res);
}

function send(res: ServerResponse, reply: RouteReply, onError: (error: unknown) => void): void {
  if ('raw' in reply) sendRaw(res, reply, onError);
  else sendJson(res, reply.status, reply.body, reply.headers);
}

/** `routes` maps "GET /path" to a handler; anything else is a JSON 404 (or 405 for a known path). */
export function createHttpServer({
  routes,
  rawRoutes = {},
  logger,
}: {
  routes: Record<string, RouteHandler>;
  rawRoutes?: Record<string, RawRouteHandler>;
  logger: Logger;
}): HttpServer {
  const paths = new Set([...Object.keys(routes), ...Object.keys(rawRoutes)].map((key) => key.slice(key.indexOf(' ') + 1)));
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const raw = rawRoutes[`${req.method ?? 'GET'} ${path}`];
    if (raw) {
      raw(req, res).catch((error: unknown) => {
        logger.error({ err: error, path }, 'http handler failed');
        if (!res.headersSent) sendJson(res, 500, errorBody('internal', t(requestLocale(req), 'monitoring.api_internal')));
        else res.end();
      });
      return;
    }
    const handler = routes[`${req.method ?? 'GET'} ${path}`];
    if (!handler) {
      const status = paths.has(path) ? 405 : 404;
      const locale = requestLocale(req);
      sendJson(
        res,
        status,
        status === 405
          ? errorBody('method_not_allowed', t(locale, 'monitoring.api_method_not_allowed'))
          : errorBody('not_found', t(locale, 'monitoring.api_not_found')),
      );
      return;
    }
    const failed = (error: unknown) => logger.error({ err: error, path }, 'http response stream failed');
    handler(req).then(
      (reply) => send(res, reply, failed),
      (error: unknown) => {
        logger.error({ err: error, path }, 'http handler failed');
        sendJson(res, 500, errorBody('internal', t(requestLocale(req), 'monitoring.api_internal')));
      },
    );
  });
  // Keep-alive sockets would hold close() open for their idle timeout.
  server.keepAliveTimeout = 5_000;

  return {
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
