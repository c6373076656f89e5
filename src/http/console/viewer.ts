// Who is looking, and what they may see and do. Centre staff: everything. A curator or tutor: the
// cohorts that list them (a tutor acts on consultations; a curator also reviews and broadcasts). A
// school administrator: read-only, the teachers whose organisation is their school.
import type { Cohort } from '../../domain/cohort.js';
import type { ConsoleSession } from '../../domain/console.js';
import type { Locale } from '../../domain/locale.js';
import type { Participant } from '../../domain/participant.js';
import type { Repositories } from '../../domain/repositories.js';

/** `locale`: the language of the account or of the curator themself, the console's default for them. */
export type ConsoleViewer =
  | { role: 'staff'; name: string; actor: string; locale: Locale }
  | {
      role: 'curator' | 'tutor';
      name: string;
      actor: string;
      locale: Locale;
      participantId: string;
      cohortIds: string[];
      curatedIds: string[];
    }
  | { role: 'school_admin'; name: string; actor: string; locale: Locale; organisation: string };

export type ConsoleAction = 'review' | 'consult' | 'broadcast' | 'export';

export async function viewerOf(
  repos: Pick<Repositories, 'console' | 'participants' | 'cohorts'>,
  session: ConsoleSession,
): Promise<ConsoleViewer | undefined> {
  const principal = session.principal;
  if (principal.kind === 'account') {
    const account = await repos.console.findAccountById(principal.accountId);
    if (!account || account.disabledAt) return undefined;
    const actor = `account:${account.id}`;
    const locale = account.locale ?? 'ru';
    if (account.role === 'staff') return { role: 'staff', name: account.displayName, actor, locale };
    if (!account.organisation) return undefined;
    return { role: 'school_admin', name: account.displayName, actor, locale, organisation: account.organisation };
  }
  const person = await repos.participants.findById(principal.participantId);
  if (!person || person.anonymisedAt) return undefined;
  const name = person.fullName ?? '—';
  const locale = person.locale;
  if (person.isStaff) return { role: 'staff', name, actor: person.id, locale };
  const cohorts = await repos.cohorts.listForStaffMember(person.id);
  const curatedIds = cohorts.filter((c) => c.curatorIds.includes(person.id)).map((c) => c.id);
  const cohortIds = cohorts.map((c) => c.id);
  // Someone who is no longer curator or tutor anywhere has no business in the console.
  if (cohortIds.length === 0) return undefined;
  return {
    role: curatedIds.length > 0 ? 'curator' : 'tutor',
    name,
    actor: person.id,
    locale,
    participantId: person.id,
    cohortIds,
    curatedIds,
  };
}

/** Whether the viewer sees this cohort at all. School administrators see cohorts through their teachers. */
export function seesCohort(viewer: ConsoleViewer, cohortId: string): boolean {
  if (viewer.role === 'staff') return true;
  if (viewer.role === 'school_admin') return false;
  return viewer.cohortIds.includes(cohortId);
}

export function seesParticipant(
  viewer: ConsoleViewer,
  person: Pick<Participant, 'organisation'>,
  cohortIds: readonly string[],
): boolean {
  if (viewer.role === 'staff') return true;
  if (viewer.role === 'school_admin') return sameSchool(person.organisation, viewer.organisation);
  return cohortIds.some((id) => viewer.cohortIds.includes(id));
}

/** Organisation names are typed by people: compare them without case and extra spaces. */
export function sameSchool(a: string | undefined, b: string): boolean {
  const norm = (s: string) => s.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').replace(/[«»"]/g, '').trim();
  return a !== undefined && norm(a) === norm(b);
}

/** Whether the viewer may act (not just look) on this cohort. */
export function mayAct(viewer: ConsoleViewer, action: ConsoleAction, cohort: Pick<Cohort, 'id'>): boolean {
  if (viewer.role === 'staff') return true;
  if (viewer.role === 'school_admin') return false;
  if (!viewer.cohortIds.includes(cohort.id)) return false;
  if (action === 'consult') return true;
  return viewer.curatedIds.includes(cohort.id);
}

/** The cohorts listed for the viewer. */
export async function visibleCohorts(
  repos: Pick<Repositories, 'cohorts' | 'enrollments' | 'participants'>,
  viewer: ConsoleViewer,
): Promise<Cohort[]> {
  const all = [...(await repos.cohorts.listByStatus('active')), ...(await repos.cohorts.listByStatus('finished'))];
  if (viewer.role === 'staff') return all;
  if (viewer.role !== 'school_admin') return all.filter((c) => viewer.cohortIds.includes(c.id));
  const result: Cohort[] = [];
  for (const cohort of all) {
    const enrolled = await repos.enrollments.listByCohort(cohort.id);
    const people = await repos.participants.findByIds(enrolled.map((e) => e.participantId));
    if (people.some((p) => sameSchool(p.organisation, viewer.organisation))) result.push(cohort);
  }
  return result;
}
