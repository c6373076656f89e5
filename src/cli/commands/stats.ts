// `npm run cli -- stats [filters] [--json]`: the monitoring aggregates as tables in the terminal.
import { parseCommandArgs } from '../args.js';
import { loadConfig } from '../../config.js';
import { computeAggregates } from '../../monitoring/aggregates.js';
import { summaryTables } from '../../monitoring/tables.js';
import { processOutput, type Output } from './cohort.js';
import { cliScope, FILTER_HELP, FILTER_OPTIONS, loadCatalog, textTable, withReadStore } from './monitoring-common.js';

const USAGE = `Использование: npm run cli -- stats [параметры] [--json]
  Отклик на анкеты, шкальные вопросы, распределения ответов, мероприятия, этапы и консультации.
  --json                   всё то же в JSON
${FILTER_HELP}`;

export async function runStatsCommand(args: string[], io: Output = processOutput): Promise<number> {
  const parsed = parseCommandArgs({ args, options: { ...FILTER_OPTIONS, json: { type: 'boolean' } } }, USAGE, io);
  if (!parsed) return 2;
  if (parsed.values.help) {
    io.out(USAGE);
    return 0;
  }
  return withReadStore(loadConfig(), io, async (store) => {
    const scope = await cliScope(store, parsed.values, io);
    if (!scope) return 2;
    const aggregates = await computeAggregates({ models: store.models, catalog: loadCatalog(io) }, scope, 'ru');
    if (parsed.values.json) {
      io.out(`${JSON.stringify(aggregates, null, 2)}\n`);
      return 0;
    }
    for (const table of summaryTables(aggregates, 'ru')) {
      io.out(`\n${table.title}\n${table.rows.length ? textTable(table.headers, table.rows) : '(нет данных)'}\n`);
    }
    return 0;
  });
}

export const statsCommand = {
  summary: 'monitoring figures: stats [--cohort CODE] [--by region] [--json] ...',
  run: (args: string[]) => runStatsCommand(args),
};
