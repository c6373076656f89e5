// The half-year report (seed 001): a summary text report per cohort or programme, due 1 June for
// the first half-year and 1 October for the second. The report is a document for the
// methodological centre and, as the regulation asks, in Russian; its wording lives here rather
// than in the chat catalogs.
import type { Answer } from '../domain/response.js';
import type { SupportModelCatalog } from '../support-models/load.js';
import type { SupportModelFile } from '../support-models/schema.js';
import { computeRating } from '../support-models/rating.js';
import { PassThrough } from 'node:stream';
import { Types } from 'mongoose';
import { REQUIRED_ACTIVITIES_PER_YEAR } from '../domain/stage.js';
import { effectivePlan, stageOn } from '../domain/stage-plan.js';
import { addOffset, formatLocalDate, localDate } from '../domain/calendar.js';
import { ACTIVITY_LEVELS } from '../domain/activity.js';
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
import { teacherTables, type ReportLocale } from './teacher-tables.js';
import { computeTeacherYear, type TeacherYear } from './teacher-year.js';
import { toStagePlan, type CohortDoc, type ProgrammeDoc } from '../store/models/index.js';

export interface HalfYearReportRequest {
  cohortId?: string;
  programmeId?: string;
  half: 1 | 2;
  year: number;
  /** Names are shown unless asked otherwise: the report goes to the cohort's curators and the centre. */
  anonymised?: boolean;
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
    return t(locale, error.what === 'cohort' ? 'monitoring.cohort_not_found' : 'monitoring.programme_not_found', { value });
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
  return half === 1 ? { from: utc(year - 1, 10), to: utc(year, 6), due: utc(year, 6) } : { from: utc(year, 6), to: utc(year, 10), due: utc(year, 10) };
}

const MONTHS_GENITIVE = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'];
const dayMonth = (d: Date) => `${d.getUTCDate()} ${MONTHS_GENITIVE[d.getUTCMonth()]} ${d.getUTCFullYear()} г.`;
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
  occasions: string[];
  rows: RatingRow[];
  /** Per cohort: the mean over its teachers of each occasion, and the change. */
  cohorts: { cohort: string; values: (number | null)[]; change: number | null }[];
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? null : Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100);
const change = (values: readonly (number | null)[]) => {
  const first = values[0];
  const last = values.at(-1);
  return values.length > 1 && typeof first === 'number' && typeof last === 'number' ? Math.round((last - first) * 100) / 100 : null;
};

/** The support models' ratings (seed 002) of the cohorts' completed responses up to `asOf`. */
async function ratingReports(deps: ReportDeps, cohorts: CohortDoc[], programmes: Map<string, ProgrammeDoc>, asOf: Date, anonymised: boolean): Promise<RatingReport[]> {
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
      const occasions = plan.questionnaires.filter((q) => q.questionnaireId === rating.questionnaireId).map((q) => q.occasion);
      const report: RatingReport = reports.get(rating.id) ?? { ratingId: rating.id, title: rating.title.ru, occasions, rows: [], cohorts: [] };
      reports.set(rating.id, report);
      const responses = await deps.models.response.collection
        .find({ cohortId: cohort._id, questionnaireId: rating.questionnaireId, status: 'completed', completedAt: { $lt: asOf } })
        .toArray();
      const people = new Map(
        (await deps.models.participant.collection.find({ _id: { $in: responses.map((r) => r.participantId) } }, { projection: { fullName: 1, anonymisedAt: 1 } }).toArray()).map((p) => [String(p._id), p]),
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
        const teacher = !anonymised && person?.fullName && !person.anonymisedAt ? stripInvisible(String(person.fullName)) : `Участник № ${numbers.get(id)}`;
        cohortRows.push({ teacher, cohort: cohort.code, values, change: change(values) });
      }
      report.rows.push(...cohortRows.sort((a, b) => a.teacher.localeCompare(b.teacher, 'ru')));
      const values = report.occasions.map((_, i) => mean(cohortRows.map((r) => r.values[i]).filter((v): v is number => typeof v === 'number')));
      report.cohorts.push({ cohort: cohort.code, values, change: change(values) });
    }
  }
  return [...reports.values()];
}

/** Who needs support at the end of the period (or now, if earlier), and why. */
async function teachersNeedingSupport(deps: ReportDeps, cohorts: CohortDoc[], programmes: Map<string, ProgrammeDoc>, asOf: Date, anonymised: boolean): Promise<SupportRow[]> {
  const { models } = deps;
  const cohortIds = cohorts.map((c) => c._id);
  const enrollments = await models.enrollment.collection.find({ cohortId: { $in: cohortIds }, status: 'active' }).toArray();
  const activityCounts = await models.activity.collection
    .aggregate([
      { $match: { cohortId: { $in: cohortIds }, date: { $lt: asOf } } },
      { $group: { _id: { p: '$participantId', c: '$cohortId' }, accepted: { $sum: { $cond: [{ $eq: ['$status', 'accepted'] }, 1, 0] } }, returned: { $sum: { $cond: [{ $eq: ['$status', 'returned'] }, 1, 0] } } } },
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
  const staleBy = new Map(stale.map((s) => [key((s._id as { p: unknown }).p, (s._id as { c: unknown }).c), Number(s.n)]));
  const people = new Map(
    (await models.participant.collection.find({ _id: { $in: enrollments.map((e) => e.participantId) } }, { projection: { fullName: 1, anonymisedAt: 1 } }).toArray()).map((p) => [String(p._id), p]),
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
    // Three accepted activities in the year, expected at a steady pace.
    const expected = Math.min(REQUIRED_ACTIVITIES_PER_YEAR, Math.floor((REQUIRED_ACTIVITIES_PER_YEAR * months) / 12));
    const a = acts.get(key(e.participantId, e.cohortId));
    const accepted = Number(a?.accepted ?? 0);
    if (accepted < expected) reasons.push(`принято мероприятий ${accepted} из ${expected}, ожидаемых к этой дате`);
    if (Number(a?.returned ?? 0) > 0) reasons.push(`мероприятий на доработке: ${Number(a!.returned)}`);
    const programme = programmes.get(String(cohort.programmeId));
    const plan = effectivePlan(
      { stagePlan: cohort.stagePlan ? toStagePlan(cohort.stagePlan) : undefined },
      { stagePlan: programme?.stagePlan ? toStagePlan(programme.stagePlan) : undefined },
    );
    const current = stageOn(plan, { courseEnd: cohort.courseEnd, timeZone: cohort.timeZone }, today);
    const stages = (e.stages as { stage: number; status: string; completedAt?: Date | null }[] | undefined) ?? [];
    for (const s of stages) {
      const done = s.status === 'completed' && (!s.completedAt || s.completedAt < asOf);
      if (s.stage < current && !done) reasons.push(`этап ${s.stage} не завершён, по плану идёт этап ${current}`);
    }
    const staleCount = staleBy.get(key(e.participantId, e.cohortId));
    if (staleCount) reasons.push(`запрос на консультацию без ответа дольше ${STALE_CONSULTATION_DAYS} дней: ${staleCount}`);
    if (reasons.length === 0) continue;
    const person = people.get(String(e.participantId));
    const name = !anonymised && person?.fullName && !person.anonymisedAt ? stripInvisible(String(person.fullName)) : `Участник № ${++no}`;
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

/** Links whose last check (src/scheduler/link-checks.ts) found them not alive: seed 001 wants active links. */
async function deadLinks(deps: ReportDeps, cohorts: CohortDoc[], asOf: Date, anonymised: boolean): Promise<DeadLinkRow[]> {
  const { models } = deps;
  const activities = await models.activity.collection
    .find({ cohortId: { $in: cohorts.map((c) => c._id) }, links: { $elemMatch: { reachable: false, checkedAt: { $lt: asOf } } } })
    .project({ participantId: 1, cohortId: 1, title: 1, links: 1 })
    .toArray();
  const people = new Map(
    (await models.participant.collection.find({ _id: { $in: activities.map((a) => a.participantId) } }, { projection: { fullName: 1, anonymisedAt: 1 } }).toArray()).map((p) => [String(p._id), p]),
  );
  const numbers = new Map<string, number>();
  const rows: DeadLinkRow[] = [];
  for (const a of activities) {
    const cohort = cohorts.find((c) => String(c._id) === String(a.cohortId))!;
    const person = people.get(String(a.participantId));
    const id = String(a.participantId);
    if (!numbers.has(id)) numbers.set(id, numbers.size + 1);
    const teacher = !anonymised && person?.fullName && !person.anonymisedAt ? stripInvisible(String(person.fullName)) : `Участник № ${numbers.get(id)}`;
    for (const l of a.links as { url: string; reachable?: boolean; checkedAt?: Date; status?: string; httpStatus?: number }[]) {
      if (l.reachable !== false || !l.checkedAt || l.checkedAt >= asOf) continue;
      const state = t('ru', `links.status_${l.status ?? 'unreachable'}` as MessageKey, { httpStatus: l.httpStatus ?? '' });
      rows.push({ teacher, cohort: cohort.code, activity: stripInvisible(String(a.title)), url: l.url, state, checkedAt: l.checkedAt });
    }
  }
  return rows.sort((x, y) => x.cohort.localeCompare(y.cohort) || x.teacher.localeCompare(y.teacher, 'ru') || x.url.localeCompare(y.url));
}

/** The charts the report and /stats share: response rate, and one Likert chart per questionnaire. */
export function aggregateCharts(a: Aggregates): Chart[] {
  const locale = 'ru';
  const empty = t(locale, 'monitoring.chart_no_data');
  const rateTitle = t(locale, 'monitoring.chart_response_rate');
  const charts: Chart[] = [
    {
      filename: 'response-rate.png',
      title: rateTitle,
      png: renderPng(
        barChartSvg(
          rateTitle,
          a.responseRate.filter((r) => r.group.key === null || a.scope.by === undefined).map((r) => ({ label: `${r.title} (${r.occasion})`, value: r.rate, note: `(${r.completed} из ${r.enrolled})` })),
          empty,
        ),
      ),
    },
  ];
  const byQuestionnaire = new Map<string, typeof a.likert>();
  for (const row of a.likert) if (a.scope.by === undefined || row.group.key === null) byQuestionnaire.set(row.questionnaireId, [...(byQuestionnaire.get(row.questionnaireId) ?? []), row]);
  for (const [questionnaireId, rows] of byQuestionnaire) {
    const points = Math.max(...rows.map((r) => r.scaleMax));
    const title = t(locale, 'monitoring.chart_likert', { title: a.responseRate.find((r) => r.questionnaireId === questionnaireId)?.title ?? questionnaireId });
    charts.push({
      filename: `likert-${questionnaireId}.png`,
      title,
      png: renderPng(
        stackedChartSvg(title, rows.map((r) => ({ label: r.text, counts: Array.from({ length: points }, (_, i) => r.points.find((p) => p.value === i + 1)?.count ?? 0) })), points, empty),
      ),
    });
  }
  return charts;
}

export async function buildHalfYearReport(deps: ReportDeps, request: HalfYearReportRequest): Promise<{ ok: true; value: HalfYearReport } | { ok: false; error: ReportError }> {
  if (!Number.isInteger(request.year) || request.year < 2000 || request.year > 2100) return { ok: false, error: { kind: 'bad_request', reason: 'year' } };
  if (request.half !== 1 && request.half !== 2) return { ok: false, error: { kind: 'bad_request', reason: 'half' } };
  if (request.cohortId && request.programmeId) return { ok: false, error: { kind: 'bad_request', reason: 'target' } };
  const { models } = deps;
  const idOf = (hex: string) => (Types.ObjectId.isValid(hex) ? new Types.ObjectId(hex) : undefined);
  let cohorts: CohortDoc[];
  let subject: string;
  if (request.cohortId) {
    const id = idOf(request.cohortId);
    const cohort = id && (await models.cohort.findById(id).lean<CohortDoc>());
    if (!cohort) return { ok: false, error: { kind: 'not_found', what: 'cohort' } };
    cohorts = [cohort];
    subject = `Поток ${cohort.code} «${cohort.title}»`;
  } else if (!request.programmeId) {
    cohorts = await models.cohort.find({}).lean<CohortDoc[]>();
    subject = `Центр в целом (потоков: ${cohorts.length})`;
  } else {
    const id = idOf(request.programmeId!);
    const programme = id && (await models.programme.findById(id).lean<ProgrammeDoc>());
    if (!programme) return { ok: false, error: { kind: 'not_found', what: 'programme' } };
    cohorts = await models.cohort.find({ programmeId: programme._id }).lean<CohortDoc[]>();
    subject = `Программа ${programme.code} «${programme.title}» (потоков: ${cohorts.length})`;
  }
  const programmes = new Map((await models.programme.find({}).lean<ProgrammeDoc[]>()).map((p) => [String(p._id), p]));
  const period = halfYearPeriod(request.half, request.year);
  const now = deps.now?.() ?? new Date();
  // biome-ignore lint/complexity/useMathMinMax: Dates, and Math.min would turn them into numbers.
  const asOf = period.to < now ? period.to : now;
  const scope: Scope = { cohortIds: cohorts.map((c) => c._id.toHexString()), from: period.from, to: period.to };
  const aggregates = await computeAggregates(deps, scope, 'ru');
  const support = await teachersNeedingSupport(deps, cohorts, programmes, asOf, request.anonymised ?? false);
  const dead = await deadLinks(deps, cohorts, asOf, request.anonymised ?? false);
  const ratings = await ratingReports(deps, cohorts, programmes, asOf, request.anonymised ?? false);
  const charts = aggregateCharts(aggregates);
  const domainCohorts = (await Promise.all(cohorts.map((c) => deps.repos.cohorts.findById(c._id.toHexString())))).filter((c): c is Cohort => c !== undefined);
  const year = await computeTeacherYear(deps.repos, domainCohorts, period, { asOf: now, anonymised: request.anonymised ?? false });
  const reportLocale: ReportLocale = domainCohorts.length > 0 && domainCohorts.every((c) => c.locale === 'kk') ? 'kk' : 'ru';
  const titles = new Map(deps.catalog.all().map((q) => [q.id, q.title[reportLocale] ?? q.title.ru ?? q.id]));
  const perTeacher = teacherTables(year, reportLocale, titles);
  const onSupport = year.teachers.length;
  const due = year.questionnaires.reduce((n, q) => n + q.due, 0);
  const completedDue = year.questionnaires.reduce((n, q) => n + q.completed, 0);
  const met = year.teachers.filter((t) => t.metRequired).length;
  const required = year.teachers[0]?.required ?? REQUIRED_ACTIVITIES_PER_YEAR;
  const stageDone = (n: number) => year.teachers.filter((t) => t.stages.some((s) => s.stage === n && s.status === 'completed')).length;
  const share = (n: number) => pct(onSupport ? n / onSupport : null);
  const halfWord = request.half === 1 ? 'первое' : 'второе';
  const title = `Отчёт о посткурсовом сопровождении за ${halfWord} полугодие ${request.year} г.`;

  const total = aggregates.activities[0];
  const enrolled = total?.enrolled ?? 0;
  const responded = aggregates.responseRate.reduce((s, r) => s + r.completed, 0);
  const invited = aggregates.responseRate.reduce((s, r) => s + r.enrolled, 0);
  const stage = (n: number) => aggregates.stages.find((s) => s.stage === n);
  const levels = ACTIVITY_LEVELS.map((level) => {
    const rows = aggregates.activityKinds.filter((k) => k.level === level);
    return [t('ru', `activity.level_${level}` as MessageKey), rows.reduce((s, r) => s + r.submitted, 0), rows.reduce((s, r) => s + r.accepted, 0)];
  });
  const lowest = [...aggregates.likert].sort((a, b) => a.mean - b.mean)[0];
  const highest = [...aggregates.likert].sort((a, b) => b.mean - a.mean)[0];
  const keyFigures: Table = {
    title: 'Ключевые показатели',
    headers: ['Показатель', 'Значение'],
    rows: [
      ['Слушателей на сопровождении', onSupport],
      ['Заполнено анкет (из положенных за период)', `${completedDue} из ${due} (${pct(due ? completedDue / due : null)})`],
      ['Завершили этап 1 (план мероприятий)', `${stageDone(1)} (${share(stageDone(1))})`],
      ['Завершили этап 2 (реализация плана)', `${stageDone(2)} (${share(stageDone(2))})`],
      ['Завершили этап 3 (представление результатов)', `${stageDone(3)} (${share(stageDone(3))})`],
      ['Мероприятий проведено / принято за период', `${total?.submitted ?? 0} / ${total?.accepted ?? 0}`],
      ['Принято мероприятий с начала года педагогов', year.teachers.reduce((n, t) => n + t.acceptedToDate, 0)],
      [`Выполнили норму года (не менее ${required} принятых)`, `${met} (${share(met)})`],
      ['Запросов на консультации (открыто)', `${aggregates.consultations.reduce((s, c) => s + c.requests, 0)} (${aggregates.consultations.reduce((s, c) => s + c.open, 0)})`],
      ['Педагогов, которым нужна поддержка', support.length],
      ['Неработающих ссылок на материалы (по последней проверке)', dead.length],
    ],
  };
  const deadTable: Table = {
    title: 'Неработающие ссылки',
    headers: ['Педагог', 'Поток', 'Мероприятие', 'Ссылка', 'Состояние', 'Проверена'],
    rows: dead.map((d) => [d.teacher, d.cohort, d.activity, d.url, d.state, ddmmyyyy(d.checkedAt)]),
  };
  const levelTable: Table = { title: 'Мероприятия по уровням', headers: ['Уровень', 'Проведено', 'Принято'], rows: levels };
  const supportTable: Table = { title: 'Педагоги, которым нужна поддержка', headers: ['Педагог', 'Поток', 'Причины'], rows: support.map((s) => [s.teacher, s.cohort, s.reasons.join('; ')]) };
  const tables = summaryTables(aggregates, 'ru');

  const md: string[] = [
    `# ${title}`,
    '',
    `**${markdownText(subject)}**`,
    '',
    `Период: ${ddmmyyyy(period.from)} – ${ddmmyyyy(new Date(period.to.getTime() - 86_400_000))}. Срок представления: до ${dayMonth(period.due)}`,
    `Сформирован: ${ddmmyyyy(now)}.`,
    '',
    '## Ключевые показатели',
    '',
    markdownTable(keyFigures),
    '',
    '## Участие в анкетировании',
    '',
    '![Отклик на анкеты](response-rate.png)',
    '',
    markdownTable(tables[0]!),
    '',
    '## Прохождение этапов',
    '',
    markdownTable(tables[5]!),
    '',
    '## Мероприятия по уровням',
    '',
    markdownTable(levelTable),
    '',
    '## Итоги анкетирования',
    '',
  ];
  if (aggregates.likert.length === 0) md.push('Шкальных вопросов с ответами за период нет.', '');
  else {
    if (highest && lowest && highest !== lowest) {
      md.push(
        `Выше всего оценено: «${markdownText(highest.text)}» — среднее ${String(round2(highest.mean)).replace('.', ',')}, доля высших баллов ${pct(highest.top2Share)}.`,
        `Ниже всего оценено: «${markdownText(lowest.text)}» — среднее ${String(round2(lowest.mean)).replace('.', ',')}, доля высших баллов ${pct(lowest.top2Share)}; это кандидат на корректировку программы.`,
        '',
      );
    }
    for (const chart of charts.slice(1)) md.push(`![${markdownText(chart.title)}](${chart.filename})`, '');
    md.push(markdownTable(tables[1]!), '');
  }
  md.push(`## ${perTeacher.teachers.title}`, '', perTeacher.teachers.rows.length ? markdownTable(perTeacher.teachers) : '—', '');
  md.push(`## ${perTeacher.activities.title}`, '', perTeacher.activities.rows.length ? markdownTable(perTeacher.activities) : '—', '');
  md.push(`## ${perTeacher.nonResponders.title}`, '', perTeacher.nonResponders.rows.length ? markdownTable(perTeacher.nonResponders) : '—', '');
  md.push('## Педагоги, которым нужна поддержка', '');
  md.push(support.length ? markdownTable(supportTable) : 'Отставаний от плана нет.', '');
  const num = (v: number | null) => (v === null ? '—' : String(v).replace('.', ','));
  const signed = (v: number | null) => (v === null ? '—' : `${v > 0 ? '+' : ''}${num(v)}`);
  const ratingTables = ratings.flatMap((r) => [
    { title: `${r.title}: по потокам`, headers: ['Поток', ...r.occasions, 'Изменение'], rows: r.cohorts.map((c) => [c.cohort, ...c.values.map(num), signed(c.change)]) },
    { title: `${r.title}: по педагогам`, headers: ['Педагог', 'Поток', ...r.occasions, 'Изменение'], rows: r.rows.map((x) => [x.teacher, x.cohort, ...x.values.map(num), signed(x.change)]) },
  ]);
  for (const table of ratingTables) md.push(`## ${markdownText(table.title)}`, '', table.rows.length ? markdownTable(table) : 'Самооценок за период нет.', '');
  md.push('## Неработающие ссылки', '');
  md.push(dead.length ? markdownTable(deadTable) : 'Все проверенные ссылки на материалы открываются.', '');
  md.push('## Консультации по запросу', '', aggregates.consultations.length ? markdownTable(tables[6]!) : 'Запросов за период не было.', '');

  const out = new PassThrough();
  const [xlsx] = await Promise.all([
    streamToBuffer(out),
    writeWorkbook(out, [keyFigures, ...tables.slice(0, 2), tables[5]!, levelTable, tables[3]!, tables[4]!, tables[6]!], 'Отчёт', [
      { name: 'Поддержка', headers: supportTable.headers, widths: [32, 12, 90], rows: supportTable.rows },
      ...[perTeacher.teachers, perTeacher.activities, perTeacher.nonResponders].map((table) => ({
        name: table.title,
        headers: table.headers,
        rows: table.rows as CellValue[][],
      })),
      { name: 'Ссылки', headers: deadTable.headers, widths: [32, 12, 40, 60, 40, 12], rows: deadTable.rows },
      ...ratingTables.map((table, i) => ({ name: `Рейтинг ${i + 1}`, headers: table.headers, widths: table.headers.map(() => 20), rows: table.rows })),
    ]),
  ]);
  return { ok: true, value: { title, period, markdown: md.join('\n'), xlsx, charts, aggregates, support, year, deadLinks: dead, ratings } };
}
