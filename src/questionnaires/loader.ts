// The only file I/O of the module: reads questionnaires/*.yaml and questionnaires/archive/*.yaml.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileSystemPhrase } from '../i18n/file-system.js';
import { phrase } from '../i18n/index.js';
import type { Questionnaire, QuestionnaireCatalog } from './model.js';
import { nameFromSource, parseQuestionnaire } from './parse.js';
import { fileProblem, shownPath, type ContentProblem } from './problems.js';

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

function listYaml(dir: string, errors: ContentProblem[], shown: (file: string) => string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!entry.isFile()) continue;
    if (entry.name.endsWith('.yml')) errors.push(fileProblem(shown(entry.name), phrase('content.q_yml')));
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
): { catalog: QuestionnaireCatalog; errors: ContentProblem[] } {
  const root = options.root ?? process.cwd();
  const shown = (path: string) => shownPath(root, path);
  const errors: ContentProblem[] = [];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return { catalog: createCatalog([]), errors: [fileProblem(shown(dir), phrase('content.no_dir'))] };
  }

  const load = (path: string): Questionnaire | undefined => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const reason = fileSystemPhrase(error) ?? (error as Error).message;
      errors.push(fileProblem(shown(path), phrase('content.unreadable', { reason })));
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
        fileProblem(shown(path), phrase('content.q_older_in_current', { dir: shown(join(dir, ARCHIVE_DIR)) })),
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
        errors.push(fileProblem(shown(path), phrase('content.q_archive_name')));
        continue;
      }
      const q = load(path);
      if (!q) continue;
      const latest = current.get(q.id);
      if (!latest && !existsSync(join(dir, `${q.id}.yaml`))) {
        errors.push(fileProblem(q.source, phrase('content.q_no_current', { file: shown(join(dir, `${q.id}.yaml`)) })));
      } else if (latest && latest.version === q.version) {
        errors.push(
          fileProblem(
            q.source,
            phrase('content.q_version_twice', { version: q.version, id: q.id, other: latest.source }),
          ),
        );
      } else if (latest && q.version > latest.version) {
        errors.push(
          fileProblem(
            q.source,
            phrase('content.q_version_newer', { version: q.version, current: latest.version, other: latest.source }),
          ),
        );
      } else if (latest) {
        // File names make two archive files with one id and version impossible.
        loaded.push(q);
      }
    }
  }
  return { catalog: createCatalog(loaded), errors };
}
