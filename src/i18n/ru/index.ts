import { cli } from './cli.js';
import { config } from './config.js';
import { content } from './content.js';
import { store_open } from './store-open.js';
import { cli_help } from './cli-help.js';
import { cli_text } from './cli-text.js';
import { cli_usage, cli_console } from './cli-usage.js';
import { imports } from './imports.js';
import { common } from './common.js';
import {
  keywords,
  flow,
  onboarding,
  menu,
  questionnaire,
  activity,
  review,
  progress,
  consultation,
  consultations,
  account,
  group,
  broadcast,
  stage,
  plan,
  plans,
  events,
} from './flows.js';
import { monitoring } from './monitoring.js';
import { scheduler } from './scheduler.js';
import { validation } from './validation.js';
import { sandbox } from './sandbox.js';
import { whatsapp } from './whatsapp.js';
import { links } from './links.js';
import { report } from './report.js';
import { consoleLogin } from './console.js';
import { console_ui } from './console-ui.js';

/** The reference catalog: its namespaces and keys define every other locale's. */
export const ru = {
  common,
  validation,
  keywords,
  flow,
  onboarding,
  menu,
  questionnaire,
  activity,
  review,
  progress,
  consultation,
  consultations,
  account,
  group,
  broadcast,
  stage,
  plan,
  plans,
  events,
  monitoring,
  scheduler,
  whatsapp,
  links,
  cli,
  cli_help,
  cli_text,
  cli_usage,
  cli_console,
  imports,
  config,
  content,
  store_open,
  report,
  sandbox,
  console: consoleLogin,
  console_ui,
};
