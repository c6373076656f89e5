// `npm run cli -- export --format xlsx|csv|json [--out FILE] [filters]`: responses with every
// question a column, streamed to a file (or stdout) with progress on stderr.
import { parseCommandArgs, commandHelp } from '../args.js';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../../config.js';
import { t } from '../../i18n/index.js';
import { EXPORT_FORMATS, EXPORT_SUBJECTS, type ExportFormat, type ExportSubject } from '../../monitoring/index.js';
import { writeStreamTo } from '../files.js';
import { processOutput, userPath, type Output } from './cohort.js';
import { cliScope, FILTER_OPTIONS, withMonitoring } from './monitoring-common.js';

export async function runExportCommand(args: string[], io: Output = processOutput): Promise<number> {
  const USAGE = commandHelp('export', io);
  const parsed = parseCommandArgs(
    {
      args,
      options: {
        ...FILTER_OPTIONS,
        format: { type: 'string', default: 'xlsx' },
        out: { type: 'string' },
        separator: { type: 'string', default: ';' },
        anonymised: { type: 'boolean' },
        all: { type: 'boolean' },
        locale: { type: 'string', default: 'ru' },
        what: { type: 'string', default: 'responses' },
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
  const cli = io.locale ?? 'ru';
  const expected = (option: string, values: string) => `${t(cli, 'cli_text.e_expected', { option, values })}\n`;
  const format = v.format as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) {
    io.err(expected('--format', EXPORT_FORMATS.join(', ')));
    return 2;
  }
  if (v.separator !== ';' && v.separator !== ',') {
    io.err(expected('--separator', '; | ,'));
    return 2;
  }
  if (v.locale !== 'ru' && v.locale !== 'kk' && v.locale !== 'en') {
    io.err(expected('--locale', 'ru, kk, en'));
    return 2;
  }
  const locale = v.locale;
  const separator = v.separator;
  const what = v.what as ExportSubject;
  if (!EXPORT_SUBJECTS.includes(what)) {
    io.err(expected('--what', EXPORT_SUBJECTS.join(', ')));
    return 2;
  }
  // An empty JSON export is an empty list, not a header row.
  const emptyLine = `${format === 'json' ? t(cli, 'cli_usage.e_empty_json') : t(cli, 'monitoring.export_empty')}\n`;
  const config = loadConfig();
  return withMonitoring(config, io, async (monitoring) => {
    const scope = await cliScope(monitoring, v, io);
    if (!scope) return 2;
    if (what !== 'responses') {
      const file = await monitoring.exportYear({
        what,
        format,
        anonymised: v.anonymised === true,
        separator,
        ...(scope.cohortIds ? { cohortIds: scope.cohortIds } : {}),
        ...(locale === 'kk' ? { locale } : {}),
      });
      const out = v.out === '-' ? '-' : userPath(v.out ?? file.filename);
      const failed =
        out === '-' ? await pipeline(file.stream, process.stdout) : await writeStreamTo(out, file.stream, cli);
      if (failed) {
        io.err(`${failed}\n`);
        return 1;
      }
      const where =
        out === '-' ? t(cli, 'cli_text.e_written_stdout') : t(cli, 'cli_text.e_written_file', { path: out });
      io.err(`${where}; ${t(cli, 'cli_text.e_rows', { count: file.total })}\n${file.empty ? emptyLine : ''}`);
      return 0;
    }
    const { by: _by, ...exportScope } = scope;
    const started = Date.now();
    const progress = (done: number, total: number) => {
      const share = total ? Math.floor((100 * done) / total) : 100;
      io.err(
        `\r${t(cli, 'cli_text.e_progress', { done: done.toLocaleString(cli), total: total.toLocaleString(cli), share })}`,
      );
    };
    const result = await monitoring.exportFile({
      format,
      scope: exportScope,
      anonymised: v.anonymised === true,
      includeIncomplete: v.all === true,
      separator,
      locale,
      onProgress: progress,
    });
    if (!result.ok) {
      // The bot's wording names no option; here staff type one.
      io.err(`${t(cli, 'cli_usage.e_pick_questionnaire', { list: result.error.questionnaireIds.join(', ') })}\n`);
      return 1;
    }
    // Where the user said, relative to where they stand; by default in the current directory.
    const out = v.out === '-' ? '-' : userPath(v.out ?? result.value.filename);
    const failed =
      out === '-'
        ? await pipeline(result.value.stream, process.stdout)
        : await writeStreamTo(out, result.value.stream, cli);
    if (failed) {
      io.err(`\n${failed}\n`);
      return 1;
    }
    const where = out === '-' ? t(cli, 'cli_text.e_written_stdout') : t(cli, 'cli_text.e_written_file', { path: out });
    const seconds = t(cli, 'cli_text.e_seconds', {
      seconds: ((Date.now() - started) / 1000).toLocaleString(cli, {
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
      }),
    });
    io.err(
      `\n${where}; ${t(cli, 'cli_text.e_rows', { count: result.value.total })}; ${seconds}${result.value.personalData ? '' : `; ${t(cli, 'cli_text.e_no_personal')}`}\n`,
    );
    // Same as the activities and roster exports: an empty export is a file, and the operator is told so.
    if (result.value.empty) io.err(emptyLine);
    return 0;
  });
}

export const exportCommand = {
  run: (args: string[], io: Output) => runExportCommand(args, io),
};
