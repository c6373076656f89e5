// The half-year report (seed 001): a summary text report per cohort, programme or the whole
// centre, due 1 June for the first half-year and 1 October for the second. A document the centre
// files, in the cohort's language (Russian or Kazakh, or as asked): every word of it comes from the
// i18n catalogs (report.*, monitoring.*), so a Kazakh report has no Russian heading left.
import type { Answer } from '../domain/response.js';
import { isDeadResultLink, linkVerdict } from '../domain/result-link.js';
import type { SupportModelCatalog } from '../support-models/load.js';
import type { SupportModelFile } from '../support-models/schema.js';
import { computeRating } from '../support-models/rating.js';
import { occasionName, occasionNames } from '../support-models/names.js';
import { PassThrough } from 'node:stream';
import { Types } from 'mongoose';
import { REQUIRED_ACTIVITIES_PER_YEAR } from '../domain/stage.js';
import { effectivePlan, requiredActivities, stageOn } from '../domain/stage-plan.js';
import { localized } from '../questionnaires/index.js';
import { addOffset, formatLocalDate, localDate } from '../domain/calendar.js';
import { ACTIVITY_LEVELS, type LinkStatus } from '../domain/activity.js';
import type { Locale } from '../domain/locale.js';
import { t, type MessageKey } from '../i18n/index.js';
import { computeAggregates, type AggregateDeps, type Aggregates } from './aggregates.js';
import { barChartSvg, renderPng, stackedChartSvg, type Chart } from './charts.js';
import { streamToBuffer, writeWorkbook } from './export.js';
import { stripInvisible } from './sanitize.js';
import type { Scope } from './scope.js';
import { markdownTable, markdownText, percent, round2, summaryTables, type Table } from './tables.js';
import type { Cohort } from '../domain/cohort.js';
import type { Repositories } from '../domain/repositories.js';
import type { CellValue } from './sanitize.js';
import { stageColumns, teacherTables, type ReportLocale, type StageColumn } from './teacher-tables.js';
import { computeTeacherYear, type TeacherYear } from './teacher-year.js';
import { individualSupportTables } from './support-tables.js';
import { toStagePlan, type CohortDoc, type ProgrammeDoc } from '../store/models/index.js';

export interface HalfYearReportRequest {
  cohortId?: string;
  programmeId?: string;
  half: 1 | 2;
  year: number;
  /** Names are shown unless asked otherwise: the report goes to the cohort's curators and the centre. */
  anonymised?: boolean;
  /** The report's language; by default Kazakh when every cohort in it is Kazakh, else Russian. */
  locale?: ReportLocale;
}

export interface HalfYearPeriod {
  /** Inclusive. */
  from: Date;
  /** Exclusive; also the due date. */
  to: Date;
  due: Date;
}

export interface SupportRow {
  teacher: string;
  cohort: string;
  reasons: string[];
}

export interface HalfYearReport {
  title: string;
  locale: ReportLocale;
  /** The key figures as the report shows them (the scheduler puts them in the curators' chat). */
  keyFigures: Table;
  period: HalfYearPeriod;
  markdown: string;
  xlsx: Buffer;
  charts: Chart[];
  aggregates: Aggregates;
  support: SupportRow[];
  /** Per teacher, per activity and per due questionnaire, as the tables show them. */
  year: TeacherYear;
  deadLinks: DeadLinkRow[];
  ratings: RatingReport[];
}

export type ReportError =
  | { kind: 'not_found'; what: 'cohort' | 'programme' }
  | { kind: 'bad_request'; reason: 'year' | 'half' | 'target' };

/** The refusal in the caller's language. */
export function reportErrorText(error: ReportError, locale: Locale, value = ''): string {
  if (error.kind === 'not_found') {
    return t(locale, error.what === 'cohort' ? 'monitoring.cohort_not_found' : 'monitoring.programme_not_found', {
      value,
    });
  }
  return t(locale, `monitoring.report_bad_${error.reason}`);
}

/**
 * The periods run from one due date to the next, so every day is reported once: the first
 * half-year is 1 October of the previous year to 31 May (due 1 June), the second 1 June to
 * 30 September (due 1 October).
 */
export function halfYearPeriod(half: 1 | 2, year: number): HalfYearPeriod {
  const utc = (y: number, m: number) => new Date(Date.UTC(y, m - 1, 1));
  return half === 1
    ? { from: utc(year - 1, 10), to: utc(year, 6), due: utc(year, 6) }
    : { from: utc(year, 6), to: utc(year, 10), due: utc(year, 10) };
}

const dayMonth = (locale: Locale, d: Date) =>
  t(locale, 'report.due_date', {
    day: d.getUTCDate(),
    month: t(locale, `report.month_${d.getUTCMonth() + 1}` as MessageKey),
    year: d.getUTCFullYear(),
  });
const ddmmyyyy = (d: Date) => formatLocalDate(d.toISOString().slice(0, 10));
const pct = (share: number | null) => (share === null ? '—' : `${String(percent(share)).replace('.', ',')} %`);
const STALE_CONSULTATION_DAYS = 14;

interface ReportDeps extends AggregateDeps {
  now?: () => Date;
  /** Each teacher's year (teacher-year.ts): on support, the year rule, due questionnaires, the per-teacher tables. */
  repos: Repositories;
  supportModels?: SupportModelCatalog;
}

export interface RatingRow {
  teacher: string;
  cohort: string;
  /** The rating's total (or its only indicator) per occasion of the rated questionnaire, in schedule order. */
  values: (number | null)[];
  /** Last occasion minus first, when both were given. */
  change: number | null;
}

export interface RatingReport {
  ratingId: string;
  title: string;
  /** The rated questionnaire's occasions, by id; `occasionLabels` names them for people. */
  occasions: string[];
  occasionLabels: string[];
  rows: RatingRow[];
  /** Per cohort: the mean over its teachers of each occasion, and the change. */
  cohorts: { cohort: string; values: (number | null)[]; change: number | null }[];
}

const mean = (xs: readonly number[]) =>
  xs.length === 0 ? null : Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;
const change = (values: readonly (number | null)[]) => {
  const first = values[0];
  const last = values.at(-1);
  return values.length > 1 && typeof first === 'number' && typeof last === 'number'
    ? Math.round((last - first) * 100) / 100
    : null;
};

/** The support models' ratings (seed 002) of the cohorts' completed responses up to `asOf`. */
async function ratingReports(
  deps: ReportDeps,
  cohorts: CohortDoc[],
  programmes: Map<string, ProgrammeDoc>,
  asOf: Date,
  anonymised: boolean,
  locale: Locale,
): Promise<RatingReport[]> {
  if (!deps.supportModels) return [];
  const reports = new Map<string, RatingReport>();
  const numbers = new Map<string, number>();
  for (const cohort of cohorts) {
    const programme = programmes.get(String(cohort.programmeId));
    const plan = effectivePlan(
      { stagePlan: cohort.stagePlan ? toStagePlan(cohort.stagePlan) : undefined },
      { stagePlan: programme?.stagePlan ? toStagePlan(programme.stagePlan) : undefined },
    );
    const model: SupportModelFile | undefined = plan.model ? deps.supportModels.get(plan.model) : undefined;
    for (const rating of model?.ratings ?? []) {
      const occasions = plan.questionnaires
        .filter((q) => q.questionnaireId === rating.questionnaireId)
        .map((q) => q.occasion);
      const report: RatingReport = reports.get(rating.id) ?? {
        ratingId: rating.id,
        title: localized(rating.title, locale),
        occasions,
        occasionLabels: occasions.map((o) => occasionName(locale, plan, o)),
        rows: [],
        cohorts: [],
      };
      reports.set(rating.id, report);
      const responses = await deps.models.response.collection
        .find({
          cohortId: cohort._id,
          questionnaireId: rating.questionnaireId,
          status: 'completed',
          completedAt: { $lt: asOf },
        })
        .toArray();
      const people = new Map(
        (
          await deps.models.participant.collection
            .find(
              { _id: { $in: responses.map((r) => r.participantId) } },
              { projection: { fullName: 1, anonymisedAt: 1 } },
            )
            .toArray()
        ).map((p) => [String(p._id), p]),
      );
      const byTeacher = new Map<string, (number | null)[]>();
      for (const r of responses) {
        const at = report.occasions.indexOf(String(r.occasion));
        if (at < 0) continue;
        const result = computeRating(rating, r.answers as Answer[]);
        const value = result.total?.value ?? result.indicators[0]?.value ?? null;
        const row = byTeacher.get(String(r.participantId)) ?? report.occasions.map(() => null);
        row[at] = value;
        byTeacher.set(String(r.participantId), row);
      }
      const cohortRows: RatingRow[] = [];
      for (const [id, values] of byTeacher) {
        const person = people.get(id);
        if (!numbers.has(id)) numbers.set(id, numbers.size + 1);
        const teacher =
          !anonymised && person?.fullName && !person.anonymisedAt
            ? stripInvisible(String(person.fullName))
            : t(locale, 'report.anonymous', { n: numbers.get(id) ?? 0 });
        cohortRows.push({ teacher, cohort: cohort.code, values, change: change(values) });
      }
      report.rows.push(...cohortRows.sort((a, b) => a.teacher.localeCompare(b.teacher, 'ru')));
      const values = report.occasions.map((_, i) =>
        mean(cohortRows.map((r) => r.values[i]).filter((v): v is number => typeof v === 'number')),
      );
      report.cohorts.push({ cohort: cohort.code, values, change: change(values) });
    }
  }
  return [...reports.values()];
}

/** Who needs support at the end of the period (or now, if earlier), and why. */
async function teachersNeedingSupport(
  deps: ReportDeps,
  cohorts: CohortDoc[],
  programmes: Map<string, ProgrammeDoc>,
  asOf: Date,
  anonymised: boolean,
  locale: Locale,
): Promise<SupportRow[]> {
  const { models } = deps;
  const cohortIds = cohorts.map((c) => c._id);
  const enrollments = await models.enrollment.collection
    .find({ cohortId: { $in: cohortIds }, status: 'active' })
    .toArray();
  const activityCounts = await models.activity.collection
    .aggregate([
      { $match: { cohortId: { $in: cohortIds }, date: { $lt: asOf } } },
      {
        $group: {
          _id: { p: '$participantId', c: '$cohortId' },
          accepted: { $sum: { $cond: [{ $eq: ['$status', 'accepted'] }, 1, 0] } },
          returned: { $sum: { $cond: [{ $eq: ['$status', 'returned'] }, 1, 0] } },
        },
      },
    ])
    .toArray();
  const staleBefore = new Date(asOf.getTime() - STALE_CONSULTATION_DAYS * 86_400_000);
  const stale = await models.consultation.collection
    .aggregate([
      { $match: { cohortId: { $in: cohortIds }, status: 'open', openedAt: { $lt: staleBefore } } },
      { $group: { _id: { p: '$participantId', c: '$cohortId' }, n: { $sum: 1 } } },
    ])
    .toArray();
  const key = (p: unknown, c: unknown) => `${String(p)}:${String(c)}`;
  const acts = new Map(activityCounts.map((a) => [key((a._id as { p: unknown }).p, (a._id as { c: unknown }).c), a]));
  const staleBy = new Map(
    stale.map((s) => [key((s._id as { p: unknown }).p, (s._id as { c: unknown }).c), Number(s.n)]),
  );
  const people = new Map(
    (
      await models.participant.collection
        .find(
          { _id: { $in: enrollments.map((e) => e.participantId) } },
          { projection: { fullName: 1, anonymisedAt: 1 } },
        )
        .toArray()
    ).map((p) => [String(p._id), p]),
  );
  const rows: SupportRow[] = [];
  let no = 0;
  for (const e of enrollments) {
    const cohort = cohorts.find((c) => String(c._id) === String(e.cohortId))!;
    const reasons: string[] = [];
    const courseEnd = localDate(cohort.courseEnd, cohort.timeZone);
    const today = localDate(asOf, cohort.timeZone);
    if (today <= courseEnd) continue;
    let months = 0;
    while (months < 12 && addOffset(courseEnd, `+${months + 1}m`) <= today) months++;
    const programme = programmes.get(String(cohort.programmeId));
    const plan = effectivePlan(
      { stagePlan: cohort.stagePlan ? toStagePlan(cohort.stagePlan) : undefined },
      { stagePlan: programme?.stagePlan ? toStagePlan(programme.stagePlan) : undefined },
    );
    // The plan's required accepted activities in the year, expected at a steady pace.
    const required = requiredActivities(plan);
    const expected = Math.min(required, Math.floor((required * months) / 12));
    const a = acts.get(key(e.participantId, e.cohortId));
    const accepted = Number(a?.accepted ?? 0);
    if (accepted < expected) reasons.push(t(locale, 'report.reason_activities', { accepted, expected }));
    if (Number(a?.returned ?? 0) > 0) reasons.push(t(locale, 'report.reason_returned', { count: Number(a!.returned) }));
    const current = stageOn(plan, { courseEnd: cohort.courseEnd, timeZone: cohort.timeZone }, today);
    const stages = (e.stages as { stage: number; status: string; completedAt?: Date | null }[] | undefined) ?? [];
    for (const s of stages) {
      const done = s.status === 'completed' && (!s.completedAt || s.completedAt < asOf);
      if (s.stage < current && !done) reasons.push(t(locale, 'report.reason_stage', { stage: s.stage, current }));
    }
    const staleCount = staleBy.get(key(e.participantId, e.cohortId));
    if (staleCount)
      reasons.push(t(locale, 'report.reason_consultation', { days: STALE_CONSULTATION_DAYS, count: staleCount }));
    if (reasons.length === 0) continue;
    const person = people.get(String(e.participantId));
    const name =
      !anonymised && person?.fullName && !person.anonymisedAt
        ? stripInvisible(String(person.fullName))
        : t(locale, 'report.anonymous', { n: ++no });
    rows.push({ teacher: name, cohort: cohort.code, reasons });
  }
  return rows.sort((a, b) => a.cohort.localeCompare(b.cohort) || a.teacher.localeCompare(b.teacher, 'ru'));
}

export interface DeadLinkRow {
  teacher: string;
  cohort: string;
  activity: string;
  url: string;
  state: string;
  checkedAt: Date;
}

/**
 * Links whose last check (src/scheduler/link-checks.ts) found them not alive: activities' links, and
 * links given in questionnaire answers found dead (seed 001 wants active links). A link in an answer
 * that no check could reach yet is not among them: it is unchecked, not dead.
 */
async function deadLinks(
  deps: ReportDeps,
  cohorts: CohortDoc[],
  asOf: Date,
  anonymised: boolean,
  locale: Locale,
): Promise<DeadLinkRow[]> {
  const { models } = deps;
  const activities = await models.activity.collection
    .find({
      cohortId: { $in: cohorts.map((c) => c._id) },
      links: { $elemMatch: { reachable: false, checkedAt: { $lt: asOf } } },
    })
    .project({ participantId: 1, cohortId: 1, title: 1, links: 1 })
    .toArray();
  const answers = (await deps.repos.resultLinks.listByCohorts(cohorts.map((c) => c._id.toHexString()))).filter(
    (l) => isDeadResultLink(l) && l.checkedAt !== undefined && l.checkedAt < asOf,
  );
  const people = new Map(
    (
      await models.participant.collection
        .find(
          {
            _id: {
              $in: [
                ...activities.map((a) => a.participantId),
                ...answers.map((l) => new Types.ObjectId(l.participantId)),
              ],
            },
          },
          { projection: { fullName: 1, anonymisedAt: 1 } },
        )
        .toArray()
    ).map((p) => [String(p._id), p]),
  );
  const numbers = new Map<string, number>();
  const teacherOf = (participantId: string) => {
    const person = people.get(participantId);
    if (!numbers.has(participantId)) numbers.set(participantId, numbers.size + 1);
    return !anonymised && person?.fullName && !person.anonymisedAt
      ? stripInvisible(String(person.fullName))
      : t(locale, 'report.anonymous', { n: numbers.get(participantId) ?? 0 });
  };
  const codeOf = (cohortId: string) => cohorts.find((c) => String(c._id) === cohortId)!.code;
  const stateOf = (l: { status?: string; httpStatus?: number }) =>
    t(locale, `links.status_${l.status ?? 'unreachable'}` as MessageKey, { httpStatus: l.httpStatus ?? '' });
  const rows: DeadLinkRow[] = [];
  for (const a of activities) {
    const teacher = teacherOf(String(a.participantId));
    for (const l of a.links as {
      url: string;
      reachable?: boolean;
      checkedAt?: Date;
      status?: string;
      httpStatus?: number;
    }[]) {
      if (l.reachable !== false || !l.checkedAt || l.checkedAt >= asOf) continue;
      // Stored before "no answer" stopped counting as a verdict: could not be checked is not dead.
      if (linkVerdict((l.status ?? 'unreachable') as LinkStatus) === 'unknown') continue;
      rows.push({
        teacher,
        cohort: codeOf(String(a.cohortId)),
        activity: stripInvisible(String(a.title)),
        url: l.url,
        state: stateOf(l),
        checkedAt: l.checkedAt,
      });
    }
  }
  for (const l of answers) {
    const q = deps.catalog.get(l.questionnaireId);
    const activity = t(locale, 'report.dead_link_answer', {
      title: q ? localized(q.title, locale) : l.questionnaireId,
    });
    rows.push({
      teacher: teacherOf(l.participantId),
      cohort: codeOf(l.cohortId),
      activity,
      url: l.url,
      state: stateOf(l),
      checkedAt: l.checkedAt as Date,
    });
  }
  return rows.sort(
    (x, y) =>
      x.cohort.localeCompare(y.cohort) || x.teacher.localeCompare(y.teacher, 'ru') || x.url.localeCompare(y.url),
  );
}

/** The charts the report and /stats share: response rate, and one Likert chart per questionnaire. */
export function aggregateCharts(a: Aggregates, locale: Locale = 'ru'): Chart[] {
  const empty = t(locale, 'monitoring.chart_no_data');
  const rateTitle = t(locale, 'monitoring.chart_response_rate');
  const charts: Chart[] = [
    {
      filename: 'response-rate.png',
      title: rateTitle,
      png: renderPng(
        barChartSvg(
          rateTitle,
          a.responseRate
            .filter((r) => r.group.key === null || a.scope.by === undefined)
            .map((r) => ({
              label: `${r.title} (${r.occasionLabel})`,
              value: r.rate,
              note: t(locale, 'report.chart_note', { completed: r.completed, enrolled: r.enrolled }),
            })),
          empty,
        ),
      ),
    },
  ];
  const byQuestionnaire = new Map<string, typeof a.likert>();
  for (const row of a.likert)
    if (a.scope.by === undefined || row.group.key === null)
      byQuestionnaire.set(row.questionnaireId, [...(byQuestionnaire.get(row.questionnaireId) ?? []), row]);
  for (const [questionnaireId, rows] of byQuestionnaire) {
    const points = Math.max(...rows.map((r) => r.scaleMax));
    const title = t(locale, 'monitoring.chart_likert', {
      title: a.responseRate.find((r) => r.questionnaireId === questionnaireId)?.title ?? questionnaireId,
    });
    charts.push({
      filename: `likert-${questionnaireId}.png`,
      title,
      png: renderPng(
        stackedChartSvg(
          title,
          rows.map((r) => ({
            label: r.text,
            counts: Array.from({ length: points }, (_, i) => r.points.find((p) => p.value === i + 1)?.count ?? 0),
          })),
          points,
          empty,
        ),
      ),
    });
  }
  return charts;
}

export async function buildHalfYearReport(
  deps: ReportDeps,
  request: HalfYearReportRequest,
): Promise<{ ok: true; value: HalfYearReport } | { ok: false; error: ReportError }> {
  if (!Number.isInteger(request.year) || request.year < 2000 || request.year > 2100)
    return { ok: false, error: { kind: 'bad_request', reason: 'year' } };
  if (request.half !== 1 && request.half !== 2) return { ok: false, error: { kind: 'bad_request', reason: 'half' } };
  if (request.cohortId && request.programmeId) return { ok: false, error: { kind: 'bad_request', reason: 'target' } };
  const { models } = deps;
  const idOf = (hex: string) => (Types.ObjectId.isValid(hex) ? new Types.ObjectId(hex) : undefined);
  let cohorts: CohortDoc[];
  let subject: (locale: Locale) => string;
  if (request.cohortId) {
    const id = idOf(request.cohortId);
    const cohort = id && (await models.cohort.findById(id).lean<CohortDoc>());
    if (!cohort) return { ok: false, error: { kind: 'not_found', what: 'cohort' } };
    cohorts = [cohort];
    subject = (locale) => t(locale, 'report.subject_cohort', { code: cohort.code, title: cohort.title });
  } else if (!request.programmeId) {
    const all = await models.cohort.find({}).lean<CohortDoc[]>();
    cohorts = all;
    subject = (locale) => t(locale, 'report.subject_centre', { count: all.length });
  } else {
    const id = idOf(request.programmeId!);
    const programme = id && (await models.programme.findById(id).lean<ProgrammeDoc>());
    if (!programme) return { ok: false, error: { kind: 'not_found', what: 'programme' } };
    const ofProgramme = await models.cohort.find({ programmeId: programme._id }).lean<CohortDoc[]>();
    cohorts = ofProgramme;
    subject = (locale) =>
      t(locale, 'report.subject_programme', {
        code: programme.code,
        title: programme.title,
        count: ofProgramme.length,
      });
  }
  const domainCohorts = (
    await Promise.all(cohorts.map((c) => deps.repos.cohorts.findById(c._id.toHexString())))
  ).filter((c): c is Cohort => c !== undefined);
  const locale: ReportLocale =
    request.locale ?? (domainCohorts.length > 0 && domainCohorts.every((c) => c.locale === 'kk') ? 'kk' : 'ru');
  const r = (key: string, params?: Record<string, string | number>) => t(locale, `report.${key}` as MessageKey, params);
  const programmes = new Map((await models.programme.find({}).lean<ProgrammeDoc[]>()).map((p) => [String(p._id), p]));
  const period = halfYearPeriod(request.half, request.year);
  const now = deps.now?.() ?? new Date();
  // biome-ignore lint/complexity/useMathMinMax: Dates, and Math.min would turn them into numbers.
  const asOf = period.to < now ? period.to : now;
  const anonymised = request.anonymised ?? false;
  const scope: Scope = { cohortIds: cohorts.map((c) => c._id.toHexString()), from: period.from, to: period.to };
  const computed = await computeAggregates(deps, scope, locale);
  const support = await teachersNeedingSupport(deps, cohorts, programmes, asOf, anonymised, locale);
  const dead = await deadLinks(deps, cohorts, asOf, anonymised, locale);
  const ratings = await ratingReports(deps, cohorts, programmes, asOf, anonymised, locale);
  const year = await computeTeacherYear(deps.repos, domainCohorts, period, { asOf: now, anonymised, locale });
  const titles = new Map(deps.catalog.all().map((q) => [q.id, localized(q.title, locale)]));
  const columns = stageColumns(year.plans, locale);
  // Enrollments carry three stage records whatever the plan: the stage table shows the plan's stages, named as the plan names them.
  const aggregates: Aggregates = {
    ...computed,
    stages: computed.stages.flatMap((row) => {
      const column = columns.find((c) => c.stage === row.stage);
      return column ? [{ ...row, label: column.title }] : [];
    }),
  };
  const charts = aggregateCharts(aggregates, locale);
  const perTeacher = teacherTables(year, locale, titles, columns);
  const onSupport = year.teachers.length;
  const due = year.questionnaires.reduce((n, q) => n + q.due, 0);
  const completedDue = year.questionnaires.reduce((n, q) => n + q.completed, 0);
  const met = year.teachers.filter((row) => row.metRequired).length;
  const required =
    year.teachers[0]?.required ?? (year.plans[0] ? requiredActivities(year.plans[0]) : REQUIRED_ACTIVITIES_PER_YEAR);
  const stageDone = (n: number) =>
    year.teachers.filter((row) => row.stages.some((s) => s.stage === n && s.status === 'completed')).length;
  const share = (n: number) => pct(onSupport ? n / onSupport : null);
  const title = r(`title_${request.half}`, { year: request.year });

  const total = aggregates.activities[0];
  const stageLabel = (c: StageColumn) =>
    c.name
      ? r('kf_stage_done', { stage: c.stage, name: c.name })
      : `${c.title}: ${t(locale, 'monitoring.h_completed')}`;
  const levels = ACTIVITY_LEVELS.map((level) => {
    const rows = aggregates.activityKinds.filter((k) => k.level === level);
    return [
      t(locale, `activity.level_${level}`),
      rows.reduce((n, row) => n + row.submitted, 0),
      rows.reduce((n, row) => n + row.accepted, 0),
    ];
  });
  const lowest = [...aggregates.likert].sort((a, b) => a.mean - b.mean)[0];
  const highest = [...aggregates.likert].sort((a, b) => b.mean - a.mean)[0];
  const keyFigures: Table = {
    title: r('key_figures'),
    headers: [r('h_indicator'), r('h_value')],
    rows: [
      [r('kf_on_support'), onSupport],
      [
        r('kf_questionnaires'),
        r('kf_of', { done: completedDue, total: due, share: pct(due ? completedDue / due : null) }),
      ],
      ...columns.map((c) => [stageLabel(c), `${stageDone(c.stage)} (${share(stageDone(c.stage))})`]),
      [r('kf_activities'), `${total?.submitted ?? 0} / ${total?.accepted ?? 0}`],
      [r('kf_accepted_to_date'), year.teachers.reduce((n, row) => n + row.acceptedToDate, 0)],
      [r('kf_met', { required }), `${met} (${share(met)})`],
      [
        r('kf_consultations'),
        `${aggregates.consultations.reduce((n, c) => n + c.requests, 0)} (${aggregates.consultations.reduce((n, c) => n + c.open, 0)})`,
      ],
      [r('kf_support'), support.length],
      [r('kf_dead_links'), dead.length],
    ],
  };
  const deadTable: Table = {
    title: r('dead_links'),
    headers: [r('h_teacher'), r('h_cohort'), r('h_link_source'), r('h_link'), r('h_state'), r('h_checked')],
    rows: dead.map((d) => [d.teacher, d.cohort, d.activity, d.url, d.state, ddmmyyyy(d.checkedAt)]),
  };
  const levelTable: Table = {
    title: r('levels'),
    headers: [r('h_level'), r('h_held'), t(locale, 'monitoring.h_accepted')],
    rows: levels,
  };
  const supportTable: Table = {
    title: t(locale, 'monitoring.sec_support'),
    headers: [r('h_teacher'), r('h_cohort'), t(locale, 'monitoring.h_reasons')],
    rows: support.map((row) => [row.teacher, row.cohort, row.reasons.join('; ')]),
  };
  const tables = summaryTables(aggregates, locale);
  // Rates over those due for each questionnaire of the plan in the period (or invited outside it),
  // as the key figure counts them: a questionnaire nobody started still shows, with its 0 %.
  const due_ = new Map<string, { title: string; occasion: string; due: number; completed: number }>();
  const occasionLabel = occasionNames(year.plans, locale);
  for (const q of year.questionnaires) {
    const key = `${q.questionnaireId}|${q.occasion}`;
    const row = due_.get(key) ?? {
      title: titles.get(q.questionnaireId) ?? q.questionnaireId,
      occasion: occasionLabel(q.occasion),
      due: 0,
      completed: 0,
    };
    row.due += q.due;
    row.completed += q.completed;
    due_.set(key, row);
  }
  const participation: Table = {
    title: r('participation'),
    headers: [
      t(locale, 'monitoring.h_questionnaire'),
      t(locale, 'monitoring.h_occasion'),
      r('h_due'),
      t(locale, 'monitoring.h_completed'),
      t(locale, 'monitoring.h_rate'),
    ],
    rows: [...due_.values()].map((row) => [
      row.title,
      row.occasion,
      row.due,
      row.completed,
      percent(row.due ? row.completed / row.due : null),
    ]),
  };
  const decimal = (v: number | null) => String(round2(v)).replace('.', ',');

  const md: string[] = [
    `# ${title}`,
    '',
    `**${markdownText(subject(locale))}**`,
    '',
    r('period', {
      from: ddmmyyyy(period.from),
      to: ddmmyyyy(new Date(period.to.getTime() - 86_400_000)),
      due: dayMonth(locale, period.due),
    }),
    r('generated', { date: ddmmyyyy(now) }),
    '',
    `## ${keyFigures.title}`,
    '',
    markdownTable(keyFigures),
    '',
    `## ${r('participation')}`,
    '',
    `![${markdownText(t(locale, 'monitoring.sec_response_rate'))}](response-rate.png)`,
    '',
    markdownTable(participation),
    '',
    `## ${tables[5]!.title}`,
    '',
    markdownTable(tables[5]!),
    '',
    `## ${levelTable.title}`,
    '',
    markdownTable(levelTable),
    '',
    `## ${r('results')}`,
    '',
  ];
  if (aggregates.likert.length === 0) md.push(r('no_likert'), '');
  else {
    if (highest && lowest && highest !== lowest) {
      md.push(
        r('likert_highest', {
          text: markdownText(highest.text),
          mean: decimal(highest.mean),
          top2: pct(highest.top2Share),
        }),
        r('likert_lowest', {
          text: markdownText(lowest.text),
          mean: decimal(lowest.mean),
          top2: pct(lowest.top2Share),
        }),
        '',
      );
    }
    for (const chart of charts.slice(1)) md.push(`![${markdownText(chart.title)}](${chart.filename})`, '');
    md.push(markdownTable(tables[1]!), '');
  }
  for (const table of [perTeacher.teachers, perTeacher.activities, perTeacher.nonResponders]) {
    md.push(`## ${table.title}`, '', table.rows.length ? markdownTable(table) : '—', '');
  }
  md.push(`## ${supportTable.title}`, '');
  md.push(support.length ? markdownTable(supportTable) : r('no_support'), '');
  const num = (v: number | null) => (v === null ? '—' : String(v).replace('.', ','));
  const signed = (v: number | null) => (v === null ? '—' : `${v > 0 ? '+' : ''}${num(v)}`);
  const ratingTables = ratings.flatMap((rating) => [
    {
      title: r('rating_by_cohort', { title: rating.title }),
      headers: [r('h_cohort'), ...rating.occasionLabels, r('h_change')],
      rows: rating.cohorts.map((c) => [c.cohort, ...c.values.map(num), signed(c.change)]),
    },
    {
      title: r('rating_by_teacher', { title: rating.title }),
      headers: [r('h_teacher'), r('h_cohort'), ...rating.occasionLabels, r('h_change')],
      rows: rating.rows.map((x) => [x.teacher, x.cohort, ...x.values.map(num), signed(x.change)]),
    },
  ]);
  for (const table of ratingTables)
    md.push(`## ${markdownText(table.title)}`, '', table.rows.length ? markdownTable(table) : r('no_ratings'), '');
  // Individual support: plans against what was accepted, group events and who said they would come.
  const individual = await individualSupportTables(deps.repos, domainCohorts, {
    asOf,
    anonymised: request.anonymised ?? false,
    locale,
    questionnaires: deps.catalog,
    ...(deps.supportModels ? { models: deps.supportModels } : {}),
  });
  // The tutoring table only where a cohort runs a tutor model: other reports stay as they were.
  const individualTables = [
    individual.plans,
    individual.events,
    individual.attendance,
    ...(individual.tutoring.rows.length > 0 ? [individual.tutoring] : []),
  ];
  for (const table of individualTables)
    md.push(`## ${table.title}`, '', table.rows.length ? markdownTable(table) : '—', '');
  md.push(`## ${deadTable.title}`, '');
  md.push(dead.length ? markdownTable(deadTable) : r('no_dead_links'), '');
  md.push(
    `## ${tables[6]!.title}`,
    '',
    aggregates.consultations.length ? markdownTable(tables[6]!) : r('no_consultations'),
    '',
  );

  const out = new PassThrough();
  const [xlsx] = await Promise.all([
    streamToBuffer(out),
    writeWorkbook(
      out,
      [keyFigures, participation, ...tables.slice(0, 2), tables[5]!, levelTable, tables[3]!, tables[4]!, tables[6]!],
      r('sheet_report'),
      [
        { name: r('sheet_support'), headers: supportTable.headers, widths: [32, 12, 90], rows: supportTable.rows },
        ...[perTeacher.teachers, perTeacher.activities, perTeacher.nonResponders].map((table) => ({
          name: table.title,
          headers: table.headers,
          rows: table.rows as CellValue[][],
        })),
        { name: r('sheet_links'), headers: deadTable.headers, widths: [32, 12, 40, 60, 40, 12], rows: deadTable.rows },
        ...ratingTables.map((table, i) => ({
          name: r('sheet_rating', { n: i + 1 }),
          headers: table.headers,
          widths: table.headers.map(() => 20),
          rows: table.rows,
        })),
        ...individualTables.map((table, i) => ({
          name: r(['sheet_plans', 'sheet_events', 'sheet_attendance', 'sheet_tutoring'][i]!),
          headers: table.headers,
          widths: table.headers.map(() => 18),
          rows: table.rows,
        })),
      ],
    ),
  ]);
  return {
    ok: true,
    value: {
      title,
      locale,
      keyFigures,
      period,
      markdown: md.join('\n'),
      xlsx,
      charts,
      aggregates,
      support,
      year,
      deadLinks: dead,
      ratings,
    },
  };
}
