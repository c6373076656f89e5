// Where staff ask the CLI to write: a folder that does not exist yet is made; a path that cannot be
// written is one Russian line naming it and why, with no stack trace and no half-written file.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCohortCommand, type Output } from '../../src/cli/commands/cohort.js';
import { runExportCommand } from '../../src/cli/commands/export.js';
import { runReportCommand } from '../../src/cli/commands/report.js';
import { sampleCohortPath } from '../import/helpers.js';

vi.setConfig({ testTimeout: 120_000 });

function capture(locale?: Output['locale']): Output & { text(): string } {
  const lines: string[] = [];
  return {
    out: (t) => void lines.push(t),
    err: (t) => void lines.push(t),
    ...(locale ? { locale } : {}),
    text: () => lines.join(''),
  };
}

describe('files the CLI writes', () => {
  let dir: string;
  let blocker: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sputnik-cli-out-'));
    vi.stubEnv('MONGODB_URI', '');
    vi.stubEnv('EMBEDDED_STORE_PERSIST', 'true');
    vi.stubEnv('DATA_DIR', join(dir, 'data'));
    vi.stubEnv('INIT_CWD', dir);
    const io = capture();
    expect(await runCohortCommand(['import', sampleCohortPath], io), io.text()).toBe(0);
    // A file where the user's path needs a folder.
    blocker = join(dir, 'notes.txt');
    writeFileSync(blocker, 'not a folder');
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an export into folders that do not exist yet makes them, relative to where the user stands', async () => {
    const io = capture();
    expect(await runExportCommand(['--what', 'participants', '--format', 'csv', '--out', 'out/year/p.csv'], io)).toBe(
      0,
    );
    const file = join(dir, 'out', 'year', 'p.csv');
    expect(io.text()).toContain(`Файл: ${file}; строк: 3`);
    // Header plus the sample cohort's three teachers.
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it.each([
    ['participants', ['--what', 'participants', '--format', 'xlsx']],
    ['responses', ['--format', 'csv']],
  ])('an export of %s to a path through a file says so in one Russian line and leaves nothing', async (_what, args) => {
    const io = capture();
    const target = join(blocker, 'x.out');
    expect(await runExportCommand([...args, '--out', 'notes.txt/x.out'], io)).toBe(1);
    expect(io.text()).toContain(`Не удалось записать ${target}: в пути есть файл там, где должна быть папка\n`);
    expect(io.text()).not.toMatch(/Error|ENOTDIR|at /);
    expect(readFileSync(blocker, 'utf8')).toBe('not a folder');
  });

  it('a report to a folder that cannot be made says which path and why, in Kazakh where chosen', async () => {
    const ru = capture();
    expect(
      await runReportCommand(['--cohort', 'FG72-SPRING', '--half', '2', '--year', '2026', '--out', 'notes.txt/r'], ru),
    ).toBe(1);
    expect(ru.text()).toBe(`Не удалось записать ${join(blocker, 'r')}: в пути есть файл там, где должна быть папка\n`);
    const kk = capture('kk');
    expect(
      await runReportCommand(['--cohort', 'FG72-SPRING', '--half', '2', '--year', '2026', '--out', 'notes.txt/r'], kk),
    ).toBe(1);
    expect(kk.text()).toBe(`${join(blocker, 'r')} жолына жазу мүмкін болмады: жолда бума болуы тиіс жерде файл тұр\n`);
  });

  it('a report into a new folder writes every file it lists', async () => {
    const io = capture();
    expect(
      await runReportCommand(['--cohort', 'FG72-SPRING', '--half', '2', '--year', '2026', '--out', 'reports/h2'], io),
    ).toBe(0);
    const written = join(dir, 'reports', 'h2');
    const listed = /Записано в [^:]+: (.+)\n/.exec(io.text())?.[1]?.split(', ') ?? [];
    expect(listed.length).toBeGreaterThanOrEqual(2);
    expect(readdirSync(written).sort()).toEqual([...listed].sort());
    expect(existsSync(join(written, 'report.xlsx'))).toBe(true);
  });
});
