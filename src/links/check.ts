// Is a teacher's link alive? HEAD first (cheap), GET when HEAD is refused; redirects followed by
// hand so that every hop is checked; 2xx at the end of the chain = alive.
//
// node:http with a `lookup` hook rather than fetch: the hook sees the addresses a host name
// resolves to and refuses private ones *before* the connection is made, and the connection then
// goes to the address that was checked (fetch would resolve again, leaving a DNS-rebinding gap).
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { LinkStatus } from '../domain/activity.js';
import { isPublicAddress } from './address.js';

export interface LinkCheck {
  url: string;
  status: LinkStatus;
  reachable: boolean;
  /** The last HTTP status seen, when a server answered. */
  httpStatus?: number;
  checkedAt: Date;
}

/** dns.lookup's shape with `all: true`: every address a host name resolves to. */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

export interface LinkCheckerOptions {
  /** Lets links reach private, loopback and link-local addresses: for tests on 127.0.0.1 only. */
  allowPrivate?: boolean;
  /** Per link, all hops and the GET retry included. */
  timeoutMs?: number;
  maxRedirects?: number;
  /** Links checked at the same time by checkAll. */
  concurrency?: number;
  /** Which resolved addresses may be connected to; default: public ones (or any with allowPrivate). */
  isSafeAddress?: (address: string) => boolean;
  /** Name resolution; default: the system resolver (dns.lookup). */
  resolve?: Resolve;
  now?: () => Date;
}

export interface LinkChecker {
  check(url: string): Promise<LinkCheck>;
  /** Results in the order of `urls`, at most `concurrency` at a time. */
  checkAll(urls: readonly string[]): Promise<LinkCheck[]>;
}

export const LINK_CHECK_DEFAULTS = { timeoutMs: 10_000, maxRedirects: 5, concurrency: 4 } as const;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

class UnsafeAddress extends Error {
  constructor() {
    super('the link points into a private network');
    this.name = 'UnsafeAddress';
  }
}

type Hop =
  | { kind: 'answer'; status: number; location?: string }
  | { kind: 'failed'; status: Exclude<LinkStatus, 'alive' | 'dead'> };

const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) => {
    const options: LookupAllOptions = { all: true };
    dnsLookup(hostname, options, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });

export function createLinkChecker(options: LinkCheckerOptions = {}): LinkChecker {
  const timeoutMs = options.timeoutMs ?? LINK_CHECK_DEFAULTS.timeoutMs;
  const maxRedirects = options.maxRedirects ?? LINK_CHECK_DEFAULTS.maxRedirects;
  const concurrency = Math.max(1, options.concurrency ?? LINK_CHECK_DEFAULTS.concurrency);
  const isSafe = options.isSafeAddress ?? (options.allowPrivate ? () => true : isPublicAddress);
  const resolve = options.resolve ?? systemResolve;
  const now = options.now ?? (() => new Date());

  // node:http calls this instead of dns.lookup; an error here means no connection is attempted.
  const lookup = (
    hostname: string,
    opts: { all?: boolean },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0)
          return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
        if (addresses.some((a) => !isSafe(a.address))) return callback(new UnsafeAddress(), '');
        if (opts.all) return callback(null, addresses);
        const first = addresses[0]!;
        return callback(null, first.address, first.family);
      },
      (error: Error) => callback(error, ''),
    );
  };

  function hop(url: URL, method: 'HEAD' | 'GET', signal: AbortSignal): Promise<Hop> {
    return new Promise((settle) => {
      const host = url.hostname.replace(/^\[|\]$/g, '');
      // An address written in the link itself never goes through `lookup`.
      if (isIP(host) !== 0 && !isSafe(host)) return settle({ kind: 'failed', status: 'unsafe' });
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(url, {
        method,
        signal,
        lookup: lookup as never, // node's overloaded LookupFunction type; the shape above is what it calls
        headers: { 'user-agent': 'Sputnik link check (post-course support bot)', accept: '*/*' },
      });
      req.on('response', (res: IncomingMessage) => {
        const location = res.headers.location;
        // The body is never needed: only the status says whether the page is there.
        res.destroy();
        settle({ kind: 'answer', status: res.statusCode ?? 0, ...(location ? { location } : {}) });
      });
      req.on('error', (error: Error & { code?: string }) => {
        if (error instanceof UnsafeAddress || error.cause instanceof UnsafeAddress)
          return settle({ kind: 'failed', status: 'unsafe' });
        if (signal.aborted) return settle({ kind: 'failed', status: 'timeout' });
        settle({ kind: 'failed', status: 'unreachable' });
      });
      req.end();
    });
  }

  /** Follows redirects from `start` with one method; the verdict and the last status seen. */
  async function follow(
    start: URL,
    method: 'HEAD' | 'GET',
    signal: AbortSignal,
  ): Promise<{ status: LinkStatus; httpStatus?: number }> {
    let url = start;
    for (let redirects = 0; ; redirects++) {
      const result = await hop(url, method, signal);
      if (result.kind === 'failed') return { status: result.status };
      const code = result.status;
      if (REDIRECTS.has(code) && result.location !== undefined) {
        if (redirects >= maxRedirects) return { status: 'redirect_loop', httpStatus: code };
        let next: URL;
        try {
          next = new URL(result.location, url);
        } catch {
          return { status: 'dead', httpStatus: code };
        }
        if (next.protocol !== 'http:' && next.protocol !== 'https:') return { status: 'invalid', httpStatus: code };
        url = next;
        continue;
      }
      return { status: code >= 200 && code < 300 ? 'alive' : 'dead', httpStatus: code };
    }
  }

  async function check(raw: string): Promise<LinkCheck> {
    const checkedAt = now();
    const verdict = (status: LinkStatus, httpStatus?: number): LinkCheck => ({
      url: raw,
      status,
      reachable: status === 'alive',
      ...(httpStatus !== undefined ? { httpStatus } : {}),
      checkedAt,
    });
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return verdict('invalid');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return verdict('invalid');
    const signal = AbortSignal.timeout(timeoutMs);
    const head = await follow(url, 'HEAD', signal);
    // Many servers refuse or mishandle HEAD (405, 403, 404, a dropped connection): ask again with GET.
    if (head.status === 'alive' || head.status === 'unsafe' || head.status === 'timeout' || head.status === 'invalid') {
      return verdict(head.status, head.httpStatus);
    }
    const get = await follow(url, 'GET', signal);
    return verdict(get.status, get.httpStatus ?? head.httpStatus);
  }

  async function checkAll(urls: readonly string[]): Promise<LinkCheck[]> {
    const results: LinkCheck[] = new Array(urls.length);
    let next = 0;
    const worker = async () => {
      while (next < urls.length) {
        const i = next++;
        results[i] = await check(urls[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, urls.length) }, worker));
    return results;
  }

  return { check, checkAll };
}
