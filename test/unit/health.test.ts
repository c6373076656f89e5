import { describe, expect, it } from 'vitest';
import { channelStatus } from '../../src/channels/status.js';
import { loadConfig } from '../../src/config.js';
import { collectHealth } from '../../src/http/health.js';

const up = async () => ({ kind: 'embedded' as const, state: 'up' as const, persistent: true });

describe('health', () => {
  it('is ok when the store is up and the scheduler runs, whatever the channels', async () => {
    const report = await collectHealth({
      version: '1.0.0',
      startedAt: new Date('2026-11-23T09:00:00Z'),
      now: () => new Date('2026-11-23T09:01:30Z'),
      store: up,
      scheduler: () => 'running',
      channels: () => channelStatus(loadConfig({})),
    });
    expect(report).toMatchObject({
      status: 'ok',
      uptimeSeconds: 90,
      store: { state: 'up' },
      scheduler: { state: 'running' },
    });
    expect(report.channels.telegram).toEqual({
      state: 'disabled',
      hint: expect.stringContaining('TELEGRAM_BOT_TOKEN'),
    });
    expect(report.channels.whatsapp?.hint).toContain('WHATSAPP_ENABLED=true');
  });

  it('is degraded when the store is down', async () => {
    const report = await collectHealth({
      version: '1.0.0',
      startedAt: new Date(),
      store: async () => ({ kind: 'mongodb', state: 'down', persistent: true, error: 'connection refused' }),
      scheduler: () => 'running',
      channels: () => ({}),
    });
    expect(report.status).toBe('degraded');
  });

  it('names every failing part and still answers when a check throws or hangs', async () => {
    const report = await collectHealth({
      version: '1.0.0',
      startedAt: new Date(),
      timeoutMs: 50,
      store: () => new Promise(() => undefined),
      scheduler: () => 'running',
      queue: async () => {
        throw new Error('client was closed');
      },
      channels: () => ({ telegram: { state: 'running' }, whatsapp: { state: 'failed', hint: 'browser not found' } }),
    });
    expect(report.status).toBe('degraded');
    expect(report.failing).toEqual(['store', 'scheduler', 'channels.whatsapp']);
    expect(report.store).toMatchObject({ kind: 'unknown', state: 'down', error: 'no answer within 50 ms' });
    expect(report.scheduler).toEqual({ state: 'running', error: 'queue: client was closed' });
  });

  it('counts a channel still starting or waiting for a QR scan as not failing, and a thrown channel check as failing', async () => {
    const base = { version: '1.0.0', startedAt: new Date(), store: up, scheduler: () => 'running' as const };
    expect(
      (
        await collectHealth({
          ...base,
          channels: () => ({ telegram: { state: 'starting' }, whatsapp: { state: 'qr' } }),
        })
      ).failing,
    ).toEqual([]);
    const thrown = await collectHealth({
      ...base,
      channels: () => {
        throw new Error('boom');
      },
    });
    expect([thrown.status, thrown.failing]).toEqual(['degraded', ['channels']]);
  });
});
