import { spawnSync } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';

// These tests start processes: on a busy two-core machine a start can take tens of seconds.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

function cli(...args: string[]) {
  return cliIn([], ...args);
}

/** With the CLI's options before the command (`--lang kk`). */
function cliIn(options: string[], ...args: string[]) {
  const run = spawnSync('node_modules/.bin/tsx', ['src/cli/main.ts', ...options, 'questionnaire', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run cli -- questionnaire check', () => {
  it('passes on the shipped questionnaires and summarises them', () => {
    const { code, stdout, stderr } = cli('check', '--dir', 'questionnaires');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^exit\s+v1\s+действует\s+12 вопросов\s+ru, kk, en\s+questionnaires\/exit\.yaml$/m);
    expect(stdout).toContain('8 анкет, 12 версий, 0 ошибок');
  });

  it('fails on a broken directory with one precise line per error, in Russian', () => {
    const { code, stdout, stderr } = cli('check', '--dir', 'test/fixtures/questionnaires-broken');
    expect(code).toBe(1);
    const dir = 'test/fixtures/questionnaires-broken';
    expect(stderr.trim().split('\n')).toEqual([
      `${dir}/bad-yaml.yaml: строка 8, столбец 3: ошибка в записи YAML: неверный отступ: вложенные поля сдвигаются пробелами одинаково`,
      `${dir}/duplicate-option-ids.yaml: вопрос q1: идентификаторы вариантов должны быть разными («school» повторяется) (строка 11)`,
      `${dir}/forward-showif.yaml: вопрос q2: showIf ссылается на q3, но это не более ранний вопрос (строка 11)`,
      `${dir}/id-mismatch.yaml: id «id-mismatch2» не совпадает с именем файла «id-mismatch.yaml» (строка 1)`,
      `${dir}/min-greater-than-max.yaml: вопрос q1: min (5) больше max (3) (строка 8)`,
      `${dir}/unknown-field.yaml: вопрос q1: неизвестное поле «requierd» (может быть, «required»?) (строка 8)`,
      `${dir}/archive/duplicate-version.v2.yaml: версия 2 анкеты «duplicate-version» есть и в ${dir}/duplicate-version.yaml: у двух файлов не может быть одинаковых id и версии`,
    ]);
    expect(stdout).toContain('1 анкета, 1 версия, 7 ошибок');
  });

  const MANY = 'test/fixtures/questionnaires-many/many.yaml';
  const TYPES = 'single_choice, multiple_choice, likert, number, short_text, long_text, date, link, ranking, yes_no';

  it('names every problem of a file in one pass, in the order of the file', () => {
    const { code, stdout, stderr } = cli('check', '--dir', 'test/fixtures/questionnaires-many');
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      `${MANY}: вопрос q1: неизвестное поле «requierd» (может быть, «required»?) (строка 9)`,
      `${MANY}: вопрос q1: идентификаторы вариантов должны быть разными («school» повторяется) (строка 12)`,
      `${MANY}: вопрос q2: поле min должно быть числом (строка 16)`,
      `${MANY}: вопрос q3: поле text.ru не должно быть пустым (строка 19)`,
      `${MANY}: вопрос q3: min (10) больше max (3) (строка 20)`,
      `${MANY}: вопрос q4: type «likret» — нет такого типа вопроса (может быть, «likert»?); возможные: ${TYPES} (строка 23)`,
      `${MANY}: вопрос q5: showIf ссылается на q6, но это не более ранний вопрос (строка 28)`,
      `${MANY}: вопрос q6: labels: 7 — за пределами шкалы 1–5 (строка 33)`,
      `${MANY}: вопрос q6: идентификатор «q6» уже занят (вопрос №6) (строка 34)`,
      `${MANY}: вопрос q6: поле min должно быть датой в виде гггг-мм-дд, например 2026-03-15 (строка 37)`,
      `${MANY}: вопрос q8: поле options должно содержать не меньше 2 вариантов (строка 42)`,
    ]);
    expect(stdout).toContain('0 анкет, 0 версий, 11 ошибок');
  });

  it('speaks Kazakh with --lang kk and English with --lang en', () => {
    const kk = cliIn(['--lang', 'kk'], 'check', '--dir', 'test/fixtures/questionnaires-many');
    expect(kk.code).toBe(1);
    const lines = kk.stderr.trim().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines.slice(0, 5)).toEqual([
      `${MANY}: q1 сұрағы: белгісіз өріс «requierd» («required» болуы мүмкін бе?) (9-жол)`,
      `${MANY}: q1 сұрағы: нұсқалардың идентификаторлары әртүрлі болуы керек («school» қайталанады) (12-жол)`,
      `${MANY}: q2 сұрағы: min өрісі сан болуы керек (16-жол)`,
      `${MANY}: q3 сұрағы: text.ru өрісі бос болмауы керек (19-жол)`,
      `${MANY}: q3 сұрағы: min (10) max (3) мәнінен үлкен (20-жол)`,
    ]);
    expect(kk.stdout).toContain('0 сауалнама, 0 нұсқа, 11 қате');
    const en = cliIn(['--lang', 'en'], 'check', '--dir', 'test/fixtures/questionnaires-many');
    expect(en.stderr.trim().split('\n')[2]).toBe(`${MANY}: question q2: min must be a number (line 16)`);
  });

  it('lists archived versions of a good directory', () => {
    const { code, stdout } = cli('check', '--dir=test/fixtures/questionnaires-good');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^demo\s+v1\s+в архиве\s+1 вопрос\s+ru\s+test\/fixtures\/questionnaires-good\/archive\/demo\.v1\.yaml$/m,
    );
  });

  it('fails on a missing directory and on bad usage', () => {
    expect(cli('check', '--dir', 'no/such/dir')).toMatchObject({ code: 1, stderr: 'no/such/dir: такой папки нет\n' });
    const bogus = cli('check', '--bogus');
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/^Неизвестный параметр --bogus\n\nИспользование:/);
    expect(cli('frobnicate')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^Неизвестное действие «frobnicate»: есть check\n\nИспользование:/),
    });
    expect(cli('--help')).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^Использование: npm run cli -- questionnaire check/),
    });
  }, 180_000);
});
