// What the launcher says before anything is compiled, in the reader's language: staff running the
// CLI read Russian (Kazakh or English where chosen, as in the CLI), operators starting the bot read
// English. The launcher runs for real here, copied where TypeScript cannot be found.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript, run before anything is compiled; it has no type declarations.
import { LAUNCHER_TEXT, launcherLocale } from '../../src/launch-text.mjs';

const text = LAUNCHER_TEXT as Record<'ru' | 'kk' | 'en', Record<string, string>>;
const root = new URL('../../', import.meta.url).pathname;
const copy = mkdtempSync(join(tmpdir(), 'sputnik-launcher-'));
mkdirSync(join(copy, 'src'));
for (const file of ['launch.mjs', 'launch-text.mjs']) copyFileSync(join(root, 'src', file), join(copy, 'src', file));
// A source and no build: the launcher must build, and has nothing to build with.
writeFileSync(join(copy, 'src', 'main.ts'), 'export {};\n');
afterAll(() => rmSync(copy, { recursive: true, force: true }));

function launch(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [join(copy, 'src', 'launch.mjs'), ...args], {
    cwd: copy,
    env: { PATH: process.env.PATH ?? '', HOME: copy, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, stderr: run.stderr };
}

describe('the launcher’s words', () => {
  it('has every line in Russian, Kazakh and English', () => {
    const keys = Object.keys(text.en).sort();
    expect(keys.length).toBeGreaterThan(0);
    for (const locale of ['ru', 'kk'] as const) {
      expect(Object.keys(text[locale]).sort()).toEqual(keys);
      for (const key of keys) expect(text[locale][key]).not.toBe(text.en[key]);
    }
  });

  it('speaks the CLI’s language to staff and English to operators', () => {
    expect(launcherLocale('cli', ['stats'], {})).toBe('ru');
    expect(launcherLocale('cli', ['--lang', 'kk', 'stats'], {})).toBe('kk');
    expect(launcherLocale('cli', ['--lang=en', 'stats'], { CLI_LANG: 'kk' })).toBe('en');
    expect(launcherLocale('cli', ['stats'], { CLI_LANG: 'kk' })).toBe('kk');
    expect(launcherLocale('cli', ['stats'], { CLI_LANG: 'fr' })).toBe('ru');
    expect(launcherLocale('start', [], { CLI_LANG: 'kk' })).toBe('en');
  });

  it('tells staff in Russian, and in Kazakh where chosen, that there is nothing to build with', () => {
    const ru = launch(['cli', 'stats']);
    expect(ru.code).toBe(1);
    expect(ru.stderr).toBe(`sputnik: ${text.ru.no_tsc}\n`);
    expect(ru.stderr).toContain('TypeScript не установлен');
    const kk = launch(['cli', 'stats'], { CLI_LANG: 'kk' });
    expect(kk.stderr).toBe(`sputnik: ${text.kk.no_tsc}\n`);
    const operator = launch(['start']);
    expect(operator.code).toBe(1);
    expect(operator.stderr).toBe(`sputnik: ${text.en.no_tsc}\n`);
  });
});
