// The HTTP side: health now; the staff API and the WhatsApp QR page hang off the same router later.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';

export type RouteHandler = (req: IncomingMessage) => Promise<{ status: number; body: unknown }>;

/** A handler that writes the response itself (a webhook, a file download). */
export type RawRouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface HttpServer {
  listen(host: string, port: number): Promise<AddressInfo>;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
  });
  res.end(payload);
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
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.end();
      });
      return;
    }
    const handler = routes[`${req.method ?? 'GET'} ${path}`];
    if (!handler) {
      const status = paths.has(path) ? 405 : 404;
      sendJson(res, status, { error: status === 405 ? 'method not allowed' : 'not found' });
      return;
    }
    handler(req).then(
      ({ status, body }) => sendJson(res, status, body),
      (error: unknown) => {
        logger.error({ err: error, path }, 'http handler failed');
        sendJson(res, 500, { error: 'internal error' });
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
