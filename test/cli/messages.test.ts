// Every CLI command speaks the staff's language: Russian by default, Kazakh when chosen. Mistyped
// options are named, in Russian, with the command's usage; nothing here needs the store.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runCliProcess } from '../support/cli-process.js';
import { runCohortCommand, type Output } from '../../src/cli/commands/cohort.js';
import { runConsoleCommand } from '../../src/cli/commands/console.js';
import { runExportCommand } from '../../src/cli/commands/export.js';
import { runParticipantsCommand } from '../../src/cli/commands/participants.js';
import { runReportCommand } from '../../src/cli/commands/report.js';
import { runSampleCommand } from '../../src/cli/commands/sample.js';
import { runScheduleCommand } from '../../src/cli/commands/schedule.js';
import { runStageCommand } from '../../src/cli/commands/stage.js';
import { runStatsCommand } from '../../src/cli/commands/stats.js';
import { runStoreCommand } from '../../src/cli/commands/store.js';
import { runWhatsappCommand } from '../../src/cli/commands/whatsapp.js';

// The last test starts processes: on a busy two-core machine each takes seconds.
vi.setConfig({ testTimeout: 180_000 });

function capture(locale?: Output['locale']): Output & { text(): string } {
  const lines: string[] = [];
  return {
    out: (t) => lines.push(t),
    err: (t) => lines.push(t),
    ...(locale ? { locale } : {}),
    text: () => lines.join(''),
  };
}

const COMMANDS: [string, (args: string[], io: Output) => Promise<number>][] = [
  ['cohort', runCohortCommand],
  ['participants', runParticipantsCommand],
  ['export', runExportCommand],
  ['stats', runStatsCommand],
  ['sample', runSampleCommand],
  ['report', runReportCommand],
  ['schedule', runScheduleCommand],
  ['whatsapp', runWhatsappCommand],
  ['stage', runStageCommand],
  ['store', runStoreCommand],
  ['console', runConsoleCommand],
];

/** Latin words of three letters or more outside option names, commands, codes and placeholders. */
function englishWords(text: string): string[] {
  const stripped = text
    .replace(/npm run cli -- [^\n]*/g, '')
    .replace(/--?[a-z][\w-]*/g, '')
    .replace(
      /\b(yaml|json|csv|xlsx|md|png|ru|kk|en|id|cohort|programme|direction|region|district|settlementType|organisation|import|show|check|repair|set|delete|create-group|create|sample|stdout|Telegram|WhatsApp|MONGODB_URI|EMBEDDED_STORE_PERSIST|DATA_DIR|QR)\b/gi,
      '',
    )
    .replace(/\S+\.(yaml|csv|json|ts)\b/g, '')
    .replace(/\S*\/\S*/g, '')
    // Command names and the option values staff type.
    .replace(
      /\b(participants|questionnaire|content|flows|questionnaires|whatsapp|export|stats|report|schedule|store|stage|sandbox|config|help|completed|failed|responses|activities|console|add|password|list|disable|enable)\b/g,
      '',
    )
    .replace(/\b(UTF|Windows|Excel|LibreOffice|Google)\b/g, '');
  return stripped.match(/\b[A-Za-z]{3,}\b/g) ?? [];
}

describe('the CLI in Russian', () => {
  it.each(COMMANDS)('%s: a mistyped option is named in Russian, with the usage', async (_name, run) => {
    const io = capture();
    expect(await run(['--bogus'], io)).toBe(2);
    expect(io.text()).toMatch(/^Неизвестный параметр --bogus\n\nИспользование: npm run cli -- /);
    expect(englishWords(io.text())).toEqual([]);
  });

  it.each(COMMANDS.filter(([name]) => name !== 'store'))('%s: --help is Russian', async (_name, run) => {
    const io = capture();
    expect(await run(['--help'], io)).toBe(0);
    expect(io.text()).toMatch(/^Использование: npm run cli -- /);
    expect(englishWords(io.text())).toEqual([]);
  });

  it('says what is missing or wrong, not only the usage', async () => {
    const cases: [(args: string[], io: Output) => Promise<number>, string[], string][] = [
      [runSampleCommand, [], '--size: укажите, сколько респондентов нужно'],
      [runSampleCommand, ['--size', '5'], '--seed: обязателен, чтобы выборку можно было повторить'],
      [runReportCommand, ['--cohort', 'A', '--half', '3', '--year', '2026'], '--half: ожидается 1 или 2'],
      [runParticipantsCommand, ['import', 'x.csv'], 'Укажите поток: --cohort КОД'],
      [runStatsCommand, ['--size', '5'], 'Неизвестный параметр --size'],
      [runExportCommand, ['--format'], 'Параметру --format нужно значение'],
      [runStatsCommand, ['--json=yes'], 'Параметр --json не принимает значения'],
      [runReportCommand, ['extra'], 'Лишний аргумент extra: команда его не принимает'],
    ];
    for (const [run, args, message] of cases) {
      const io = capture();
      expect(await run(args, io)).toBe(2);
      expect(io.text().split('\n')[0]).toBe(message);
    }
  });

  it('speaks Kazakh where chosen', async () => {
    const io = capture('kk');
    expect(await runStatsCommand(['--bogus'], io)).toBe(2);
    expect(io.text()).toMatch(/^Белгісіз параметр --bogus\n/);
  });

  it('cohort import names every problem of a file in one run, a missing field and a wrong kind among them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sputnik-one-pass-'));
    const file = join(dir, 'cohort.yaml');
    writeFileSync(
      file,
      [
        'programme: { title: "Функциональная грамотность", direction: "Общее образование" }',
        'cohort: { title: "Поток", courseStart: [2026-03-02], courseEnd: 2026-02-30 }',
        'curators: [{ name: "Сейткали Айгуль", phone: "+7 701 000 00 01" }]',
        'participants:',
        '  - { name: "Петренко Ольга", phone: "555", tutor: "Нет Такого" }',
        '',
      ].join('\n'),
    );
    try {
      const io = capture();
      expect(await runCohortCommand(['import', file, '--dry-run'], io)).toBe(1);
      expect(io.text()).toBe(
        [
          `Файл ${file} не принят, ничего не записано:`,
          '  programme.code: обязательное поле не заполнено',
          '  cohort.courseStart: ожидается дата в виде ГГГГ-ММ-ДД, например 2026-03-02',
          '  cohort.courseEnd: «2026-02-30» — ожидается дата в виде ГГГГ-ММ-ДД, например 2026-03-02',
          '  participants[0].phone: «555» — не похоже на номер телефона',
          '  participants[0].tutor: «Нет Такого» — нет такого тьютора в списке tutors (укажите его телефон, Telegram или ФИО)',
          '',
        ].join('\n'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('help, config and an unknown command through the real entry point', async () => {
    const cli = (args: string[]) => runCliProcess(args, {}, 120_000);
    const [help, kk, config, unknown] = await Promise.all([
      cli(['help']),
      cli(['--lang', 'kk', 'help']),
      cli(['config']),
      cli(['frobnicate']),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(
      /^Использование: npm run cli -- \[--lang ru\|kk\|en\] <команда> \[параметры\]\n\nКоманды:\n/,
    );
    expect(help.stdout).toContain(
      '  stats                   показатели мониторинга: stats [--cohort КОД] [--by region] [--json] ...',
    );
    expect(englishWords(help.stdout)).toEqual([]);
    expect(kk.stdout).toMatch(/^Қолданылуы: /);
    expect(config.code).toBe(0);
    expect(config.stdout).toMatch(/^Действующие настройки \(секреты скрыты\):\n\{/);
    expect(config.stdout).toContain('"mongodbUri": "(встроенное хранилище)"');
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringMatching(/^Неизвестная команда: frobnicate\n/) });
  });
});
