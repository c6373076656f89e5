// `npm run cli -- report --cohort CODE | --programme CODE --half 1|2 --year YYYY [--out DIR]`:
// the half-year report as Markdown, XLSX and PNG charts in one folder.
import { t } from '../../i18n/index.js';
import { parseCommandArgs, commandHelp } from '../args.js';
import { loadConfig } from '../../config.js';
import { reportErrorText } from '../../monitoring/index.js';
import { writeFilesTo } from '../files.js';
import { processOutput, userPath, type Output } from './cohort.js';
import { cliFilterErrorText, withMonitoring } from './monitoring-common.js';

export async function runReportCommand(args: string[], io: Output = processOutput): Promise<number> {
  const USAGE = commandHelp('report', io);
  const parsed = parseCommandArgs(
    {
      args,
      options: {
        cohort: { type: 'string' },
        programme: { type: 'string' },
        half: { type: 'string' },
        year: { type: 'string' },
        out: { type: 'string' },
        anonymised: { type: 'boolean' },
        lang: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
    io,
  );
  if (!parsed) return 2;
  const v = parsed.values;
  if (v.help) {
    io.out(USAGE);
    return 0;
  }
  const half = Number(v.half);
  const year = Number(v.year);
  const tr = (key: 'r_scope' | 'r_half' | 'r_year' | 'r_lang') => t(io.locale ?? 'ru', `cli_text.${key}`);
  const problem =
    v.cohort && v.programme
      ? tr('r_scope')
      : half !== 1 && half !== 2
        ? tr('r_half')
        : !Number.isInteger(year) || year < 2000 || year > 2100
          ? tr('r_year')
          : v.lang !== undefined && v.lang !== 'ru' && v.lang !== 'kk'
            ? tr('r_lang')
            : undefined;
  if (problem) {
    io.err(`${problem}\n\n${USAGE}`);
    return 2;
  }
  const locale = io.locale ?? 'ru';
  // The report's language: asked here, else the cohort's (not the CLI's own --lang: the operator's
  // language is not the document's).
  const reportLocale = v.lang === 'ru' || v.lang === 'kk' ? v.lang : undefined;
  return withMonitoring(loadConfig(), io, async (monitoring) => {
    const report = await monitoring.halfYearReportFor({
      ...(v.cohort ? { cohort: v.cohort } : {}),
      ...(v.programme ? { programme: v.programme } : {}),
      half: half as 1 | 2,
      year,
      anonymised: v.anonymised === true,
      ...(reportLocale ? { locale: reportLocale } : {}),
    });
    if (!report.ok) {
      const error = report.error;
      const text =
        error.kind === 'not_found' && 'value' in error
          ? cliFilterErrorText(error, locale)
          : error.kind === 'not_found' || error.kind === 'bad_request'
            ? reportErrorText(error, locale, v.cohort ?? v.programme ?? '')
            : cliFilterErrorText(error, locale);
      io.err(`${t(locale, 'cli_text.r_failed', { reason: text })}\n`);
      return 1;
    }
    const dir = userPath(v.out ?? `report-${(v.cohort ?? v.programme ?? 'centre').toLowerCase()}-${year}-h${half}`);
    const written = [
      { name: 'report.md', bytes: report.value.markdown },
      { name: 'report.xlsx', bytes: report.value.xlsx },
      ...report.value.charts.map((chart) => ({ name: chart.filename, bytes: chart.png })),
    ];
    const failed = await writeFilesTo(dir, written, locale);
    if (failed) {
      io.err(`${failed}\n`);
      return 1;
    }
    const files = written.map((file) => file.name).join(', ');
    io.out(
      `${report.value.title}\n${t(locale, 'cli_text.r_written', { dir, files })}\n${t(locale, 'cli_text.r_support', { count: report.value.support.length })}\n`,
    );
    return 0;
  });
}

export const reportCommand = {
  run: (args: string[], io: Output) => runReportCommand(args, io),
};
