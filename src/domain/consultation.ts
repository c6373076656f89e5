export const CONSULTATION_STATUSES = ['open', 'answered', 'closed'] as const;
export type ConsultationStatus = (typeof CONSULTATION_STATUSES)[number];

export interface ConsultationMessage {
  authorId: string;
  fromTeacher: boolean;
  text: string;
  at: Date;
}

/** A teacher's request for help, routed to the cohort's tutor or curator and tracked to closure. */
export interface ConsultationRequest {
  id: string;
  participantId: string;
  cohortId: string;
  assigneeId?: string;
  topic: string;
  description: string;
  status: ConsultationStatus;
  messages: ConsultationMessage[];
  openedAt: Date;
  closedAt?: Date;
  /** When an unanswered request was passed to the cohort's curator (once). */
  escalatedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}
