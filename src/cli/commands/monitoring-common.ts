// What the monitoring commands (export, stats, sample, report) share: the filter options, opening
// the store and the questionnaire catalog, and printing tables in a terminal.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config.js';
import { STAFF_ACCESS } from '../../monitoring/access.js';
import { parseFilterInput, resolveScope } from '../../monitoring/filters.js';
import type { Scope } from '../../monitoring/scope.js';
import { loadQuestionnaires, type QuestionnaireCatalog } from '../../questionnaires/index.js';
import type { Store } from '../../store/index.js';
import { openCliStore, type Output } from './cohort.js';

export const FILTER_OPTIONS = {
  cohort: { type: 'string' },
  programme: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  questionnaire: { type: 'string' },
  version: { type: 'string' },
  by: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const FILTER_HELP = `Отбор (все необязательны):
  --cohort КОД[,КОД]       потоки (коды или id)
  --programme КОД[,КОД]    программы: все их потоки
  --from ГГГГ-ММ-ДД        с этой даты
  --to ГГГГ-ММ-ДД          по эту дату включительно
  --questionnaire ID       одна анкета, --version N её версия
  --by РАЗРЕЗ              cohort, programme, direction, region, district, settlementType, organisation
`;

const CONTENT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function loadCatalog(io: Output): QuestionnaireCatalog {
  const { catalog, errors } = loadQuestionnaires(join(CONTENT_ROOT, 'questionnaires'), { root: CONTENT_ROOT });
  // A broken file leaves its questionnaire out; its answers are still exported under question ids.
  for (const e of errors) io.err(`предупреждение: ${e}\n`);
  return catalog;
}

/** The CLI operator holds the database, so acts as staff. */
export async function cliScope(store: Store, values: Record<string, unknown>, io: Output): Promise<Scope | undefined> {
  const raw: Record<string, string | undefined> = {};
  for (const key of ['cohort', 'programme', 'from', 'to', 'questionnaire', 'version', 'by']) {
    const v = values[key];
    if (typeof v === 'string') raw[key] = v;
  }
  const input = parseFilterInput(raw);
  if (!input.ok) {
    io.err(`Неверный отбор: ${input.error}\n`);
    return undefined;
  }
  const scope = await resolveScope(store.models, STAFF_ACCESS, input.value);
  if (!scope.ok) {
    io.err(`Неверный отбор: ${scope.error}\n`);
    return undefined;
  }
  return scope.value;
}

export async function withReadStore(config: Config, io: Output, run: (store: Store) => Promise<number>): Promise<number> {
  // Reading only: the embedded store may be memory-only here (it will be empty, but not wrong).
  const store = await openCliStore(config, io, { dryRun: true });
  if (!store) return 1;
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

/** A plain text table with columns padded to their widest cell. */
export function textTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'number' ? String(Math.round(v * 100) / 100).replace('.', ',') : String(v));
  const all = [headers.map(cell), ...rows.map((r) => r.map(cell))];
  const widths = headers.map((_, i) => Math.min(48, Math.max(...all.map((r) => (r[i] ?? '').length))));
  const line = (r: string[]) => r.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(all[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}
