import { Schema } from 'mongoose';
import { stageRulesSchema } from '../../domain/stage-rules.js';
import { MAX_STAGES, OFFSET_PATTERN, type StagePlan } from '../../domain/stage.js';

type TextDoc = { ru: string; kk?: string | null; en?: string | null };

const textSchema = new Schema({ ru: { type: String, required: true }, kk: String, en: String }, { _id: false });
const fromDoc = (d: TextDoc | null | undefined) =>
  d ? { ru: d.ru, ...(d.kk ? { kk: d.kk } : {}), ...(d.en ? { en: d.en } : {}) } : undefined;

export interface StagePlanDoc {
  /** Rules are a tagged union kept as written; read back through their zod schema. */
  stages: { stage: number; startOffset: string; rules?: unknown; title?: TextDoc | null; prompt?: TextDoc | null }[];
  questionnaires: {
    questionnaireId: string;
    offset: string;
    occasion: string;
    title?: TextDoc | null;
    closesAfter?: string | null;
  }[];
  reminders?: { afterDays: number; maxCount: number } | null;
  finalSurvey?: { questionnaireId: string; occasion: string } | null;
  requiredActivities?: number | null;
  model?: string | null;
  tutorRequired?: boolean | null;
}

const offsetField = { type: String, required: true, match: OFFSET_PATTERN } as const;

export const stagePlanSchema = new Schema<StagePlanDoc>(
  {
    stages: [
      new Schema(
        {
          stage: { type: Number, min: 1, max: MAX_STAGES, required: true },
          startOffset: offsetField,
          rules: { type: Schema.Types.Mixed, required: false },
          title: { type: textSchema, required: false },
          prompt: { type: textSchema, required: false },
        },
        { _id: false },
      ),
    ],
    questionnaires: [
      new Schema(
        {
          questionnaireId: { type: String, required: true },
          offset: offsetField,
          occasion: { type: String, required: true },
          title: { type: textSchema, required: false },
          closesAfter: { type: String, match: OFFSET_PATTERN },
        },
        { _id: false },
      ),
    ],
    reminders: {
      type: new Schema(
        {
          afterDays: { type: Number, required: true, min: 1, max: 60 },
          maxCount: { type: Number, required: true, min: 0, max: 10 },
        },
        { _id: false },
      ),
      required: false,
    },
    finalSurvey: {
      type: new Schema(
        { questionnaireId: { type: String, required: true }, occasion: { type: String, required: true } },
        { _id: false },
      ),
      required: false,
    },
    requiredActivities: { type: Number, required: false, min: 1, max: 100 },
    model: { type: String, required: false, maxlength: 64 },
    tutorRequired: { type: Boolean, required: false },
  },
  { _id: false },
);

export function toStagePlan(doc: StagePlanDoc): StagePlan {
  return {
    stages: doc.stages.map((s) => {
      // A plan is checked before it is stored; rules that no longer parse fall back to the defaults.
      const rules = s.rules === undefined || s.rules === null ? undefined : stageRulesSchema.safeParse(s.rules);
      const title = fromDoc(s.title);
      const prompt = fromDoc(s.prompt);
      return {
        stage: s.stage,
        startOffset: s.startOffset,
        ...(title ? { title } : {}),
        ...(prompt ? { prompt } : {}),
        ...(rules?.success ? { rules: rules.data } : {}),
      };
    }),
    questionnaires: doc.questionnaires.map((q) => {
      const title = fromDoc(q.title);
      return {
        questionnaireId: q.questionnaireId,
        offset: q.offset,
        occasion: q.occasion,
        ...(title ? { title } : {}),
        ...(q.closesAfter ? { closesAfter: q.closesAfter } : {}),
      };
    }),
    ...(doc.reminders ? { reminders: { afterDays: doc.reminders.afterDays, maxCount: doc.reminders.maxCount } } : {}),
    ...(doc.requiredActivities ? { requiredActivities: doc.requiredActivities } : {}),
    ...(doc.model ? { model: doc.model } : {}),
    ...(doc.tutorRequired ? { tutorRequired: true } : {}),
    ...(doc.finalSurvey
      ? { finalSurvey: { questionnaireId: doc.finalSurvey.questionnaireId, occasion: doc.finalSurvey.occasion } }
      : {}),
  };
}
