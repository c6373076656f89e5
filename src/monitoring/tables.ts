// The aggregates as titled tables: one shape for the summary sheet, the report's sheets and its
// Markdown, so the numbers a curator reads are the numbers in the spreadsheet.
import type { Locale } from '../domain/locale.js';
import { t, type MessageKey } from '../i18n/index.js';
import type { Aggregates } from './aggregates.js';
import type { CellValue } from './sanitize.js';

export interface Table {
  title: string;
  headers: string[];
  rows: CellValue[][];
}

/** Shares are shown as percentages with one decimal; a ratio without a denominator is empty. */
export const percent = (share: number | null): number | null => (share === null ? null : Math.round(share * 1000) / 10);
export const round2 = (value: number | null): number | null => (value === null ? null : Math.round(value * 100) / 100);

export function summaryTables(a: Aggregates, locale: Locale): Table[] {
  const h = (key: string) => t(locale, `monitoring.h_${key}` as MessageKey);
  const sec = (key: string) => t(locale, `monitoring.sec_${key}` as MessageKey);
  // Questionnaires by title, as the response-rate table names them (its rows carry the titles);
  // the id only for one nobody was asked to fill in.
  const titles = new Map(a.responseRate.map((r) => [r.questionnaireId, r.title]));
  const title = (id: string) => titles.get(id) ?? id;
  // A number written into text keeps the language's decimal mark, like the number cells.
  const decimal = (n: number | null) =>
    n === null ? '—' : n.toLocaleString(locale, { maximumFractionDigits: 2, useGrouping: false });
  return [
    {
      title: sec('response_rate'),
      headers: [h('questionnaire'), h('occasion'), h('group'), h('enrolled'), h('started'), h('completed'), h('rate')],
      rows: a.responseRate.map((r) => [
        r.title,
        r.occasionLabel,
        r.group.label,
        r.enrolled,
        r.started,
        r.completed,
        percent(r.rate),
      ]),
    },
    {
      title: sec('likert'),
      headers: [h('questionnaire'), h('question'), h('group'), h('answers'), h('mean'), h('median'), h('top2')],
      rows: a.likert.map((r) => [
        title(r.questionnaireId),
        r.text,
        r.group.label,
        r.count,
        round2(r.mean),
        r.median,
        percent(r.top2Share),
      ]),
    },
    {
      title: sec('distributions'),
      headers: [h('questionnaire'), h('question'), h('group'), h('answer'), h('count'), h('share')],
      rows: a.distributions.flatMap((d) => [
        ...d.values.map((v): CellValue[] => [
          title(d.questionnaireId),
          d.text,
          d.group.label,
          v.label,
          v.count,
          percent(v.share),
        ]),
        ...(d.ranks ?? []).map((r): CellValue[] => [
          title(d.questionnaireId),
          d.text,
          d.group.label,
          `${r.label}: ${h('mean_place').toLowerCase()} ${decimal(round2(r.meanPlace))}`,
          r.firstPlaces,
          null,
        ]),
        ...(d.number
          ? [
              [
                title(d.questionnaireId),
                d.text,
                d.group.label,
                `${h('mean')} ${decimal(round2(d.number.mean))} (${decimal(d.number.min)}–${decimal(d.number.max)})`,
                d.answered,
                null,
              ] as CellValue[],
            ]
          : []),
      ]),
    },
    {
      title: sec('activities'),
      headers: [
        h('group'),
        h('enrolled'),
        h('reporting'),
        h('submitted'),
        h('accepted'),
        h('per_teacher'),
        h('with_required'),
        h('required_share'),
      ],
      rows: a.activities.map((r) => [
        r.group.label,
        r.enrolled,
        r.teachersReporting,
        r.submitted,
        r.accepted,
        round2(r.acceptedPerTeacher),
        r.teachersWithRequired,
        percent(r.requiredShare),
      ]),
    },
    {
      title: sec('activity_kinds'),
      headers: [h('type'), h('level'), h('group'), h('submitted'), h('accepted'), h('returned')],
      rows: a.activityKinds.map((r) => [r.typeLabel, r.levelLabel, r.group.label, r.submitted, r.accepted, r.returned]),
    },
    {
      title: sec('stages'),
      headers: [h('stage'), h('group'), h('enrolled'), h('completed'), h('in_progress'), h('not_started'), h('share')],
      rows: a.stages.map((r) => [
        r.label,
        r.group.label,
        r.teachers,
        r.completed,
        r.inProgress,
        r.notStarted,
        percent(r.completedShare),
      ]),
    },
    {
      title: sec('consultations'),
      headers: [h('topic'), h('group'), h('requests'), h('open'), h('mean_hours'), h('median_hours')],
      rows: a.consultations.map((r) => [
        r.label,
        r.group.label,
        r.requests,
        r.open,
        round2(r.meanHours),
        round2(r.medianHours),
      ]),
    },
  ];
}

/** Text from teachers shown in Markdown: its markup characters are escaped, so a name cannot become a link or an image. */
export function markdownText(text: string): string {
  return text.replace(/([\\`*_[\]<>|#!~])/g, '\\$1').replace(/\s*\n\s*/g, ' ');
}

/** A Markdown table; pipes, markup and line breaks in cells are escaped. */
export function markdownTable(table: Pick<Table, 'headers' | 'rows'>): string {
  const cell = (v: CellValue) =>
    markdownText(
      v === null
        ? '—'
        : v instanceof Date
          ? v.toISOString().slice(0, 10)
          : typeof v === 'number'
            ? String(v).replace('.', ',')
            : String(v),
    );
  const lines = [
    `| ${table.headers.map(cell).join(' | ')} |`,
    `| ${table.headers.map(() => '---').join(' | ')} |`,
    ...table.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}
