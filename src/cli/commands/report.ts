// `npm run cli -- report --cohort CODE | --programme CODE --half 1|2 --year YYYY [--out DIR]`:
// the half-year report as Markdown, XLSX and PNG charts in one folder.
import { parseCommandArgs } from '../args.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../config.js';
import { findIds } from '../../monitoring/filters.js';
import { buildHalfYearReport } from '../../monitoring/report.js';
import { processOutput, type Output } from './cohort.js';
import { loadCatalog, withReadStore } from './monitoring-common.js';

const USAGE = `Использование: npm run cli -- report [--cohort КОД | --programme КОД] --half 1|2 --year ГГГГ [--out ПАПКА] [--anonymised]
  Отчёт за полугодие (сдаётся до 1 июня и до 1 октября): отчёт.md, отчёт.xlsx и графики PNG.
  Без --cohort и --programme — по центру в целом. Можно построить за любой прошедший период.
`;

export async function runReportCommand(args: string[], io: Output = processOutput): Promise<number> {
  const parsed = parseCommandArgs({ args, options: { cohort: { type: 'string' }, programme: { type: 'string' }, half: { type: 'string' }, year: { type: 'string' }, out: { type: 'string' }, anonymised: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }, USAGE, io);
  if (!parsed) return 2;
  const v = parsed.values;
  if (v.help) {
    io.out(USAGE);
    return 0;
  }
  const half = Number(v.half);
  const year = Number(v.year);
  if ((half !== 1 && half !== 2) || !Number.isInteger(year) || (v.cohort && v.programme)) {
    io.err(USAGE);
    return 2;
  }
  return withReadStore(loadConfig(), io, async (store) => {
    let subject: { cohortId: string } | { programmeId: string } | Record<string, never> = {};
    if (v.cohort || v.programme) {
      const ids = v.cohort ? await findIds(store.models.cohort, [v.cohort], 'cohort') : await findIds(store.models.programme, [v.programme!], 'programme');
      if (!ids.ok) {
        io.err(`${ids.error}\n`);
        return 1;
      }
      const id = ids.value[0]!.toHexString();
      subject = v.cohort ? { cohortId: id } : { programmeId: id };
    }
    const report = await buildHalfYearReport(
      { models: store.models, catalog: loadCatalog(io), repos: store.repositories },
      { ...subject, half, year, anonymised: v.anonymised === true },
    );
    if (!report.ok) {
      io.err(`Отчёт не построен: ${JSON.stringify(report.error)}\n`);
      return 1;
    }
    const dir = v.out ?? `report-${(v.cohort ?? v.programme ?? 'centre').toLowerCase()}-${year}-h${half}`;
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'report.md'), report.value.markdown);
    await writeFile(join(dir, 'report.xlsx'), report.value.xlsx);
    for (const chart of report.value.charts) await writeFile(join(dir, chart.filename), chart.png);
    io.out(`${report.value.title}\nЗаписано в ${dir}/: report.md, report.xlsx, ${report.value.charts.map((c) => c.filename).join(', ')}\nПедагогов, которым нужна поддержка: ${report.value.support.length}\n`);
    return 0;
  });
}

export const reportCommand = {
  summary: 'half-year report: report --cohort CODE|--programme CODE --half 1|2 --year YYYY',
  run: (args: string[]) => runReportCommand(args),
};
