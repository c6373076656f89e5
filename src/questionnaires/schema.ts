// zod pieces shared by every question type. Messages are keys of the i18n `content` namespace whose
// text follows a field name ("text.ru must not be empty"); issues.ts locates them by file and question.
import { z } from 'zod';
import type { LocalizedText } from '../domain/locale.js';
import type { ChoiceOption, Condition } from './model.js';

export const QUESTIONNAIRE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const QUESTION_ID = /^[A-Za-z0-9_-]{1,64}$/;
// Telegram callback data is at most 64 bytes; a short option id leaves room for the question id.
export const OPTION_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** YAML reads `id: 1` as a number; an id is a name, so whole numbers are taken as their digits. */
const digitsToString = (value: unknown): unknown =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? String(value) : value;

export const questionId = z.preprocess(
  digitsToString,
  z.string().regex(QUESTION_ID, { error: 'content.q_question_id' }),
);

export const optionId = z.preprocess(digitsToString, z.string().regex(OPTION_ID, { error: 'content.q_option_id' }));

function nonEmpty(max: number) {
  return z.string().trim().min(1, { error: 'content.z_not_empty' }).max(max, { error: 'content.z_max_chars' });
}

/**
 * `{ ru, kk?, en? }`, or a plain string meaning Russian only. An empty translation is an error
 * rather than "absent": it is almost always a forgotten one.
 */
export function localizedText(max: number): z.ZodType<LocalizedText> {
  return z.preprocess(
    (value) => (typeof value === 'string' ? { ru: value } : value),
    z.strictObject({ ru: nonEmpty(max), kk: nonEmpty(max).optional(), en: nonEmpty(max).optional() }),
  );
}

export const TEXT_LIMITS = { title: 200, intro: 2000, question: 1000, help: 1000, option: 200 } as const;

export const choiceOption: z.ZodType<ChoiceOption> = z.strictObject({
  id: optionId,
  text: localizedText(TEXT_LIMITS.option),
});

export const options = z
  .array(choiceOption)
  .min(2, { error: 'content.q_min_options' })
  // Beyond 20 a numbered list in a chat stops being readable.
  .max(20, { error: 'content.q_max_options' });

export const positiveInt = (message = 'content.z_positive_int') =>
  z
    .number({ error: (issue) => (issue.input === undefined ? 'content.z_required' : message) })
    .int({ error: message })
    .positive({ error: message });

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const conditionValue = z.union([z.string(), z.number(), z.boolean()], {
  error: 'content.q_condition_value',
});

/** Marks a custom issue whose message is a sentence of its own, not a phrase after a field name. */
export const STATEMENT = { statement: true } as const;

const LEAF_OPERATORS = ['equals', 'notEquals', 'in', 'includes', 'gte', 'lte', 'answered'] as const;
const COMBINATORS = ['all', 'any', 'not'] as const;

const conditionObject = z.strictObject({
  question: z.preprocess(digitsToString, z.string()).optional(),
  equals: conditionValue.optional(),
  notEquals: conditionValue.optional(),
  in: z.array(conditionValue).min(1, { error: 'content.q_min_values' }).optional(),
  includes: z.preprocess(digitsToString, z.string()).optional(),
  gte: z.number().optional(),
  lte: z.number().optional(),
  answered: z.boolean().optional(),
  get all() {
    return z.array(condition).min(1, { error: 'content.q_min_conditions' }).optional();
  },
  get any() {
    return z.array(condition).min(1, { error: 'content.q_min_conditions' }).optional();
  },
  get not() {
    return condition.optional();
  },
});

/** One strict object checked by hand: a union of ten shapes would report ten errors for one typo. */
export const condition: z.ZodType<Condition> = conditionObject
  .superRefine((c, ctx) => {
    const present = (keys: readonly string[]) => keys.filter((k) => (c as Record<string, unknown>)[k] !== undefined);
    const combinators = present(COMBINATORS);
    const operators = present(LEAF_OPERATORS);
    if (combinators.length > 0) {
      if (combinators.length > 1 || operators.length > 0 || c.question !== undefined) {
        ctx.addIssue({
          code: 'custom',
          params: { ...STATEMENT, operator: combinators[0]! },
          message: 'content.q_cond_alone',
        });
      }
      return;
    }
    if (c.question === undefined) {
      ctx.addIssue({ code: 'custom', params: STATEMENT, message: 'content.q_cond_question' });
      return;
    }
    const range = operators.every((k) => k === 'gte' || k === 'lte');
    if (operators.length === 0 || (operators.length > 1 && !range)) {
      ctx.addIssue({
        code: 'custom',
        params: STATEMENT,
        message: 'content.q_cond_one_test',
      });
    }
  })
  // The refinement above guarantees one of the Condition shapes; zod cannot express that as a type.
  .transform((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as Condition);

/** Fields every question has; each type adds its own and its `type` literal. */
export const questionBase = {
  id: questionId,
  text: localizedText(TEXT_LIMITS.question),
  help: localizedText(TEXT_LIMITS.help).optional(),
  required: z.boolean({ error: 'content.z_boolean' }).default(true),
  showIf: condition.optional(),
  opensConsultation: z.union([z.literal(true), z.array(z.string().min(1)).min(1)]).optional(),
  models: z
    .array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { error: 'content.q_model_ids' }))
    .min(1, { error: 'content.q_min_models' })
    .optional(),
};
