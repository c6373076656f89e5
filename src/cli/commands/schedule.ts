// `npm run cli -- schedule show --cohort CODE [--days N]`: what the scheduler will send for a
// cohort, to whom and when (the cohort's local time), grouped by date. Read-only.
import { callProblem, commandHelp, parseCommandArgs, refuseCall } from '../args.js';
import { fileURLToPath } from 'node:url';
import { formatLocalDate, localDate } from '../../domain/calendar.js';
import { postCourseYear, requiredActivities } from '../../domain/stage-plan.js';
import { DEFAULT_SENDING_WINDOW, localClock, type SendingWindow } from '../../domain/sending-window.js';
import { loadConfig } from '../../config.js';
import type { Locale } from '../../domain/locale.js';
import { t, type MessageKey } from '../../i18n/index.js';
import type { CohortPreview, PreviewItem } from '../../scheduler/preview.js';
import { stageName } from '../../support-models/names.js';
import { problemText } from '../../import/fields.js';
import { contentCacheOptions } from '../../engine/content-cache.js';
import { openCliStore, processOutput, type Output } from './cohort.js';

const CONTENT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const DEFAULT_DAYS = 30;
const MAX_DAYS = 400;
const NAMES_SHOWN = 8;
const weekdays = (locale: Locale) => t(locale, 'cli_text.sc_weekdays').split(',');

export function describeWindow(w: SendingWindow, locale: Locale = 'ru'): string {
  const names = weekdays(locale);
  const days = [...new Set(w.weekdays)].sort((a, b) => a - b);
  const contiguous = days.length > 2 && days.every((d, i) => i === 0 || d === days[i - 1]! + 1);
  const list = contiguous
    ? `${names[days[0]! - 1]}–${names[days.at(-1)! - 1]}`
    : days.map((d) => names[d - 1]).join(', ');
  return `${list}, ${w.from}–${w.to}`;
}

function what(item: PreviewItem, plan: CohortPreview['plan'], locale: Locale): string {
  const tr = (key: MessageKey, params: Record<string, string | number> = {}) =>
    t(locale, key, { retry: item.attempts !== undefined ? t(locale, 'cli_text.sc_retry') : '', ...params });
  const title = item.surveyTitle ?? item.survey?.questionnaireId ?? '';
  switch (item.kind) {
    case 'stage':
      return tr('cli_text.sc_stage', {
        stage: item.stage ?? '',
        name: item.stage ? stageName(locale, plan, item.stage) : '',
      });
    case 'invite':
      return tr('cli_text.sc_invite', { title, closes: item.survey ? formatLocalDate(item.survey.closes) : '' });
    case 'reminder':
      return tr('cli_text.sc_reminder', { n: item.reminder ?? '', title });
    case 'non-responders':
      return tr('cli_text.sc_non_responders', {
        title,
        teachers: t(locale, 'cli_text.sc_teachers', { count: item.teacherIds?.length ?? 0 }),
      });
    case 'activity-nudge':
      return tr('cli_text.sc_activity_nudge', { required: plan ? requiredActivities(plan) : '—' });
    case 'report-reminder':
      return tr(item.half === 2 ? 'cli_text.sc_report_2' : 'cli_text.sc_report_1', {
        deadline: item.deadline ? formatLocalDate(item.deadline) : '',
      });
    case 'closing':
      return tr('cli_text.sc_closing');
    case 'final-survey':
      return tr('cli_text.sc_final_survey', { title });
    default: {
      const unknown: never = item.kind;
      return String(unknown);
    }
  }
}

function whom(items: readonly PreviewItem[], locale: Locale): string {
  const names = items.map((i) => i.recipientName);
  const more =
    names.length > NAMES_SHOWN ? t(locale, 'cli_text.sc_and_more', { count: names.length - NAMES_SHOWN }) : '';
  const shown = `${names.slice(0, NAMES_SHOWN).join(', ')}${more}`;
  if (items[0]?.recipientRole === 'curator')
    return t(locale, items.length === 1 ? 'cli_text.sc_to_curator' : 'cli_text.sc_to_curators', { names: shown });
  return t(locale, 'cli_text.sc_to_teachers', { count: items.length, names: shown });
}

const dayHeading = (at: Date, timeZone: string, locale: Locale) =>
  new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(
    at,
  );

/** The plan as staff read it: one heading per local date, one line per time and kind of send. */
export function formatSchedule(preview: CohortPreview, from: Date, days: number, locale: Locale = 'ru'): string {
  const { cohort } = preview;
  const tz = cohort.timeZone;
  const year = postCourseYear(cohort);
  const lines = [
    t(locale, 'cli_text.sc_cohort', { code: cohort.code, title: cohort.title }),
    t(locale, 'cli_text.sc_year', {
      start: formatLocalDate(year.start),
      end: formatLocalDate(year.end),
      tz,
      window: describeWindow(cohort.sendingWindow ?? DEFAULT_SENDING_WINDOW, locale),
    }),
  ];
  if (cohort.status !== 'active') {
    lines.push('', t(locale, cohort.status === 'finished' ? 'cli_text.sc_finished' : 'cli_text.sc_archived'));
    return `${lines.join('\n')}\n`;
  }
  if (preview.planProblems.length > 0) {
    lines.push(
      '',
      t(locale, 'cli_text.sc_plan_problems'),
      ...preview.planProblems.map((p) => `  ${problemText(locale)(p)}`),
    );
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    t(locale, 'cli_text.sc_plan_for', {
      count: days,
      from: formatLocalDate(localDate(from, tz)),
      clock: localClock(from, tz),
      tz,
    }),
  );
  if (preview.items.length === 0) {
    lines.push('', t(locale, 'cli_text.sc_nothing'), ...notJoinedLines(preview, locale));
    return `${lines.join('\n')}\n`;
  }
  // One line per local date, time, kind and occasion, in the order they first come.
  const groups = new Map<string, PreviewItem[]>();
  for (const item of preview.items) {
    const key = `${item.date} ${item.time}|${item.kind}|${item.occasion}|${item.recipientRole}`;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  let currentDate = '';
  for (const group of groups.values()) {
    const head = group[0]!;
    if (head.date !== currentDate) {
      currentDate = head.date;
      lines.push('', dayHeading(head.at, tz, locale));
    }
    lines.push(`  ${head.time}  ${what(head, preview.plan, locale)} — ${whom(group, locale)}`);
  }
  lines.push('', t(locale, 'cli_text.sc_total', { count: preview.items.length }));
  lines.push(...notJoinedLines(preview, locale));
  return `${lines.join('\n')}\n`;
}

/** Teachers enrolled by import who have not written to the bot yet: nothing reaches them until they do. */
function notJoinedLines(preview: CohortPreview, locale: Locale): string[] {
  if (preview.notJoined === 0) return [];
  const lines = ['', t(locale, 'cli_text.sc_not_joined', { count: preview.notJoined })];
  if (preview.onceJoined.length === 0) {
    lines.push(t(locale, 'cli_text.sc_once_nothing'));
    return lines;
  }
  // Each kind of send once, in the order it comes.
  const kinds = new Map<string, PreviewItem>();
  for (const item of preview.onceJoined) {
    const key = `${item.kind}|${item.occasion}`;
    if (!kinds.has(key)) kinds.set(key, item);
  }
  lines.push(t(locale, 'cli_text.sc_once_each'));
  for (const item of kinds.values()) lines.push(`  • ${what(item, preview.plan, locale)}`);
  return lines;
}

export async function runScheduleCommand(
  args: string[],
  io: Output = processOutput,
  now: () => Date = () => new Date(),
): Promise<number> {
  const USAGE = commandHelp('schedule', io);
  const parsed = parseCommandArgs(
    {
      args,
      allowPositionals: true,
      options: { cohort: { type: 'string' }, days: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    },
    USAGE,
    io,
  );
  if (!parsed) return 2;
  const [subcommand, ...rest] = parsed.positionals;
  if (parsed.values.help || subcommand === 'help') {
    io.out(USAGE);
    return 0;
  }
  const code = parsed.values.cohort;
  const problem = callProblem(io, {
    action: { given: subcommand, known: ['show'] },
    extra: rest,
    missing: code ? [] : ['--cohort'],
  });
  if (problem || !code) return refuseCall(io, problem ?? '', USAGE);
  const days = parsed.values.days === undefined ? DEFAULT_DAYS : Number(parsed.values.days);
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
    io.err(`${t(io.locale ?? 'ru', 'cli_text.sc_bad_days', { max: MAX_DAYS })}\n`);
    return 2;
  }
  const config = loadConfig();
  const store = await openCliStore(config, io, { dryRun: true });
  if (!store) return 1;
  try {
    const cohort = await store.repositories.cohorts.findByCode(code);
    if (!cohort) {
      io.err(`${t(io.locale ?? 'ru', 'cli_text.sc_no_cohort', { code })}\n`);
      return 1;
    }
    // Loaded on demand, like the store: `cli help` should not read flows and questionnaires.
    const [{ loadContent }, { previewCohort }] = await Promise.all([
      import('../../engine/index.js'),
      import('../../scheduler/preview.js'),
    ]);
    // Titles only: a content problem is the start-up check's to report, not this command's.
    const { content } = loadContent(CONTENT_ROOT, contentCacheOptions(config.contentCacheDir));
    const from = now();
    const to = new Date(from.getTime() + days * 86_400_000);
    const preview = await previewCohort(
      { repos: store.repositories, content, locale: io.locale ?? 'ru' },
      cohort.id,
      from,
      to,
    );
    if (!preview) return 1;
    io.out(formatSchedule(preview, from, days, io.locale ?? 'ru'));
    return 0;
  } finally {
    await store.close();
  }
}

export const scheduleCommand = {
  run: (args: string[], io: Output) => runScheduleCommand(args, io),
};
