// The only file I/O of the module: reads questionnaires/*.yaml and questionnaires/archive/*.yaml.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Questionnaire, QuestionnaireCatalog } from './model.js';
import { nameFromSource, parseQuestionnaire } from './parse.js';

export const ARCHIVE_DIR = 'archive';

/** Looks questionnaires up by id and version; built from already validated definitions. */
export function createCatalog(questionnaires: readonly Questionnaire[]): QuestionnaireCatalog {
  const sorted = [...questionnaires].sort((a, b) => (a.id === b.id ? a.version - b.version : a.id < b.id ? -1 : 1));
  const byId = new Map<string, Questionnaire[]>();
  for (const q of sorted) byId.set(q.id, [...(byId.get(q.id) ?? []), q]);
  return {
    get(id, version) {
      const versions = byId.get(id);
      if (!versions) return undefined;
      return version === undefined ? versions[versions.length - 1] : versions.find((q) => q.version === version);
    },
    latest: () => [...byId.values()].map((versions) => versions[versions.length - 1]!),
    all: () => [...sorted],
  };
}

function listYaml(dir: string, errors: string[], shown: (file: string) => string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!entry.isFile()) continue;
    if (entry.name.endsWith('.yml')) errors.push(`${shown(entry.name)}: questionnaire files end in .yaml; rename it`);
    else if (entry.name.endsWith('.yaml')) files.push(entry.name);
  }
  return files;
}

/**
 * Reads and validates every questionnaire under `dir`: current versions in `dir/*.yaml`, older
 * ones in `dir/archive/<id>.v<N>.yaml`. Never throws on bad files; a file with an error is left
 * out of the catalog and every error is returned. `root` is what sources are relative to (the repo,
 * where the bot and the CLI run).
 */
export function loadQuestionnaires(
  dir: string,
  options: { root?: string } = {},
): { catalog: QuestionnaireCatalog; errors: string[] } {
  const root = options.root ?? process.cwd();
  const shown = (path: string) => {
    const rel = relative(root, path);
    return (rel.startsWith('..') ? path : rel).split(sep).join('/');
  };
  const errors: string[] = [];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return { catalog: createCatalog([]), errors: [`${shown(dir)}: no such directory`] };
  }

  const load = (path: string): Questionnaire | undefined => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      errors.push(`${shown(path)}: cannot be read: ${(error as Error).message}`);
      return undefined;
    }
    const result = parseQuestionnaire(shown(path), text);
    errors.push(...result.errors);
    return result.questionnaire;
  };

  const current = new Map<string, Questionnaire>();
  for (const name of listYaml(dir, errors, (f) => shown(join(dir, f)))) {
    const path = join(dir, name);
    if (nameFromSource(name)?.version !== undefined) {
      errors.push(
        `${shown(path)}: a file named <id>.v<N>.yaml is an older version; move it to ${shown(join(dir, ARCHIVE_DIR))}/`,
      );
      continue;
    }
    const q = load(path);
    if (q) current.set(q.id, q);
  }

  const loaded = [...current.values()];
  const archiveDir = join(dir, ARCHIVE_DIR);
  if (existsSync(archiveDir) && statSync(archiveDir).isDirectory()) {
    for (const name of listYaml(archiveDir, errors, (f) => shown(join(archiveDir, f)))) {
      const path = join(archiveDir, name);
      const named = nameFromSource(name);
      if (named?.version === undefined) {
        errors.push(`${shown(path)}: an archive file is named <id>.v<N>.yaml, e.g. exit.v1.yaml`);
        continue;
      }
      const q = load(path);
      if (!q) continue;
      const latest = current.get(q.id);
      if (!latest && !existsSync(join(dir, `${q.id}.yaml`))) {
        errors.push(
          `${q.source}: there is no current version ${shown(join(dir, `${q.id}.yaml`))}; keep the current file even if the questionnaire is no longer sent`,
        );
      } else if (latest && latest.version === q.version) {
        errors.push(
          `${q.source}: version ${q.version} of "${q.id}" is also in ${latest.source}; two files cannot share an id and a version`,
        );
      } else if (latest && q.version > latest.version) {
        errors.push(
          `${q.source}: version ${q.version} is newer than the current version ${latest.version} in ${latest.source}; the current file must have the highest version`,
        );
      } else if (latest) {
        // File names make two archive files with one id and version impossible.
        loaded.push(q);
      }
    }
  }
  return { catalog: createCatalog(loaded), errors };
}
