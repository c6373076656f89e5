// One end-to-end run per command through the real CLI, the embedded store persisted in a temp dir
// so a second run sees the first run's data.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// These tests start processes: on a busy two-core machine a start can take tens of seconds.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });
import { encode1251, readSample, sampleCohortPath, sampleCsvPath } from './helpers.js';

let dataDir: string;
let workDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'sputnik-cli-data-'));
  workDir = mkdtempSync(join(tmpdir(), 'sputnik-cli-files-'));
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(workDir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'node_modules/.bin/tsx',
      ['src/cli/main.ts', ...args],
      {
        env: {
          ...process.env,
          // Empty rather than absent, so a developer's .env cannot point the test at a real server.
          MONGODB_URI: '',
          EMBEDDED_STORE_PERSIST: 'true',
          DATA_DIR: dataDir,
          TELEGRAM_BOT_USERNAME: 'sputnik_test_bot',
          WHATSAPP_PHONE: '+7 701 555 00 00',
          LOG_LEVEL: 'info',
          ...env,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const noStackTrace = (run: Run) => expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('npm run cli -- cohort import', () => {
  it('creates the cohort and prints its code and join links, then changes nothing on a second run', async () => {
    const first = await cli(['cohort', 'import', sampleCohortPath]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Поток FG72-SPRING «Поток весна 2026» создан.');
    expect(first.stdout).toContain('Программа FG-72: создана.');
    expect(first.stdout).toContain('Кураторов: 1, тьюторов: 2, слушателей: 3.');
    expect(first.stdout).toContain('Код потока: FG72-SPRING');
    expect(first.stdout).toContain('Telegram: https://t.me/sputnik_test_bot?start=FG72-SPRING');
    expect(first.stdout).toContain('WhatsApp: https://wa.me/77015550000?text=FG72-SPRING');

    const second = await cli(['cohort', 'import', sampleCohortPath], { TELEGRAM_BOT_USERNAME: '', WHATSAPP_PHONE: '' });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Поток FG72-SPRING «Поток весна 2026» без изменений.');
    expect(second.stdout).toContain('Участники: новых 0, обновлено 0, без изменений 6.');
    expect(second.stdout).toContain('Повторный импорт: всё уже совпадает с файлом, ничего не изменено.');
    expect(second.stdout).toContain('Telegram: ссылка не построена — задайте TELEGRAM_BOT_USERNAME');
    expect(second.stdout).toContain('WhatsApp: ссылка не построена — задайте WHATSAPP_PHONE');
  }, 120_000);

  it('refuses a bad file with the file, the field and the problem, and a non-zero exit code', async () => {
    const bad = join(workDir, 'bad-cohort.yaml');
    writeFileSync(
      bad,
      readSample(sampleCohortPath)
        .replace('courseEnd: 2026-03-20', 'courseEnd: 2026-02-20')
        .replace('"8 777 555 20 02"', '"555"'),
    );
    const run = await cli(['cohort', 'import', bad]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Файл ${bad} не принят, ничего не записано:`);
    expect(run.stderr).toContain(
      'cohort.courseEnd: 2026-02-20 — курс не может закончиться раньше, чем начался (2026-03-02)',
    );
    expect(run.stderr).toContain('tutors[1].phone: «555» — не похоже на номер телефона');
    noStackTrace(run);

    const missing = await cli(['cohort', 'import', join(workDir, 'nope.yaml')]);
    expect(missing).toMatchObject({ code: 1, stderr: `Файл не найден: ${join(workDir, 'nope.yaml')}\n` });
    expect((await cli(['cohort', 'export'])).code).toBe(2);
  }, 120_000);
});

describe('npm run cli -- participants import', () => {
  it('enrolls the teachers of a CSV file into the cohort, then changes nothing on a second run', async () => {
    await cli(['cohort', 'import', sampleCohortPath]);
    const first = await cli(['participants', 'import', '--cohort', 'fg72-spring', sampleCsvPath]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Столбцы не импортируются (неизвестный заголовок): «Примечание»');
    expect(first.stdout).toContain('Поток FG72-SPRING: слушателей в файле 7 (кодировка UTF-8, разделитель «;»).');
    expect(first.stdout).toContain('Участники: новых 7, обновлено 0, без изменений 0.');
    expect(first.stdout).toContain('Зачисление: новых в потоке 7, уже были в потоке 0, назначен тьютор 6.');

    const copy1251 = join(workDir, 'participants-1251.csv');
    writeFileSync(copy1251, encode1251(readSample(sampleCsvPath)));
    const second = await cli(['participants', 'import', '--cohort', 'FG72-SPRING', copy1251]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('(кодировка Windows-1251, разделитель «;»)');
    expect(second.stdout).toContain('Зачисление: новых в потоке 0, уже были в потоке 7, назначен тьютор 0.');
    expect(second.stdout).toContain('Повторный импорт: всё уже совпадает с файлом, ничего не изменено.');

    const edited = join(workDir, 'participants-edited.csv');
    writeFileSync(
      edited,
      readSample(sampleCsvPath).replace('Учитель физики;Физика', 'Учитель физики и астрономии;Физика'),
    );
    const third = await cli(['participants', 'import', '--cohort', 'FG72-SPRING', edited]);
    expect(third.code).toBe(0);
    expect(third.stdout).toContain(
      'Участники: новых 0, обновлено 1, без изменений 6.\n  строка 3, Тулегенов Асхат Мухтарович: должность\n',
    );
  }, 120_000);

  it('refuses a file with a bad row, naming the line, and an unknown cohort', async () => {
    await cli(['cohort', 'import', sampleCohortPath]);
    const bad = join(workDir, 'bad.csv');
    writeFileSync(bad, encode1251('ФИО;Телефон\nНовая Учительница;8 701 555 77 01\nОшибка Телефона;12345\n'));
    const run = await cli(['participants', 'import', '--cohort', 'FG72-SPRING', bad]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `Файл ${bad} не принят, никто не импортирован:\n  строка 3: Телефон «12345» — не похоже на номер телефона`,
    );
    noStackTrace(run);

    const unknown = await cli(['participants', 'import', '--cohort', 'NO-SUCH', sampleCsvPath]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Поток с кодом «NO-SUCH» не найден.');
    noStackTrace(unknown);

    const usage = await cli(['participants', 'import', sampleCsvPath]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--cohort КОД');
  }, 120_000);
});

describe('npm run cli -- export before any answer', () => {
  it('writes a file with the header row only and says so, for answers and activities alike', async () => {
    await cli(['cohort', 'import', sampleCohortPath]);
    for (const what of ['responses', 'activities']) {
      const out = join(workDir, `${what}-empty.csv`);
      const run = await cli(['export', '--what', what, '--format', 'csv', '--cohort', 'FG72-SPRING', '--out', out]);
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(`Файл: ${out}; строк: 0`);
      expect(run.stderr).toContain('Строк пока нет: в файле только строка заголовков.');
      const text = readFileSync(out, 'utf8');
      // The sample cohort's language is Kazakh: the activities' columns are; answers follow --locale (ru).
      expect(text.startsWith(what === 'responses' ? '\uFEFF№;ID участника;' : '\uFEFFПедагог;Ағын;Түрі;')).toBe(true);
      expect(text.split('\r\n').filter(Boolean)).toHaveLength(1);
      noStackTrace(run);
    }
  }, 240_000);
});

describe('npm run cli -- report in the cohort language, or as asked', () => {
  it('writes a Kazakh report for the Kazakh sample cohort, a Russian one with --lang ru, whatever the CLI speaks', async () => {
    await cli(['cohort', 'import', sampleCohortPath]);
    const read = (dir: string) => readFileSync(join(dir, 'report.md'), 'utf8');
    const own = join(workDir, 'report-own');
    const run = await cli(['report', '--cohort', 'FG72-SPRING', '--half', '1', '--year', '2026', '--out', own]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('2026 жылдың бірінші жартыжылдығындағы курстан кейінгі сүйемелдеу туралы есеп');
    expect(read(own)).toContain('## Негізгі көрсеткіштер');
    expect(read(own)).not.toContain('Ключевые показатели');
    const ru = join(workDir, 'report-ru');
    expect(
      (await cli(['report', '--cohort', 'FG72-SPRING', '--half', '1', '--year', '2026', '--lang', 'ru', '--out', ru]))
        .code,
    ).toBe(0);
    expect(read(ru)).toContain('## Ключевые показатели');
    // The CLI in Kazakh does not change the document's language: the cohort's, unless --lang.
    const kk = join(workDir, 'report-kk');
    expect(
      (
        await cli([
          '--lang',
          'kk',
          'report',
          '--cohort',
          'FG72-SPRING',
          '--half',
          '1',
          '--year',
          '2026',
          '--lang',
          'ru',
          '--out',
          kk,
        ])
      ).code,
    ).toBe(0);
    expect(read(kk)).toContain('## Ключевые показатели');
    const bad = await cli(['report', '--cohort', 'FG72-SPRING', '--half', '1', '--year', '2026', '--lang', 'de']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--lang: ожидается ru или kk');
  }, 300_000);
});
