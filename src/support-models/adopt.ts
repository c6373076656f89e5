// Start-up step: programmes and cohorts from before support models get the default model
// (src/store/migrate-plans.ts says which, and why nothing in their year changes).
import type { Content } from '../engine/index.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/index.js';
import { adoptDefaultModel, requireTutorsOfModels } from '../store/migrate-plans.js';
import { planFromModel, sameRunning } from './plan.js';

export async function adoptDefaultSupportModel(
  store: Pick<Store, 'models'>,
  content: Pick<Content, 'models'>,
  logger: Logger,
): Promise<void> {
  const tutorModels = content.models
    .all()
    .filter((m) => m.tutorRequired)
    .map((m) => m.id);
  const flagged = await requireTutorsOfModels(store.models, tutorModels);
  if (flagged > 0)
    logger.info({ plans: flagged, models: tutorModels }, 'plans of models with a tutor for every teacher now say so');
  const model = content.models.default();
  if (!model) return;
  const plan = planFromModel(model);
  const done = await adoptDefaultModel(store.models, plan, (old) => sameRunning(old, plan));
  if (done.programmes + done.cohorts > 0) {
    logger.info(
      { programmes: done.programmes, cohorts: done.cohorts, model: model.id },
      'programmes and cohorts from before support models now run the default model',
    );
  }
  if (done.kept > 0)
    logger.info(
      { plans: done.kept },
      'stage plans from before support models that differ from the default model are kept as they are',
    );
}
