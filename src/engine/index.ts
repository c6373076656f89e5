// Building the engine from the repository's content (flows/ and questionnaires/) and the store.
import { join } from 'node:path';
import type { Repositories } from '../domain/repositories.js';
import type { Logger } from '../logger.js';
import {
  createCatalog,
  loadQuestionnaires,
  type ContentProblem,
  type QuestionnaireCatalog,
} from '../questionnaires/index.js';
import { handlers, registry } from './actions/index.js';
import type { ConsoleLinks, EngineSettings } from './context.js';
import { createEngine, type Engine } from './engine.js';
import type { FlowCatalog } from './flows/definition.js';
import { createFlowCatalog, loadFlows } from './flows/load.js';
import {
  cachedContent,
  NO_CONTENT_CACHE,
  type ContentCacheOptions,
  type ContentCacheOutcome,
} from './content-cache.js';
import type { SessionStore } from './sessions.js';
import {
  createModelCatalog,
  loadSupportModels,
  modelReferenceProblems,
  type SupportModelCatalog,
} from '../support-models/load.js';

export type { Engine } from './engine.js';
export type { ConsoleLinks } from './context.js';
export type { ContentCacheOptions, ContentCacheOutcome } from './content-cache.js';
export type { InboundEvent, Outbound, OutboundMessage, Address } from './events.js';
export type { BroadcastRequest, StaffTools } from './staff-tools.js';

export interface Content {
  questionnaires: QuestionnaireCatalog;
  flows: FlowCatalog;
  /** Support models (flows/models/*.yaml): one per regulation. */
  models: SupportModelCatalog;
}

/**
 * Reads and checks questionnaires/, flows/ and flows/models/ under `root` in full, with no cache:
 * what a start refuses, as data. Files are named relative to `shownFrom` (`content check` names
 * them from where the user stands).
 */
export function readContent(root: string, shownFrom: string = root): { content: Content; errors: ContentProblem[] } {
  const q = loadQuestionnaires(join(root, 'questionnaires'), { root: shownFrom });
  const f = loadFlows(join(root, 'flows'), registry, shownFrom);
  const m = loadSupportModels(join(root, 'flows', 'models'), q.catalog, shownFrom);
  const references = m.errors.length === 0 ? modelReferenceProblems(q.catalog, m.catalog) : [];
  return {
    content: { questionnaires: q.catalog, flows: f.catalog, models: m.catalog },
    errors: [...q.errors, ...f.errors, ...m.errors, ...references],
  };
}

/**
 * Reads and validates flows/ and questionnaires/ under `root`; every problem is returned. With a
 * cache (the compiled build; see content-cache.ts) content that passed before with the same bytes
 * is taken from it; any change is read and validated in full.
 */
export function loadContent(
  root: string,
  cache: ContentCacheOptions = NO_CONTENT_CACHE,
): { content: Content; errors: ContentProblem[]; cache: ContentCacheOutcome } {
  const loaded = cachedContent('content', root, ['flows', 'questionnaires'], cache, () => {
    const { content, errors } = readContent(root);
    return {
      value: { questionnaires: content.questionnaires.all(), flows: content.flows.all(), models: content.models.all() },
      errors,
    };
  });
  const { questionnaires, flows, models } = loaded.value;
  return {
    content: {
      questionnaires: createCatalog(questionnaires),
      flows: createFlowCatalog(flows),
      models: createModelCatalog(models),
    },
    errors: loaded.errors,
    cache: loaded.cache,
  };
}

export interface EngineDeps {
  repos: Repositories;
  sessions: SessionStore;
  content: Content;
  settings: EngineSettings;
  logger: Logger;
  now?: () => Date;
  console?: ConsoleLinks;
}

export function createSputnikEngine(deps: EngineDeps): Engine {
  return createEngine(
    {
      repos: deps.repos,
      sessions: deps.sessions,
      questionnaires: deps.content.questionnaires,
      flows: deps.content.flows,
      models: deps.content.models,
      settings: deps.settings,
      logger: deps.logger,
      now: deps.now ?? (() => new Date()),
      ...(deps.console ? { console: deps.console } : {}),
    },
    handlers,
  );
}
