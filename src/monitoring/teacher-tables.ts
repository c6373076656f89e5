// The half-year report's per-teacher, per-activity and non-responder tables, in the report's
// language: the wording is the i18n catalogs' (report.*), activity types and levels are the bot's
// own button labels (activity.*), and the stage columns are the cohorts' plan's stages, named by
// the plan (its support model) — a two-stage cohort shows two stage columns.
import type { ActivityLevel, ActivityStatus, ActivityType } from '../domain/activity.js';
import type { Locale } from '../domain/locale.js';
import type { StagePlan, StageStatus } from '../domain/stage.js';
import { t, type MessageKey } from '../i18n/index.js';
import { occasionNames, stageName } from '../support-models/names.js';
import type { Table } from './tables.js';
import type { ActivityRow, TeacherYear, TeacherYearRow } from './teacher-year.js';

export type ReportLocale = 'ru' | 'kk';

export interface StageColumn {
  stage: number;
  /** The column's header: the stage's number and, when every plan agrees on it, its name. */
  title: string;
  /** The stage's name, when every plan that has the stage calls it the same. */
  name?: string;
}

/** Every stage any of the plans has, in order, named in `locale` by the plans. */
export function stageColumns(plans: readonly Pick<StagePlan, 'stages'>[], locale: Locale): StageColumn[] {
  const numbers = [...new Set(plans.flatMap((p) => p.stages.map((s) => s.stage as number)))].sort((a, b) => a - b);
  return numbers.map((stage) => {
    const names = new Set(
      plans.filter((p) => p.stages.some((s) => s.stage === stage)).map((p) => stageName(locale, p, stage)),
    );
    const name = names.size === 1 ? [...names][0] : undefined;
    return name
      ? { stage, name, title: t(locale, 'report.stage_column', { stage, name }) }
      : { stage, title: t(locale, 'monitoring.stage_label', { stage }) };
  });
}

/** The words of the report's cells in one language. */
export function reportLabels(locale: Locale) {
  return {
    text: (key: string, params?: Record<string, string | number>) => t(locale, `report.${key}` as MessageKey, params),
    status: (s: StageStatus) => t(locale, `report.stage_${s}`),
    review: (s: ActivityStatus) => t(locale, `report.review_${s}`),
    type: (type: ActivityType) => t(locale, `activity.type_${type}`),
    level: (level: ActivityLevel) => t(locale, `activity.level_${level}`),
    yesNo: (yes: boolean) => t(locale, yes ? 'report.yes' : 'report.no'),
    settlement: (s: string) =>
      s === 'urban' ? t(locale, 'report.urban') : s === 'rural' ? t(locale, 'report.rural') : '',
  };
}

const ddmmyyyy = (d: Date) => d.toISOString().slice(0, 10).split('-').reverse().join('.');

export function teacherTables(
  year: TeacherYear,
  locale: Locale,
  titles: ReadonlyMap<string, string>,
  columns: readonly StageColumn[],
): { teachers: Table; activities: Table; nonResponders: Table } {
  const x = reportLabels(locale);
  const occasion = occasionNames(year.plans, locale);
  const stageCell = (s: TeacherYearRow['stages'][number] | undefined) => {
    if (!s) return '—';
    const date = s.completedAt ?? s.startedAt;
    return `${x.status(s.status)}${date ? ` ${ddmmyyyy(date)}` : ''}${s.cause === 'manual' ? ` (${x.text('manual')})` : ''}`;
  };
  const h = (key: string) => x.text(`h_${key}`);
  return {
    teachers: {
      title: x.text('teachers'),
      headers: [
        h('teacher'),
        h('cohort'),
        h('organisation'),
        h('region'),
        h('settlement'),
        ...columns.map((c) => c.title),
        h('accepted_in_period'),
        h('accepted_to_date'),
        h('returned'),
        h('pending'),
        h('required'),
        h('met'),
        h('questionnaires'),
        h('open_consultations'),
      ],
      rows: year.teachers.map((row) => [
        row.name,
        row.cohortCode,
        row.organisation,
        row.region,
        x.settlement(row.settlementType),
        ...columns.map((c) => stageCell(row.stages.find((s) => s.stage === c.stage))),
        row.acceptedInPeriod,
        row.acceptedToDate,
        row.returnedToDate,
        row.pendingToDate,
        row.required,
        x.yesNo(row.metRequired),
        row.questionnairesCompleted,
        row.openConsultations,
      ]),
    },
    activities: {
      title: x.text('activities'),
      headers: activityHeaders(locale),
      rows: year.activities.map((r) => activityCells(r, x, ddmmyyyy)),
    },
    nonResponders: {
      title: x.text('non_responders'),
      headers: [h('questionnaire'), h('occasion'), h('cohort'), h('teacher')],
      rows: year.questionnaires.flatMap((q) =>
        q.missing.map((m) => [
          titles.get(q.questionnaireId) ?? q.questionnaireId,
          occasion(q.occasion),
          m.cohortCode,
          m.name,
        ]),
      ),
    },
  };
}

/** One activity's cells under {@link activityHeaders}; the report prints dates as 31.12.2026, exports as ISO. */
export function activityCells<DateCell>(
  r: ActivityRow,
  x: ReturnType<typeof reportLabels>,
  date: (d: Date) => DateCell,
): (string | DateCell)[] {
  return [
    r.teacher,
    r.cohortCode,
    x.type(r.activity.type),
    x.level(r.activity.level),
    date(r.activity.date),
    r.activity.title,
    r.activity.links.map((l) => l.url).join(' '),
    x.review(r.activity.status),
    r.comment,
  ];
}

/** The per-activity table's columns (the activities export adds the submission date). */
export function activityHeaders(locale: Locale): string[] {
  const h = (key: string) => t(locale, `report.h_${key}` as MessageKey);
  return [
    h('teacher'),
    h('cohort'),
    h('type'),
    h('level'),
    h('date'),
    h('title'),
    h('link'),
    h('status'),
    h('comment'),
  ];
}
