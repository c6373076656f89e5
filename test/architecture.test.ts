// The engine decides, adapters render: the channel-agnostic layers must not import channel or
// storage libraries. A scan of the imports enforces it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function imports(path: string): string[] {
  const source = readFileSync(path, 'utf8');
  return [...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
}

const FORBIDDEN = /^(grammy|@grammyjs\/|whatsapp-web\.js|mongoose|mongodb|agenda|@agendajs\/|bson|mingo)/;

describe('architecture', () => {
  it.each(['src/domain', 'src/engine', 'src/questionnaires'])('%s imports no channel, storage or scheduler library, nor the store', (dir) => {
    const offenders = files(join(root, dir)).flatMap((file) =>
      imports(file)
        .filter((spec) => FORBIDDEN.test(spec) || /\/store\//.test(spec) || /\/channels\//.test(spec))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('only config.ts reads the environment', () => {
    const offenders = files(join(root, 'src'))
      .filter((file) => !file.endsWith('src/config.ts'))
      .filter((file) => /process\.env\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });
});
