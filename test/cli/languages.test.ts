// Every CLI command's help, and node's option errors, in Russian and in Kazakh (`--lang kk` or
// CLI_LANG=kk): no English left but the names staff type (commands, options, their values) and a
// few hand-listed words (file formats, product names).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { kk } from '../../src/i18n/kk/index.js';
import { ru } from '../../src/i18n/ru/index.js';
import { sampleCohortPath, sampleCsvPath } from '../import/helpers.js';
import { commandHelp, type CommandName } from '../../src/cli/args.js';
import { loadConfig } from '../../src/config.js';
import { openTestStore } from '../support/store.js';
import { runCohortCommand, type Output } from '../../src/cli/commands/cohort.js';
import { runExportCommand } from '../../src/cli/commands/export.js';
import { runParticipantsCommand } from '../../src/cli/commands/participants.js';
import { questionnaireCommand } from '../../src/cli/commands/questionnaire.js';
import { runReportCommand } from '../../src/cli/commands/report.js';
import { runSampleCommand } from '../../src/cli/commands/sample.js';
import { runScheduleCommand } from '../../src/cli/commands/schedule.js';
import { runStageCommand } from '../../src/cli/commands/stage.js';
import { runStatsCommand } from '../../src/cli/commands/stats.js';
import { runStoreCommand } from '../../src/cli/commands/store.js';
import { runWhatsappCommand } from '../../src/cli/commands/whatsapp.js';

vi.setConfig({ testTimeout: 180_000 });

type Run = (args: string[], io: Output) => Promise<number>;

/** Every command of `npm run cli -- help` but `config`, which is main.ts's own (checked below). */
const COMMANDS: [CommandName, Run][] = [
  ['cohort', runCohortCommand],
  ['participants', runParticipantsCommand],
  ['questionnaire', (args, io) => questionnaireCommand.run(args, io)],
  ['whatsapp', runWhatsappCommand],
  ['export', runExportCommand],
  ['stats', runStatsCommand],
  ['sample', runSampleCommand],
  ['report', runReportCommand],
  ['schedule', runScheduleCommand],
  ['store', runStoreCommand],
  ['stage', runStageCommand],
];

const USAGE = { ru: 'Использование: npm run cli -- ', kk: 'Қолданылуы: npm run cli -- ' } as const;

/** What staff type, kept as it is in every language. */
const TYPED = new Set([
  'npm',
  'run',
  'cli',
  'help',
  ...[
    'cohort',
    'participants',
    'questionnaire',
    'whatsapp',
    'export',
    'stats',
    'sample',
    'report',
    'schedule',
    'store',
    'stage',
    'config',
  ],
  ...['import', 'check', 'repair', 'show', 'set', 'create', 'group', 'failed'],
  ...['responses', 'activities', 'xlsx', 'csv', 'json', 'ru', 'kk', 'en', 'completed', 'in_progress', 'not_started'],
  ...['programme', 'direction', 'region', 'district', 'settlementType', 'organisation', 'questionnaires', 'archive'],
]);
/** Hand-listed: file formats, products and names that stay as they are. */
const ALLOWED = new Set([
  'N',
  'CSV',
  'XLSX',
  'JSON',
  'YAML',
  'PNG',
  'ID',
  'id',
  'UTF',
  'Windows',
  'Excel',
  'WhatsApp',
  'DATA_DIR',
  'stdout',
  'md',
]);

/** Latin words left once options, paths and file names are taken out. */
function englishWords(text: string): string[] {
  const stripped = text
    .replace(/--?[a-z][\w-]*/g, ' ')
    .replace(/\S*\/\S*/g, ' ')
    .replace(/[\wА-Яа-яӘәҒғҚқҢңӨөҰұҮүҺһІіЁё]+\.(yaml|json|csv|md|xlsx)\b/g, ' ')
    .replace(/sample-<[^>]*>/g, ' ');
  return (stripped.match(/[A-Za-z_][A-Za-z_]*/g) ?? []).filter((w) => !TYPED.has(w) && !ALLOWED.has(w));
}

function capture(locale: Output['locale']): Output & { text(): string } {
  const lines: string[] = [];
  return { out: (t) => void lines.push(t), err: (t) => void lines.push(t), locale, text: () => lines.join('') };
}

describe.each(['ru', 'kk'] as const)('the CLI in %s', (locale) => {
  it.each(COMMANDS)('%s --help has no English words', async (name, run) => {
    const io = capture(locale);
    expect(await run(['--help'], io)).toBe(0);
    expect(io.text()).toBe(commandHelp(name, { locale }));
    expect(io.text().startsWith(USAGE[locale])).toBe(true);
    expect(englishWords(io.text())).toEqual([]);
  });

  it('config’s help has no English words', () => {
    const help = commandHelp('config', { locale });
    expect(help.startsWith(USAGE[locale])).toBe(true);
    expect(englishWords(help)).toEqual([]);
  });

  it.each(COMMANDS.filter(([name]) => name !== 'questionnaire'))(
    '%s: node’s option errors are translated',
    async (_name, run) => {
      const unknown = capture(locale);
      expect(await run(['--bogus'], unknown)).toBe(2);
      const [line] = unknown.text().split('\n');
      expect(line).toBe(locale === 'ru' ? 'Неизвестный параметр --bogus' : 'Белгісіз параметр --bogus');
      expect(unknown.text()).toContain(USAGE[locale]);
      expect(englishWords(unknown.text())).toEqual([]);
    },
  );
});

describe('command messages in Kazakh', () => {
  it('store, stage and report say what is wrong in Kazakh', async () => {
    const store = capture('kk');
    expect(await runStoreCommand(['check'], store, loadConfig({ MONGODB_URI: 'mongodb://127.0.0.1:1/x' }))).toBe(1);
    expect(store.text()).toBe('MONGODB_URI берілген: деректерді MongoDB сақтайды, кірістірілген қойма журналы жоқ.\n');
    const stage = capture('kk');
    expect(
      await runStageCommand(
        ['set', '--cohort', 'A', '--teacher', '1', '--stage', '1', '--status', 'done', '--comment', 'x'],
        stage,
      ),
    ).toBe(2);
    expect(stage.text()).toBe('--status: not_started, in_progress, completed күтіледі\n');
    const report = capture('kk');
    expect(await runReportCommand(['--half', '3', '--year', '2026'], report)).toBe(2);
    expect(report.text().split('\n')[0]).toBe('--half: 1 немесе 2 күтіледі');
  });

  it('cohort, participants, export and whatsapp answer in Kazakh', async () => {
    const cohort = capture('kk');
    expect(await runCohortCommand(['import', 'no-such-cohort.yaml'], cohort)).toBe(1);
    expect(cohort.text()).toBe('Файл табылмады: no-such-cohort.yaml\n');
    const store = await openTestStore();
    try {
      const failed = capture('kk');
      expect(await runWhatsappCommand(['failed'], failed, { store })).toBe(0);
      expect(failed.text()).toBe('Жіберілмеген WhatsApp хабарлары жоқ.\n');
      const participants = capture('kk');
      expect(await runParticipantsCommand(['import', 'teachers.csv'], participants)).toBe(2);
      expect(participants.text().split('\n')[0]).toBe('Ағынды көрсетіңіз: --cohort КОД');
      const exported = capture('kk');
      expect(await runExportCommand(['--format', 'pdf'], exported)).toBe(2);
      expect(exported.text()).toBe('--format: csv, xlsx, json күтіледі\n');
    } finally {
      await store.close();
    }
  });
});

/** Every word of a catalog, its plural forms included. */
function catalogWords(value: unknown): string[] {
  if (typeof value === 'string') return value.match(WORD) ?? [];
  if (value && typeof value === 'object') return Object.values(value).flatMap(catalogWords);
  return [];
}
const WORD = /[A-Za-zА-Яа-яӘәҒғҚқҢңӨөҰұҮүҺһІіЁё]+/g;
/** Words Kazakh and Russian write alike (loanwords, names of things). */
const SHARED = new Set(['коды', 'квота', 'файл', 'импорт']);
const lower = (words: Iterable<string>) => new Set([...words].map((w) => w.toLowerCase()));

/** The Kazakh texts of the content (questionnaire titles, stage names): `kk:` values of its YAML files. */
function contentKazakhWords(): string[] {
  const kazakh = (value: unknown): string[] =>
    Array.isArray(value)
      ? value.flatMap(kazakh)
      : value && typeof value === 'object'
        ? Object.entries(value).flatMap(([key, v]) =>
            key === 'kk' && typeof v === 'string' ? (v.match(WORD) ?? []) : kazakh(v),
          )
        : [];
  return ['questionnaires', 'flows/models'].flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => kazakh(parse(readFileSync(join(dir, f), 'utf8')))),
  );
}

describe('what the commands print, in Kazakh', () => {
  it('cohort and participants import, schedule show, stats and sample leave no Russian or English words', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sputnik-cli-kk-'));
    // The embedded store persisted in a temp dir: each command opens it, as staff run them one by one.
    vi.stubEnv('MONGODB_URI', '');
    vi.stubEnv('EMBEDDED_STORE_PERSIST', 'true');
    vi.stubEnv('DATA_DIR', dataDir);
    vi.stubEnv('TELEGRAM_BOT_USERNAME', '');
    vi.stubEnv('WHATSAPP_PHONE', '');
    try {
      const outputs: Record<string, string> = {};
      const run = async (name: string, command: Run, args: string[]) => {
        const io = capture('kk');
        expect(await command(args, io), `${name}: ${io.text()}`).toBe(0);
        outputs[name] = io.text();
      };
      await run('cohort import', runCohortCommand, ['import', sampleCohortPath]);
      await run('participants import', runParticipantsCommand, [
        'import',
        '--cohort',
        'FG72-SPRING',
        '--dry-run',
        sampleCsvPath,
      ]);
      await run('schedule show', runScheduleCommand, ['show', '--cohort', 'FG72-SPRING', '--days', '400']);
      await run('stats', runStatsCommand, []);
      await run('sample', runSampleCommand, ['--size', '3', '--seed', 'kk']);

      // What the test put in (names, organisations, titles in the sample files) may be in any language;
      // every other word must be the Kazakh catalog's.
      const data = lower(
        [
          ...readFileSync(sampleCohortPath, 'utf8').replace(/#.*$/gm, '').matchAll(WORD),
          ...readFileSync(sampleCsvPath, 'utf8').matchAll(WORD),
        ].map((m) => m[0]),
      );
      // A word the Russian catalog has too is no proof of Kazakh (it may be a Russian leftover in the Kazakh
      // catalog): only the hand-listed words both languages write alike pass.
      const russian = lower(catalogWords(ru));
      const kazakh = new Set(
        [...lower([...catalogWords(kk), ...contentKazakhWords()])].filter((w) => !russian.has(w) || SHARED.has(w)),
      );
      const leftovers = Object.entries(outputs).flatMap(([name, text]) => {
        const foreign = (text.match(WORD) ?? []).filter(
          (w) => /[А-Яа-яЁё]/.test(w) && !kazakh.has(w.toLowerCase()) && !data.has(w.toLowerCase()),
        );
        // Setting names (TELEGRAM_BOT_USERNAME) and product names stay as they are.
        const english = englishWords(text).filter(
          (w) =>
            !data.has(w.toLowerCase()) && !/^[A-Z][A-Z_]+$/.test(w) && !['Telegram', 'Max', 'sputnik_bot'].includes(w),
        );
        return [...new Set([...foreign, ...english])].map((w) => `${name}: ${w}`);
      });
      expect(leftovers).toEqual([]);
      // The summaries say what they did, not just something Kazakh.
      expect(outputs['cohort import']).toContain('FG72-SPRING ағыны «Поток весна 2026»: құрылды.');
      expect(outputs['participants import']).toContain(kk.cli_text.ci_dry_run);
      expect(outputs['schedule show']).toMatch(/педагог ботқа әлі жазбаған/);
      expect(outputs.sample).toMatch(/^Іріктеме: \d+ ішінен 3 \(«kk» дәні\)/);
    } finally {
      vi.unstubAllEnvs();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the CLI’s language chosen at the entry point', () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'node_modules/.bin/tsx',
        ['src/cli/main.ts', ...args],
        { env: { ...process.env, MONGODB_URI: '', ...env }, timeout: 150_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });

  it('speaks Kazakh with CLI_LANG=kk and with --lang kk, help and option errors alike; a bad CLI_LANG is named', async () => {
    const [help, stats, lang, missing, bad] = await Promise.all([
      cli(['help'], { CLI_LANG: 'kk' }),
      cli(['stats', '--help'], { CLI_LANG: 'kk' }),
      cli(['--lang', 'kk', 'config', '--help']),
      cli(['export', '--format'], { CLI_LANG: 'kk' }),
      cli(['help'], { CLI_LANG: 'de' }),
    ]);
    expect(help.stdout).toMatch(/^Қолданылуы: npm run cli -- /);
    expect([stats.code, stats.stdout]).toEqual([0, commandHelp('stats', { locale: 'kk' })]);
    expect([lang.code, lang.stdout]).toEqual([0, commandHelp('config', { locale: 'kk' })]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.split('\n')[0]).toBe('--format параметріне мән қажет');
    expect(englishWords(missing.stderr)).toEqual([]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^sputnik: Ошибка в настройках: CLI_LANG: expected one of ru, kk, en\n$/);
  });
});
