// Logging in and staying connected: the QR in the terminal and as a PNG over HTTP, reconnection
// with backoff, the state /healthz shows, and where the session is kept.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWhatsappWebPort } from '../../../src/channels/whatsapp/client.js';
import { qrPng } from '../../../src/channels/whatsapp/qr.js';
import { createRemoteSessionStore } from '../../../src/channels/whatsapp/session-store.js';
import { createSessionArchiveRepository } from '../../../src/store/repositories/session-archives.js';
import { channelStatus } from '../../../src/channels/status.js';
import { loadConfig } from '../../../src/config.js';
import { createHttpServer, type HttpServer } from '../../../src/http/server.js';
import { silentLogger } from '../../support/store.js';
import { WhatsappBed } from './support/bed.js';
import { useWhatsappTestbed, type WhatsappTestbed } from './support/testbed.js';

const tb: WhatsappTestbed = useWhatsappTestbed({ connect: false });
let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serveQr(bed: WhatsappBed): Promise<string> {
  server = createHttpServer({
    routes: {},
    rawRoutes: { 'GET /whatsapp/qr': bed.channel.qrHandler() },
    logger: silentLogger,
  });
  const address: AddressInfo = await server.listen('127.0.0.1', 0);
  return `http://127.0.0.1:${address.port}/whatsapp/qr`;
}

describe('whatsapp connection', () => {
  it('shows the login QR in the terminal and as a PNG, then runs once scanned', async () => {
    const { bed } = tb;
    await bed.channel.start();
    expect(bed.channel.state()).toBe('starting');
    const url = await serveQr(bed);
    expect((await fetch(url)).status).toBe(404);

    await bed.fake.showQr('2@AbCdEf,ghIJ,klMN==');
    expect(bed.channel.health()).toEqual({
      state: 'qr',
      hint: 'scan the login QR code: terminal output or GET /whatsapp/qr',
    });
    expect(bed.terminal.join('')).toContain('WhatsApp > Linked devices');
    expect(bed.terminal.join('')).toMatch(/[▀▄█]/);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await response.arrayBuffer());
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.equals(qrPng('2@AbCdEf,ghIJ,klMN=='))).toBe(true);
    // The same code again (WhatsApp repeats it) is not drawn twice.
    await bed.fake.showQr('2@AbCdEf,ghIJ,klMN==');
    expect(bed.terminal).toHaveLength(1);

    await bed.fake.becomeReady();
    expect(bed.channel.state()).toBe('running');
    expect((await fetch(url)).status).toBe(409);
    const config = loadConfig({ WHATSAPP_ENABLED: 'true' });
    expect(channelStatus(config, { whatsapp: bed.channel.health }).whatsapp).toEqual({
      state: 'running',
      hint: 'logged in',
    });
  });

  it('asks for the token on the QR page when one is configured', async () => {
    const bed = new WhatsappBed(tb.store, tb.engine, { qrToken: 'secret-token-1234567890' });
    await bed.channel.start();
    await bed.fake.showQr();
    const url = await serveQr(bed);
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(`${url}?token=wrong-token-1234567890`)).status).toBe(401);
    expect((await fetch(`${url}?token=secret-token-1234567890`)).status).toBe(200);
    expect((await fetch(url, { headers: { authorization: 'Bearer secret-token-1234567890' } })).status).toBe(200);
    await bed.channel.stop();
  });

  it('retries a failed start and a lost connection with growing delays, holding messages meanwhile', async () => {
    const { bed } = tb;
    bed.fake.failInitialize = 2;
    await bed.channel.start();
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(bed.channel.state()).toBe('failed');
    const first = bed.timers.nextAt()! - bed.timers.nowMs();
    bed.timers.fireNext();
    await new Promise((resolve) => setImmediate(resolve));
    const second = bed.timers.nextAt()! - bed.timers.nowMs();
    expect([first, second]).toEqual([5_000, 10_000]);
    bed.timers.fireNext();
    await new Promise((resolve) => setImmediate(resolve));
    expect(bed.fake.initialized).toBe(3);
    expect(bed.channel.state()).toBe('starting');
    await bed.fake.becomeReady();
    expect(bed.channel.state()).toBe('running');

    await bed.fake.disconnect('NAVIGATION');
    expect(bed.channel.state()).toBe('disconnected');
    await bed.channel.sender.send('77010000001@c.us', { kind: 'text', text: 'Напоминание' });
    await bed.channel.outbox.idle();
    expect(bed.fake.sent).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    // Connected again after a success: the delay starts over.
    expect(bed.timers.nextAt()! - bed.timers.nowMs()).toBe(5_000);
    bed.timers.fireNext();
    await new Promise((resolve) => setImmediate(resolve));
    expect(bed.fake.initialized).toBe(4);
    await bed.fake.becomeReady();
    await bed.settle();
    expect(bed.fake.textsTo('77010000001@c.us')).toEqual(['Напоминание']);
  });

  it('keeps the session zip in GridFS for RemoteAuth: save, find, extract, replace, delete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wa-session-'));
    try {
      const store = createRemoteSessionStore(createSessionArchiveRepository(tb.store.connection.db!, 'whatsapp'), dir);
      expect(await store.sessionExists({ session: 'RemoteAuth-sputnik' })).toBe(false);
      const zip = Buffer.alloc(600_000, 7);
      writeFileSync(join(dir, 'RemoteAuth-sputnik.zip'), zip);
      await store.save({ session: 'RemoteAuth-sputnik' });
      writeFileSync(join(dir, 'RemoteAuth-sputnik.zip'), Buffer.from('newer session'));
      await store.save({ session: 'RemoteAuth-sputnik' });
      expect(await store.sessionExists({ session: 'RemoteAuth-sputnik' })).toBe(true);
      expect(await tb.store.connection.db!.collection('whatsapp-RemoteAuth-sputnik.files').countDocuments()).toBe(1);
      await store.extract({ session: 'RemoteAuth-sputnik', path: join(dir, 'restored.zip') });
      expect(readFileSync(join(dir, 'restored.zip'), 'utf8')).toBe('newer session');
      await store.delete({ session: 'RemoteAuth-sputnik' });
      expect(await store.sessionExists({ session: 'RemoteAuth-sputnik' })).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds the real client lazily; without a browser, initialize() rejects instead of hanging', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wa-data-'));
    try {
      for (const sessionArchives of [undefined, createSessionArchiveRepository(tb.store.connection.db!, 'whatsapp')]) {
        const port = await createWhatsappWebPort({
          chromePath: join(dir, 'no-chromium'),
          dataDir: dir,
          sessionArchives,
          logger: silentLogger,
        });
        await expect(port.initialize()).rejects.toThrow();
        expect(port.ownId()).toBeUndefined();
        await port.destroy();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
