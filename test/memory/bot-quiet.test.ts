// The bot's side of src/memory/young-generation.ts: a running bot that has gone quiet hands V8's
// young generation back within seconds (README, "Embedded store"). Here ~15 s with the trimming
// scavenge, ~30 s without it (the bot's own timers fill the nursery slowly until V8 scavenges);
// ./young-generation.test.ts shows the trimming scavenge alone doing it in a process that
// allocates nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import { expect, it } from 'vitest';
import { startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../support/store.js';

const nurseryMb = () =>
  (getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0) / (1024 * 1024);

it('a quiet bot hands back the young generation a burst of work grew', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sputnik-quiet-bot-'));
  const app = await startApp(loadConfig({ HTTP_PORT: '0', DATA_DIR: dir }), silentLogger);
  try {
    // A burst: objects that survive a while, as a broadcast's or a cohort job's do.
    let burst: unknown[] | undefined = Array.from({ length: 400_000 }, (_, i) => ({ i, at: new Date(i) }));
    expect(nurseryMb()).toBeGreaterThan(8);
    burst = undefined;
    const deadline = Date.now() + 30_000;
    while (nurseryMb() > 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
    expect(nurseryMb()).toBeLessThanOrEqual(2);
    expect(burst).toBeUndefined();
  } finally {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);
