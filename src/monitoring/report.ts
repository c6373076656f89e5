// The half-year report (seed 001): a summary text report per cohort or programme, due 1 June for
// the first half-year and 1 October for the second. The report is a document for the
// methodological centre and, as the regulation asks, in Russian; its wording lives here rather
// than in the chat catalogs.
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
  if (!request.cohortId === !request.programmeId) return { ok: false, error: { kind: 'bad_request', reason: 'target' } };
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
  const charts = aggregateCharts(aggregates);
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
      ['Слушателей на сопровождении', enrolled],
      ['Заполнено анкет (из приглашённых)', `${responded} из ${invited} (${pct(invited ? responded / invited : null)})`],
      ['Завершили этап 1 (план мероприятий)', `${stage(1)?.completed ?? 0} (${pct(stage(1)?.completedShare ?? null)})`],
      ['Завершили этап 2 (реализация плана)', `${stage(2)?.completed ?? 0} (${pct(stage(2)?.completedShare ?? null)})`],
      ['Завершили этап 3 (представление результатов)', `${stage(3)?.completed ?? 0} (${pct(stage(3)?.completedShare ?? null)})`],
      ['Мероприятий проведено / принято', `${total?.submitted ?? 0} / ${total?.accepted ?? 0}`],
      ['Педагогов с 3 и более принятыми мероприятиями', `${total?.teachersWithRequired ?? 0} (${pct(total?.requiredShare ?? null)})`],
      ['Запросов на консультации (открыто)', `${aggregates.consultations.reduce((s, c) => s + c.requests, 0)} (${aggregates.consultations.reduce((s, c) => s + c.open, 0)})`],
      ['Педагогов, которым нужна поддержка', support.length],
    ],
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
  md.push('## Педагоги, которым нужна поддержка', '');
  md.push(support.length ? markdownTable(supportTable) : 'Отставаний от плана нет.', '');
  md.push('## Консультации по запросу', '', aggregates.consultations.length ? markdownTable(tables[6]!) : 'Запросов за период не было.', '');

  const out = new PassThrough();
  const [xlsx] = await Promise.all([
    streamToBuffer(out),
    writeWorkbook(out, [keyFigures, ...tables.slice(0, 2), tables[5]!, levelTable, tables[3]!, tables[4]!, tables[6]!], 'Отчёт', [
      { name: 'Поддержка', headers: supportTable.headers, widths: [32, 12, 90], rows: supportTable.rows },
    ]),
  ]);
  return { ok: true, value: { title, period, markdown: md.join('\n'), xlsx, charts, aggregates, support } };
}
