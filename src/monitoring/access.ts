// Who may see what. Staff see every cohort with personal data; a curator sees their own cohorts
// with personal data (they follow those teachers by name); a tutor sees their cohorts' figures and
// anonymised rows only; a teacher sees nothing. The CLI and the HTTP API act as staff: whoever
// holds the database or the API token already holds everything.
import type { Cohort } from '../domain/cohort.js';
import type { Participant } from '../domain/participant.js';
import { err, ok, type Result } from '../domain/result.js';
import type { Repositories } from '../domain/repositories.js';

export type MonitoringRole = 'staff' | 'curator' | 'tutor';

export interface Access {
  role: MonitoringRole;
  /** 'all' for staff; otherwise the cohorts the person curates or tutors. */
  cohortIds: 'all' | readonly string[];
  /** Cohorts whose teachers' names, phones and ids this person may see. */
  personalData: 'all' | ReadonlySet<string>;
}

export const STAFF_ACCESS: Access = { role: 'staff', cohortIds: 'all', personalData: 'all' };

export type AccessError = { kind: 'unknown_person' } | { kind: 'forbidden' };

export function accessFor(
  person: Pick<Participant, 'id' | 'isStaff'>,
  cohorts: readonly Pick<Cohort, 'id' | 'curatorIds' | 'tutorIds'>[],
): Result<Access, AccessError> {
  if (person.isStaff) return ok(STAFF_ACCESS);
  const curated = cohorts.filter((c) => c.curatorIds.includes(person.id)).map((c) => c.id);
  const tutored = cohorts.filter((c) => c.tutorIds.includes(person.id) && !curated.includes(c.id)).map((c) => c.id);
  if (curated.length === 0 && tutored.length === 0) return err({ kind: 'forbidden' });
  return ok({
    role: curated.length > 0 ? 'curator' : 'tutor',
    cohortIds: [...curated, ...tutored],
    personalData: new Set(curated),
  });
}

export async function resolveAccess(
  repos: Pick<Repositories, 'participants' | 'cohorts'>,
  participantId: string,
): Promise<Result<Access, AccessError>> {
  const person = await repos.participants.findById(participantId);
  if (!person) return err({ kind: 'unknown_person' });
  if (person.isStaff) return ok(STAFF_ACCESS);
  return accessFor(person, await repos.cohorts.listForStaffMember(participantId));
}

/** The cohorts an access allows among those asked for (undefined: no cohort filter asked). */
export function allowedCohorts(
  access: Access,
  requested: readonly string[] | undefined,
): readonly string[] | undefined {
  if (access.cohortIds === 'all') return requested;
  if (requested === undefined) return access.cohortIds;
  const allowed = new Set(access.cohortIds);
  return requested.filter((id) => allowed.has(id));
}

export function maySeePersonalData(access: Access, cohortId: string): boolean {
  return access.personalData === 'all' || access.personalData.has(cohortId);
}
