// What moves a teacher through a stage, as data: a stage plan (default, programme's or cohort's)
// says for each stage which facts put it in progress and which complete it. The evaluator
// (stage-progress.ts) reads these rules; nothing else decides a stage by rule.
import { z } from 'zod';
import { ACTIVITY_LEVELS, ACTIVITY_TYPES, type ActivityLevel, type ActivityType } from './activity.js';
import type { StageNumber } from './stage.js';

/** An answer that must have been given: a choice id, a yes/no, or any of several choice ids. */
export interface StageAnswerCondition {
  questionId: string;
  /** A list means "any of these"; a multiple-choice answer matches when it contains one of them. */
  equals: string | boolean | readonly string[];
}

export type StageRule =
  /** The teacher completed this questionnaire (any occasion unless named), with this answer if given. */
  | { kind: 'questionnaire-completed'; questionnaireId: string; occasion?: string; answer?: StageAnswerCondition }
  /** At least `count` accepted activities ('required': the plan's required count), of these types / levels. */
  | {
      kind: 'accepted-activities';
      count: number | 'required';
      types?: readonly ActivityType[];
      levels?: readonly ActivityLevel[];
    }
  /**
   * At least one link a check found open (domain/result-link.ts; an unchecked one does not count):
   * in the completed answers of this questionnaire, or, without one, in any completed questionnaire
   * or accepted activity. It holds from the later of the answers and the check.
   */
  | { kind: 'live-link'; questionnaireId?: string }
  /** Only a curator's (or staff member's) decision moves the stage. */
  | { kind: 'curator-decision' };

export type StageRuleKind = StageRule['kind'];

/** `all`: every rule holds (the stage moves when the last one does); `any`: the first that holds. */
export type StageRuleGroup = { all: readonly StageRule[] } | { any: readonly StageRule[] };

export interface StageRules {
  /** Puts the stage in progress. Absent: the stage is in progress only once it is completed. */
  inProgress?: StageRuleGroup;
  /** Completes the stage. */
  completed: StageRuleGroup;
}

export function groupRules(group: StageRuleGroup): readonly StageRule[] {
  return 'all' in group ? group.all : group.any;
}

/**
 * The rules of today's three-stage plan (issue 10): stage 1 completed when the plan questionnaire
 * says the plan is approved; stage 2 in progress with the first accepted activity, completed at
 * the required count; stage 3 completed when the results questionnaire is completed with at least
 * one live link.
 */
export const DEFAULT_STAGE_RULES: Readonly<Record<StageNumber, StageRules>> = {
  1: {
    inProgress: { any: [{ kind: 'questionnaire-completed', questionnaireId: 'stage-1-plan' }] },
    completed: {
      all: [
        {
          kind: 'questionnaire-completed',
          questionnaireId: 'stage-1-plan',
          answer: { questionId: 'plan_status', equals: 'approved' },
        },
      ],
    },
  },
  2: {
    inProgress: { any: [{ kind: 'accepted-activities', count: 1 }] },
    completed: { all: [{ kind: 'accepted-activities', count: 'required' }] },
  },
  3: {
    inProgress: { any: [{ kind: 'questionnaire-completed', questionnaireId: 'stage-3-results' }] },
    completed: {
      all: [
        { kind: 'questionnaire-completed', questionnaireId: 'stage-3-results' },
        { kind: 'live-link', questionnaireId: 'stage-3-results' },
      ],
    },
  },
};

const questionnaireId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/);

/** A stage rule as data (stage plans in cohort files, programme models), checked before it is trusted. */
export const stageRuleSchema: z.ZodType<StageRule> = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('questionnaire-completed'),
    questionnaireId,
    occasion: z.string().min(1).optional(),
    answer: z
      .strictObject({
        questionId: z.string().min(1),
        equals: z.union([z.string().min(1), z.boolean(), z.array(z.string().min(1)).min(1)]),
      })
      .optional(),
  }),
  z.strictObject({
    kind: z.literal('accepted-activities'),
    count: z.union([z.number().int().min(1).max(100), z.literal('required')]),
    types: z.array(z.enum(ACTIVITY_TYPES)).min(1).optional(),
    levels: z.array(z.enum(ACTIVITY_LEVELS)).min(1).optional(),
  }),
  z.strictObject({ kind: z.literal('live-link'), questionnaireId: questionnaireId.optional() }),
  z.strictObject({ kind: z.literal('curator-decision') }),
]);

const ruleGroupSchema: z.ZodType<StageRuleGroup> = z.union([
  z.strictObject({ all: z.array(stageRuleSchema).min(1) }),
  z.strictObject({ any: z.array(stageRuleSchema).min(1) }),
]);

export const stageRulesSchema: z.ZodType<StageRules> = z.strictObject({
  inProgress: ruleGroupSchema.optional(),
  completed: ruleGroupSchema,
});
