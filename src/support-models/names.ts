// What a stage and an occasion (one run of a questionnaire in the year) are called and what a
// stage's prompt says, in a reader's language: from the support model when the plan came from one,
// otherwise the default plan's texts in the catalogs.
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

/**
 * An occasion as a methodologist reads it: its title in the plan, else when it comes after the
 * course («через 2 месяца после курса»), else a sample's survey by its sample id, else the id.
 */
export function occasionName(
  locale: Locale,
  plan: Pick<StagePlan, 'questionnaires'> | undefined,
  occasion: string,
): string {
  const entry = plan?.questionnaires.find((q) => q.occasion === occasion);
  if (entry?.title) return localized(entry.title, locale);
  const offset = entry ? /^\+(\d+)([dwm])$/.exec(entry.offset) : null;
  if (offset) return t(locale, `monitoring.occasion_${offset[2] as 'd' | 'w' | 'm'}`, { count: Number(offset[1]) });
  // The default occasion of a sample's questionnaire (monitoring/service.ts: assignSampleQuestionnaire).
  const sample = /^sample-([0-9a-f]{24})$/.exec(occasion);
  if (sample) return t(locale, 'monitoring.occasion_sample', { id: sample[1]! });
  return occasion;
}

/**
 * One name per occasion over the plans of a scope's cohorts: the name they give it; where cohorts
 * moved it to different dates, their names joined («через 2 месяца после курса / через 3 месяца…»).
 */
export function occasionNames(
  plans: readonly Pick<StagePlan, 'questionnaires'>[],
  locale: Locale,
): (occasion: string) => string {
  const named = new Map<string, string>();
  return (occasion) => {
    let name = named.get(occasion);
    if (name === undefined) {
      const names = new Set(
        plans
          .filter((p) => p.questionnaires.some((q) => q.occasion === occasion))
          .map((p) => occasionName(locale, p, occasion)),
      );
      name = names.size > 0 ? [...names].join(' / ') : occasionName(locale, undefined, occasion);
      named.set(occasion, name);
    }
    return name;
  };
}
