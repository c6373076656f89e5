// `npm run cli` as staff run it: through the launcher, on the build (bundled by esbuild when it
// could be, see src/launch-bundle.mjs). The other CLI tests run the sources; this one checks that the
// build's CLI finds what it loads at run time: the store, the content the build checked, the
// spreadsheet writer and the chart renderer with its fonts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'sputnik-compiled-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(args: string[]) {
  const run = spawnSync(process.execPath, ['src/launch.mjs', 'cli', '--lang', 'en', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the compiled CLI', () => {
  it('computes the figures and writes the half-year report with its spreadsheet and chart', () => {
    const stats = cli(['stats', '--json']);
    expect(stats.stderr).not.toMatch(/error|ошибка/i);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toBeTypeOf('object');

    const out = join(dataDir, 'report');
    const report = cli(['report', '--half', '1', '--year', '2026', '--out', out]);
    expect(report.stderr).not.toMatch(/error|ошибка/i);
    expect(report.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['report.md', 'report.xlsx', 'response-rate.png']);
    // A zip (the workbook) and a PNG (the chart, drawn with the bundled fonts).
    expect(readFileSync(join(out, 'report.xlsx')).subarray(0, 2).toString()).toBe('PK');
    expect(readFileSync(join(out, 'response-rate.png')).subarray(1, 4).toString()).toBe('PNG');
  }, 600_000);
});
