// `npm run cli -- schedule show --cohort CODE [--days N]`: what the scheduler will send for a
// cohort, to whom and when (the cohort's local time), grouped by date. Read-only.
import { parseCommandArgs, commandHelp } from '../args.js';
import { fileURLToPath } from 'node:url';
import { formatLocalDate, localDate } from '../../domain/calendar.js';
import { postCourseYear, requiredActivities } from '../../domain/stage-plan.js';
import { DEFAULT_SENDING_WINDOW, localClock, type SendingWindow } from '../../domain/sending-window.js';
import { loadConfig } from '../../config.js';
import type { CohortPreview, PreviewItem } from '../../scheduler/preview.js';
import { stageName } from '../../support-models/names.js';
import { openCliStore, processOutput, type Output } from './cohort.js';

const CONTENT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const DEFAULT_DAYS = 30;
const MAX_DAYS = 400;
const NAMES_SHOWN = 8;
const WEEKDAYS = ['пн', 'вт', 'ср', 'чт', 'пт', 'сб', 'вс'];

const pluralRules = new Intl.PluralRules('ru');
function plural(n: number, one: string, few: string, many: string): string {
  const category = pluralRules.select(n);
  return `${n} ${category === 'one' ? one : category === 'few' ? few : many}`;
}

export function describeWindow(w: SendingWindow): string {
  const days = [...new Set(w.weekdays)].sort((a, b) => a - b);
  const contiguous = days.length > 2 && days.every((d, i) => i === 0 || d === days[i - 1]! + 1);
  const list = contiguous ? `${WEEKDAYS[days[0]! - 1]}–${WEEKDAYS[days.at(-1)! - 1]}` : days.map((d) => WEEKDAYS[d - 1]).join(', ');
  return `${list}, ${w.from}–${w.to}`;
}

function what(item: PreviewItem, plan: CohortPreview['plan']): string {
  const title = item.surveyTitle ?? item.survey?.questionnaireId ?? '';
  const retry = item.attempts !== undefined ? ' (повторная попытка)' : '';
  switch (item.kind) {
    case 'stage':
      return `Начало этапа ${item.stage ?? ''} (${item.stage ? stageName('ru', plan, item.stage) : ''})${retry}`;
    case 'invite':
      return `Приглашение в анкету «${title}» (открыта до ${item.survey ? formatLocalDate(item.survey.closes) : ''})${retry}`;
    case 'reminder':
      return `Напоминание ${item.reminder ?? ''} об анкете «${title}»${retry}`;
    case 'non-responders':
      return `Список не заполнивших анкету «${title}»: ${plural(item.teacherIds?.length ?? 0, 'педагог', 'педагога', 'педагогов')}${retry}`;
    case 'activity-nudge':
      return `Напоминание о мероприятиях (принято меньше ${plan ? requiredActivities(plan) : '—'})${retry}`;
    case 'report-reminder':
      return `Напоминание об отчёте за ${item.half === 2 ? 'второе' : 'первое'} полугодие (срок — ${item.deadline ? formatLocalDate(item.deadline) : ''})${retry}`;
    case 'closing':
      return `Завершение посткурсового года${retry}`;
    case 'final-survey':
      return `Итоговая анкета «${title}»${retry}`;
    default: {
      const unknown: never = item.kind;
      return String(unknown);
    }
  }
}

function whom(items: readonly PreviewItem[]): string {
  const names = items.map((i) => i.recipientName);
  const shown = names.slice(0, NAMES_SHOWN).join(', ');
  const more = names.length > NAMES_SHOWN ? ` и ещё ${names.length - NAMES_SHOWN}` : '';
  if (items[0]?.recipientRole === 'curator') return `${items.length === 1 ? 'куратору' : 'кураторам'}: ${shown}${more}`;
  return `${plural(items.length, 'педагогу', 'педагогам', 'педагогам')}: ${shown}${more}`;
}

const dayHeading = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('ru', { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(at);

/** The plan as staff read it: one heading per local date, one line per time and kind of send. */
export function formatSchedule(preview: CohortPreview, from: Date, days: number): string {
  const { cohort } = preview;
  const tz = cohort.timeZone;
  const year = postCourseYear(cohort);
  const lines = [
    `Поток ${cohort.code} — «${cohort.title}»`,
    `Посткурсовой год: ${formatLocalDate(year.start)} — ${formatLocalDate(year.end)}. Часовой пояс: ${tz}. Окно отправки: ${describeWindow(cohort.sendingWindow ?? DEFAULT_SENDING_WINDOW)}.`,
  ];
  if (cohort.status !== 'active') {
    lines.push('', `Поток ${cohort.status === 'finished' ? 'завершён' : 'в архиве'}: бот ему ничего не отправляет.`);
    return `${lines.join('\n')}\n`;
  }
  if (preview.planProblems.length > 0) {
    lines.push('', 'План этапов содержит ошибки, поэтому бот ничего не отправляет, пока их не исправят:', ...preview.planProblems.map((p) => `  ${p}`));
    return `${lines.join('\n')}\n`;
  }
  lines.push(`План на ${plural(days, 'день', 'дня', 'дней')} с ${formatLocalDate(localDate(from, tz))} ${localClock(from, tz)} (время местное, ${tz}):`);
  if (preview.items.length === 0) {
    lines.push('', 'Ничего не запланировано.', ...notJoinedLines(preview));
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
      lines.push('', dayHeading(head.at, tz));
    }
    lines.push(`  ${head.time}  ${what(head, preview.plan)} — ${whom(group)}`);
  }
  lines.push('', `Всего отправок: ${preview.items.length}. Если педагог ответит на анкету раньше, напоминания ему не придут.`);
  lines.push(...notJoinedLines(preview));
  return `${lines.join('\n')}\n`;
}

/** Teachers enrolled by import who have not written to the bot yet: nothing reaches them until they do. */
function notJoinedLines(preview: CohortPreview): string[] {
  if (preview.notJoined === 0) return [];
  const lines = [
    '',
    `${plural(preview.notJoined, 'педагог ещё не написал', 'педагога ещё не написали', 'педагогов ещё не написали')} боту: ` +
      'сообщения им не уходят, пока они не откроют ссылку потока.',
  ];
  if (preview.onceJoined.length === 0) {
    lines.push('Когда они присоединятся, в этот период им ничего не придёт.');
    return lines;
  }
  // Each kind of send once, in the order it comes.
  const kinds = new Map<string, PreviewItem>();
  for (const item of preview.onceJoined) {
    const key = `${item.kind}|${item.occasion}`;
    if (!kinds.has(key)) kinds.set(key, item);
  }
  lines.push('Когда они присоединятся, каждый получит:');
  for (const item of kinds.values()) lines.push(`  • ${what(item, preview.plan)}`);
  return lines;
}

export async function runScheduleCommand(args: string[], io: Output = processOutput, now: () => Date = () => new Date()): Promise<number> {
  const USAGE = commandHelp('schedule', io);
  const parsed = parseCommandArgs({ args, allowPositionals: true, options: { cohort: { type: 'string' }, days: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }, USAGE, io);
  if (!parsed) return 2;
  const [subcommand, ...rest] = parsed.positionals;
  if (parsed.values.help || subcommand === 'help') {
    io.out(USAGE);
    return 0;
  }
  const code = parsed.values.cohort;
  if (subcommand !== 'show' || rest.length > 0 || !code) {
    io.err(USAGE);
    return 2;
  }
  const days = parsed.values.days === undefined ? DEFAULT_DAYS : Number(parsed.values.days);
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
    io.err(`--days: ожидается целое число дней от 1 до ${MAX_DAYS}\n`);
    return 2;
  }
  const config = loadConfig();
  const store = await openCliStore(config, io, { dryRun: true });
  if (!store) return 1;
  try {
    const cohort = await store.repositories.cohorts.findByCode(code);
    if (!cohort) {
      io.err(`Поток с кодом «${code}» не найден.\n`);
      return 1;
    }
    // Loaded on demand, like the store: `cli help` should not read flows and questionnaires.
    const [{ loadContent }, { previewCohort }] = await Promise.all([import('../../engine/index.js'), import('../../scheduler/preview.js')]);
    // Titles only: a content problem is the start-up check's to report, not this command's.
    const { content } = loadContent(CONTENT_ROOT);
    const from = now();
    const to = new Date(from.getTime() + days * 86_400_000);
    const preview = await previewCohort({ repos: store.repositories, content }, cohort.id, from, to);
    if (!preview) return 1;
    io.out(formatSchedule(preview, from, days));
    return 0;
  } finally {
    await store.close();
  }
}

export const scheduleCommand = {
  run: (args: string[], io: Output) => runScheduleCommand(args, io),
};
