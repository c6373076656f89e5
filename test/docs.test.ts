// The README and .env.example promise every variable of src/config.ts: a new one not documented
// fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url).pathname;
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');

function configVariables(): string[] {
  const source = read('src/config.ts');
  const schema = source.slice(source.indexOf('const envSchema = z.object({'));
  const body = schema.slice(0, schema.indexOf('\n});'));
  return [...body.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
}

describe('documentation', () => {
  it('lists every configuration variable in .env.example and in the README', () => {
    const variables = configVariables();
    expect(variables.length).toBeGreaterThan(20);
    const example = read('.env.example');
    const readme = read('README.md');
    expect(variables.filter((v) => !new RegExp(`^# ${v}=`, 'm').test(example))).toEqual([]);
    expect(variables.filter((v) => !readme.includes(`| \`${v}\` |`))).toEqual([]);
    // One row each: two rows for one variable drift apart and contradict each other.
    expect(variables.filter((v) => readme.split(`| \`${v}\` |`).length > 2)).toEqual([]);
  });

  it('cites no file outside the repository', () => {
    expect(read('README.md')).not.toContain('../shared');
    expect(read('README.md')).toContain('docs/regulations.md');
  });
});
