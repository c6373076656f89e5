// Response exports at two sizes (a quarter of the cohorts, then all of them), so that time and
// memory can be seen to grow with the rows or not. XLSX: one workbook, a sheet per questionnaire.
// CSV holds one questionnaire (several are refused), so the CSV figure is one file per
// questionnaire, all of them in turn: what a methodologist downloading everything does.
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { STAFF_ACCESS } from '../../src/monitoring/access.js';
import { createExport, type ExportFormat } from '../../src/monitoring/export.js';
import type { Scope } from '../../src/monitoring/scope.js';
import type { Store } from '../../src/store/index.js';
import type { BenchData } from './data.js';
import { measured, type MachineShare } from './measure.js';

export interface ExportFigures {
  format: ExportFormat;
  rows: number;
  seconds: number;
  cpuSeconds: number;
  bytes: number;
  rssAddedMb: number;
  heapAddedMb: number;
  /** The main thread's pauses for garbage collection during the export. */
  gcSeconds: number;
  /** What other processes and the hypervisor took meanwhile (a busy machine slows an export). */
  machine: MachineShare | undefined;
}

const MB = 1024 * 1024;

async function exportOnce(
  store: Store,
  data: BenchData,
  format: ExportFormat,
  scope: Omit<Scope, 'by'>,
  file: string,
  wire: boolean,
): Promise<number> {
  const reader = wire ? undefined : store.inProcess;
  const result = await createExport(
    { models: store.models, catalog: data.catalog, reader },
    { format, access: STAFF_ACCESS, scope, includeIncomplete: true },
  );
  if (!result.ok) throw new Error(`export failed: ${JSON.stringify(result.error)}`);
  await pipeline(result.value.stream, createWriteStream(file));
  return result.value.total;
}

/** `wire`: read through the driver, as a CLI beside a running bot does (and as with MongoDB). */
export async function benchExport(
  store: Store,
  data: BenchData,
  format: 'csv' | 'xlsx',
  { cohortIds, wire = false }: { cohortIds?: string[]; wire?: boolean } = {},
): Promise<ExportFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'sputnik-bench-export-'));
  try {
    const scope = cohortIds ? { cohortIds } : {};
    let rows = 0;
    let bytes = 0;
    let lines = 0;
    const exportAll = async (): Promise<void> => {
      if (format === 'xlsx') {
        const file = join(dir, 'export.xlsx');
        rows = await exportOnce(store, data, 'xlsx', scope, file, wire);
        bytes = statSync(file).size;
        return;
      }
      for (const questionnaireId of [...data.byQuestionnaire.keys()].sort()) {
        const file = join(dir, `${questionnaireId}.csv`);
        rows += await exportOnce(store, data, 'csv', { ...scope, questionnaireId }, file, wire);
        bytes += statSync(file).size;
      }
    };
    let seconds = 0;
    let cpu = { user: 0, system: 0 };
    // Timed inside `measured`, after its full collection of the heap (the bench's whole data: ~0.6 s
    // of CPU on a quiet machine, more on a busy one), which is the bench's own and no export's.
    const run = await measured(async () => {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      await exportAll();
      cpu = process.cpuUsage(cpu0);
      seconds = (performance.now() - t0) / 1000;
    });
    if (format === 'csv') {
      // Counted by hand: a header and one line per response in each file (no answer holds a line break).
      for (const q of data.byQuestionnaire.keys())
        lines +=
          readFileSync(join(dir, `${q}.csv`), 'utf8')
            .split('\r\n')
            .filter((l) => l.length > 0).length - 1;
      if (lines !== rows) throw new Error(`bench result wrong: CSV files hold ${lines} rows, the exports said ${rows}`);
    }
    const expected = cohortIds ? data.responsesInFirstQuarter : data.responses;
    if (rows !== expected)
      throw new Error(`bench result wrong: ${format} export of ${rows} rows, ${expected} responses were generated`);
    return {
      format,
      rows,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      bytes,
      rssAddedMb: run.rss / MB,
      heapAddedMb: run.heap / MB,
      gcSeconds: run.gcMs / 1000,
      machine: run.machine,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
