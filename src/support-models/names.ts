// What a stage is called and what its prompt says, in a reader's language: from the support
// model when the plan came from one, otherwise the default plan's texts in the catalogs.
import type { Locale } from '../domain/locale.js';
import type { StagePlan } from '../domain/stage.js';
import { format } from '../i18n/catalog.js';
import { t, type MessageKey } from '../i18n/index.js';
import { localized } from '../questionnaires/index.js';

const DEFAULT_NAMED = new Set([1, 2, 3]);

export function stageName(locale: Locale, plan: Pick<StagePlan, 'stages'> | undefined, stage: number): string {
  const title = plan?.stages.find((s) => s.stage === stage)?.title;
  if (title) return localized(title, locale);
  if (DEFAULT_NAMED.has(stage)) return t(locale, `progress.stage_${stage}` as MessageKey);
  return t(locale, 'progress.stage_unnamed', { stage });
}

export interface StagePromptParams {
  cohortTitle: string;
  required: number;
  yearEnd: string;
}

/** The message a teacher gets when a stage begins. */
export function stagePrompt(
  locale: Locale,
  plan: Pick<StagePlan, 'stages'> | undefined,
  stage: number,
  params: StagePromptParams,
): string {
  const prompt = plan?.stages.find((s) => s.stage === stage)?.prompt;
  if (prompt) return format(locale, localized(prompt, locale), { ...params });
  if (DEFAULT_NAMED.has(stage) && !plan?.stages.find((s) => s.stage === stage)?.title) {
    return t(locale, `scheduler.stage_${stage}` as MessageKey, { ...params });
  }
  return t(locale, 'scheduler.stage_generic', { ...params, stage, stageName: stageName(locale, plan, stage) });
}
