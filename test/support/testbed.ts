// The usual setting of a dialog test: a fresh store, the seeded cohort, and a harness whose clock
// starts at `at`. Reached through the returned object, which each test's hooks fill in.
import { afterEach, beforeEach } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from './cohort-fixture.js';
import { Clock, Harness } from './engine-harness.js';
import { openTestStore } from './store.js';

export interface EngineTestbed {
  store: Store;
  h: Harness;
  cohort: CohortFixture;
}

export function useEngineTestbed(at: string): EngineTestbed {
  const bed = {} as EngineTestbed;
  beforeEach(async () => {
    bed.store = await openTestStore();
    bed.cohort = await seedCohort(bed.store);
    bed.h = new Harness(bed.store, new Clock(new Date(at)));
  });
  afterEach(async () => {
    await bed.store.close();
  });
  return bed;
}
