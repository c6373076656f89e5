import { Schema } from 'mongoose';
import { OFFSET_PATTERN, STAGE_NUMBERS, type StagePlan, type StageNumber } from '../../domain/stage.js';

export interface StagePlanDoc {
  stages: { stage: number; startOffset: string }[];
  questionnaires: { questionnaireId: string; offset: string; occasion: string; closesAfter?: string | null }[];
}

const offsetField = { type: String, required: true, match: OFFSET_PATTERN } as const;

export const stagePlanSchema = new Schema<StagePlanDoc>(
  {
    stages: [
      new Schema(
        { stage: { type: Number, enum: STAGE_NUMBERS, required: true }, startOffset: offsetField },
        { _id: false },
      ),
    ],
    questionnaires: [
      new Schema(
        {
          questionnaireId: { type: String, required: true },
          offset: offsetField,
          occasion: { type: String, required: true },
          closesAfter: { type: String, match: OFFSET_PATTERN },
        },
        { _id: false },
      ),
    ],
  },
  { _id: false },
);

export function toStagePlan(doc: StagePlanDoc): StagePlan {
  return {
    stages: doc.stages.map((s) => ({ stage: s.stage as StageNumber, startOffset: s.startOffset })),
    questionnaires: doc.questionnaires.map((q) => ({
      questionnaireId: q.questionnaireId,
      offset: q.offset,
      occasion: q.occasion,
      ...(q.closesAfter ? { closesAfter: q.closesAfter } : {}),
    })),
  };
}
