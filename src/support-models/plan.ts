// From a support model (and a cohort file's overrides) to the StagePlan the scheduler, the stage
// evaluator and the reports read. Pure.
import { z } from 'zod';
import { isOffset } from '../domain/calendar.js';
import { finalSurveyOf, remindersOf, stagePlanProblems } from '../domain/post-course-plan.js';
import { requiredActivities } from '../domain/stage-plan.js';
import { stageRules } from '../domain/stage-progress.js';
import type { StagePlan } from '../domain/stage.js';
import { phrase, type Phrase } from '../i18n/index.js';
import { planProblems } from '../import/zod-problems.js';
import type { SupportModelCatalog } from './load.js';
import type { SupportModelFile } from './schema.js';

// The message is a key of the i18n `imports` namespace: a cohort file's problems are worded in the staff's language.
const offset = z.string().refine(isOffset, { message: 'imports.z_offset' });

/**
 * What a cohort (or programme) file may change in its model: the start of some stages, the
 * activities owed, the reminders, or the whole questionnaire schedule. Anything else is the model's.
 */
export const planOverridesSchema = z.strictObject({
  stages: z
    .array(z.strictObject({ stage: z.number().int().min(1), startOffset: offset }))
    .min(1)
    .optional(),
  requiredActivities: z.number().int().min(1).max(50).optional(),
  reminders: z
    .strictObject({ afterDays: z.number().int().min(1).max(60), maxCount: z.number().int().min(0).max(10) })
    .optional(),
  questionnaires: z
    .array(
      z.strictObject({
        questionnaireId: z.string().min(1),
        offset,
        occasion: z.string().min(1),
        /** What reports and exports call this run; absent: when it comes («через 2 месяца после курса»). */
        title: z
          .strictObject({
            ru: z.string().trim().min(1).max(80),
            kk: z.string().trim().min(1).max(80).optional(),
            en: z.string().trim().min(1).max(80).optional(),
          })
          .optional(),
        closesAfter: offset.optional(),
      }),
    )
    .optional(),
});
export type PlanOverrides = z.infer<typeof planOverridesSchema>;

export function planFromModel(model: SupportModelFile): StagePlan {
  return {
    model: model.id,
    stages: model.stages.map((s) => ({
      stage: s.stage,
      startOffset: s.startOffset,
      title: s.title,
      ...(s.prompt ? { prompt: s.prompt } : {}),
      ...(s.rules ? { rules: s.rules } : {}),
    })),
    questionnaires: model.questionnaires.map((q) => ({ ...q })),
    reminders: { ...model.reminders },
    ...(model.finalSurvey ? { finalSurvey: { ...model.finalSurvey } } : {}),
    requiredActivities: model.requiredActivities,
    ...(model.tutorRequired ? { tutorRequired: true } : {}),
  };
}

/** A problem with a file's model or overrides: where under the file, and what (worded by whoever prints it). */
export type PlanProblem = { path: (string | number)[]; message: Phrase };

/** The model's plan with the overrides applied; every problem, with its path under the overrides. */
export function applyOverrides(
  model: SupportModelFile,
  overrides: PlanOverrides | undefined,
): { plan?: StagePlan; problems: PlanProblem[] } {
  const plan = planFromModel(model);
  const problems: PlanProblem[] = [];
  if (!overrides) return { plan, problems };
  overrides.stages?.forEach((o, i) => {
    const stage = plan.stages.find((s) => s.stage === o.stage);
    if (!stage)
      problems.push({
        path: ['stages', i, 'stage'],
        message: phrase('imports.no_stage', { model: model.id, stage: o.stage, count: plan.stages.length }),
      });
    else stage.startOffset = o.startOffset;
  });
  if (overrides.requiredActivities !== undefined) plan.requiredActivities = overrides.requiredActivities;
  if (overrides.reminders) plan.reminders = { ...overrides.reminders };
  if (overrides.questionnaires) {
    plan.questionnaires = overrides.questionnaires.map((q) => ({ ...q }));
    // The model's final survey may no longer be in the schedule: then the last one closes the year.
    if (
      plan.finalSurvey &&
      !plan.questionnaires.some(
        (q) => q.questionnaireId === plan.finalSurvey!.questionnaireId && q.occasion === plan.finalSurvey!.occasion,
      )
    ) {
      delete plan.finalSurvey;
    }
  }
  for (const problem of planProblems(stagePlanProblems(plan)))
    problems.push({ path: [], message: phrase('imports.plan_unusable', { at: problem.at, detail: problem.message }) });
  return problems.length > 0 ? { problems } : { plan, problems };
}

/** A model named in a file, with its overrides, checked against the loaded models and questionnaires. */
export function resolveModel(
  models: SupportModelCatalog,
  modelId: string | undefined,
  overrides: PlanOverrides | undefined,
  questionnaireExists: (id: string) => boolean,
): { plan?: StagePlan; model?: SupportModelFile; problems: PlanProblem[] } {
  const model = modelId === undefined ? models.default() : models.get(modelId);
  if (!model) {
    const known = models
      .all()
      .map((m) => m.id)
      .join(', ');
    return { problems: [{ path: ['model'], message: phrase('imports.no_model', { model: modelId ?? '', known }) }] };
  }
  const applied = applyOverrides(model, overrides);
  const plan = applied.plan;
  const problems = applied.problems.map((p) => ({ ...p, path: ['stagePlan', ...p.path] }));
  overrides?.questionnaires?.forEach((q, i) => {
    if (!questionnaireExists(q.questionnaireId))
      problems.push({
        path: ['stagePlan', 'questionnaires', i, 'questionnaireId'],
        message: phrase('imports.no_questionnaire', { id: q.questionnaireId }),
      });
  });
  return problems.length > 0 ? { model, problems } : { plan: plan!, model, problems };
}

/** JSON with sorted keys, so plans read back from the store compare equal to plans just built. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

/**
 * Whether two plans run a teacher's year the same way: the same stages, starts and rules, schedule,
 * reminders, final survey and required count (names and prompts aside). A cohort whose programme
 * moves to a plan that runs the same way need not keep the old one.
 */
export function sameRunning(a: StagePlan, b: StagePlan): boolean {
  const essence = (p: StagePlan) => ({
    stages: [...p.stages]
      .sort((x, y) => x.stage - y.stage)
      .map((s) => ({ stage: s.stage, startOffset: s.startOffset, rules: stageRules(p, s.stage) ?? null })),
    // An occasion's title names it in reports; it changes nothing in the year.
    questionnaires: p.questionnaires.map(({ title: _title, ...q }) => q),
    reminders: remindersOf(p),
    finalSurvey: finalSurveyOf(p) ?? null,
    required: requiredActivities(p),
  });
  return canonical(essence(a)) === canonical(essence(b));
}
