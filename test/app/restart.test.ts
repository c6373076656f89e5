// What was stored before a restart of the embedded store is there after it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../support/store.js';

describe('app restart on the embedded store', () => {
  it('keeps programmes, participants and unique identities across a stop and start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sputnik-restart-'));
    const config = loadConfig({ DATA_DIR: dataDir, HTTP_PORT: '0' });

    const first = await startApp(config, silentLogger);
    await first.store.repositories.programmes.upsertByCode({ code: 'FG-72', title: 'Функциональная грамотность', direction: 'Общее образование' });
    const created = await first.store.repositories.participants.create({ fullName: 'Петрова Анна', telegramId: 4242, locale: 'ru' });
    expect(created.ok).toBe(true);
    await first.stop();

    const second = await startApp(config, silentLogger);
    try {
      expect((await second.store.repositories.programmes.findByCode('FG-72'))?.title).toBe('Функциональная грамотность');
      expect((await second.store.repositories.participants.findByTelegramId(4242))?.fullName).toBe('Петрова Анна');
      expect(await second.store.repositories.participants.create({ telegramId: 4242, locale: 'ru' })).toEqual({
        ok: false,
        error: { kind: 'identity_taken', field: 'telegramId' },
      });
    } finally {
      await second.stop();
    }
  });
});
