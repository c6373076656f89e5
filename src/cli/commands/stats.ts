// `npm run cli -- stats [filters] [--json]`: the monitoring aggregates as tables in the terminal.
import { parseCommandArgs, commandHelp } from '../args.js';
import { loadConfig } from '../../config.js';
import { t } from '../../i18n/index.js';
import { summaryTables } from '../../monitoring/index.js';
import { processOutput, type Output } from './cohort.js';
import { cliScope, FILTER_OPTIONS, textTable, withMonitoring } from './monitoring-common.js';

export async function runStatsCommand(args: string[], io: Output = processOutput): Promise<number> {
  const USAGE = commandHelp('stats', io);
  const parsed = parseCommandArgs({ args, options: { ...FILTER_OPTIONS, json: { type: 'boolean' } } }, USAGE, io);
  if (!parsed) return 2;
  if (parsed.values.help) {
    io.out(USAGE);
    return 0;
  }
  const locale = io.locale ?? 'ru';
  return withMonitoring(loadConfig(), io, async (monitoring) => {
    const scope = await cliScope(monitoring, parsed.values, io);
    if (!scope) return 2;
    const aggregates = await monitoring.aggregates(scope, locale);
    if (parsed.values.json) {
      io.out(`${JSON.stringify(aggregates, null, 2)}\n`);
      return 0;
    }
    for (const table of summaryTables(aggregates, locale)) {
      io.out(
        `\n${table.title}\n${table.rows.length ? textTable(table.headers, table.rows) : t(locale, 'cli.no_data')}\n`,
      );
    }
    return 0;
  });
}

export const statsCommand = {
  run: (args: string[], io: Output) => runStatsCommand(args, io),
};
