import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../src/links/address.js';
import { createLinkChecker } from '../../src/links/check.js';

let server: Server;
let base: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const path = req.url ?? '/';
    if (path === '/alive') return res.writeHead(200, { 'content-type': 'text/html' }).end('<p>open lesson</p>');
    if (path === '/gone') return res.writeHead(404).end('not found');
    if (path === '/head-refused') {
      if (req.method === 'HEAD') return res.writeHead(405).end();
      return res.writeHead(200).end('ok');
    }
    if (path === '/moved') return res.writeHead(301, { location: '/alive' }).end();
    if (path.startsWith('/chain/')) {
      const n = Number(path.slice('/chain/'.length));
      return n <= 1 ? res.writeHead(200).end('ok') : res.writeHead(302, { location: `/chain/${n - 1}` }).end();
    }
    if (path === '/loop') return res.writeHead(302, { location: '/loop' }).end();
    if (path === '/to-private') return res.writeHead(302, { location: 'http://127.0.0.2:9/secret' }).end();
    if (path === '/silent') return; // never answers
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const fixed = new Date('2027-02-01T09:00:00Z');
const local = createLinkChecker({ allowPrivate: true, timeoutMs: 1_000, now: () => fixed });

describe('link checker against a local server', () => {
  it('finds a page that answers 200 alive, with the time of the check', async () => {
    expect(await local.check(`${base}/alive`)).toEqual({
      url: `${base}/alive`,
      status: 'alive',
      reachable: true,
      httpStatus: 200,
      checkedAt: fixed,
    });
  });

  it('finds a 404 dead, after trying HEAD and then GET', async () => {
    seen.length = 0;
    const result = await local.check(`${base}/gone`);
    expect(result).toMatchObject({ status: 'dead', reachable: false, httpStatus: 404 });
    expect(seen).toEqual(['HEAD /gone', 'GET /gone']);
  });

  it('asks with GET when the server refuses HEAD', async () => {
    seen.length = 0;
    expect(await local.check(`${base}/head-refused`)).toMatchObject({ status: 'alive', httpStatus: 200 });
    expect(seen).toEqual(['HEAD /head-refused', 'GET /head-refused']);
  });

  it('follows redirects: five are fine, a sixth or a loop is not', async () => {
    expect(await local.check(`${base}/moved`)).toMatchObject({ status: 'alive', httpStatus: 200 });
    expect(await local.check(`${base}/chain/6`)).toMatchObject({ status: 'alive' }); // 5 redirects
    expect(await local.check(`${base}/chain/7`)).toMatchObject({ status: 'redirect_loop', reachable: false });
    expect(await local.check(`${base}/loop`)).toMatchObject({
      status: 'redirect_loop',
      reachable: false,
      httpStatus: 302,
    });
  });

  it('gives up on a server that never answers after the timeout', async () => {
    const quick = createLinkChecker({ allowPrivate: true, timeoutMs: 300 });
    const started = Date.now();
    expect(await quick.check(`${base}/silent`)).toMatchObject({ status: 'timeout', reachable: false });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports a port nobody listens on as unreachable, and a non-web link as invalid', async () => {
    expect(await local.check('http://127.0.0.1:9/')).toMatchObject({ status: 'unreachable', reachable: false });
    expect(await local.check('ftp://example.org/file')).toMatchObject({ status: 'invalid' });
    expect(await local.check('not a link')).toMatchObject({ status: 'invalid' });
  });

  it('checks several links at once, in order', async () => {
    const results = await local.checkAll([`${base}/alive`, `${base}/gone`, `${base}/moved`]);
    expect(results.map((r) => r.status)).toEqual(['alive', 'dead', 'alive']);
  });
});

describe('private addresses are refused unless allowed', () => {
  const strict = createLinkChecker({ timeoutMs: 1_000 });

  it('refuses a loopback address written in the link without connecting', async () => {
    seen.length = 0;
    expect(await strict.check(`${base}/alive`)).toMatchObject({ status: 'unsafe', reachable: false });
    expect(seen).toEqual([]);
  });

  it('refuses a host name that resolves to a private address', async () => {
    seen.length = 0;
    const port = (server.address() as AddressInfo).port;
    expect(await strict.check(`http://localhost:${port}/alive`)).toMatchObject({ status: 'unsafe' });
    const rebinding = createLinkChecker({ resolve: async () => [{ address: '10.1.2.3', family: 4 }] });
    expect(await rebinding.check('http://teacher-blog.example/post')).toMatchObject({ status: 'unsafe' });
    expect(seen).toEqual([]);
  });

  it('checks every redirect hop: a safe page redirecting into the private network is refused', async () => {
    // 127.0.0.1 stands for "a public host" here; 127.0.0.2 for the private network behind it.
    const oneSafe = createLinkChecker({ isSafeAddress: (a) => a === '127.0.0.1', timeoutMs: 1_000 });
    expect(await oneSafe.check(`${base}/alive`)).toMatchObject({ status: 'alive' });
    expect(await oneSafe.check(`${base}/to-private`)).toMatchObject({ status: 'unsafe', reachable: false });
  });

  it('resolves host names before connecting and uses the checked address', async () => {
    const named = createLinkChecker({
      isSafeAddress: (a) => a === '127.0.0.1',
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    const port = (server.address() as AddressInfo).port;
    expect(await named.check(`http://teacher-blog.example:${port}/alive`)).toMatchObject({ status: 'alive' });
  });

  it('classifies addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.0.0.5',
      '172.20.1.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:a00:1',
      'localhost',
    ]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '2a00:1450:4001:82b::200e', '::ffff:8.8.8.8']) {
      expect(isPublicAddress(a), a).toBe(true);
    }
  });
});
