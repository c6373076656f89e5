// The persistence ports the engine, scheduler and monitoring depend on. Implemented in src/store
// with mongoose; the contract tests in test/store run every implementation against them.
import type {
  Activity,
  ActivityLink,
  ActivityLevel,
  ActivityReview,
  ActivityStatus,
  ActivityType,
  LinkStatus,
} from './activity.js';
import type { AuditEvent } from './audit.js';
import type { Broadcast, Delivery, DeliveryStatus } from './broadcast.js';
import type { Channel } from './channel.js';
import type { Cohort, CohortGroup, CohortStatus } from './cohort.js';
import type { ConsoleAccount, ConsoleSession, ExportJob, LoginLink } from './console.js';
import type { ConsultationMessage, ConsultationRequest, ConsultationStatus } from './consultation.js';
import type { Enrollment, EnrollmentStatus, StageOverrideRecord, StageProgress } from './enrollment.js';
import type { Locale } from './locale.js';
import type { ChannelAddress, Participant, Recipient } from './participant.js';
import type { Programme } from './programme.js';
import type { Answer, Response } from './response.js';
import type { ResultLink, ResultLinkCheck } from './result-link.js';
import type { Result } from './result.js';
import type { SampleRepository } from './sample.js';
import type { ScheduledSend, SendKey, SendStatus } from './scheduled-send.js';
import type { SendRecords } from './send-records.js';
import type { SendingWindow } from './sending-window.js';
import type { StageNumber, StagePlan, StageStatus } from './stage.js';
import type { PlanComment, PlannedActivity } from './individual-plan.js';
import type { AttendanceAnswer, SupportEvent, SupportEventInput } from './support-event.js';

export interface ProgrammeInput {
  code: string;
  title: string;
  direction: string;
  hours?: number;
  stagePlan?: StagePlan;
  /** Only the sandbox's seed sets it. */
  demo?: boolean;
}

export interface ProgrammeRepository {
  /** Fields left out are cleared (the input is the whole record), except a stage plan, which is kept. */
  upsertByCode(input: ProgrammeInput): Promise<{ programme: Programme; created: boolean }>;
  findById(id: string): Promise<Programme | undefined>;
  findByCode(code: string): Promise<Programme | undefined>;
  list(): Promise<Programme[]>;
}

export interface CohortInput {
  code: string;
  programmeId: string;
  title: string;
  courseStart: Date;
  courseEnd: Date;
  timeZone: string;
  locale: Locale;
  curatorIds?: string[];
  tutorIds?: string[];
  stagePlan?: StagePlan;
  /** Like the stage plan, only ever set on purpose: an input without it keeps the cohort's. */
  sendingWindow?: SendingWindow;
  /** Only the sandbox's seed sets it. */
  demo?: boolean;
}

export type BindGroupError = { kind: 'bound_to_other_cohort'; cohortCode: string };

export interface CohortRepository {
  /** Fields left out are cleared, except the stage plan (kept) and bound groups and status (untouched). */
  upsertByCode(input: CohortInput): Promise<{ cohort: Cohort; created: boolean }>;
  findById(id: string): Promise<Cohort | undefined>;
  findByCode(code: string): Promise<Cohort | undefined>;
  findByGroup(channel: Channel, chatId: string): Promise<Cohort | undefined>;
  listByStatus(status: CohortStatus): Promise<Cohort[]>;
  listByProgramme(programmeId: string): Promise<Cohort[]>;
  /** Gives a cohort a plan of its own (a cohort keeps the plan it runs when its programme's changes). */
  setStagePlan(cohortId: string, plan: StagePlan): Promise<Cohort | undefined>;
  /** Cohorts where the participant is a curator or a tutor. */
  listForStaffMember(participantId: string): Promise<Cohort[]>;
  bindGroup(cohortId: string, group: CohortGroup): Promise<Result<Cohort, BindGroupError>>;
  unbindGroup(cohortId: string, channel: Channel, chatId: string): Promise<boolean>;
  setStatus(cohortId: string, status: CohortStatus): Promise<Cohort | undefined>;
}

/** What creating a person takes: their language, and any identity or profile fields known. */
export type ParticipantInput = Pick<Participant, 'locale'> &
  Partial<
    Pick<
      Participant,
      | 'fullName'
      | 'phone'
      | 'organisation'
      | 'region'
      | 'district'
      | 'settlementType'
      | 'position'
      | 'subject'
      | 'isStaff'
    >
  > & { addresses?: Omit<ChannelAddress, 'unreachableSince'>[] };

/** Addresses change through `linkAddress` only, so that each channel keeps one. */
export type ParticipantProfilePatch = Partial<Omit<ParticipantInput, 'isStaff' | 'addresses'>>;

/** Another participant already holds this phone, or this address (channel + id). */
export type IdentityConflict = { kind: 'identity_taken'; field: 'phone' | 'address' };

export interface ParticipantRepository {
  create(input: ParticipantInput): Promise<Result<Participant, IdentityConflict>>;
  findById(id: string): Promise<Participant | undefined>;
  findByIds(ids: readonly string[]): Promise<Participant[]>;
  /** The same people as the scheduler needs them (name, language, chats, consent, /stop). */
  recipientsByIds(ids: readonly string[]): Promise<Recipient[]>;
  /** Who writes from this chat id on this channel. */
  findByAddress(channel: Channel, id: string): Promise<Participant | undefined>;
  /** The centre's staff (isStaff), e.g. to be told when a channel breaks down. */
  listStaff(): Promise<Participant[]>;
  /** The person who asked for a link code with this hash (expired or not: the caller checks). */
  findByLinkCode(hash: string): Promise<Participant | undefined>;
  setLinkCode(id: string, linkCode: { hash: string; expiresAt: Date } | null): Promise<Participant | undefined>;
  findByPhone(phoneE164: string): Promise<Participant | undefined>;
  /** By username on a channel ("@" and case ignored). */
  findByUsername(channel: Channel, username: string): Promise<Participant | undefined>;
  /**
   * Sets the participant's address on `address.channel`, replacing the one there (its unreachable
   * mark stays only when the id is the same; its username unless a new one is given).
   */
  linkAddress(
    id: string,
    address: Omit<ChannelAddress, 'unreachableSince'>,
  ): Promise<Result<Participant, IdentityConflict> | undefined>;
  updateProfile(id: string, patch: ParticipantProfilePatch): Promise<Result<Participant, IdentityConflict> | undefined>;
  recordConsent(id: string, policyVersion: string, at: Date): Promise<Participant | undefined>;
  withdrawConsent(id: string, at: Date): Promise<Participant | undefined>;
  /** Asked and said no (someone the centre imported): recorded so nothing is sent to them. */
  refuseConsent(id: string, policyVersion: string, at: Date): Promise<Participant | undefined>;
  setRemindersOptOut(id: string, at: Date | null): Promise<Participant | undefined>;
  /** "Delete my data": personal fields removed, the anonymous record kept for aggregates. */
  anonymise(id: string, at: Date): Promise<Participant | undefined>;
  /** The person blocked the bot on that channel; `null` when they write from it again. */
  setUnreachable(id: string, channel: Channel, at: Date | null): Promise<Participant | undefined>;
}

export interface EnrollmentRepository {
  /**
   * Idempotent: enrolling twice returns the existing enrollment. `stages` are the stage numbers of
   * the cohort's plan (src/progress/service.ts enrollInCohort): a new enrollment starts with exactly these.
   */
  enroll(input: {
    participantId: string;
    cohortId: string;
    at: Date;
    tutorId?: string;
    stages: readonly StageNumber[];
  }): Promise<{ enrollment: Enrollment; created: boolean }>;
  findById(id: string): Promise<Enrollment | undefined>;
  find(participantId: string, cohortId: string): Promise<Enrollment | undefined>;
  listByCohort(cohortId: string, status?: EnrollmentStatus): Promise<Enrollment[]>;
  /** The cohort's active teachers and when each joined (what planning needs), or only this one's. */
  activeMembers(cohortId: string, participantId?: string): Promise<{ participantId: string; joinedAt: Date }[]>;
  listByParticipant(participantId: string): Promise<Enrollment[]>;
  setStage(id: string, stage: StageNumber, status: StageStatus, at: Date): Promise<Enrollment | undefined>;
  /** Replaces the stage statuses with an evaluation (stage-progress.ts) and the stage the teacher is in. */
  saveStages(id: string, stages: readonly StageProgress[], currentStage: StageNumber): Promise<Enrollment | undefined>;
  addStageOverride(id: string, override: StageOverrideRecord): Promise<Enrollment | undefined>;
  /** Replaces the planned activities of the teacher's individual plan; comments stay. */
  setPlanItems(id: string, items: readonly PlannedActivity[], at: Date): Promise<Enrollment | undefined>;
  addPlanComment(id: string, comment: PlanComment): Promise<Enrollment | undefined>;
  setStatus(id: string, status: EnrollmentStatus): Promise<Enrollment | undefined>;
  assignTutor(id: string, tutorId: string | null): Promise<Enrollment | undefined>;
}

export interface ResponseKey {
  participantId: string;
  cohortId: string;
  questionnaireId: string;
  occasion: string;
}

/** A questionnaire run as the reports count it: who, which, when, not what was answered. */
export type ResponseRun = Pick<
  Response,
  'participantId' | 'questionnaireId' | 'occasion' | 'status' | 'startedAt' | 'completedAt'
>;

export interface ResponseRepository {
  /** Returns the run for this key, creating it (with this version) if there is none. */
  startOrResume(
    key: ResponseKey & { questionnaireVersion: number; at: Date },
  ): Promise<{ response: Response; created: boolean }>;
  findById(id: string): Promise<Response | undefined>;
  find(key: ResponseKey): Promise<Response | undefined>;
  listInProgress(participantId: string): Promise<Response[]>;
  listByCohort(
    cohortId: string,
    filter?: { questionnaireId?: string; status?: Response['status'] },
  ): Promise<Response[]>;
  /** Every run of the cohort without its answers (what the year's reports count), oldest first. */
  runsByCohort(cohortId: string): Promise<ResponseRun[]>;
  /** Which questionnaire occasions each teacher of the cohort completed (what planning needs, without the answers). */
  completedOccasions(
    cohortId: string,
    participantId?: string,
  ): Promise<{ participantId: string; questionnaireId: string; occasion: string }[]>;
  /** Replaces the answer to that question if there is one: answering again never duplicates it. */
  saveAnswer(responseId: string, answer: Answer): Promise<Response | undefined>;
  removeAnswer(responseId: string, questionId: string): Promise<Response | undefined>;
  complete(responseId: string, at: Date): Promise<Response | undefined>;
}

export interface ActivityInput {
  participantId: string;
  cohortId: string;
  type: ActivityType;
  level: ActivityLevel;
  date: Date;
  title: string;
  links: string[];
  note?: string;
  submittedAt: Date;
}

export interface LinkCheckRecord {
  url: string;
  checkedAt: Date;
  reachable: boolean;
  status: LinkStatus;
  httpStatus?: number;
}

export type ReviewError = { kind: 'not_found' } | { kind: 'not_awaiting_review'; status: ActivityStatus };

export interface ActivityRepository {
  submit(input: ActivityInput): Promise<Activity>;
  findById(id: string): Promise<Activity | undefined>;
  listByParticipant(participantId: string, cohortId?: string): Promise<Activity[]>;
  listByCohort(cohortId: string, status?: ActivityStatus): Promise<Activity[]>;
  countAccepted(participantId: string, cohortId: string): Promise<number>;
  /** Accepted activities per teacher of the cohort (teachers with none are absent). */
  acceptedPerTeacher(cohortId: string): Promise<Map<string, number>>;
  /**
   * Activities of the cohort with a link never checked or last checked before `cutoff` (and, with
   * `now`, not waiting for a retry after it).
   */
  listWithLinksDue(cohortId: string, cutoff: Date, now?: Date): Promise<Activity[]>;
  /**
   * Stores a link check on every link of the activity with that URL and counts failures in a row;
   * the link as it now stands, or undefined when the activity or link is gone (resubmitted meanwhile).
   */
  recordLinkCheck(activityId: string, check: LinkCheckRecord): Promise<ActivityLink | undefined>;
  /**
   * A check that got no answer (no network, DNS, timeout): the verdict stays as it was, the attempt
   * is counted and the link waits until `retryAt`. Undefined when the link is gone.
   */
  recordLinkAttempt(activityId: string, url: string, retryAt: Date): Promise<ActivityLink | undefined>;
  /** Puts `newUrl` in place of `oldUrl` (unchecked again); undefined when that link is no longer there. */
  replaceLink(activityId: string, oldUrl: string, newUrl: string): Promise<Activity | undefined>;
  /** Only a submitted activity can be reviewed: two curators cannot both decide. */
  review(id: string, review: ActivityReview): Promise<Result<Activity, ReviewError>>;
  /** Only a returned activity can be resubmitted; it goes back to review. */
  resubmit(
    id: string,
    patch: Partial<Omit<ActivityInput, 'participantId' | 'cohortId'>> & { submittedAt: Date },
  ): Promise<Result<Activity, ReviewError>>;
}

export interface ConsultationInput {
  participantId: string;
  cohortId: string;
  assigneeId?: string;
  topic: string;
  description: string;
  openedAt: Date;
}

export interface ConsultationRepository {
  open(input: ConsultationInput): Promise<ConsultationRequest>;
  findById(id: string): Promise<ConsultationRequest | undefined>;
  addMessage(id: string, message: ConsultationMessage): Promise<ConsultationRequest | undefined>;
  setStatus(id: string, status: ConsultationStatus, at: Date): Promise<ConsultationRequest | undefined>;
  listByAssignee(assigneeId: string, statuses: readonly ConsultationStatus[]): Promise<ConsultationRequest[]>;
  listByCohort(cohortId: string, statuses?: readonly ConsultationStatus[]): Promise<ConsultationRequest[]>;
  listByParticipant(participantId: string): Promise<ConsultationRequest[]>;
  /** A curator takes a request over, or an escalation hands it on. */
  assign(id: string, assigneeId: string): Promise<ConsultationRequest | undefined>;
  /** Open requests opened before `before` and never escalated. */
  listUnescalated(before: Date): Promise<ConsultationRequest[]>;
  /** Marks the request escalated; undefined when it already was (another process did it). */
  markEscalated(id: string, at: Date): Promise<ConsultationRequest | undefined>;
}

export interface BroadcastInput {
  cohortId: string;
  authorId: string;
  text: string;
  link?: string;
  toGroups: boolean;
  toParticipants: boolean;
}

export interface BroadcastRepository {
  create(input: BroadcastInput): Promise<Broadcast>;
  findById(id: string): Promise<Broadcast | undefined>;
  /** Moves a draft to sending with its recipient list; a second call does nothing. */
  startSending(
    id: string,
    deliveries: readonly Omit<Delivery, 'status' | 'at' | 'reason'>[],
  ): Promise<Broadcast | undefined>;
  /** Records one delivery's outcome; returns nothing, so its cost does not grow with the broadcast. */
  recordDelivery(
    id: string,
    channel: Channel,
    chatId: string,
    outcome: { status: DeliveryStatus; reason?: string; at: Date },
  ): Promise<void>;
  /**
   * Moves a pending delivery to `sending` for instance `by`; false when it was not pending any
   * more (another instance claimed it first). Atomic: two instances never both get true.
   */
  claimDelivery(id: string, channel: Channel, chatId: string, by: string, at: Date): Promise<boolean>;
  /** Marks the broadcast done; undefined when it was done already (only one finisher reports). */
  finish(id: string, at: Date): Promise<Broadcast | undefined>;
  listByCohort(cohortId: string, limit?: number): Promise<Broadcast[]>;
  /** Broadcasts a restart interrupted while sending. */
  listSending(): Promise<Broadcast[]>;
}

export interface AuditRepository {
  record(event: Omit<AuditEvent, 'id'>): Promise<AuditEvent>;
  list(filter: {
    subjectType?: string;
    subjectId?: string;
    cohortId?: string;
    action?: string;
    limit?: number;
  }): Promise<AuditEvent[]>;
}

export interface ScheduledSendRepository {
  /**
   * Takes the key before sending: `taken` when a record exists already (sent, being sent by
   * someone else, or failed and waiting for its retry, see `retake`).
   */
  take(send: SendKey & { key: string; dueAt: Date; at: Date }): Promise<'mine' | 'taken'>;
  /** Takes a failed send back for another attempt; false when someone else already did. */
  retake(key: string, attempts: number, at: Date): Promise<boolean>;
  finish(key: string, outcome: { status: Exclude<SendStatus, 'sending'>; at: Date; detail?: string }): Promise<void>;
  listByCohort(cohortId: string): Promise<ScheduledSend[]>;
  /** The cohort's log as planning reads it (optionally one recipient's): outcomes only. */
  recordsByCohort(cohortId: string, recipientId?: string): Promise<SendRecords>;
  /** Taken and never confirmed before `before`: a crash between taking and finishing. */
  countUnconfirmed(before: Date): Promise<number>;
}

/** Which stored answers survive a deletion: choices and numbers do, whatever the person typed does not. */
export type AnswerKept = (answer: {
  questionnaireId: string;
  questionnaireVersion: number;
  questionId: string;
}) => boolean;

/** Another holder of a person's data (a channel's send queue) that a deletion must reach. */
export type PersonEraser = (person: Participant, at: Date) => Promise<void>;

/**
 * «Удалить мои данные»: the person's data removed or anonymised in every collection. What stays is
 * what the aggregates need and identifies nobody once the person's record is anonymised.
 */
export interface ErasureRepository {
  erase(person: Participant, at: Date, answerKept: AnswerKept): Promise<void>;
  /** Channels keep data of their own; each adds how to erase it when it is created. */
  addEraser(eraser: PersonEraser): void;
}

/** Group support events (consultations, seminars, trainings) announced to a cohort, and who comes. */
export interface SupportEventRepository {
  create(input: SupportEventInput): Promise<SupportEvent>;
  findById(id: string): Promise<SupportEvent | undefined>;
  /** Oldest date first. */
  listByCohort(cohortId: string): Promise<SupportEvent[]>;
  /** The cohort's events this teacher has not been invited to yet. */
  listNotInvited(cohortId: string, participantId: string): Promise<SupportEvent[]>;
  /** True only the first time for a teacher: the announcement goes to each once. */
  markInvited(eventId: string, participantId: string): Promise<boolean>;
  /** Records (or changes) a teacher's answer: one per teacher. */
  answer(eventId: string, participantId: string, answer: AttendanceAnswer, at: Date): Promise<SupportEvent | undefined>;
}

export interface ResultLinkInput {
  participantId: string;
  cohortId: string;
  responseId: string;
  questionnaireId: string;
  questionId: string;
  url: string;
  at: Date;
}

/** Links given in questionnaire answers (domain/result-link.ts), one record per answer, and their checks. */
export interface ResultLinkRepository {
  /**
   * One record per (response, question): recording it again with the same URL changes nothing; with
   * another URL (a corrected answer) the link is unchecked again.
   */
  record(input: ResultLinkInput): Promise<ResultLink>;
  findById(id: string): Promise<ResultLink | undefined>;
  listByResponse(responseId: string): Promise<ResultLink[]>;
  listByParticipant(participantId: string, cohortId?: string): Promise<ResultLink[]>;
  listByCohorts(cohortIds: readonly string[]): Promise<ResultLink[]>;
  /**
   * Links of the cohort to check now: never checked or last checked before `cutoff`, and not
   * waiting for a retry after `now`.
   */
  listDue(cohortId: string, cutoff: Date, now: Date): Promise<ResultLink[]>;
  /**
   * Stores a check of the link as it was (`url`); undefined when the link changed meanwhile. An
   * `unknown` result counts an attempt and keeps the last real verdict.
   */
  recordCheck(
    id: string,
    url: string,
    check: ResultLinkCheck,
  ): Promise<{ before: ResultLink; after: ResultLink } | undefined>;
  /** True only the first time in a dead spell: the teacher is told once. */
  markTold(id: string, at: Date): Promise<boolean>;
  /** Puts `newUrl` in place of `oldUrl`, unchecked; undefined when the link is no longer `oldUrl`. */
  replaceUrl(id: string, oldUrl: string, newUrl: string, at: Date): Promise<ResultLink | undefined>;
}

export interface Repositories {
  programmes: ProgrammeRepository;
  resultLinks: ResultLinkRepository;
  cohorts: CohortRepository;
  participants: ParticipantRepository;
  enrollments: EnrollmentRepository;
  supportEvents: SupportEventRepository;
  responses: ResponseRepository;
  activities: ActivityRepository;
  consultations: ConsultationRepository;
  broadcasts: BroadcastRepository;
  audit: AuditRepository;
  scheduledSends: ScheduledSendRepository;
  console: ConsoleRepository;
  consoleExports: ConsoleExportRepository;
  samples: SampleRepository;
  erasure: ErasureRepository;
}

export interface ConsoleAccountInput {
  login: string;
  displayName: string;
  role: ConsoleAccount['role'];
  organisation?: string;
  locale?: ConsoleAccount['locale'];
  passwordHash: string;
  /** null: enabled again. */
  disabledAt?: Date | null;
}

export type AccountError = { kind: 'login_taken' };

export interface ConsoleRepository {
  createAccount(input: ConsoleAccountInput): Promise<Result<ConsoleAccount, AccountError>>;
  /** Replaces the password (and role, name, school) of an existing login. */
  updateAccount(login: string, patch: Partial<Omit<ConsoleAccountInput, 'login'>>): Promise<ConsoleAccount | undefined>;
  findAccountByLogin(login: string): Promise<ConsoleAccount | undefined>;
  findAccountById(id: string): Promise<ConsoleAccount | undefined>;
  listAccounts(): Promise<ConsoleAccount[]>;
  createSession(session: ConsoleSession): Promise<void>;
  /** A session that has not expired at `now`. */
  findSession(tokenHash: string, now: Date): Promise<ConsoleSession | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  createLoginLink(link: Omit<LoginLink, 'usedAt'>): Promise<void>;
  /** Marks the link used and returns it, once: a second call, or an expired link, gives undefined. */
  consumeLoginLink(tokenHash: string, now: Date): Promise<LoginLink | undefined>;
}

export interface ConsoleExportRepository {
  create(
    input: Pick<ExportJob, 'owner' | 'filename' | 'contentType' | 'rows' | 'request' | 'startedAt' | 'expiresAt'>,
  ): Promise<ExportJob>;
  findById(id: string): Promise<ExportJob | undefined>;
  /** Progress and a sign of life of a running job; a finished one is left as it is. */
  progress(id: string, progress: { rowsDone: number; bytes: number; at: Date }): Promise<void>;
  /** The next piece of the file, numbered from 0. */
  appendChunk(id: string, seq: number, data: Buffer): Promise<void>;
  /** A running job ends: done (its file complete) or failed (its pieces dropped). */
  finish(id: string, status: 'done' | 'failed', at: Date): Promise<ExportJob | undefined>;
  /** A running job silent since before `staleBefore` is marked interrupted and its pieces dropped; the job as it now stands. */
  interruptIfStale(id: string, staleBefore: Date, at: Date): Promise<ExportJob | undefined>;
  /** The file of a done job, its pieces in order. */
  body(id: string): Promise<Buffer>;
}
