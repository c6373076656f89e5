import type { FlowHandlers } from '../context.js';
import type { FlowRegistry } from '../flows/load.js';
import { account } from './account.js';
import { activity } from './activity.js';
import { consoleLink } from './console.js';
import { consultation } from './consultation.js';
import { links } from './links.js';
import { menu } from './menu.js';
import { onboarding } from './onboarding.js';
import { events } from './events.js';
import { plan } from './plan.js';
import { progress } from './progress.js';
import { review } from './review.js';
import { stage } from './stage.js';
import { staff } from './staff.js';
import { surveys } from './surveys.js';

const parts = [
  onboarding,
  menu,
  surveys,
  activity,
  review,
  progress,
  consultation,
  account,
  stage,
  links,
  staff,
  plan,
  events,
  consoleLink,
];

/** Every action, option source and check the flow files may name. */
export const handlers: FlowHandlers = {
  actions: Object.assign({}, ...parts.map((p) => p.actions)),
  optionSources: Object.assign({}, ...parts.map((p) => ('optionSources' in p ? p.optionSources : {}))),
  checks: Object.assign({}, ...parts.map((p) => ('checks' in p ? p.checks : {}))),
};

export const registry: FlowRegistry = {
  actions: new Set(Object.keys(handlers.actions)),
  optionSources: new Set(Object.keys(handlers.optionSources)),
  checks: new Set(Object.keys(handlers.checks)),
};
