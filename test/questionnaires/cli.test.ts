import { spawnSync } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';

// These tests start processes: on a busy two-core machine a start can take tens of seconds.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

function cli(...args: string[]) {
  const run = spawnSync('node_modules/.bin/tsx', ['src/cli/main.ts', 'questionnaire', ...args], {
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

  it('fails on a broken directory with one precise line per error', () => {
    const { code, stdout, stderr } = cli('check', '--dir', 'test/fixtures/questionnaires-broken');
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toContain(
      'test/fixtures/questionnaires-broken/forward-showif.yaml: question q2: showIf refers to q3, which is not an earlier question (line 11)',
    );
    expect(lines).toContain(
      'test/fixtures/questionnaires-broken/unknown-field.yaml: question q1: unknown field "requierd" (did you mean "required"?) (line 8)',
    );
    expect(lines).toHaveLength(7);
    expect(stdout).toContain('1 анкета, 1 версия, 7 ошибок');
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
