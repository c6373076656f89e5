// Building the engine from the repository's content (flows/ and questionnaires/) and the store.
import { join } from 'node:path';
import type { Repositories } from '../domain/repositories.js';
import type { Logger } from '../logger.js';
import { loadQuestionnaires, type QuestionnaireCatalog } from '../questionnaires/index.js';
import { handlers, registry } from './actions/index.js';
import type { ConsoleLinks, EngineSettings } from './context.js';
import { createEngine, type Engine } from './engine.js';
import type { FlowCatalog } from './flows/definition.js';
import { loadFlows } from './flows/load.js';
import type { SessionStore } from './sessions.js';
import { loadSupportModels, modelReferenceProblems, type SupportModelCatalog } from '../support-models/load.js';

export type { Engine } from './engine.js';
export type { ConsoleLinks } from './context.js';
export type { InboundEvent, Outbound, OutboundMessage, Address } from './events.js';
export type { BroadcastRequest, StaffTools } from './staff-tools.js';

export interface Content {
  questionnaires: QuestionnaireCatalog;
  flows: FlowCatalog;
  /** Support models (flows/models/*.yaml): one per regulation. */
  models: SupportModelCatalog;
}

/** Reads and validates flows/ and questionnaires/ under `root`; every problem is returned. */
export function loadContent(root: string): { content: Content; errors: string[] } {
  const q = loadQuestionnaires(join(root, 'questionnaires'), { root });
  const f = loadFlows(join(root, 'flows'), registry, root);
  const m = loadSupportModels(join(root, 'flows', 'models'), q.catalog, root);
  const references = m.errors.length === 0 ? modelReferenceProblems(q.catalog, m.catalog) : [];
  return {
    content: { questionnaires: q.catalog, flows: f.catalog, models: m.catalog },
    errors: [...q.errors, ...f.errors, ...m.errors, ...references],
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
