// A flow as the engine runs it, after its YAML file has been validated (see load.ts).
import type { Role } from '../../domain/roles.js';
import type { MessageKey } from '../../i18n/index.js';
import type { Question } from '../../questionnaires/index.js';

/** A condition over flow data: `{var, equals}` and friends, combined with all / any / not. */
export type Condition =
  | { var: string; equals: string | number | boolean }
  | { var: string; in: (string | number)[] }
  | { var: string; set: boolean }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

interface StepBase {
  id: string;
  /** Where to go after this step; default: the next step in the file. */
  next?: string;
}

/** Ask a question and keep the answer in `save` (appended to a list when `append`). */
export interface AskStep extends StepBase {
  kind: 'ask';
  /** Question texts are message keys resolved in every language at load time. */
  question: Question;
  /** Option list computed when asked (the menu, a curator's cohorts...), by a registered source. */
  optionsFrom?: string;
  save: string;
  append: boolean;
  /** A registered check run on the parsed answer (e.g. the activity date within the year). */
  check?: string;
}

export interface SayStep extends StepBase {
  kind: 'say';
  text: MessageKey;
  end: boolean;
}

/** Run a registered action; its outcome picks the next step through `on`. */
export interface DoStep extends StepBase {
  kind: 'do';
  action: string;
  on: Record<string, string>;
  end: boolean;
}

export interface IfStep extends StepBase {
  kind: 'if';
  condition: Condition;
  then: string;
  else?: string;
}

export interface GotoStep extends StepBase {
  kind: 'goto';
  target: string;
}

/** Run the questionnaire whose id is in the variable `from` (and occasion in `occasion`). */
export interface QuestionnaireStep extends StepBase {
  kind: 'questionnaire';
  from: string;
}

export interface EndStep extends StepBase {
  kind: 'end';
}

export type Step = AskStep | SayStep | DoStep | IfStep | GotoStep | QuestionnaireStep | EndStep;

export interface Flow {
  id: string;
  /** Who may start it: a teacher who types a curator command gets a polite refusal. */
  roles: Role[];
  /** Show the menu when the flow ends (most flows), or not (onboarding refusal, data deletion). */
  menuAfter: boolean;
  steps: Step[];
  source: string;
}

export interface FlowCatalog {
  get(id: string): Flow | undefined;
  all(): Flow[];
}
