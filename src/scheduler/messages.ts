// The words of scheduled sends, in each recipient's language. Texts live in src/i18n/*/scheduler.ts.
import { formatLocalDate, type LocalDate } from '../domain/calendar.js';
import type { Cohort } from '../domain/cohort.js';
import type { Locale } from '../domain/locale.js';
import type { Participant } from '../domain/participant.js';
import { postCourseYear } from '../domain/stage-plan.js';
import { REQUIRED_ACTIVITIES_PER_YEAR, type StageNumber } from '../domain/stage.js';
import { t } from '../i18n/index.js';

/** Telegram takes 4,096 characters; a long list of names is split well below that. */
export const MAX_MESSAGE_LENGTH = 3_500;

// Bidi overrides and zero-width characters in a name could reorder or hide text in a staff chat.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;

export function displayName(p: Participant | undefined, locale: Locale): string {
  const name = p?.fullName?.replace(INVISIBLE, '').trim();
  return name || t(locale, 'scheduler.unnamed');
}

export function stageText(locale: Locale, cohort: Cohort, stage: StageNumber): string {
  const params = { cohortTitle: cohort.title, required: REQUIRED_ACTIVITIES_PER_YEAR, yearEnd: formatLocalDate(postCourseYear(cohort).end) };
  switch (stage) {
    case 1:
      return t(locale, 'scheduler.stage_1', params);
    case 2:
      return t(locale, 'scheduler.stage_2', params);
    case 3:
      return t(locale, 'scheduler.stage_3', params);
    default: {
      const unknown: never = stage;
      throw new Error(`no prompt for stage ${String(unknown)}`);
    }
  }
}

export function activityNudgeText(locale: Locale, cohort: Cohort, accepted: number): string {
  return t(locale, 'scheduler.activity_nudge', {
    cohortTitle: cohort.title,
    yearEnd: formatLocalDate(postCourseYear(cohort).end),
    accepted,
    required: REQUIRED_ACTIVITIES_PER_YEAR,
  });
}

export function closingText(locale: Locale, cohort: Cohort, accepted: number): string {
  const text = t(locale, 'scheduler.closing', { cohortTitle: cohort.title, accepted, required: REQUIRED_ACTIVITIES_PER_YEAR });
  return accepted >= REQUIRED_ACTIVITIES_PER_YEAR ? `${text}\n${t(locale, 'scheduler.closing_goal_met')}` : text;
}

export function reportReminderText(locale: Locale, cohort: Cohort, deadline: LocalDate, half: 1 | 2): string {
  const params = { cohortTitle: cohort.title, deadline: formatLocalDate(deadline) };
  return half === 1 ? t(locale, 'scheduler.report_reminder_1', params) : t(locale, 'scheduler.report_reminder_2', params);
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
