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

/** `body`: the request body, read by the server within its limit (empty for a GET). */
export type RouteHandler = (req: IncomingMessage, body: Buffer) => Promise<RouteReply>;

/** A handler that writes the response itself (a webhook, a file download). */
export type RawRouteHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<void>;

/** The default limit of a request body: Telegram's updates are a few kilobytes. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a request body up to `limit` bytes. Undefined when it is larger: a declared length over
 * the limit is refused before a byte is read, and a body without one stops being read (and is
 * never buffered) as soon as it passes the limit.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        done();
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/** 413 and the connection closed: the rest of the body is never read. */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  const payload = JSON.stringify(
    errorBody('too_large', t(requestLocale(req), 'monitoring.api_too_large', { limit }), { limitBytes: limit }),
  );
  res.writeHead(413, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    connection: 'close',
  });
  res.end(payload, () => req.destroy());
}

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
  maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
}: {
  routes: Record<string, RouteHandler>;
  rawRoutes?: Record<string, RawRouteHandler>;
  logger: Logger;
  maxBodyBytes?: number;
}): HttpServer {
  const paths = new Set(
    [...Object.keys(routes), ...Object.keys(rawRoutes)].map((key) => key.slice(key.indexOf(' ') + 1)),
  );
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const raw = rawRoutes[`${req.method ?? 'GET'} ${path}`];
    const handler = routes[`${req.method ?? 'GET'} ${path}`];
    if (!raw && !handler) {
      const status = paths.has(path) ? 405 : 404;
      res.shouldKeepAlive = false;
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
    readBody(req, maxBodyBytes).then(
      (body) => {
        if (body === undefined) {
          logger.warn(
            { path, declaredBytes: req.headers['content-length'] ?? null, limitBytes: maxBodyBytes },
            'http request body too large; refused unread',
          );
          refuseTooLarge(req, res, maxBodyBytes);
          return;
        }
        if (raw) {
          raw(req, res, body).catch((error: unknown) => {
            logger.error({ err: error, path }, 'http handler failed');
            if (!res.headersSent)
              sendJson(res, 500, errorBody('internal', t(requestLocale(req), 'monitoring.api_internal')));
            else res.end();
          });
          return;
        }
        const failed = (error: unknown) => logger.error({ err: error, path }, 'http response stream failed');
        (handler as RouteHandler)(req, body).then(
          (reply) => send(res, reply, failed),
          (error: unknown) => {
            logger.error({ err: error, path }, 'http handler failed');
            sendJson(res, 500, errorBody('internal', t(requestLocale(req), 'monitoring.api_internal')));
          },
        );
      },
      (error: unknown) => {
        // The client went away mid-body: nobody is left to answer.
        logger.debug({ err: error, path }, 'http request body could not be read');
        res.destroy();
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
