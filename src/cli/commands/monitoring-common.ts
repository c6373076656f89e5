// What the monitoring commands (export, stats, sample, report) share: the filter options, opening
// the store and the questionnaire catalog, and printing tables in a terminal.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config.js';
import type { Locale } from '../../domain/locale.js';
import { t } from '../../i18n/index.js';
import {
  createMonitoring,
  filterErrorText,
  FILTER_FIELDS,
  type FilterError,
  type Monitoring,
  type Scope,
} from '../../monitoring/index.js';
import {
  createCatalog,
  loadQuestionnaires,
  wordProblem,
  type QuestionnaireCatalog,
} from '../../questionnaires/index.js';
import { cachedContent } from '../../engine/content-cache.js';
import { buildId } from '../../version.js';
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

const CONTENT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function loadCatalog(io: Output, config: Config): QuestionnaireCatalog {
  const { value, errors } = cachedContent(
    'questionnaires',
    CONTENT_ROOT,
    ['questionnaires'],
    { dir: config.contentCacheDir, buildId: buildId() },
    () => {
      const loaded = loadQuestionnaires(join(CONTENT_ROOT, 'questionnaires'), { root: CONTENT_ROOT });
      return { value: loaded.catalog.all(), errors: loaded.errors };
    },
  );
  // A broken file leaves its questionnaire out; its answers are still exported under question ids.
  const locale = io.locale ?? 'ru';
  for (const e of errors) io.err(`${t(locale, 'cli.warning', { detail: wordProblem(locale, e) })}\n`);
  return createCatalog(value);
}

/** A refused filter as the CLI says it: the option by its name (`--from`), an unknown code as the other commands do. */
export function cliFilterErrorText(error: FilterError, locale: Locale): string {
  if (error.kind === 'not_found')
    return t(locale, error.what === 'cohort' ? 'cli_usage.no_cohort' : 'cli_usage.no_programme', { code: error.value });
  return filterErrorText(error, locale, '--');
}

/** The CLI operator holds the database, so acts as staff. */
export async function cliScope(
  monitoring: Monitoring,
  values: Record<string, unknown>,
  io: Output,
): Promise<Scope | undefined> {
  const raw: Record<string, string | undefined> = {};
  for (const key of FILTER_FIELDS) {
    const v = values[key];
    if (typeof v === 'string') raw[key] = v;
  }
  const scope = await monitoring.scopeFromFilters(raw);
  if (!scope.ok) {
    io.err(`${cliFilterErrorText(scope.error, io.locale ?? 'ru')}\n`);
    return undefined;
  }
  return scope.value;
}

/** Opens the store for a monitoring command and hands it monitoring's facade, the one door in. */
export async function withMonitoring(
  config: Config,
  io: Output,
  run: (monitoring: Monitoring, catalog: QuestionnaireCatalog) => Promise<number>,
  options: { dryRun: boolean } = { dryRun: true },
): Promise<number> {
  // Reading only (dryRun): the embedded store may be memory-only here (it will be empty, but not wrong).
  const store = await openCliStore(config, io, options);
  if (!store) return 1;
  try {
    const catalog = loadCatalog(io, config);
    return await run(createMonitoring({ store, catalog }), catalog);
  } finally {
    await store.close();
  }
}

/** A plain text table with columns padded to their widest cell. */
export function textTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown) =>
    v === null || v === undefined
      ? '—'
      : typeof v === 'number'
        ? String(Math.round(v * 100) / 100).replace('.', ',')
        : String(v);
  const all = [headers.map(cell), ...rows.map((r) => r.map(cell))];
  const widths = headers.map((_, i) => Math.min(48, Math.max(...all.map((r) => (r[i] ?? '').length))));
  const line = (r: string[]) =>
    r
      .map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(all[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}
