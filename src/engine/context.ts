// What a step, an action or an option source gets to work with during one inbound event.
import type { Channel } from '../domain/channel.js';
import type { Cohort } from '../domain/cohort.js';
import type { Locale } from '../domain/locale.js';
import type { SupportModelCatalog } from '../support-models/load.js';
import type { Participant } from '../domain/participant.js';
import type { Repositories } from '../domain/repositories.js';
import type { Role } from '../domain/roles.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import type { QuestionnaireCatalog } from '../questionnaires/index.js';
import type { InboundEvent, Outbound, OutboundMessage, PromptOption } from './events.js';
import type { FlowCatalog } from './flows/definition.js';
import type { StaffTools } from './staff-tools.js';
import type { FlowRun, FlowValue, Session, SessionStore } from './sessions.js';

export interface EngineSettings {
  defaultLocale: Locale;
  /** For people not (yet) in a cohort; a cohort's own zone wins. */
  defaultTimeZone: string;
  /** Shown with the consent question: the text the teacher agrees to (else "ask your curator"). */
  privacyPolicyUrl: string | undefined;
  /** Recorded with each consent, so a changed policy can be asked again. */
  privacyPolicyVersion: string;
  /** How long an unfinished inbound message blocks its redelivery (the process died mid-way). */
  staleClaimMs: number;
  /**
   * Channels that only talk to demo cohorts (the sandbox's web chat): their people can join only a
   * demo cohort, and nobody else can join one, so demo and real data never mix.
   */
  demoChannels?: readonly Channel[];
  /** How a channel is called to people ("WhatsApp" for "whatsapp"); the name itself otherwise. */
  channelTitles?: Readonly<Record<string, string>>;
}

export interface Services {
  repos: Repositories;
  sessions: SessionStore;
  questionnaires: QuestionnaireCatalog;
  flows: FlowCatalog;
  /** Support models: their ratings are shown when a rated questionnaire is finished. */
  models?: SupportModelCatalog;
  now: () => Date;
  logger: Logger;
  settings: EngineSettings;
  /** Broadcasts, figures and reports: handed over after the engine is built (Engine.provideStaffTools). */
  staffTools?: () => StaffTools | undefined;
  /** The staff console's one-time login links; absent when the console is off. */
  console?: ConsoleLinks;
  /**
   * Tells the post-course year that one teacher's part of it changed (she joined, came back from
   * /stop): her sends are planned alone, soon, instead of at the next whole-cohort sweep. Handed
   * over once the scheduler is built (Engine.watchTeachers); absent in the sandbox and in tests.
   */
  teacherChanged?: (participantId: string, cohortId?: string) => void;
}

export interface ConsoleLinks {
  /** A fresh single-use URL that logs this person into the console. */
  loginUrl(participantId: string): Promise<string>;
  /** How long a link stays valid. */
  ttlMinutes: number;
}

/** One inbound event being handled: the person, their session, and the replies so far. */
export interface Turn {
  readonly event: InboundEvent;
  readonly session: Session;
  participant?: Participant;
  /** Set when the person's data was deleted or consent refused: the session is removed, not saved. */
  forget: boolean;
  /** Set when the answer just given was refused (and the question asked again). */
  answerRejected: boolean;
  /** Refuses the answer just given, saying why. */
  reject(key: MessageKey, params?: Record<string, string | number>): void;
  readonly services: Services;
  readonly out: Outbound[];
  t: Translate;
  /** Sends to the person who wrote. */
  reply(message: OutboundMessage): void;
  say(key: MessageKey, params?: Record<string, string | number>): void;
  /** Sends to another participant on whatever channel reaches them. */
  notify(participantId: string, text: string): void;
}

export interface ShownOption extends PromptOption {
  /** What is saved when it is chosen: ids shown on buttons stay short (Telegram: 64 bytes). */
  value: string;
}

/** An action's outcome picks the next step through the flow's `on:` map. */
export type Action = (turn: Turn, run: FlowRun) => Promise<string | undefined>;
export type OptionSource = (turn: Turn, run: FlowRun) => Promise<ShownOption[]>;
export type Check = (
  turn: Turn,
  run: FlowRun,
  value: FlowValue,
) => Promise<{ key: MessageKey; params?: Record<string, string | number> } | undefined>;

export interface FlowHandlers {
  actions: Record<string, Action>;
  optionSources: Record<string, OptionSource>;
  checks: Record<string, Check>;
}

/** A cohort the person belongs to, with their role in it. */
export interface Membership {
  cohort: Cohort;
  role: Role;
}
