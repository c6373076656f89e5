// Every CLI command called wrongly, as staff do: no action, an unknown one, a missing option or
// value, a value starting with "-", a wrong date, an unknown cohort, programme or questionnaire,
// an unknown console account. Each says what is wrong in one line of the staff's language (the
// exact Russian line asserted), before the usage where there is one; no English word, no stack
// trace, in Russian and in Kazakh. Run in this process through the CLI's dispatch (runCli), on an
// empty embedded store in a temp directory, so the guard stays fast.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Output } from '../../src/cli/output.js';
import { runCli } from '../../src/cli/run.js';
import { kk } from '../../src/i18n/kk/index.js';
import { ru } from '../../src/i18n/ru/index.js';
import { loadQuestionnaires } from '../../src/questionnaires/index.js';
import { sampleCohortPath, sampleCsvPath } from '../import/helpers.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { openStore } from '../../src/store/index.js';
import { generate } from '../bench/data.js';

vi.setConfig({ testTimeout: 180_000 });

/** The shipped questionnaires' ids, as the CLI lists them when one it does not know is asked for. */
const KNOWN = loadQuestionnaires('questionnaires')
  .catalog.latest()
  .map((q) => q.id)
  .join(', ');

/** The call, and the first line it must print in Russian (exit code 2 unless said). */
const CASES: { args: string[]; ru: string; code?: number }[] = [
  { args: ['cohort'], ru: 'Укажите действие: import' },
  { args: ['cohort', 'frob'], ru: 'Неизвестное действие «frob»: есть import' },
  { args: ['cohort', 'import'], ru: 'Укажите файл' },
  { args: ['cohort', 'import', 'a.yaml', 'b.yaml'], ru: 'Лишние аргументы: b.yaml — команда их не принимает' },
  { args: ['participants', 'import', '--cohort'], ru: 'Параметру --cohort нужно значение' },
  { args: ['questionnaire'], ru: 'Укажите действие: check' },
  { args: ['questionnaire', 'check', '--dir'], ru: 'Параметру --dir нужно значение' },
  { args: ['questionnaire', 'check', '--bogus'], ru: 'Неизвестный параметр --bogus' },
  { args: ['content'], ru: 'Укажите действие: check' },
  { args: ['content', 'check', '--root'], ru: 'Параметру --root нужно значение' },
  { args: ['whatsapp'], ru: 'Укажите действие: create-group или failed' },
  { args: ['whatsapp', 'create-group'], ru: 'Не указан параметр --cohort' },
  {
    args: ['whatsapp', 'create-group', '--cohort', 'A', '--wait', '-5'],
    ru: 'Параметру --wait нужно значение; значение, которое начинается с «-», пишите через «=»: --wait=-5',
  },
  { args: ['whatsapp', 'create-group', '--cohort', 'A', '--wait=-5'], ru: '--wait: ожидается число секунд от 0' },
  { args: ['whatsapp', 'failed', 'now'], ru: 'Лишние аргументы: now — команда их не принимает' },
  { args: ['schedule', 'show'], ru: 'Не указан параметр --cohort' },
  { args: ['schedule', 'show', '--cohort', 'A', '--days=0'], ru: '--days: ожидается целое число дней от 1 до 400' },
  { args: ['store'], ru: 'Укажите действие: check или repair' },
  { args: ['store', 'check', 'now'], ru: 'Лишние аргументы: now — команда их не принимает' },
  { args: ['stage', 'set'], ru: 'Не указаны параметры --cohort, --teacher, --stage, --status, --comment' },
  {
    args: [
      'stage',
      'set',
      '--cohort',
      'A',
      '--teacher',
      '1',
      '--stage',
      'two',
      '--status',
      'completed',
      '--comment',
      'x',
    ],
    ru: '--stage: ожидается номер этапа, целое число от 1',
  },
  { args: ['sandbox'], ru: 'Укажите действие: delete' },
  { args: ['sandbox', 'delete', 'all'], ru: 'Лишние аргументы: all — команда их не принимает' },
  { args: ['console'], ru: 'Укажите действие: add-staff, add-school, password, list, disable или enable' },
  { args: ['console', 'add-staff'], ru: '--login: укажите логин' },
  {
    args: ['console', 'add-staff', '--login', 'ivanova'],
    ru: '--name: укажите ФИО — его видно в консоли и в журнале действий',
  },
  { args: ['config', 'now'], ru: 'Лишние аргументы: now — команда их не принимает' },
  { args: ['config', '--bogus'], ru: 'Неизвестный параметр --bogus' },
  {
    args: ['sample', '--size', '-3', '--seed', 'x'],
    ru: 'Параметру --size нужно значение; значение, которое начинается с «-», пишите через «=»: --size=-5',
  },
  { args: ['sample', '--size=-3', '--seed', 'x'], ru: '--size: ожидается целое число от 1' },
  { args: ['export', '--format', 'json', '--to', '2026-02-30'], ru: '--to: ожидается дата в виде ГГГГ-ММ-ДД' },
  { args: ['stats', '--from', '2026-06-01', '--to', '2026-05-01'], ru: '--from: дата начала позже даты окончания' },
  { args: ['stats', '--cohort', 'NOPE'], ru: 'Поток с кодом «NOPE» не найден.' },
  {
    args: ['report', '--half', '1', '--year', '2026', '--programme', 'NOPE'],
    ru: 'Отчёт не построен: Программа с кодом «NOPE» не найдена.',
    code: 1,
  },
  // Node's own recursive mkdir spins forever on a path under /proc: one line instead, at once.
  {
    args: ['report', '--half', '1', '--year', '2026', '--out', '/proc/sputnik-nope/report'],
    ru: 'Не удалось записать /proc/sputnik-nope/report: такой папки нет',
    code: 1,
  },
  {
    args: ['sample', '--size', '3', '--seed', 'x', '--assign', 'nope'],
    ru: `Анкеты «nope» нет среди действующих: ${KNOWN}. Выборка не сохранена. Все анкеты покажет npm run cli -- questionnaire check`,
  },
  {
    args: ['console', 'password', '--login', 'nobody'],
    ru: 'Учётной записи «nobody» нет. Список: npm run cli -- console list',
    code: 1,
  },
];

/** What staff type stays as typed: commands, actions, options' values, setting names, file formats. */
const TYPED = new Set(
  [
    ...['npm', 'run', 'cli', 'help', 'cohort', 'participants', 'questionnaire', 'whatsapp', 'export', 'stats'],
    ...['sample', 'report', 'schedule', 'store', 'stage', 'sandbox', 'console', 'config', 'import', 'check'],
    ...['show', 'set', 'delete', 'create-group', 'failed', 'repair', 'add-staff', 'add-school', 'password'],
    ...['list', 'disable', 'enable', 'responses', 'activities', 'ru', 'kk', 'en', 'completed', 'in_progress'],
    ...['not_started', 'programme', 'direction', 'region', 'district', 'settlementType', 'organisation'],
    ...['questionnaires', 'content', 'flows', 'archive', 'ivanova', 'nobody', 'frob', 'now', 'all', 'NOPE', 'two'],
    ...KNOWN.split(/[, -]+/),
    ...['create', 'group', 'add', 'staff', 'school', 'admin', 'in_progress', 'not_started', 'plan', 'progress'],
    ...['nope', 'x', 'A', 'N', 'ID', 'id', 'CSV', 'XLSX', 'JSON', 'YAML', 'PNG', 'UTF', 'Windows', 'WhatsApp'],
    ...['DATA_DIR', 'stdout', 'md', 'console'],
  ].map((w) => w.toLowerCase()),
);

/** Latin words left once options, paths and file names are taken out. */
function englishWords(text: string): string[] {
  const stripped = text
    .replace(/--?[a-z][\w-]*(=-?\w*)?/g, ' ')
    .replace(/\S*\/\S*/g, ' ')
    .replace(/[\wА-Яа-яӘәҒғҚқҢңӨөҰұҮүҺһІіЁё-]+\.(yaml|json|csv|md|xlsx)\b/g, ' ')
    .replace(/sample-<[^>]*>/g, ' ');
  return (stripped.match(/[A-Za-z_]+/g) ?? []).filter((w) => !TYPED.has(w.toLowerCase()));
}

const WORD = /[A-Za-zА-Яа-яӘәҒғҚқҢңӨөҰұҮүҺһІіЁё]+/g;
function catalogWords(value: unknown): string[] {
  if (typeof value === 'string') return value.match(WORD) ?? [];
  if (value && typeof value === 'object') return Object.values(value).flatMap(catalogWords);
  return [];
}

function capture(): Output & { text(): string; errors(): string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    text: () => [...err, ...out].join(''),
    errors: () => err.join(''),
  };
}

let dataDir = '';
const warnings: string[] = [];
const onWarning = (w: Error) => void warnings.push(`${w.name}: ${w.message}`);

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'sputnik-cli-every-'));
  vi.stubEnv('MONGODB_URI', '');
  vi.stubEnv('DATA_DIR', dataDir);
  vi.stubEnv('EMBEDDED_STORE_PERSIST', 'true');
  vi.stubEnv('CLI_LANG', 'ru');
  process.on('warning', onWarning);
});

afterAll(() => {
  process.off('warning', onWarning);
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

async function run(args: string[]) {
  const io = capture();
  const code = await runCli(args, io);
  return { code, text: io.text(), errors: io.errors() };
}

describe('every CLI command called wrongly', () => {
  it('says what is wrong in one Russian line, without English words or a stack trace', async () => {
    const seen: string[] = [];
    for (const c of CASES) {
      const { code, text, errors } = await run(c.args);
      const where = `cli ${c.args.join(' ')}:\n${text}`;
      expect(errors.split('\n')[0], where).toBe(c.ru);
      expect(code, where).toBe(c.code ?? 2);
      expect(englishWords(text), where).toEqual([]);
      expect(text, where).not.toMatch(/\n\s+at \S/);
      seen.push(c.args[0]!);
    }
    // Every command of `npm run cli -- help` is among them.
    const help = await run(['help']);
    const listed = [...help.text.matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1]).filter((n) => n !== 'help');
    expect(listed.filter((name) => !seen.includes(name!))).toEqual([]);
    // Node's warnings (a deprecated driver option) would print English on stderr.
    expect(warnings).toEqual([]);
  });

  it('says it in Kazakh with --lang kk: no Russian-only or English word', async () => {
    const kazakh = new Set(catalogWords(kk).map((w) => w.toLowerCase()));
    const russianOnly = new Set(
      catalogWords(ru)
        .map((w) => w.toLowerCase())
        .filter((w) => !kazakh.has(w)),
    );
    for (const c of CASES) {
      const { code, text } = await run(['--lang', 'kk', ...c.args]);
      const where = `cli --lang kk ${c.args.join(' ')}:\n${text}`;
      expect(code, where).toBe(c.code ?? 2);
      expect(text.split('\n')[0], where).not.toBe(c.ru);
      expect(englishWords(text), where).toEqual([]);
      const russian = (text.match(WORD) ?? []).filter((w) => russianOnly.has(w.toLowerCase()));
      expect(russian, where).toEqual([]);
    }
  });

  it('sandbox and console give their help with --help, in the CLI’s language', async () => {
    const sandbox = await run(['sandbox', '--help']);
    expect(sandbox.code).toBe(0);
    expect(sandbox.text).toMatch(/^Использование: npm run cli -- sandbox delete\n/);
    const consoleHelp = await run(['--lang', 'kk', 'console', '--help']);
    expect(consoleHelp.code).toBe(0);
    expect(consoleHelp.text).toMatch(/^Қолданылуы: npm run cli -- console <әрекет> \[параметрлер\]\n/);
  });
});

describe('what the commands print when they work', () => {
  it('sample, stage, export and console: numerals agree, dates and decimals as staff write them, Kazakh where chosen', async () => {
    expect((await run(['cohort', 'import', sampleCohortPath])).code).toBe(0);
    expect((await run(['participants', 'import', '--cohort', 'FG72-SPRING', sampleCsvPath])).code).toBe(0);

    // One respondent: «1 респондент», the questionnaire by its title.
    const sample = await run(['sample', '--size', '1', '--seed', 's', '--assign', 'exit']);
    expect(sample.code, sample.text).toBe(0);
    expect(sample.text).toMatch(
      /\nНазначена анкета «Итоговая анкета по курсу» \(exit\), повод sample-[0-9a-f]{24}: 1 респондент; приглашения разошлёт планировщик\.\n$/,
    );

    // A date as dd.mm.yyyy, like schedule show.
    const stage = await run(
      ['stage', 'set', '--cohort', 'FG72-SPRING', '--teacher', '8 701 555 40 01', '--stage', '1'].concat([
        '--status',
        'completed',
        '--comment',
        'план сдан',
      ]),
    );
    expect(stage.code, stage.text).toBe(0);
    expect(stage.text).toMatch(/^ {2}этап 1: завершён \(\d\d\.\d\d\.\d{4}\) — вручную$/m);

    // An empty JSON export is an empty list, not "a header row"; seconds with the decimal comma.
    const empty = await run(['export', '--format', 'json', '--from', '2099-01-01', '--out', join(dataDir, 'e.json')]);
    expect(empty.code, empty.text).toBe(0);
    expect(empty.text).toMatch(/; строк: 0; \d+,\d с\nСтрок пока нет: в файле пустой список\.\n$/);

    // CSV holds one questionnaire: the CLI names the option to choose it with (two teachers' year of answers).
    const store = await openStore({ config: loadConfig().store, logger: createLogger({ level: 'silent' }) });
    await generate(store, 2).finally(() => store.close());
    const csv = await run(['export', '--format', 'csv', '--out', join(dataDir, 'all.csv')]);
    expect(csv.code, csv.text).toBe(1);
    expect(csv.text).toMatch(/^CSV — одна анкета: укажите --questionnaire ID, одну из [a-z0-9-]+(, [a-z0-9-]+)+\n$/);

    // The console's accounts in Kazakh.
    const created = await run(
      ['--lang', 'kk', 'console', 'add-school', '--login', 'school5'].concat([
        '--name',
        'Петров П. П.',
        '--organisation',
        'Мектеп № 5',
      ]),
    );
    expect(created.code, created.text).toBe(0);
    expect(created.text).toMatch(
      /^Есептік жазба құрылды: school5 — мектеп әкімшісі \(«Мектеп № 5»\)\.\nҚұпиясөз \(бір рет көрсетіледі, оны жеке беріңіз\): \S{16}\n$/,
    );
    expect((await run(['--lang', 'kk', 'console', 'disable', '--login', 'school5'])).text).toBe(
      'school5 үшін кіру жабылды; ашық сеанстар енді жарамсыз.\n',
    );
    expect((await run(['--lang', 'kk', 'console', 'list'])).text).toMatch(
      /^school5\tПетров П\. П\.\tмектеп әкімшісі \(«Мектеп № 5»\)\tкіру \d\d\.\d\d\.\d{4} бастап жабық\n$/,
    );
    expect(warnings).toEqual([]);
  });
});
