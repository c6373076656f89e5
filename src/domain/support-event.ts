// Group support (seed 000 table 1: seminars, round tables, consultations; seed 003 §3.6: group
// consultations, tutorials, trainings, educational events): a curator or tutor announces one to a
// cohort with its date, time and link; teachers confirm they will attend with one tap.
export const GROUP_EVENT_KINDS = [
  'consultation',
  'seminar',
  'training',
  'tutorial',
  'round_table',
  'educational_event',
] as const;
export type GroupEventKind = (typeof GROUP_EVENT_KINDS)[number];

export const ATTENDANCE_ANSWERS = ['yes', 'no'] as const;
export type AttendanceAnswer = (typeof ATTENDANCE_ANSWERS)[number];

export interface Attendance {
  participantId: string;
  answer: AttendanceAnswer;
  at: Date;
}

export interface SupportEvent {
  id: string;
  cohortId: string;
  kind: GroupEventKind;
  /** Local date and time in the cohort's zone, as announced ("2026-05-14", "15:00"). */
  date: string;
  time: string;
  /** Where it happens online (a video call); absent for one held in person. */
  link?: string;
  createdBy: string;
  createdAt: Date;
  /** Teachers the announcement went to (each once, even when the announcing job runs again). */
  invited: string[];
  /** The last answer of each teacher who answered. */
  attendance: Attendance[];
}

export interface SupportEventInput {
  cohortId: string;
  kind: GroupEventKind;
  date: string;
  time: string;
  link?: string;
  createdBy: string;
  createdAt: Date;
}

export const TIME_PATTERN = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/;

/** "9.30" or "09:30" as "09:30"; undefined when it is not a time of day. */
export function readTime(text: string): string | undefined {
  const m = TIME_PATTERN.exec(text.trim());
  return m ? `${m[1]!.padStart(2, '0')}:${m[2]}` : undefined;
}

/** Teachers who said they will come. */
export function attendees(event: Pick<SupportEvent, 'attendance'>): string[] {
  return event.attendance.filter((a) => a.answer === 'yes').map((a) => a.participantId);
}
