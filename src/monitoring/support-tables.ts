// The half-year report's tables of individual support: each teacher's plan against what was
// accepted (seeds 000, 001, 003), and the group events announced to the cohorts with who said they
// would come (seed 000 table 1, seed 003 §3.6). Figures as of the report date.
import { formatLocalDate, localDate } from '../domain/calendar.js';
import type { Cohort } from '../domain/cohort.js';
import { isBehindPlan, planVsDone } from '../domain/individual-plan.js';
import type { Repositories } from '../domain/repositories.js';
import { effectivePlan } from '../domain/stage-plan.js';
import { t, type MessageKey } from '../i18n/index.js';
import type { SupportModelCatalog } from '../support-models/load.js';
import type { Table } from './tables.js';

export interface SupportTables {
  plans: Table;
  events: Table;
  attendance: Table;
}

export async function individualSupportTables(
  repos: Repositories,
  cohorts: readonly Cohort[],
  options: { asOf: Date; anonymised: boolean; models?: SupportModelCatalog },
): Promise<SupportTables> {
  const plans: Table = {
    title: 'Индивидуальные планы педагогов',
    headers: ['Педагог', 'Поток', 'Запланировано', 'По плану к дате отчёта', 'Принято', 'Отставание', 'Отстаёт от плана'],
    rows: [],
  };
  const events: Table = { title: 'Групповые мероприятия', headers: ['Поток', 'Дата', 'Время', 'Форма', 'Приглашено', 'Придут', 'Не смогут'], rows: [] };
  const attendance: Table = { title: 'Участие педагогов в групповых мероприятиях', headers: ['Педагог', 'Поток', 'Приглашён', 'Подтвердил участие'], rows: [] };
  let anonymous = 0;
  for (const cohort of cohorts) {
    const today = localDate(options.asOf, cohort.timeZone);
    const plan = effectivePlan(cohort, await repos.programmes.findById(cohort.programmeId));
    const model = plan.model ? options.models?.get(plan.model) : undefined;
    // A model without an individual plan still shows the plans; one activity behind is the smallest margin.
    const margin = model?.individualPlan?.behindBy ?? options.models?.default()?.individualPlan?.behindBy ?? 1;
    const enrollments = (await repos.enrollments.listByCohort(cohort.id)).filter((e) => e.status !== 'withdrawn');
    const people = new Map((await repos.participants.findByIds(enrollments.map((e) => e.participantId))).map((p) => [p.id, p]));
    const names = new Map(
      enrollments.map((e) => {
        const p = people.get(e.participantId);
        return [e.participantId, !options.anonymised && p?.fullName && !p.anonymisedAt ? p.fullName : `Участник № ${++anonymous}`];
      }),
    );
    const activities = await repos.activities.listByCohort(cohort.id);
    const cohortEvents = (await repos.supportEvents.listByCohort(cohort.id)).filter((e) => e.createdAt < options.asOf);
    for (const e of enrollments) {
      const accepted = activities
        .filter((a) => a.participantId === e.participantId && a.status === 'accepted' && (a.reviews.at(-1)?.at ?? a.submittedAt) < options.asOf)
        .map((a) => ({ type: a.type, level: a.level }));
      const state = planVsDone(e.plan, accepted, today);
      if (state.planned > 0) {
        plans.rows.push([names.get(e.participantId)!, cohort.code, state.planned, state.due, state.accepted, state.behind, isBehindPlan(state, margin) ? 'да' : 'нет']);
      }
      const invited = cohortEvents.filter((ev) => ev.invited.includes(e.participantId)).length;
      const confirmed = cohortEvents.filter((ev) => ev.attendance.some((a) => a.participantId === e.participantId && a.answer === 'yes')).length;
      if (invited > 0 || confirmed > 0) attendance.rows.push([names.get(e.participantId)!, cohort.code, invited, confirmed]);
    }
    for (const ev of cohortEvents) {
      events.rows.push([
        cohort.code,
        formatLocalDate(ev.date),
        ev.time,
        t('ru', `events.kind_${ev.kind}` as MessageKey),
        ev.invited.length,
        ev.attendance.filter((a) => a.answer === 'yes').length,
        ev.attendance.filter((a) => a.answer === 'no').length,
      ]);
    }
  }
  const byName = (a: Table['rows'][number], b: Table['rows'][number]) => String(a[1]).localeCompare(String(b[1])) || String(a[0]).localeCompare(String(b[0]), 'ru');
  plans.rows.sort(byName);
  attendance.rows.sort(byName);
  return { plans, events, attendance };
}
