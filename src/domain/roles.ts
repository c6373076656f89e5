import type { Cohort } from './cohort.js';
import type { Participant } from './participant.js';

export const ROLES = ['teacher', 'tutor', 'curator', 'staff'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The strongest role a participant holds for a cohort. Centre staff may act on every cohort;
 * curators and tutors on the cohorts that list them; everybody else is a teacher.
 */
export function roleInCohort(
  participant: Pick<Participant, 'id' | 'isStaff'>,
  cohort: Pick<Cohort, 'curatorIds' | 'tutorIds'>,
): Role {
  if (participant.isStaff) return 'staff';
  if (cohort.curatorIds.includes(participant.id)) return 'curator';
  if (cohort.tutorIds.includes(participant.id)) return 'tutor';
  return 'teacher';
}

const RANK: Record<Role, number> = { teacher: 0, tutor: 1, curator: 2, staff: 3 };

/** Whether `role` carries at least the rights of `required` (staff ⊃ curator ⊃ tutor ⊃ teacher). */
export function hasAtLeast(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}
