// The half-year report's tables of individual support: each teacher's plan against what was
// accepted (seeds 000, 001, 003), and the group events announced to the cohorts with who said they
// would come (seed 000 table 1, seed 003 §3.6). Figures as of the report date.
import { formatLocalDate, localDate } from '../domain/calendar.js';
import type { Cohort } from '../domain/cohort.js';
import { isBehindPlan, planVsDone } from '../domain/individual-plan.js';
import type { Locale } from '../domain/locale.js';
import type { Repositories } from '../domain/repositories.js';
import type { Response } from '../domain/response.js';
import { effectivePlan } from '../domain/stage-plan.js';
import { t, type MessageKey } from '../i18n/index.js';
import type { QuestionnaireCatalog } from '../questionnaires/index.js';
import { describeDiagnosis, diagnosisCell, latestDiagnoses } from '../support-models/diagnosis.js';
import type { SupportModelCatalog } from '../support-models/load.js';
import { groupBy } from './group-by.js';
import type { Table } from './tables.js';

export interface SupportTables {
  plans: Table;
  events: Table;
  attendance: Table;
  /** Tutor models (seed 003): each teacher's tutor, or «без тьютора», and their diagnosis. Empty elsewhere. */
  tutoring: Table;
}

export async function individualSupportTables(
  repos: Repositories,
  cohorts: readonly Cohort[],
  options: {
    asOf: Date;
    anonymised: boolean;
    models?: SupportModelCatalog;
    locale: Locale;
    questionnaires?: QuestionnaireCatalog;
  },
): Promise<SupportTables> {
  const r = (key: string, params?: Record<string, string | number>) =>
    t(options.locale, `report.${key}` as MessageKey, params);
  const plans: Table = {
    title: r('plans_title'),
    headers: [
      r('h_teacher'),
      r('h_cohort'),
      r('h_planned'),
      r('h_planned_due'),
      r('h_accepted_all'),
      r('h_behind'),
      r('h_behind_plan'),
    ],
    rows: [],
  };
  const events: Table = {
    title: r('events_title'),
    headers: [r('h_cohort'), r('h_date'), r('h_time'), r('h_form'), r('h_invited'), r('h_coming'), r('h_cannot')],
    rows: [],
  };
  const attendance: Table = {
    title: r('attendance_title'),
    headers: [r('h_teacher'), r('h_cohort'), r('h_was_invited'), r('h_confirmed')],
    rows: [],
  };
  const tutoring: Table = {
    title: r('tutoring_title'),
    headers: [r('h_teacher'), r('h_cohort'), r('h_tutor'), r('h_diagnosis')],
    rows: [],
  };
  let anonymous = 0;
  for (const cohort of cohorts) {
    const today = localDate(options.asOf, cohort.timeZone);
    const plan = effectivePlan(cohort, await repos.programmes.findById(cohort.programmeId));
    const model = plan.model ? options.models?.get(plan.model) : undefined;
    // A model without an individual plan still shows the plans; one activity behind is the smallest margin.
    const margin = model?.individualPlan?.behindBy ?? options.models?.default()?.individualPlan?.behindBy ?? 1;
    const enrollments = (await repos.enrollments.listByCohort(cohort.id)).filter((e) => e.status !== 'withdrawn');
    const people = new Map(
      (await repos.participants.findByIds(enrollments.map((e) => e.participantId))).map((p) => [p.id, p]),
    );
    const names = new Map(
      enrollments.map((e) => {
        const p = people.get(e.participantId);
        return [
          e.participantId,
          !options.anonymised && p?.fullName && !p.anonymisedAt ? p.fullName : r('anonymous', { n: ++anonymous }),
        ];
      }),
    );
    const activities = await repos.activities.listByCohort(cohort.id);
    const cohortEvents = (await repos.supportEvents.listByCohort(cohort.id)).filter((e) => e.createdAt < options.asOf);
    // Accepted by the report date, per teacher, in one pass over the cohort's activities.
    const acceptedOf = groupBy(
      activities.filter((a) => a.status === 'accepted' && (a.reviews.at(-1)?.at ?? a.submittedAt) < options.asOf),
      (a) => a.participantId,
    );
    for (const e of enrollments) {
      const accepted = (acceptedOf.get(e.participantId) ?? []).map((a) => ({ type: a.type, level: a.level }));
      const state = planVsDone(e.plan, accepted, today);
      if (state.planned > 0) {
        plans.rows.push([
          names.get(e.participantId)!,
          cohort.code,
          state.planned,
          state.due,
          state.accepted,
          state.behind,
          r(isBehindPlan(state, margin) ? 'yes' : 'no'),
        ]);
      }
      const invited = cohortEvents.filter((ev) => ev.invited.includes(e.participantId)).length;
      const confirmed = cohortEvents.filter((ev) =>
        ev.attendance.some((a) => a.participantId === e.participantId && a.answer === 'yes'),
      ).length;
      if (invited > 0 || confirmed > 0)
        attendance.rows.push([names.get(e.participantId)!, cohort.code, invited, confirmed]);
    }
    if (model && (model.tutorRequired || model.diagnosis)) {
      const tutors = new Map((await repos.participants.findByIds(cohort.tutorIds)).map((p) => [p.id, p]));
      const diagnoses = options.questionnaires
        ? await latestDiagnoses(repos, model, cohort.id, options.asOf)
        : new Map<string, Response>();
      for (const e of enrollments) {
        const tutor = e.tutorId ? (tutors.get(e.tutorId) ?? (await repos.participants.findById(e.tutorId))) : undefined;
        const tutorName = tutor
          ? !options.anonymised && tutor.fullName && !tutor.anonymisedAt
            ? tutor.fullName
            : r('anonymous', { n: ++anonymous })
          : r('no_tutor');
        const diagnosis = diagnoses.get(e.participantId);
        const lines =
          options.questionnaires && diagnosis
            ? describeDiagnosis(model, options.questionnaires, diagnosis, options.locale)
            : [];
        tutoring.rows.push([
          names.get(e.participantId)!,
          cohort.code,
          tutorName,
          model.diagnosis ? (lines.length > 0 ? diagnosisCell(lines) : r('diagnosis_none')) : '—',
        ]);
      }
    }
    for (const ev of cohortEvents) {
      events.rows.push([
        cohort.code,
        formatLocalDate(ev.date),
        ev.time,
        t(options.locale, `events.kind_${ev.kind}` as MessageKey),
        ev.invited.length,
        ev.attendance.filter((a) => a.answer === 'yes').length,
        ev.attendance.filter((a) => a.answer === 'no').length,
      ]);
    }
  }
  const byName = (a: Table['rows'][number], b: Table['rows'][number]) =>
    String(a[1]).localeCompare(String(b[1])) || String(a[0]).localeCompare(String(b[0]), 'ru');
  plans.rows.sort(byName);
  attendance.rows.sort(byName);
  tutoring.rows.sort(byName);
  return { plans, events, attendance, tutoring };
}
