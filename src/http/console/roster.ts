// The teachers a viewer may see, with what the console shows about each: stages, activities
// against the required count, open questionnaires, consultations, reachability, last activity.
import type { Activity } from '../../domain/activity.js';
import { localDate } from '../../domain/calendar.js';
import type { Cohort } from '../../domain/cohort.js';
import type { ConsultationRequest } from '../../domain/consultation.js';
import type { Enrollment } from '../../domain/enrollment.js';
import type { Participant } from '../../domain/participant.js';
import type { Repositories } from '../../domain/repositories.js';
import { effectivePlan, openQuestionnaires, requiredActivities } from '../../domain/stage-plan.js';
import { sameSchool, seesCohort, visibleCohorts, type ConsoleViewer } from './viewer.js';

export interface RosterRow {
  participant: Participant;
  cohort: Cohort;
  enrollment: Enrollment;
  activities: Activity[];
  accepted: number;
  required: number;
  /** Questionnaires open today that the teacher has not completed. */
  pendingQuestionnaires: string[];
  openConsultations: number;
  lastActivityAt?: Date;
  /** Behind: fewer accepted activities than the share of the year gone would ask for. */
  behind: boolean;
}

export interface RosterFilter {
  cohortId?: string;
  region?: string;
  organisation?: string;
  /** "2:in_progress" — a stage and its status. */
  stage?: string;
  behind?: boolean;
  query?: string;
}

type RosterRepos = Pick<
  Repositories,
  'cohorts' | 'enrollments' | 'participants' | 'activities' | 'responses' | 'consultations' | 'programmes'
>;

const YEAR_MS = 365 * 86_400_000;

const latest = (dates: (Date | undefined)[]) =>
  dates.reduce<Date | undefined>((a, b) => (b && (!a || b > a) ? b : a), undefined);

export async function roster(
  repos: RosterRepos,
  viewer: ConsoleViewer,
  filter: RosterFilter,
  now: Date,
): Promise<RosterRow[]> {
  const cohorts = (await visibleCohorts(repos, viewer)).filter((c) => !filter.cohortId || c.id === filter.cohortId);
  const rows: RosterRow[] = [];
  for (const cohort of cohorts) {
    const programme = await repos.programmes.findById(cohort.programmeId);
    const plan = effectivePlan(cohort, programme);
    const today = localDate(now, cohort.timeZone);
    const open = openQuestionnaires(plan, cohort, today);
    const enrollments = await repos.enrollments.listByCohort(cohort.id);
    const people = new Map(
      (await repos.participants.findByIds(enrollments.map((e) => e.participantId))).map((p) => [p.id, p]),
    );
    const activities = await repos.activities.listByCohort(cohort.id);
    const responses = await repos.responses.listByCohort(cohort.id);
    const consultations = await repos.consultations.listByCohort(cohort.id);
    // The norm is the cohort's support model's (seed 000: three), not a number of the console's own.
    const required = requiredActivities(plan);
    const yearGone = Math.min(1, Math.max(0, (now.getTime() - cohort.courseEnd.getTime()) / YEAR_MS));
    for (const enrollment of enrollments) {
      const participant = people.get(enrollment.participantId);
      if (!participant || participant.isStaff) continue;
      if (viewer.role === 'school_admin' && !sameSchool(participant.organisation, viewer.organisation)) continue;
      if (viewer.role !== 'school_admin' && !seesCohort(viewer, cohort.id)) continue;
      const own = activities.filter((a) => a.participantId === participant.id);
      const accepted = own.filter((a) => a.status === 'accepted').length;
      const mine = responses.filter((r) => r.participantId === participant.id);
      const done = new Set(
        mine.filter((r) => r.status === 'completed').map((r) => `${r.questionnaireId}|${r.occasion}`),
      );
      const ownConsultations: ConsultationRequest[] = consultations.filter((c) => c.participantId === participant.id);
      const row: RosterRow = {
        participant,
        cohort,
        enrollment,
        activities: own,
        accepted,
        required,
        pendingQuestionnaires: open
          .filter((q) => !done.has(`${q.questionnaireId}|${q.occasion}`))
          .map((q) => q.questionnaireId),
        openConsultations: ownConsultations.filter((c) => c.status !== 'closed').length,
        lastActivityAt: latest([
          ...own.map((a) => a.submittedAt),
          ...mine.map((r) => r.updatedAt),
          ...ownConsultations.flatMap((c) => c.messages.filter((m) => m.fromTeacher).map((m) => m.at)),
        ]),
        behind: accepted < Math.floor(required * yearGone),
      };
      if (matches(row, filter)) rows.push(row);
    }
  }
  return rows.sort((a, b) => (a.participant.fullName ?? '').localeCompare(b.participant.fullName ?? '', 'ru'));
}

function matches(row: RosterRow, filter: RosterFilter): boolean {
  const p = row.participant;
  if (filter.region && p.region !== filter.region) return false;
  if (filter.organisation && !sameSchool(p.organisation, filter.organisation)) return false;
  if (filter.behind && !row.behind) return false;
  if (filter.stage) {
    const [stage, status] = filter.stage.split(':');
    if (!row.enrollment.stages.some((s) => String(s.stage) === stage && s.status === status)) return false;
  }
  if (filter.query) {
    const q = filter.query.toLowerCase();
    if (![p.fullName, p.organisation, p.phone].some((v) => v?.toLowerCase().includes(q))) return false;
  }
  return true;
}
