// A stratified sample kept for a survey (seed 001): who was drawn, from which strata, and the
// questionnaire assigned to it, whose invitations the scheduler sends once per member.
import type { Result } from './result.js';

export interface Stratum {
  key: string;
  region: string | null;
  direction: string | null;
  settlementType: string | null;
  population: number;
  /** population × size / total, before rounding. */
  quota: number;
  sampled: number;
}

export interface SampleMember {
  participantId: string;
  cohortId: string;
  /** The stratum's key. */
  stratum: string;
  invitedAt?: Date;
}

export interface SampleAssignment {
  questionnaireId: string;
  occasion: string;
  assignedAt: Date;
  assignedBy: string;
}

export interface NewSample {
  seed: string;
  size: number;
  population: number;
  cohortIds?: readonly string[];
  strata: readonly Stratum[];
  members: readonly Omit<SampleMember, 'invitedAt'>[];
  createdBy: string;
}

export interface SavedSample extends Omit<NewSample, 'members'> {
  id: string;
  members: SampleMember[];
  assignment?: SampleAssignment;
  createdAt: Date;
}

/** A member of an assigned sample not invited yet: the scheduler's work. */
export interface SampleInvitation {
  sampleId: string;
  participantId: string;
  cohortId: string;
  questionnaireId: string;
  occasion: string;
}

export type AssignError = { kind: 'not_found' } | { kind: 'already_assigned'; questionnaireId: string };

export interface SampleRepository {
  create(sample: NewSample): Promise<string>;
  findById(id: string): Promise<SavedSample | undefined>;
  /** Gives the sample its questionnaire, once. */
  assign(id: string, assignment: SampleAssignment): Promise<Result<{ members: number }, AssignError>>;
  pendingInvitations(): Promise<SampleInvitation[]>;
  /** False when the member was already marked (or is not in the sample). */
  markInvited(sampleId: string, participantId: string, at: Date): Promise<boolean>;
}
