// Small helpers for the console's requests and replies: form bodies with a size limit, HTML pages,
// redirects, and the security headers every console page carries.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { RouteReply } from '../server.js';
import type { Html } from './html.js';

/** Forms are short; a larger body is refused without reading the rest. */
export const FORM_LIMIT_BYTES = 64 * 1024;

export class BodyTooLarge extends Error {
  constructor() {
    super('form body too large');
  }
}

/** The form in a body the HTTP server has already read (within its own, larger limit). */
export function readForm(body: Buffer, limit = FORM_LIMIT_BYTES): URLSearchParams {
  if (body.length > limit) throw new BodyTooLarge();
  return new URLSearchParams(body.toString('utf8'));
}

export function queryOf(req: IncomingMessage): URLSearchParams {
  return new URL(req.url ?? '/', 'http://localhost').searchParams;
}

// Scripts only from the console itself; inline styles are allowed (one stylesheet in the layout),
// no frames, no form posts elsewhere.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  // Not no-referrer: with it browsers send `Origin: null` on the console's own forms. Same-origin
  // still keeps a login link's token from reaching another site.
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

export function page(body: Html, status = 200, headers: Record<string, string> = {}): RouteReply {
  return {
    status,
    raw: Buffer.from(body.value, 'utf8'),
    headers: { ...SECURITY_HEADERS, ...headers, 'content-type': 'text/html; charset=utf-8' },
  };
}

export function redirect(location: string, headers: Record<string, string> = {}): RouteReply {
  return { status: 303, raw: Buffer.alloc(0), headers: { ...headers, location, 'content-type': 'text/plain' } };
}

export function file(body: Buffer | Readable, contentType: string, filename: string): RouteReply {
  return {
    status: 200,
    raw: body,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': contentType,
      'content-disposition': `attachment; filename="${filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    },
  };
}
