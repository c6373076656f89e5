// The cache of checked content (src/engine/content-cache.ts): a start with unchanged flows and
// questionnaires skips reading them, and any change is read and checked in full, so a bad edit is
// refused exactly as without a cache.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedContent } from '../../src/engine/content-cache.js';
import { loadContent, type Content } from '../../src/engine/index.js';
import { problemWords } from '../../src/questionnaires/index.js';
import { loadConfig } from '../../src/config.js';

const repo = new URL('../../', import.meta.url).pathname;

let root: string;
let cacheDir: string;

beforeEach(() => {
  // A copy of the shipped content, to edit freely.
  root = mkdtempSync(join(tmpdir(), 'sputnik-content-'));
  cpSync(join(repo, 'flows'), join(root, 'flows'), { recursive: true });
  cpSync(join(repo, 'questionnaires'), join(root, 'questionnaires'), { recursive: true });
  cacheDir = join(root, 'data', 'cache');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const cache = (buildId = 'build-1') => ({ dir: cacheDir, buildId });

/** Everything a catalog hands out, as plain data. */
function asData(content: Content) {
  return {
    questionnaires: content.questionnaires.all(),
    latest: content.questionnaires.latest(),
    flows: content.flows.all(),
    onboarding: content.flows.get('onboarding'),
    models: content.models.all(),
    defaultModel: content.models.default(),
  };
}

function edit(file: string, change: (text: string) => string): void {
  const path = join(root, file);
  writeFileSync(path, change(readFileSync(path, 'utf8')));
}

describe('the content cache', () => {
  it('gives, on a hit, exactly the content a full check gives', () => {
    const checked = loadContent(root);
    expect(checked.errors).toEqual([]);
    expect(checked.cache).toBe('off');

    const first = loadContent(root, cache());
    expect(first.cache).toBe('miss');
    expect(readdirSync(cacheDir)).toEqual(['content.bin']);
    const second = loadContent(root, cache());
    expect(second.cache).toBe('hit');
    expect(second.errors).toEqual([]);
    // Strict: the same fields, `undefined` ones included, and plain objects as the check makes them.
    expect(asData(second.content)).toStrictEqual(asData(checked.content));
    expect(asData(first.content)).toStrictEqual(asData(checked.content));
    expect(second.content.questionnaires.get('exit', 1)).toStrictEqual(checked.content.questionnaires.get('exit', 1));
  });

  it('refuses a bad edit made after the content was cached, and keeps the good content cached', () => {
    expect(loadContent(root, cache()).cache).toBe('miss');
    const original = readFileSync(join(root, 'questionnaires/exit.yaml'), 'utf8');
    edit('questionnaires/exit.yaml', (text) => text.replace(/^version: 1$/m, 'version: first'));

    const bad = loadContent(root, cache());
    expect(bad.cache).toBe('miss');
    // The file's own problem, then what names the questionnaire it left out (models, flows).
    expect(problemWords('en')(bad.errors[0]!)).toMatch(/^questionnaires\/exit\.yaml: .*version/);
    expect(bad.content.questionnaires.get('exit')).toBeUndefined();
    // Again: a refused file is never cached, so it is refused every time.
    expect(loadContent(root, cache()).errors).toEqual(bad.errors);

    writeFileSync(join(root, 'questionnaires/exit.yaml'), original);
    expect(loadContent(root, cache()).cache).toBe('hit');
  });

  it('reads and checks again after any change: a flow, a new file, a new build', () => {
    expect(loadContent(root, cache()).cache).toBe('miss');
    expect(loadContent(root, cache()).cache).toBe('hit');

    // A flow naming a message key that does not exist: only a full check finds it.
    edit('flows/help.yaml', (text) => `${text.trimEnd()}\n  - say: menu.no_such_key\n`);
    const bad = loadContent(root, cache());
    expect(bad.cache).toBe('miss');
    expect(bad.errors.map(problemWords('en')).join('\n')).toMatch(
      /flows\/help\.yaml: .*unknown message key "menu\.no_such_key"/,
    );
    cpSync(join(repo, 'flows/help.yaml'), join(root, 'flows/help.yaml'));
    expect(loadContent(root, cache()).cache).toBe('hit');

    // A file the loader reads that was not there when the cache was written.
    const exit = readFileSync(join(root, 'questionnaires/exit.yaml'), 'utf8');
    writeFileSync(join(root, 'questionnaires/exit-copy.yaml'), exit);
    const added = loadContent(root, cache());
    expect(added.cache).toBe('miss');
    expect(added.errors.map(problemWords('en')).join('\n')).toMatch(/exit-copy\.yaml/);
    rmSync(join(root, 'questionnaires/exit-copy.yaml'));

    // Another build may validate differently (new message keys, actions, question types).
    expect(loadContent(root, cache('build-2')).cache).toBe('miss');
    expect(loadContent(root, cache('build-2')).cache).toBe('hit');
  });

  it('treats a damaged or foreign cache file as a miss and checks in full', () => {
    const checked = loadContent(root);
    loadContent(root, cache());
    const file = join(cacheDir, 'content.bin');
    const bytes = readFileSync(file);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    const damaged = loadContent(root, cache());
    expect(damaged.cache).toBe('miss');
    expect(asData(damaged.content)).toStrictEqual(asData(checked.content));

    writeFileSync(file, 'not a cache');
    expect(loadContent(root, cache()).cache).toBe('miss');
    writeFileSync(file, bytes.subarray(0, 40));
    expect(loadContent(root, cache()).cache).toBe('miss');
    expect(loadContent(root, cache()).cache).toBe('hit');
  });

  it('is off without a build (the sources run directly) or without a folder, and never needs one to work', () => {
    expect(loadContent(root, { dir: cacheDir, buildId: undefined }).cache).toBe('off');
    expect(loadContent(root, { dir: undefined, buildId: 'build-1' }).cache).toBe('off');
    // A folder that cannot be made (a file is in the way): no cache, the content still loads.
    writeFileSync(join(root, 'blocked'), '');
    const blocked = loadContent(root, { dir: join(root, 'blocked', 'cache'), buildId: 'build-1' });
    expect(blocked.errors).toEqual([]);
    expect(blocked.content.flows.get('onboarding')).toBeDefined();
  });

  it('keeps a value that is undefined apart from nothing cached', () => {
    const load = () => ({ value: undefined, errors: [] });
    expect(cachedContent('nothing', root, ['flows'], cache(), load).cache).toBe('miss');
    expect(cachedContent('nothing', root, ['flows'], cache(), load)).toEqual({
      value: undefined,
      errors: [],
      cache: 'hit',
    });
  });
});

describe('CONTENT_CACHE_DIR', () => {
  it('defaults to DATA_DIR/cache, takes a folder, and "off" turns the cache off', () => {
    expect(loadConfig({}).contentCacheDir).toBe(join('./data', 'cache'));
    expect(loadConfig({ DATA_DIR: '/srv/sputnik' }).contentCacheDir).toBe('/srv/sputnik/cache');
    expect(loadConfig({ CONTENT_CACHE_DIR: '/var/cache/sputnik' }).contentCacheDir).toBe('/var/cache/sputnik');
    expect(loadConfig({ CONTENT_CACHE_DIR: 'off' }).contentCacheDir).toBeUndefined();
  });
});
