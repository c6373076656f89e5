// The half-year report as the scheduler attaches it to the curators' reminders before 1 June and
// 1 October: the key figures in the chat; the full report (XLSX) with /report or the HTTP API.
// Both in the report's language (the cohort's: Russian or Kazakh).
import type { HalfYearReportSource } from '../scheduler/post-course.js';
import { t } from '../i18n/index.js';
import type { Monitoring } from './service.js';
import type { Table } from './tables.js';

/** The report's key figures as plain lines a chat can show. */
export function keyFiguresText(keyFigures: Table): string[] {
  return keyFigures.rows.map(([label, value]) => `${String(label)}: ${String(value)}`);
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
      const figures = keyFiguresText(report.value.keyFigures);
      const text = [report.value.title, '', ...figures, '', t(report.value.locale, 'monitoring.report_full')].join(
        '\n',
      );
      return [{ kind: 'text', text }];
    },
  };
}
