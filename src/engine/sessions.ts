// Conversation state, persisted after every step so a restart resumes at the same question.
import type { Channel } from '../domain/channel.js';
import type { Locale } from '../domain/locale.js';

/** A value a flow keeps between steps: plain data only. */
export type FlowValue = string | number | boolean | string[] | null;
export type FlowData = Record<string, FlowValue>;

/**
 * Where a questionnaire run stands. `editing`: the person is changing one answer from the summary,
 * so once it is given the run returns to the summary instead of walking on.
 */
export type QuestionnaireStep =
  /** A question is on screen. */
  | { kind: 'asking'; questionId: string; editing: boolean }
  /** "Other" was chosen for the question: the next text is its free-text detail. */
  | { kind: 'other-text'; questionId: string; editing: boolean }
  /** The summary is on screen, awaiting "send" or "change". */
  | { kind: 'confirming' }
  /** The person is choosing which answer to change. */
  | { kind: 'choosing-edit' };

export interface QuestionnaireRun {
  responseId: string;
  questionnaireId: string;
  version: number;
  /** Absent until the first question is asked. */
  step?: QuestionnaireStep;
  /** Questions answered in this run, in order: "back" walks this list. */
  history: string[];
  /** The support model of the response's cohort when the run began: its questions are asked (questions.models). */
  model?: string;
}

/** The options of the prompt on screen, with the value each one saves. */
export interface ShownOptions {
  stepId: string;
  options: { id: string; label: string; value: string }[];
}

export interface FlowRun {
  flowId: string;
  stepId: string;
  data: FlowData;
  shown?: ShownOptions;
  /** Ask steps passed, in order: "back" walks this list. */
  history: string[];
  questionnaire?: QuestionnaireRun;
}

export interface Session {
  channel: Channel;
  /** The person's id on the channel. */
  userId: string;
  /** The private chat where replies go. */
  chatId: string;
  participantId?: string;
  locale: Locale;
  /** Changes with every prompt sent: a button from an older prompt is recognised as stale. */
  promptRef: number;
  flow?: FlowRun;
  updatedAt: Date;
}

export type ClaimResult = 'new' | 'duplicate';

export interface SessionStore {
  load(channel: Channel, userId: string): Promise<Session | undefined>;
  save(session: Session): Promise<void>;
  delete(channel: Channel, userId: string): Promise<void>;
  /** Every session of a participant (one per channel), e.g. to clear them on "delete my data". */
  deleteForParticipant(participantId: string): Promise<void>;
  /**
   * Records an inbound message id before it is handled. A repeat is 'duplicate' unless the first
   * attempt was claimed more than `staleAfterMs` ago and never completed (the process died).
   */
  claimMessage(channel: Channel, messageId: string, at: Date, staleAfterMs: number): Promise<ClaimResult>;
  completeMessage(channel: Channel, messageId: string): Promise<void>;
}
