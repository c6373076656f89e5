// The embedded store's large open and the cohort's job, as the bot runs them: the journal replayed
// leaves V8's young generation handed back, and reading and planning the cohort does not grow it
// again while the documents are in this process (what keeps the bench's planning rows under 200 MB).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { holdYoungGeneration } from '../../src/memory/young-generation.js';
import { planDueAt } from '../../src/scheduler/planning.js';
import { loadCohortState } from '../../src/scheduler/state.js';
import { openStore } from '../../src/store/index.js';
import { seedPlanningCohort } from '../bench/planning.js';

const MB = 1024 * 1024;
const nurseryMb = () => (getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0) / MB;
const TEACHERS = 2_000;

let dir: string;
let cohortId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sputnik-young-generation-'));
  cohortId = await seedPlanningCohort(join(dir, 'data'), TEACHERS);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a large embedded store and its cohort job', () => {
  it('opens with the young generation handed back and plans without growing it', async () => {
    const store = await openStore({
      config: { mongodbUri: undefined, dbName: 'bench-planning', embeddedDataDir: join(dir, 'data') },
      logger: createLogger({ level: 'error' }),
    });
    try {
      expect(nurseryMb()).toBeLessThanOrEqual(2);
      const cohort = await store.repositories.cohorts.findById(cohortId);
      if (!cohort) throw new Error('the seeded cohort is missing');
      const state = await loadCohortState(store.repositories, cohort);
      const plan = await planDueAt(state, new Date('2026-02-23T05:00:00Z'));
      expect(state.teachers).toHaveLength(TEACHERS);
      expect(plan.due.filter((s) => s.kind === 'invite' && s.occasion === 'stage-2')).toHaveLength(TEACHERS);
      expect(nurseryMb()).toBeLessThanOrEqual(2);
    } finally {
      await store.close();
    }
    // Closed, the store no longer lets anything hold the young generation.
    const release = holdYoungGeneration();
    const kept = Array.from({ length: 400_000 }, (_, i) => ({ i, at: new Date(i) }));
    release();
    expect(nurseryMb()).toBeGreaterThan(2);
    expect(kept).toHaveLength(400_000);
  }, 120_000);
});
