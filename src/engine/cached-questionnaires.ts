// The questionnaires alone, checked and cached (./content-cache.ts): what the monitoring commands
// (stats, export, report, sample) read. Kept apart from ./index.ts, which loads the whole engine.
import { join } from 'node:path';
import {
  createCatalog,
  loadQuestionnaires,
  type ContentProblem,
  type QuestionnaireCatalog,
} from '../questionnaires/index.js';
import { cachedContent, type ContentCacheOptions, type ContentCacheOutcome } from './content-cache.js';

/** questionnaires/ under `root`; a broken file is left out and its problem returned. */
export function loadCachedQuestionnaires(
  root: string,
  cache: ContentCacheOptions,
): { catalog: QuestionnaireCatalog; errors: ContentProblem[]; cache: ContentCacheOutcome } {
  const {
    value,
    errors,
    cache: outcome,
  } = cachedContent('questionnaires', root, ['questionnaires'], cache, () => {
    const loaded = loadQuestionnaires(join(root, 'questionnaires'), { root });
    return { value: loaded.catalog.all(), errors: loaded.errors };
  });
  return { catalog: createCatalog(value), errors, cache: outcome };
}
