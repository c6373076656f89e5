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
  return [
    ...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm),
    ...source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);
}

const FORBIDDEN = /^(grammy|@grammyjs\/|whatsapp-web\.js|mongoose|mongodb|agenda|@agendajs\/|bson|mingo)/;

describe('architecture', () => {
  it.each(['src/domain', 'src/engine', 'src/questionnaires'])(
    '%s imports no channel, storage or scheduler library, nor the store',
    (dir) => {
      const offenders = files(join(root, dir)).flatMap((file) =>
        imports(file)
          .filter((spec) => FORBIDDEN.test(spec) || /\/store\//.test(spec) || /\/channels\//.test(spec))
          .map((spec) => `${relative(root, file)} imports ${spec}`),
      );
      expect(offenders).toEqual([]);
    },
  );

  it('only config.ts reads the environment', () => {
    const offenders = files(join(root, 'src'))
      .filter((file) => !file.endsWith('src/config.ts'))
      .filter((file) => /process\.env\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });

  // Each module stays on its side of the store: the scheduler and the channels reach it through the
  // domain's repositories, monitoring reads the store's models and keeps no model or collection name
  // of its own, and the CLI and the HTTP API reach monitoring only through its facade.
  const offendersIn = (dir: string, bad: (spec: string) => boolean) =>
    files(join(root, dir)).flatMap((file) =>
      imports(file)
        .filter(bad)
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );

  it('the scheduler reaches the store only through the repositories', () => {
    expect(offendersIn('src/scheduler', (spec) => /\/store\//.test(spec) || /^mongoose$/.test(spec))).toEqual([]);
  });

  // WhatsApp's outbox, login session archive and the CLI's group requests included: a channel keeps
  // no collection, GridFS bucket or Agenda job of its own (domain/channel-storage.ts).
  it('the channels reach the store only through the repositories', () => {
    const storage = (spec: string) =>
      /\/store\//.test(spec) || /^(mongoose|mongodb|bson|agenda|@agendajs\/)/.test(spec);
    const byHand = files(join(root, 'src/channels'))
      .filter((file) => /\.collection\s*[<(]|GridFSBucket|\.define\s*[<(]|agenda\b/i.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect({ imports: offendersIn('src/channels', storage), byHand }).toEqual({ imports: [], byHand: [] });
  });

  // Broadcasts, figures and reports are engine flows: a channel carries the engine's messages and
  // never reaches monitoring, the broadcast service or the staff tools behind those flows.
  it('the channels reach neither monitoring nor broadcasts', () => {
    expect(
      offendersIn('src/channels', (spec) => /\/monitoring\/|\/delivery\/(broadcasts|staff-tools)\.js$/.test(spec)),
    ).toEqual([]);
  });

  it('monitoring reads the store through its models, and defines no model nor collection name itself', () => {
    const reachesIn = offendersIn(
      'src/monitoring',
      (spec) => /\/store\//.test(spec) && !/\/store\/models\/index\.js$/.test(spec),
    );
    const definesModels = files(join(root, 'src/monitoring'))
      .filter((file) => /new Schema\b|\.model\s*[<(]|collection\(\s*['"]/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    const namesCollections = files(join(root, 'src/monitoring'))
      .filter((file) => /from:\s*['"]/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect({ reachesIn, definesModels, namesCollections }).toEqual({
      reachesIn: [],
      definesModels: [],
      namesCollections: [],
    });
  });

  it('the CLI and the HTTP server reach monitoring only through its facade', () => {
    const viaInternals = (spec: string) => /\/monitoring\/(?!index\.js$)/.test(spec);
    expect([...offendersIn('src/cli', viaInternals), ...offendersIn('src/http', viaInternals)]).toEqual([]);
  });
});
