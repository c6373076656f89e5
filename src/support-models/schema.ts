// A support model (flows/models/*.yaml) as data: how one regulation runs the post-course year —
// its stages with titles and start offsets, what completes each stage, the activities owed, the
// questionnaire schedule, reminders and ratings. Checked by zod, then cross-checked against the
// questionnaires (see load.ts); errors name the file, the field and the problem (messages are keys
// of the i18n `content` namespace, worded where shown).
import { z } from 'zod';
import { isOffset } from '../domain/calendar.js';
import { stageRulesSchema } from '../domain/stage-rules.js';
import { STATEMENT } from '../questionnaires/schema.js';

const offset = z.string().refine(isOffset, { message: 'content.m_offset' });
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'content.m_slug' });
const questionnaireId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: 'content.m_questionnaire_id' });
const occasion = z.string().regex(/^[A-Za-z0-9_.-]{1,60}$/, { message: 'content.m_occasion' });

/** Teachers see these: every language Sputnik speaks is required. */
const text = (max: number) =>
  z.strictObject({
    ru: z.string().trim().min(1, { message: 'content.z_not_empty' }).max(max),
    kk: z.string().trim().min(1, { message: 'content.z_not_empty' }).max(max),
    en: z.string().trim().min(1, { message: 'content.z_not_empty' }).max(max),
  });

/** Numbers from answers: a list of question ids (or, in a total, indicator ids). */
const operands = z.array(z.string().regex(/^[a-z0-9_]{1,64}$/, { message: 'content.m_question_id' })).min(1);
const formula = z.union([z.strictObject({ sum: operands }), z.strictObject({ mean: operands })], {
  error: 'content.m_formula',
});

const level = z.strictObject({ from: z.number(), title: text(100) });

export const ratingSchema = z.strictObject({
  id: slug,
  title: text(200),
  /** The questionnaire whose answers are rated. */
  questionnaireId,
  indicators: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9_]{1,64}$/),
        title: text(300),
        formula,
        levels: z.array(level).min(1).optional(),
      }),
    )
    .min(1),
  /** Over the indicators' values. */
  total: z.strictObject({ title: text(200), formula, levels: z.array(level).min(1).optional() }).optional(),
});

export const modelStageSchema = z.strictObject({
  stage: z.number().int().min(1).max(12),
  title: text(120),
  /** The message when the stage begins; {cohortTitle}, {required} and {yearEnd} are filled in. */
  prompt: text(2000).optional(),
  startOffset: offset,
  /** What puts the stage in progress and completes it: the stage rules of the year accounting. */
  rules: stageRulesSchema.optional(),
});

export const individualPlanSchema = z.strictObject({
  /** The questionnaire where the teacher records planned activities, and its occasion. */
  questionnaireId,
  /** A teacher this many accepted activities behind their own plan is listed for the curator. */
  behindBy: z.number().int().min(1).max(20),
});

export const supportModelSchema = z
  .strictObject({
    id: slug,
    version: z.literal(1, { error: 'content.z_version_1' }),
    /** The model a cohort gets when its file names none: exactly one. */
    default: z.boolean().optional(),
    title: text(200),
    /** The regulation it follows (document, order number): for the methodologist, not for teachers. */
    regulation: z.string().trim().min(1).max(1000),
    requiredActivities: z.number().int().min(1).max(50),
    stages: z.array(modelStageSchema).min(1),
    questionnaires: z.array(
      z.strictObject({
        questionnaireId,
        offset,
        occasion,
        /** What reports and exports call this run («через 6 месяцев после курса» when absent, from the offset). */
        title: text(80).optional(),
        closesAfter: offset.optional(),
      }),
    ),
    reminders: z.strictObject({
      afterDays: z.number().int().min(1).max(60),
      maxCount: z.number().int().min(0).max(10),
    }),
    finalSurvey: z.strictObject({ questionnaireId, occasion }).optional(),
    ratings: z.array(ratingSchema).optional(),
    individualPlan: individualPlanSchema.optional(),
    /** Forms of group support the model offers (seed 000 table 1, seed 003 §3.6), for announcements. */
    groupEvents: z
      .array(z.enum(['consultation', 'seminar', 'training', 'tutorial', 'round_table', 'educational_event']))
      .optional(),
    /** A tutor is attached to each teacher (seed 003): the cohort file must name one for every teacher. */
    tutorRequired: z.boolean().optional(),
    /**
     * What the tutor sees of each teacher's diagnosis (seed 003 §2.3.1): the answers to these
     * questions and the figures of this rating of the model, from the teacher's latest response.
     */
    diagnosis: z
      .strictObject({
        questionnaireId,
        questions: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'content.m_question_id' })).min(1),
        rating: slug.optional(),
      })
      .optional(),
  })
  .superRefine((m, ctx) => {
    m.stages.forEach((s, i) => {
      if (s.stage !== i + 1)
        ctx.addIssue({
          code: 'custom',
          path: ['stages', i, 'stage'],
          params: { ...STATEMENT, n: i + 1 },
          message: 'content.m_stage_number',
        });
    });
    const seen = new Set<string>();
    m.questionnaires.forEach((q, i) => {
      // The occasion is part of every send's idempotency key: two entries with one occasion would share their sends.
      if (seen.has(q.occasion))
        ctx.addIssue({
          code: 'custom',
          path: ['questionnaires', i, 'occasion'],
          params: { ...STATEMENT, occasion: q.occasion },
          message: 'content.m_occasion_twice',
        });
      seen.add(q.occasion);
    });
    if (
      m.finalSurvey &&
      !m.questionnaires.some(
        (q) => q.questionnaireId === m.finalSurvey!.questionnaireId && q.occasion === m.finalSurvey!.occasion,
      )
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['finalSurvey'],
        message: 'content.m_final_survey',
      });
    }
    if (m.diagnosis?.rating) {
      const rating = m.ratings?.find((r) => r.id === m.diagnosis!.rating);
      if (!rating)
        ctx.addIssue({
          code: 'custom',
          path: ['diagnosis', 'rating'],
          params: { ...STATEMENT, id: m.diagnosis.rating },
          message: 'content.m_no_rating',
        });
      else if (rating.questionnaireId !== m.diagnosis.questionnaireId) {
        ctx.addIssue({
          code: 'custom',
          path: ['diagnosis', 'rating'],
          params: {
            ...STATEMENT,
            id: rating.id,
            rates: rating.questionnaireId,
            questionnaire: m.diagnosis.questionnaireId,
          },
          message: 'content.m_rating_other',
        });
      }
    }
    m.ratings?.forEach((r, i) => {
      const ids = new Set(r.indicators.map((x) => x.id));
      const f = r.total?.formula;
      const refs = f ? ('sum' in f ? f.sum : f.mean) : [];
      refs.forEach((ref, j) => {
        if (!ids.has(ref))
          ctx.addIssue({
            code: 'custom',
            path: ['ratings', i, 'total', 'formula', 'sum' in f! ? 'sum' : 'mean', j],
            params: { ...STATEMENT, id: ref },
            message: 'content.m_no_indicator',
          });
      });
    });
  });

export type SupportModelFile = z.infer<typeof supportModelSchema>;
export type RatingDefinition = z.infer<typeof ratingSchema>;
export type Formula = z.infer<typeof formula>;
export type RatingLevel = z.infer<typeof level>;
export type DiagnosisDefinition = NonNullable<SupportModelFile['diagnosis']>;
