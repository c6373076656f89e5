// The half-year report as the scheduler attaches it to the curators' reminders before 1 June and
// 1 October: the key figures in the chat; the full report (XLSX) with /report or the HTTP API.
// The report itself is written in Russian, as the centres file it.
import type { HalfYearReportSource } from '../scheduler/post-course.js';
import { t } from '../i18n/index.js';
import type { Monitoring } from './service.js';

/** The "Ключевые показатели" table of the report's Markdown, as plain lines a chat can show. */
export function keyFiguresText(markdown: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith('## Ключевые показатели'));
  if (start < 0) return [];
  const rows: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('## ')) break;
    const cells = line.split('|').map((c) => c.trim()).filter(Boolean);
    if (cells.length === 2 && !/^-+$/.test(cells[0]!) && cells[0] !== 'Показатель') rows.push(`${cells[0]}: ${cells[1]}`);
  }
  return rows;
}

/** The next 1 June or 1 October deadline on or after `now`, as a report request's half and year. */
export function upcomingHalf(now: Date): { half: 1 | 2; year: number } {
  const y = now.getUTCFullYear();
  if (now < new Date(Date.UTC(y, 5, 2))) return { half: 1, year: y };
  if (now < new Date(Date.UTC(y, 9, 2))) return { half: 2, year: y };
  return { half: 1, year: y + 1 };
}

export function halfYearReportSource(monitoring: Monitoring): HalfYearReportSource {
  return {
    async forCurator({ cohort, half, deadline }) {
      const report = await monitoring.halfYearReport({ cohortId: cohort.id, half, year: Number(deadline.slice(0, 4)) });
      if (!report.ok) return [];
      const figures = keyFiguresText(report.value.markdown);
      const text = [report.value.title, '', ...figures, '', t('ru', 'monitoring.report_full')].join('\n');
      return [{ kind: 'text', text }];
    },
  };
}
