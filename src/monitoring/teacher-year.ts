// Each teacher's post-course year, counted right (issue 10): who is on support in a period (their
// year overlaps it, whatever the import date), accepted activities in the period and over their
// own year to date against the required count, stage statuses with dates, questionnaires due and
// completed, open consultations. One source for the half-year report's tables and the roster and
// activity exports.
import { groupBy } from './group-by.js';
import type { Activity, ActivityStatus } from '../domain/activity.js';
import { addOffset, localDate } from '../domain/calendar.js';
import type { Cohort } from '../domain/cohort.js';
import type { StageProgress } from '../domain/enrollment.js';
import type { Participant } from '../domain/participant.js';
import type { Repositories } from '../domain/repositories.js';
import { effectivePlan, postCourseYear, requiredActivities } from '../domain/stage-plan.js';
import type { StageNumber, StagePlan } from '../domain/stage.js';
import type { Locale } from '../domain/locale.js';
import { t } from '../i18n/index.js';

export interface YearPeriod {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

export interface TeacherYearRow {
  participantId: string;
  cohortId: string;
  cohortCode: string;
  name: string;
  organisation: string;
  region: string;
  settlementType: string;
  /** The post-course year, local dates (inclusive). */
  yearStart: string;
  yearEnd: string;
  stages: StageProgress[];
  acceptedInPeriod: number;
  /** From the start of the teacher's year to the end of the period (or the year, if earlier). */
  acceptedToDate: number;
  returnedToDate: number;
  pendingToDate: number;
  required: number;
  metRequired: boolean;
  questionnairesCompleted: number;
  questionnairesDue: number;
  openConsultations: number;
}

export interface DueQuestionnaire {
  cohortId: string;
  questionnaireId: string;
  occasion: string;
  due: number;
  completed: number;
  /** Names (or numbers when anonymised) of those due who have not completed it. */
  missing: { participantId: string; name: string; cohortCode: string }[];
}

export interface ActivityRow {
  participantId: string;
  cohortCode: string;
  teacher: string;
  activity: Activity;
  /** The last review's comment, if any. */
  comment: string;
}

export interface TeacherYear {
  /** The stage plan of each cohort on support, for the tables' stage columns. */
  plans: StagePlan[];
  teachers: TeacherYearRow[];
  activities: ActivityRow[];
  questionnaires: DueQuestionnaire[];
}

const utcDay = (d: string) => new Date(`${d}T00:00:00Z`);

function inRange(d: Date, from: Date, to: Date): boolean {
  return d >= from && d < to;
}

/** Whether a post-course year [start, end] (local dates, inclusive) overlaps a period. */
export function yearOverlaps(year: { start: string; end: string }, period: YearPeriod): boolean {
  return utcDay(year.start) < period.to && utcDay(addOffset(year.end, '+1d')) > period.from;
}

export async function computeTeacherYear(
  repos: Repositories,
  cohorts: readonly Cohort[],
  period: YearPeriod,
  options: { asOf: Date; anonymised: boolean; locale?: Locale },
): Promise<TeacherYear> {
  const plans: StagePlan[] = [];
  const teachers: TeacherYearRow[] = [];
  const activities: ActivityRow[] = [];
  const questionnaires: DueQuestionnaire[] = [];
  let anonymousNo = 0;
  // biome-ignore lint/complexity/useMathMinMax: Dates; Math.min/max would turn them into numbers.
  const asOf = options.asOf < period.to ? options.asOf : period.to;
  for (const cohort of cohorts) {
    const year = postCourseYear(cohort);
    if (!yearOverlaps(year, period)) continue;
    const programme = await repos.programmes.findById(cohort.programmeId);
    const plan = effectivePlan(cohort, programme);
    plans.push(plan);
    const required = requiredActivities(plan);
    const enrollments = (await repos.enrollments.listByCohort(cohort.id)).filter((e) => e.status !== 'withdrawn');
    const people = new Map(
      (await repos.participants.findByIds(enrollments.map((e) => e.participantId))).map((p) => [p.id, p]),
    );
    const allActivities = await repos.activities.listByCohort(cohort.id);
    // Who ran what and when is all the year counts: the answers are never read here.
    const runs = await repos.responses.runsByCohort(cohort.id);
    const responses = runs.filter((r) => r.status === 'completed');
    const activitiesOf = groupBy(allActivities, (a) => a.participantId);
    const completedOf = groupBy(responses, (r) => r.participantId);
    const consultations = await repos.consultations.listByCohort(cohort.id, ['open', 'answered']);
    const yearFrom = utcDay(year.start);
    const yearTo = utcDay(addOffset(year.end, '+1d'));
    // biome-ignore lint/complexity/useMathMinMax: Dates; Math.min/max would turn them into numbers.
    const toDate = yearTo < period.to ? yearTo : period.to;
    const names = new Map<string, string>();
    const nameOf = (p: Participant | undefined) =>
      !options.anonymised && p?.fullName && !p.anonymisedAt
        ? p.fullName
        : t(options.locale ?? 'ru', 'report.anonymous', { n: ++anonymousNo });
    for (const e of enrollments) names.set(e.participantId, nameOf(people.get(e.participantId)));

    // Questionnaires of the plan due in the period (opened in it, and by the report date).
    const courseEnd = localDate(cohort.courseEnd, cohort.timeZone);
    const dueItems = plan.questionnaires.filter((q) => {
      const opens = utcDay(addOffset(courseEnd, q.offset));
      return opens >= period.from && opens < period.to && opens <= asOf;
    });
    // Questionnaires sent outside the plan (a sample, an ad-hoc run) count those invited: everyone
    // who has a run of it, started in the period.
    const planned = new Set(plan.questionnaires.map((q) => `${q.questionnaireId}|${q.occasion}`));
    const extra = new Map<string, { questionnaireId: string; occasion: string }>();
    for (const r of runs) {
      const key = `${r.questionnaireId}|${r.occasion}`;
      if (!planned.has(key) && inRange(r.startedAt, period.from, period.to))
        extra.set(key, { questionnaireId: r.questionnaireId, occasion: r.occasion });
    }
    for (const item of [...dueItems, ...extra.values()]) {
      const completedBy = new Set(
        responses
          .filter(
            (r) =>
              r.questionnaireId === item.questionnaireId &&
              r.occasion === item.occasion &&
              r.completedAt &&
              r.completedAt < period.to,
          )
          .map((r) => r.participantId),
      );
      questionnaires.push({
        cohortId: cohort.id,
        questionnaireId: item.questionnaireId,
        occasion: item.occasion,
        due: enrollments.length,
        completed: enrollments.filter((e) => completedBy.has(e.participantId)).length,
        missing: enrollments
          .filter((e) => !completedBy.has(e.participantId))
          .map((e) => ({ participantId: e.participantId, name: names.get(e.participantId)!, cohortCode: cohort.code })),
      });
    }

    const dueInCohort = questionnaires.filter((q) => q.cohortId === cohort.id).length;
    for (const e of enrollments) {
      const p = people.get(e.participantId);
      const mine = activitiesOf.get(e.participantId) ?? [];
      const count = (status: ActivityStatus, from: Date, to: Date) =>
        mine.filter((a) => a.status === status && a.date >= from && a.date < to).length;
      const acceptedToDate = count('accepted', yearFrom, toDate);
      const stages = e.stages.map((s) => {
        // A status reached after the period is not the period's: it was not yet so at its end.
        const started = s.startedAt && s.startedAt < period.to ? s.startedAt : undefined;
        const completed = s.completedAt && s.completedAt < period.to ? s.completedAt : undefined;
        const status = completed ? 'completed' : started ? 'in_progress' : 'not_started';
        return {
          stage: s.stage as StageNumber,
          status,
          ...(started ? { startedAt: started } : {}),
          ...(completed ? { completedAt: completed } : {}),
          ...(s.cause ? { cause: s.cause } : {}),
        } as StageProgress;
      });
      teachers.push({
        participantId: e.participantId,
        cohortId: cohort.id,
        cohortCode: cohort.code,
        name: names.get(e.participantId)!,
        organisation: options.anonymised ? '' : (p?.organisation ?? ''),
        region: p?.region ?? '',
        settlementType: p?.settlementType ?? '',
        yearStart: year.start,
        yearEnd: year.end,
        stages,
        // biome-ignore lint/complexity/useMathMinMax: Dates; Math.min/max would turn them into numbers.
        acceptedInPeriod: count('accepted', period.from > yearFrom ? period.from : yearFrom, toDate),
        acceptedToDate,
        returnedToDate: count('returned', yearFrom, toDate),
        pendingToDate: count('submitted', yearFrom, toDate),
        required,
        metRequired: acceptedToDate >= required,
        questionnairesCompleted: (completedOf.get(e.participantId) ?? []).filter(
          (r) => r.completedAt && r.completedAt < period.to,
        ).length,
        questionnairesDue: dueInCohort,
        openConsultations: consultations.filter((c) => c.participantId === e.participantId && c.openedAt < period.to)
          .length,
      });
      for (const a of mine.filter((x) => inRange(x.date, period.from, period.to))) {
        activities.push({
          participantId: e.participantId,
          cohortCode: cohort.code,
          teacher: names.get(e.participantId)!,
          activity: a,
          comment: a.reviews.at(-1)?.comment ?? '',
        });
      }
    }
  }
  teachers.sort((a, b) => a.cohortCode.localeCompare(b.cohortCode) || a.name.localeCompare(b.name, 'ru'));
  activities.sort(
    (a, b) => a.activity.date.getTime() - b.activity.date.getTime() || a.teacher.localeCompare(b.teacher, 'ru'),
  );
  return { plans, teachers, activities, questionnaires };
}
