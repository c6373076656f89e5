// The words of scheduled sends, in each recipient's language. Texts live in src/i18n/*/scheduler.ts.
import { formatLocalDate, type LocalDate } from '../domain/calendar.js';
import type { Cohort } from '../domain/cohort.js';
import type { Locale } from '../domain/locale.js';
import type { Participant } from '../domain/participant.js';
import { postCourseYear, requiredActivities } from '../domain/stage-plan.js';
import type { StageNumber, StagePlan } from '../domain/stage.js';
import { stagePrompt } from '../support-models/names.js';
import { t } from '../i18n/index.js';

/** Telegram takes 4,096 characters; a long list of names is split well below that. */
export const MAX_MESSAGE_LENGTH = 3_500;

// Bidi overrides and zero-width characters in a name could reorder or hide text in a staff chat.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;

export function displayName(p: Pick<Participant, 'fullName'> | undefined, locale: Locale): string {
  const name = p?.fullName?.replace(INVISIBLE, '').trim();
  return name || t(locale, 'scheduler.unnamed');
}

/** `plan` absent: the default plan's texts and count. */
export function stageText(locale: Locale, cohort: Cohort, stage: StageNumber, plan?: StagePlan): string {
  const params = {
    cohortTitle: cohort.title,
    required: requiredActivities(plan ?? {}),
    yearEnd: formatLocalDate(postCourseYear(cohort).end),
  };
  return stagePrompt(locale, plan, stage, params);
}

export function activityNudgeText(locale: Locale, cohort: Cohort, accepted: number, plan?: StagePlan): string {
  return t(locale, 'scheduler.activity_nudge', {
    cohortTitle: cohort.title,
    yearEnd: formatLocalDate(postCourseYear(cohort).end),
    accepted,
    required: requiredActivities(plan ?? {}),
  });
}

export function closingText(locale: Locale, cohort: Cohort, accepted: number, plan?: StagePlan): string {
  const required = requiredActivities(plan ?? {});
  const text = t(locale, 'scheduler.closing', { cohortTitle: cohort.title, accepted, required });
  return accepted >= required ? `${text}\n${t(locale, 'scheduler.closing_goal_met')}` : text;
}

export function reportReminderText(locale: Locale, cohort: Cohort, deadline: LocalDate, half: 1 | 2): string {
  const params = { cohortTitle: cohort.title, deadline: formatLocalDate(deadline) };
  return half === 1
    ? t(locale, 'scheduler.report_reminder_1', params)
    : t(locale, 'scheduler.report_reminder_2', params);
}

/** The header and the names, split into messages that each fit a chat message. */
export function nonRespondersTexts(locale: Locale, cohort: Cohort, title: string, names: readonly string[]): string[] {
  const header = t(locale, 'scheduler.non_responders', { cohortTitle: cohort.title, title, count: names.length });
  const more = t(locale, 'scheduler.non_responders_more', { cohortTitle: cohort.title, title });
  const texts: string[] = [];
  let current = header;
  for (const name of names) {
    const line = `\n• ${name}`;
    if (current.length + line.length > MAX_MESSAGE_LENGTH) {
      texts.push(current);
      current = more;
    }
    current += line;
  }
  texts.push(current);
  return texts;
}
