// Curators' tools for a test's engine, as the composition root hands them over: broadcasts through
// the test's dispatcher, figures and reports from monitoring over the test's store.
import type { BroadcastService } from '../../src/delivery/broadcasts.js';
import { createStaffTools } from '../../src/delivery/staff-tools.js';
import type { Engine } from '../../src/engine/index.js';
import { createMonitoring, type Monitoring } from '../../src/monitoring/index.js';
import type { Store } from '../../src/store/index.js';
import { content } from './engine-harness.js';
import { silentLogger } from './store.js';

export function provideStaffTools(
  engine: Engine,
  store: Store,
  broadcasts: BroadcastService,
  monitoring?: Monitoring,
): void {
  engine.provideStaffTools(
    createStaffTools({
      broadcasts,
      monitoring: monitoring ?? createMonitoring({ store, catalog: content().questionnaires }),
      repos: store.repositories,
      logger: silentLogger,
    }),
  );
}
