// Every CLI command's help, and node's option errors, in Russian and in Kazakh (`--lang kk` or
// CLI_LANG=kk): no English left but the names staff type (commands, options, their values) and a
// few hand-listed words (file formats, product names).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runCliProcess } from '../support/cli-process.js';
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
import { contentCommand } from '../../src/cli/commands/content.js';
import { runStoreCommand } from '../../src/cli/commands/store.js';
import { runWhatsappCommand } from '../../src/cli/commands/whatsapp.js';

vi.setConfig({ testTimeout: 180_000 });

type Run = (args: string[], io: Output) => Promise<number>;

/** Every command of `npm run cli -- help` but `config`, which is main.ts's own (checked below). */
const COMMANDS: [CommandName, Run][] = [
  ['cohort', runCohortCommand],
  ['participants', runParticipantsCommand],
  ['questionnaire', (args, io) => questionnaireCommand.run(args, io)],
  ['content', (args, io) => contentCommand.run(args, io)],
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
    'content',
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
  ...[
    'programme',
    'direction',
    'region',
    'district',
    'settlementType',
    'organisation',
    'questionnaires',
    'archive',
    'flows',
  ],
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

  it.each(COMMANDS.filter(([name]) => name !== 'questionnaire' && name !== 'content'))(
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
/**
 * Words Kazakh and Russian write alike (loanwords, names of things), and Kazakh words the Russian
 * texts quote (a settlement type may be written «қала» or «ауыл» in a Russian file too).
 */
const SHARED = new Set([
  'коды',
  'квота',
  'файл',
  'файлы',
  'импорт',
  'қала',
  'ауыл',
  'курс',
  'код',
  'бот',
  'телефон',
  'куратор',
  'кураторы',
  'тьютор',
  'тьюторы',
]);
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
  const cli = runCliProcess;

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
    expect(bad.stderr).toBe('sputnik: Ошибка в настройках: CLI_LANG: ожидается ru, kk или en, а задано «de»\n');
  });
});

describe('import problems, in Kazakh', () => {
  /** Broken files, each refused with every one of its problems in one pass. Names and values are Kazakh data. */
  const FILES: Record<string, string> = {
    // The shape: an unknown field, a missing title, text for a number, no curator, a wrong version,
    // an offset that is no offset.
    'shape.yaml': [
      'version: 2',
      'programme:',
      '  code: P-1',
      '  direction: "Мектеп"',
      '  hours: "көп"',
      '  colour: "көк"',
      '  stagePlan: { stages: [{ stage: 1, startOffset: "бір ай" }] }',
      'cohort: { title: "Көктем", courseStart: 2026-03-02, courseEnd: 2026-03-20 }',
      'curators: []',
      '',
    ].join('\n'),
    // The syntax: a tab where YAML wants spaces.
    'syntax.yaml': 'programme:\n\tcode: P-1\n',
    // Every problem a well-shaped cohort file can have, each once.
    'fields.yaml': [
      'programme:',
      '  code: P-2',
      '  title: "Бағдарлама"',
      '  direction: "Мектеп"',
      '  model: kaltan-tutor',
      '  stagePlan:',
      '    stages: [{ stage: 9, startOffset: "+1d" }]',
      '    questionnaires: [{ questionnaireId: joq, offset: "+1m", occasion: bir }]',
      'cohort:',
      '  code: "ә"',
      '  title: "Күз"',
      '  courseStart: күзде',
      '  courseEnd: 2026-09-20',
      '  timeZone: Asia/Nowhere',
      '  language: қытайша',
      '  model: фин',
      'curators:',
      '  - { name: "Әлиева Гүлнар" }',
      '  - { name: "Сәтбаев Қанат", phone: "+7 701 000 00 01", telegram: "@x" }',
      '  - { name: "Басқа Есім", phone: "+7 701 000 00 03" }',
      '  - { name: "Ким Ләйлә", phone: "+7 701 000 00 04", telegram: "@leila_kim" }',
      'tutors:',
      '  - { name: "Омарова Сәуле", phone: "+7 701 000 00 02" }',
      '  - { name: "Омарова Сәуле", phone: "+7 701 000 00 02" }',
      '  - { name: "Омарова Сәуле", phone: "+7 701 000 00 05" }',
      '  - { name: "Ахметова Жанар", phone: "+7 701 000 00 03" }',
      '  - { name: "Ким Ләйлә", phone: "+7 701 000 00 04", telegram: "@leila_other" }',
      'participants:',
      '  - { name: "Нұрланова Айым", phone: "123", settlement: тау, language: қытайша, tutor: "Жоқ Тьютор" }',
      '  - { name: "Омарова Сәуле", phone: "+7 701 000 00 02" }',
      '  - { name: "Бекова Дана", phone: "+7 701 000 00 03", telegram: "@leila_kim", tutor: "Омарова Сәуле" }',
      `  - { name: "Исаева Мөлдір", phone: "+7 701 000 00 06", organisation: "${'ө'.repeat(501)}" }`,
      '',
    ].join('\n'),
    // A valid file whose cohort code another programme's cohort holds.
    'taken.yaml': [
      'programme: { code: OTHER, title: "Басқа", direction: "Мектеп" }',
      'cohort: { code: FG72-SPRING, title: "Басқа ағын", courseStart: 2026-03-02, courseEnd: 2026-03-20 }',
      'curators: [{ name: "Әлиева Гүлнар", phone: "+7 701 000 00 09" }]',
      '',
    ].join('\n'),
    // Header problems: two name columns, no phone or Telegram column.
    'header.csv': 'Аты-жөні;ФИО\nӘлиева Гүлнар;Әлиева Гүлнар\n',
    // Every row problem of a participants file, one a line; the last quote is never closed.
    'rows.csv': [
      'Аты-жөні;Телефон;Telegram;Елді мекен түрі;Тіл;Тьютор',
      'Әлиева Гүлнар;555;;;;',
      'Сәтбаев Қанат;+7 701 000 00 11;@qanat_s;;;',
      'Жұмабаев Ерлан;+7 701 000 00 11;;;;',
      'Ахметова Жанар;;@qanat_s;;;',
      'Омарова Сәуле;;@1;;;',
      ';+7 701 000 00 12;;;;',
      'Нұрланова Айым;;;;;',
      'Бекова Дана;+7 701 000 00 13;;тау;қытайша;Жоқ Тьютор',
      'Исаева Мөлдір;+7 701 000 00 14;;;;;артық',
      'Қасымова Әйгерім;"+7 701 000 00 15;;;;',
    ].join('\n'),
    // Rows the store contradicts: a curator as a teacher, a phone and a Telegram of two people,
    // a known Telegram with another phone, the same teacher twice.
    'conflicts.csv': [
      'Аты-жөні;Телефон;Telegram',
      'Әлиева Гүлнар;+7 701 555 11 22;',
      'Сәтбаев Қанат;+7 702 555 30 02;@saltanat_zh',
      'Ахметова Жанар;+7 701 000 00 21;@aigul_s',
      'Нұрланова Айым;+7 701 555 30 01;',
      'Бекова Дана;;@dinara_nurg',
    ].join('\n'),
  };
  /** How many problems each file has: the same in every language. */
  const COUNTS: Record<string, number> = {
    'shape.yaml': 6,
    'syntax.yaml': 1,
    'fields.yaml': 22,
    'taken.yaml': 1,
    'header.csv': 2,
    'rows.csv': 11,
    'conflicts.csv': 4,
  };

  it('words every problem of broken cohort and participants files from the Kazakh catalog, all in one pass', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sputnik-cli-kk-import-'));
    vi.stubEnv('MONGODB_URI', '');
    vi.stubEnv('EMBEDDED_STORE_PERSIST', 'true');
    vi.stubEnv('DATA_DIR', dataDir);
    vi.stubEnv('TELEGRAM_BOT_USERNAME', '');
    vi.stubEnv('WHATSAPP_PHONE', '');
    try {
      for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dataDir, name), text);
      const setup = capture('kk');
      expect(await runCohortCommand(['import', sampleCohortPath], setup), setup.text()).toBe(0);

      const refusals = async (locale: 'ru' | 'kk') => {
        const printed: Record<string, string> = {};
        for (const name of Object.keys(FILES)) {
          const io = capture(locale);
          const path = join(dataDir, name);
          const code = name.endsWith('.csv')
            ? await runParticipantsCommand(['import', '--cohort', 'FG72-SPRING', path], io)
            : await runCohortCommand(['import', path], io);
          expect(code, `${name}: ${io.text()}`).toBe(1);
          printed[name] = io.text();
        }
        return printed;
      };
      const kazakhOut = await refusals('kk');
      const russianOut = await refusals('ru');
      const problemLines = (text: string) => text.split('\n').filter((l) => l.startsWith('  '));
      for (const [name, count] of Object.entries(COUNTS)) {
        expect(problemLines(kazakhOut[name]!), `${name}:\n${kazakhOut[name]}`).toHaveLength(count);
        expect(problemLines(russianOut[name]!), `${name}:\n${russianOut[name]}`).toHaveLength(count);
      }

      // What the files hold (names, values, field names) may be in any language; every other word
      // must be the Kazakh catalog's.
      const data = lower(
        [...Object.values(FILES), readFileSync(sampleCohortPath, 'utf8').replace(/#.*$/gm, '')].flatMap((text) =>
          [...text.matchAll(WORD)].map((m) => m[0]),
        ),
      );
      const modelIds = new Set(readdirSync('flows/models').flatMap((f) => f.replace(/\.yaml$/, '').split('-')));
      const russian = lower(catalogWords(ru));
      const kazakh = new Set([...lower(catalogWords(kk))].filter((w) => !russian.has(w) || SHARED.has(w)));
      const leftovers = Object.entries(kazakhOut).flatMap(([name, text]) => {
        const foreign = (text.match(WORD) ?? []).filter(
          (w) => /[А-Яа-яЁё]/.test(w) && !kazakh.has(w.toLowerCase()) && !data.has(w.toLowerCase()),
        );
        // Usernames and model ids are typed as they are; so are the examples the texts give.
        const english = englishWords(text).filter(
          (w) =>
            !w.split('_').every((part) => part === '' || data.has(part.toLowerCase()) || modelIds.has(part)) &&
            !['Telegram', 'IANA', 'aigul_s', 'urban', 'rural', 'd', 'w', 'm'].includes(w),
        );
        return [...new Set([...foreign, ...english])].map((w) => `${name}: ${w}`);
      });
      expect(leftovers).toEqual([]);

      // A few lines whole, as a curator reads them.
      expect(kazakhOut['rows.csv']).toContain('  2-жол: Телефон «555» — телефон нөміріне ұқсамайды\n');
      expect(kazakhOut['rows.csv']).toContain('  3 және 4 жолдар: Телефон +77010000011 екі рет көрсетілген\n');
      expect(kazakhOut['rows.csv']).toContain(
        '  9-жол: Тьютор «Жоқ Тьютор» — FG72-SPRING ағынының тьюторлары арасында табылмады (Жумабаева Салтанат Ерлановна, Ким Виктор Александрович)\n',
      );
      expect(kazakhOut['header.csv']).toContain(
        '  1-жол: «Телефон» (phone) немесе «Telegram» бағаны жоқ: бот тыңдаушыны солар арқылы таниды\n',
      );
      expect(kazakhOut['fields.yaml']).toContain(
        '  cohort.timeZone: «Asia/Nowhere» — IANA уақыт белдеуі күтіледі, мысалы Asia/Almaty немесе Europe/Moscow\n',
      );
      expect(kazakhOut['conflicts.csv']).toContain(
        '  2-жол: бұл — FG72-SPRING ағынының кураторы немесе тьюторы; оны тыңдаушы етіп жазуға болмайды\n',
      );
      expect(kazakhOut['taken.yaml']).toContain(
        '  cohort.code: FG72-SPRING коды басқа бағдарламаның «Поток весна 2026» ағынына тиесілі; басқа cohort.code көрсетіңіз\n',
      );
      // The Russian of the same file, for comparison: the wording staff already know.
      expect(russianOut['rows.csv']).toContain('  строка 2: Телефон «555» — не похоже на номер телефона\n');
    } finally {
      vi.unstubAllEnvs();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
