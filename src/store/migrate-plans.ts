// Programmes and cohorts stored before support models existed carry no model: a programme without a
// stage plan ran the built-in default year, and plans written then have no `model` (so no ratings,
// no individual-plan margin, no stage names from a model). At start-up each gets the default model's
// plan — but only where that changes nothing in how its year runs: a programme without a plan (its
// cohorts ran the built-in default, which runs like the default model), and a plan without a model
// that runs like the default model's. A plan of their own that runs otherwise is kept as it is.
// Idempotent: a second start finds nothing to do.
import type { Model } from 'mongoose';
import type { StagePlan } from '../domain/stage.js';
import type { CohortDoc } from './models/cohort.js';
import type { ProgrammeDoc } from './models/programme.js';
import { toStagePlan } from './models/stage-plan.js';

export interface PlanMigration {
  /** Programmes that had no plan, or a model-less plan running like the default: they now name the default model. */
  programmes: number;
  /** Cohorts whose own model-less plan runs like the default: they now name the default model. */
  cohorts: number;
  /** Model-less plans that run otherwise, kept as they are (programmes and cohorts). */
  kept: number;
}

export async function adoptDefaultModel(
  models: { programme: Model<ProgrammeDoc>; cohort: Model<CohortDoc> },
  defaultPlan: StagePlan,
  runsLikeDefault: (plan: StagePlan) => boolean,
): Promise<PlanMigration> {
  const result: PlanMigration = { programmes: 0, cohorts: 0, kept: 0 };
  const noPlan = { $or: [{ stagePlan: { $exists: false } }, { stagePlan: null }] };
  const noModel = {
    stagePlan: { $ne: null },
    $or: [{ 'stagePlan.model': { $exists: false } }, { 'stagePlan.model': null }],
  };

  for await (const doc of models.programme.collection.find(noPlan, { projection: { _id: 1 } })) {
    // Through the model, so the plan is cast and checked by the stage plan schema.
    await models.programme.updateOne({ _id: doc._id }, { $set: { stagePlan: defaultPlan } });
    result.programmes += 1;
  }
  const adopt = async (model: Model<ProgrammeDoc> | Model<CohortDoc>): Promise<number> => {
    let adopted = 0;
    for await (const doc of model.collection.find(noModel, { projection: { stagePlan: 1 } })) {
      if (!runsLikeDefault(toStagePlan(doc.stagePlan))) {
        result.kept += 1;
        continue;
      }
      await (model as Model<ProgrammeDoc>).updateOne({ _id: doc._id }, { $set: { stagePlan: defaultPlan } });
      adopted += 1;
    }
    return adopted;
  };
  result.programmes += await adopt(models.programme);
  result.cohorts += await adopt(models.cohort);
  return result;
}

/**
 * Plans copied from a model before the model said "a tutor for every teacher" lack the flag, so a
 * teacher joining such a cohort would get no tutor until its next import. Sets it where the model
 * now asks for it; idempotent. Returns how many programmes and cohorts changed.
 */
export async function requireTutorsOfModels(
  models: { programme: Model<ProgrammeDoc>; cohort: Model<CohortDoc> },
  modelIds: readonly string[],
): Promise<number> {
  if (modelIds.length === 0) return 0;
  const filter = { 'stagePlan.model': { $in: [...modelIds] }, 'stagePlan.tutorRequired': { $ne: true } };
  const update = { $set: { 'stagePlan.tutorRequired': true } };
  const programmes = await models.programme.collection.updateMany(filter, update);
  const cohorts = await models.cohort.collection.updateMany(filter, update);
  return programmes.modifiedCount + cohorts.modifiedCount;
}
