// Every CLI command's help, and node's option errors, in Russian and in Kazakh (`--lang kk` or
// CLI_LANG=kk): no English left but the names staff type (commands, options, their values) and a
// few hand-listed words (file formats, product names).
import { execFile } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
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
  'npm', 'run', 'cli', 'help',
  ...['cohort', 'participants', 'questionnaire', 'whatsapp', 'export', 'stats', 'sample', 'report', 'schedule', 'store', 'stage', 'config'],
  ...['import', 'check', 'repair', 'show', 'set', 'create', 'group', 'failed'],
  ...['responses', 'activities', 'xlsx', 'csv', 'json', 'ru', 'kk', 'en', 'completed', 'in_progress', 'not_started'],
  ...['programme', 'direction', 'region', 'district', 'settlementType', 'organisation', 'questionnaires', 'archive'],
]);
/** Hand-listed: file formats, products and names that stay as they are. */
const ALLOWED = new Set(['N', 'CSV', 'XLSX', 'JSON', 'YAML', 'PNG', 'ID', 'id', 'UTF', 'Windows', 'Excel', 'WhatsApp', 'DATA_DIR', 'stdout', 'md']);

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

  it.each(COMMANDS.filter(([name]) => name !== 'questionnaire'))('%s: node’s option errors are translated', async (_name, run) => {
    const unknown = capture(locale);
    expect(await run(['--bogus'], unknown)).toBe(2);
    const [line] = unknown.text().split('\n');
    expect(line).toBe(locale === 'ru' ? 'Неизвестный параметр --bogus' : 'Белгісіз параметр --bogus');
    expect(unknown.text()).toContain(USAGE[locale]);
    expect(englishWords(unknown.text())).toEqual([]);
  });
});

describe('command messages in Kazakh', () => {
  it('store, stage and report say what is wrong in Kazakh', async () => {
    const store = capture('kk');
    expect(await runStoreCommand(['check'], store, loadConfig({ MONGODB_URI: 'mongodb://127.0.0.1:1/x' }))).toBe(1);
    expect(store.text()).toBe('MONGODB_URI берілген: деректерді MongoDB сақтайды, кірістірілген қойма журналы жоқ.\n');
    const stage = capture('kk');
    expect(await runStageCommand(['set', '--cohort', 'A', '--teacher', '1', '--stage', '1', '--status', 'done', '--comment', 'x'], stage)).toBe(2);
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

describe('the CLI’s language chosen at the entry point', () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('node_modules/.bin/tsx', ['src/cli/main.ts', ...args], { env: { ...process.env, MONGODB_URI: '', ...env }, timeout: 150_000 }, (error, stdout, stderr) =>
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
