// Runs the monitoring pipelines and turns their raw groups into labelled rows. The counting is in
// the pipelines; here ratios of two pipelines' counts (e.g. completed / enrolled), labels, and the
// answer statistics computed from the answer counts (answer-tallies.ts).
import { occasionNames, stageName } from '../support-models/names.js';
import type { Model } from 'mongoose';
import { ACTIVITY_LEVELS, ACTIVITY_TYPES, type ActivityLevel, type ActivityType } from '../domain/activity.js';
import type { Locale } from '../domain/locale.js';
import { SETTLEMENT_TYPES } from '../domain/participant.js';
import { catalogs, t, type MessageKey } from '../i18n/index.js';
import { displayAnswer, localized, type Question, type QuestionnaireCatalog } from '../questionnaires/index.js';
import { effectivePlan } from '../domain/stage-plan.js';
import type { StagePlan } from '../domain/stage.js';
import { toStagePlan, type Models, type StagePlanDoc } from '../store/models/index.js';
import { stageColumns } from './teacher-tables.js';
import { tallyAnswers, type AnswerCounts, type AnswerTallies, type LikertTally } from './answer-tallies.js';
import {
  activityKindsPipeline,
  cohortMatch,
  activityTeachersPipeline,
  answerCountsPipeline,
  consultationPipeline,
  enrolledPipeline,
  responseCountsPipeline,
  stagePipeline,
  type DistributionQuestions,
  type LikertScale,
  type Pipeline,
} from './pipelines.js';
import {
  distributionQuestions,
  likertScales,
  questionnaireTitle,
  questionsOf,
  type QuestionInfo,
} from './questions.js';
import type { Dimension, Scope } from './scope.js';

export interface AggregateDeps {
  models: Models;
  catalog: QuestionnaireCatalog;
  /**
   * The embedded store of this process (`Store.inProcess`): the answer counts are taken from it
   * without BSON and the driver's cursor. Absent with MongoDB or another process's store.
   */
  reader?: { aggregate?: InProcessAggregate } | undefined;
}

/** An aggregate answered in this process; the documents are the store's: read them, never change them. */
export type InProcessAggregate = (
  collection: string,
  pipeline: readonly Record<string, unknown>[],
) => readonly Record<string, unknown>[];

/** A segment of a breakdown; `key` null is "not specified", or the total when there is no breakdown. */
export interface Group {
  key: string | null;
  label: string;
}

export interface ResponseRateRow {
  questionnaireId: string;
  title: string;
  /** The occasion's id, as responses and plans store it (for scripts: `stats --json`). */
  occasion: string;
  /** What people read for it: the plans' title or when it comes («через 2 месяца после курса»). */
  occasionLabel: string;
  group: Group;
  enrolled: number;
  started: number;
  completed: number;
  /** completed / enrolled; null without enrolled teachers. */
  rate: number | null;
}

export interface ValueCount {
  value: string | number | boolean;
  label: string;
  count: number;
  /** Of the teachers who answered the question (a multiple choice can add up to more than 1). */
  share: number;
}

export interface DistributionRow {
  questionnaireId: string;
  questionId: string;
  text: string;
  type: Question['type'];
  group: Group;
  answered: number;
  values: ValueCount[];
  ranks?: { option: string; label: string; rankedBy: number; meanPlace: number; firstPlaces: number }[];
  number?: { mean: number; min: number; max: number };
}

export interface LikertRow {
  questionnaireId: string;
  questionId: string;
  text: string;
  group: Group;
  scaleMax: number;
  count: number;
  mean: number;
  median: number;
  top2: number;
  top2Share: number;
  points: { value: number; count: number; share: number }[];
}

export interface ActivityRow {
  group: Group;
  enrolled: number;
  teachersReporting: number;
  teachersWithAccepted: number;
  teachersWithRequired: number;
  /** teachersWithRequired / enrolled. */
  requiredShare: number | null;
  submitted: number;
  accepted: number;
  /** accepted / enrolled. */
  acceptedPerTeacher: number | null;
}

export interface ActivityKindRow {
  type: ActivityType;
  typeLabel: string;
  level: ActivityLevel;
  levelLabel: string;
  group: Group;
  submitted: number;
  accepted: number;
  returned: number;
}

export interface StageRow {
  stage: number;
  label: string;
  group: Group;
  teachers: number;
  completed: number;
  inProgress: number;
  notStarted: number;
  completedShare: number | null;
}

export interface ConsultationRow {
  topic: string;
  label: string;
  group: Group;
  requests: number;
  open: number;
  closed: number;
  meanHours: number | null;
  medianHours: number | null;
}

export interface Aggregates {
  scope: Scope;
  responseRate: ResponseRateRow[];
  distributions: DistributionRow[];
  likert: LikertRow[];
  activities: ActivityRow[];
  activityKinds: ActivityKindRow[];
  stages: StageRow[];
  consultations: ConsultationRow[];
}

type Raw = Record<string, unknown>;

async function run(model: Pick<Model<unknown>, 'collection'>, pipeline: Pipeline): Promise<Raw[]> {
  // The native driver: mongoose would cast nothing here anyway, and raw documents are cheaper.
  return (await model.collection.aggregate(pipeline, { allowDiskUse: true }).toArray()) as Raw[];
}

function keyOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object' && 'toHexString' in value && typeof value.toHexString === 'function')
    return String(value.toHexString());
  return String(value);
}

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const numOrNull = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** Labels segments: cohort and programme ids become codes, urban/rural words, null "not specified". */
export class GroupLabeller {
  private constructor(
    private readonly by: Dimension | undefined,
    private readonly locale: Locale,
    private readonly names: Map<string, string>,
  ) {}

  static async create(models: Models, by: Dimension | undefined, locale: Locale): Promise<GroupLabeller> {
    const names = new Map<string, string>();
    if (by === 'cohort') {
      for (const c of await models.cohort.find({}, { code: 1, title: 1 }).lean())
        names.set(c._id.toHexString(), `${c.code} «${c.title}»`);
    } else if (by === 'programme') {
      for (const p of await models.programme.find({}, { code: 1, title: 1 }).lean())
        names.set(p._id.toHexString(), `${p.code} «${p.title}»`);
    }
    return new GroupLabeller(by, locale, names);
  }

  group(raw: unknown): Group {
    const key = keyOf(raw);
    if (this.by === undefined) return { key: null, label: t(this.locale, 'monitoring.total') };
    if (key === null) return { key, label: t(this.locale, 'monitoring.not_specified') };
    if (this.by === 'settlementType' && (SETTLEMENT_TYPES as readonly string[]).includes(key)) {
      return { key, label: t(this.locale, `monitoring.settlement_${key}` as MessageKey) };
    }
    return { key, label: this.names.get(key) ?? key };
  }
}

const groupOrder = (a: Group, b: Group) =>
  a.key === b.key ? 0 : a.key === null ? 1 : b.key === null ? -1 : a.label.localeCompare(b.label, 'ru');

async function enrolledBy(models: Models, scope: Scope): Promise<Map<string | null, number>> {
  const rows = await run(models.enrollment, enrolledPipeline(scope));
  return new Map(rows.map((r) => [keyOf(r._id), num(r.enrolled)]));
}

export async function responseRate(
  deps: AggregateDeps,
  scope: Scope,
  locale: Locale,
  labels?: GroupLabeller,
): Promise<ResponseRateRow[]> {
  const labeller = labels ?? (await GroupLabeller.create(deps.models, scope.by, locale));
  const [enrolled, counts, plans] = await Promise.all([
    enrolledBy(deps.models, scope),
    run(deps.models.response, responseCountsPipeline(scope)),
    scopePlans(deps.models, scope),
  ]);
  const occasionLabel = occasionNames(plans, locale);
  return counts
    .map((r) => {
      const id = r._id as { questionnaireId: string; occasion: string; dim: unknown };
      const group = labeller.group(id.dim);
      const n = enrolled.get(group.key) ?? 0;
      const completed = num(r.completed);
      return {
        questionnaireId: id.questionnaireId,
        title: questionnaireTitle(deps.catalog, id.questionnaireId, locale),
        occasion: id.occasion,
        occasionLabel: occasionLabel(id.occasion),
        group,
        enrolled: n,
        started: num(r.started),
        completed,
        rate: ratio(completed, n),
      };
    })
    .filter((r) => r.started > 0 || r.completed > 0)
    .sort(
      (a, b) =>
        a.questionnaireId.localeCompare(b.questionnaireId) ||
        a.occasion.localeCompare(b.occasion) ||
        groupOrder(a.group, b.group),
    );
}

/** What the answer aggregates read of one questionnaire. */
interface AnsweredQuestionnaire {
  infos: QuestionInfo[];
  wanted: DistributionQuestions;
  scales: LikertScale[];
}

/** The questionnaires a scope can hold answers to: the one asked for, or every one in the catalog. */
function answeredQuestionnaires(catalog: QuestionnaireCatalog, scope: Scope): Map<string, AnsweredQuestionnaire> {
  const ids = scope.questionnaireId ? [scope.questionnaireId] : [...new Set(catalog.all().map((q) => q.id))];
  const out = new Map<string, AnsweredQuestionnaire>();
  for (const id of ids) {
    const infos = questionsOf(catalog, id, scope.questionnaireVersion);
    out.set(id, { infos, wanted: distributionQuestions(infos), scales: likertScales(infos) });
  }
  return out;
}

/**
 * Answer counts in scope from one counting pass over the responses, for the questions `counted`
 * names per questionnaire; by questionnaire id, in id order. Only questionnaires with a counted
 * answer are there. Each questionnaire's counts come in the order its own pass would give them.
 */
async function answerCounts(
  deps: AggregateDeps,
  scope: Scope,
  counted: ReadonlyMap<string, readonly string[]>,
): Promise<Map<string, AnswerCounts[]>> {
  const wanted = new Map([...counted].map(([id, questions]) => [id, new Set(questions)]));
  const questionIds = [...new Set([...counted.values()].flat())];
  if (questionIds.length === 0) return new Map();
  const byQuestionnaire = new Map<string, AnswerCounts[]>();
  const pipeline = answerCountsPipeline(scope, questionIds);
  // In this process the counts come as the store made them: through BSON and the driver's
  // cursor they were thousands of documents encoded and parsed again for nothing.
  const inProcess = deps.reader?.aggregate;
  const rows = inProcess
    ? (inProcess(deps.models.response.collection.collectionName, pipeline) as readonly Raw[])
    : await run(deps.models.response, pipeline);
  for (const r of rows) {
    const id = r._id as { qn: string; q: string; dim?: unknown };
    // A question id asked in another questionnaire too is counted there, not here.
    if (!wanted.get(id.qn)?.has(id.q)) continue;
    let counts = byQuestionnaire.get(id.qn);
    if (!counts) {
      counts = [];
      byQuestionnaire.set(id.qn, counts);
    }
    // A new array: the store's own (in this process) are not ours to change.
    const n = (r.n as unknown[]).map(num);
    counts.push({ q: id.q, dim: id.dim ?? null, v: r.v as unknown[], n });
  }
  return new Map([...byQuestionnaire].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const NO_DISTRIBUTIONS: DistributionQuestions = { counted: [], ranking: [], numeric: [] };

export async function distributions(
  deps: AggregateDeps,
  scope: Scope,
  locale: Locale,
  labels?: GroupLabeller,
): Promise<DistributionRow[]> {
  const labeller = labels ?? (await GroupLabeller.create(deps.models, scope.by, locale));
  const questionnaires = answeredQuestionnaires(deps.catalog, scope);
  const counted = new Map([...questionnaires].map(([id, q]) => [id, q.wanted.counted]));
  const out: DistributionRow[] = [];
  for (const [questionnaireId, counts] of await answerCounts(deps, scope, counted)) {
    const { infos, wanted } = questionnaires.get(questionnaireId)!;
    out.push(...distributionRows(tallyAnswers(counts, wanted), questionnaireId, infos, labeller, locale));
  }
  return out;
}

function distributionRows(
  tallies: AnswerTallies,
  questionnaireId: string,
  infos: QuestionInfo[],
  labeller: GroupLabeller,
  locale: Locale,
): DistributionRow[] {
  const rows = new Map<string, DistributionRow>();
  const byQuestion = new Map(infos.map((i) => [i.question.id, i.question]));
  const rowFor = (raw: { q: string; dim: unknown }): DistributionRow | undefined => {
    const question = byQuestion.get(raw.q);
    if (!question) return undefined;
    const group = labeller.group(raw.dim);
    const key = `${raw.q}\u0000${group.key ?? ''}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        questionnaireId,
        questionId: raw.q,
        text: localized(question.text, locale),
        type: question.type,
        group,
        answered: 0,
        values: [],
      };
      rows.set(key, row);
    }
    return row;
  };
  for (const a of tallies.answered) {
    const row = rowFor(a);
    if (row) row.answered = a.n;
  }
  // One label per question and value: the same options recur in every segment.
  const labelCache = new Map<string, string>();
  const labelOf = (question: Question, value: string | number | boolean): string => {
    const key = `${question.id}\u0000${typeof value}\u0000${String(value)}`;
    let label = labelCache.get(key);
    if (label === undefined) {
      label = optionLabel(question, value, locale);
      labelCache.set(key, label);
    }
    return label;
  };
  for (const v of tallies.values) {
    const row = rowFor(v);
    if (!row) continue;
    const value = v.v as string | number | boolean;
    row.values.push({ value, label: labelOf(byQuestion.get(v.q)!, value), count: v.n, share: 0 });
  }
  for (const r of tallies.ranks) {
    const row = rowFor(r);
    if (!row) continue;
    const option = r.o as string;
    row.ranks ??= [];
    row.ranks.push({
      option,
      label: labelOf(byQuestion.get(r.q)!, option),
      rankedBy: r.n,
      meanPlace: r.n > 0 ? r.placeSum / r.n : 0,
      firstPlaces: r.first,
    });
  }
  for (const r of tallies.numbers) {
    const row = rowFor(r);
    if (row) row.number = { mean: num(r.mean), min: num(r.min), max: num(r.max) };
  }
  const order = new Map(infos.map((i, index) => [i.question.id, index]));
  for (const row of rows.values()) {
    for (const v of row.values) v.share = row.answered > 0 ? v.count / row.answered : 0;
    const question = byQuestion.get(row.questionId)!;
    row.values.sort((a, b) => valueOrder(question, a.value) - valueOrder(question, b.value));
    row.ranks?.sort((a, b) => a.meanPlace - b.meanPlace || a.option.localeCompare(b.option));
  }
  return [...rows.values()].sort(
    (a, b) => order.get(a.questionId)! - order.get(b.questionId)! || groupOrder(a.group, b.group),
  );
}

function optionLabel(question: Question, value: string | number | boolean, locale: Locale): string {
  if (question.type === 'multiple_choice' || question.type === 'ranking')
    return displayAnswer(
      {
        ...question,
        type: 'single_choice',
        other: question.type === 'multiple_choice' ? question.other : false,
      } as Question,
      String(value),
      locale,
    );
  if (question.type === 'likert') return displayAnswer(question, Number(value), locale);
  return displayAnswer(question, value, locale);
}

/** Options in the questionnaire's order, scale points and numbers ascending, yes before no. */
function valueOrder(question: Question, value: unknown): number {
  if ('options' in question) {
    const i = question.options.findIndex((o) => o.id === value);
    return i === -1 ? question.options.length : i;
  }
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 0 : 1;
  return 0;
}

export async function likert(
  deps: AggregateDeps,
  scope: Scope,
  locale: Locale,
  labels?: GroupLabeller,
): Promise<LikertRow[]> {
  const labeller = labels ?? (await GroupLabeller.create(deps.models, scope.by, locale));
  const questionnaires = answeredQuestionnaires(deps.catalog, scope);
  const counted = new Map([...questionnaires].map(([id, q]) => [id, q.scales.map((s) => s.questionId)]));
  const out: LikertRow[] = [];
  for (const [questionnaireId, counts] of await answerCounts(deps, scope, counted)) {
    const { infos, scales } = questionnaires.get(questionnaireId)!;
    const { likert: tallies } = tallyAnswers(counts, NO_DISTRIBUTIONS, scales);
    out.push(...likertRows(tallies, questionnaireId, infos, scales, labeller, locale));
  }
  return out;
}

function likertRows(
  tallies: LikertTally[],
  questionnaireId: string,
  infos: QuestionInfo[],
  scales: LikertScale[],
  labeller: GroupLabeller,
  locale: Locale,
): LikertRow[] {
  const order = new Map(infos.map((i, index) => [i.question.id, index]));
  const parsed = tallies.map((r): LikertRow => {
    const info = infos.find((i) => i.question.id === r.q)!;
    const count = r.count;
    return {
      questionnaireId,
      questionId: r.q,
      text: localized(info.question.text, locale),
      group: labeller.group(r.dim),
      scaleMax: scales.find((s) => s.questionId === r.q)!.max,
      count,
      mean: num(r.mean),
      median: num(r.median),
      top2: r.top2,
      top2Share: num(r.top2Share),
      points: r.points.map((p) => ({
        value: p.v,
        count: p.n,
        share: count > 0 ? p.n / count : 0,
      })),
    };
  });
  return parsed.sort((a, b) => order.get(a.questionId)! - order.get(b.questionId)! || groupOrder(a.group, b.group));
}

/** Distributions and Likert statistics from one counting pass. */
export async function answerStats(
  deps: AggregateDeps,
  scope: Scope,
  locale: Locale,
  labels?: GroupLabeller,
): Promise<{ distributions: DistributionRow[]; likert: LikertRow[] }> {
  const labeller = labels ?? (await GroupLabeller.create(deps.models, scope.by, locale));
  const result = { distributions: [] as DistributionRow[], likert: [] as LikertRow[] };
  const questionnaires = answeredQuestionnaires(deps.catalog, scope);
  const counted = new Map(
    [...questionnaires]
      .filter(([, q]) => q.wanted.counted.length > 0)
      .map(([id, q]) => [id, [...new Set([...q.wanted.counted, ...q.scales.map((s) => s.questionId)])]]),
  );
  for (const [questionnaireId, counts] of await answerCounts(deps, scope, counted)) {
    const { infos, wanted, scales } = questionnaires.get(questionnaireId)!;
    const tallies = tallyAnswers(counts, wanted, scales);
    result.distributions.push(...distributionRows(tallies, questionnaireId, infos, labeller, locale));
    result.likert.push(...likertRows(tallies.likert, questionnaireId, infos, scales, labeller, locale));
  }
  return result;
}

export async function activities(
  deps: AggregateDeps,
  scope: Scope,
  locale: Locale,
  labels?: GroupLabeller,
): Promise<ActivityRow[]> {
  const labeller = labels ?? (await GroupLabeller.create(deps.models, scope.by, locale));
  const [enrolled, rows] = await Promise.all([
    enrolledBy(deps.models, scope),
    run(deps.models.activity, activityTeachersPipeline(scope)),
  ]);
  const byKey = new Map(rows.map((r) => [keyOf(r._id), r]));
  const keys = new Set<string | null>([...enrolled.keys(), ...byKey.keys()]);
  if (scope.by === undefined) keys.add(null);
  return [...keys]
    .map((key): ActivityRow => {
      const r = byKey.get(key) ?? {};
      const n = enrolled.get(key) ?? 0;
      const accepted = num(r.accepted);
      const withRequired = num(r.teachersWithRequired);
      return {
        group: labeller.group(key),
        enrolled: n,
        teachersReporting: num(r.teachersReporting),
        teachersWithAccepted: num(r.teachersWithAccepted),
        teachersWithRequired: withRequired,
        requiredShare: ratio(withRequired, n),
        submitted: num(r.submitted),
        accepted,
        acceptedPerTeacher: ratio(accepted, n),
      };
    })
    .sort((a, b) => groupOrder(a.group, b.group));
}

export async function activityKinds(
  deps: AggregateDeps,
  scope: Scope,
  locale: Locale,
  labels?: GroupLabeller,
): Promise<ActivityKindRow[]> {
  const labeller = labels ?? (await GroupLabeller.create(deps.models, scope.by, locale));
  const rows = await run(deps.models.activity, activityKindsPipeline(scope));
  return rows
    .map((r): ActivityKindRow => {
      const id = r._id as { type: ActivityType; level: ActivityLevel; dim: unknown };
      return {
        type: id.type,
        typeLabel: t(locale, `activity.type_${id.type}` as MessageKey),
        level: id.level,
        levelLabel: t(locale, `activity.level_${id.level}` as MessageKey),
        group: labeller.group(id.dim),
        submitted: num(r.submitted),
        accepted: num(r.accepted),
        returned: num(r.returned),
      };
    })
    .sort(
      (a, b) =>
        ACTIVITY_TYPES.indexOf(a.type) - ACTIVITY_TYPES.indexOf(b.type) ||
        ACTIVITY_LEVELS.indexOf(a.level) - ACTIVITY_LEVELS.indexOf(b.level) ||
        groupOrder(a.group, b.group),
    );
}

/**
 * The stage plans of the cohorts in scope: stage rows are named by them (a school-model cohort's two
 * stages by the model's names), and a stage none of them has is left out.
 */
export async function scopePlans(models: Models, scope: Scope): Promise<StagePlan[]> {
  const match = cohortMatch(scope).cohortId;
  const cohorts = await models.cohort.collection
    .find(match ? { _id: match } : {}, { projection: { programmeId: 1, stagePlan: 1 } })
    .toArray();
  const programmes = new Map(
    (
      await models.programme.collection
        .find({ _id: { $in: cohorts.map((c) => c.programmeId) } }, { projection: { stagePlan: 1 } })
        .toArray()
    ).map((p) => [String(p._id), p]),
  );
  return cohorts.map((c) => {
    const programme = programmes.get(String(c.programmeId));
    return effectivePlan(
      { stagePlan: c.stagePlan ? toStagePlan(c.stagePlan as StagePlanDoc) : undefined },
      { stagePlan: programme?.stagePlan ? toStagePlan(programme.stagePlan as StagePlanDoc) : undefined },
    );
  });
}

export async function stages(
  deps: AggregateDeps,
  scope: Scope,
  locale: Locale,
  labels?: GroupLabeller,
): Promise<StageRow[]> {
  const labeller = labels ?? (await GroupLabeller.create(deps.models, scope.by, locale));
  const rows = await run(deps.models.enrollment, stagePipeline(scope));
  const plans = await scopePlans(deps.models, scope);
  const columns = stageColumns(plans, locale);
  return rows
    .flatMap((r): StageRow[] => {
      const id = r._id as { stage: number; dim: unknown };
      const column = columns.find((c) => c.stage === id.stage);
      // Enrollments made before plans had their own stage count carry three records whatever the plan.
      if (!column && plans.length > 0) return [];
      const teachers = num(r.teachers);
      const completed = num(r.completed);
      const inProgress = num(r.inProgress);
      return [
        {
          stage: id.stage,
          label:
            column?.title ??
            `${t(locale, 'monitoring.stage_label', { stage: id.stage })}: ${stageName(locale, undefined, id.stage)}`,
          group: labeller.group(id.dim),
          teachers,
          completed,
          inProgress,
          notStarted: teachers - completed - inProgress,
          completedShare: ratio(completed, teachers),
        },
      ];
    })
    .sort((a, b) => a.stage - b.stage || groupOrder(a.group, b.group));
}

const TOPIC_KEYS = ['methods', 'assessment', 'planning', 'publication', 'digital'] as const;

/** Every translation of a consultation topic, mapped to its key; "other" shares the activity word. */
export function consultationTopicAliases(): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const catalog of Object.values(catalogs)) {
    for (const key of TOPIC_KEYS) {
      const text = catalog.consultation?.[`topic_${key}`];
      if (typeof text === 'string' && text) aliases[text] = key;
    }
    const other = catalog.activity?.type_other;
    if (typeof other === 'string' && other) aliases[other] = 'other';
  }
  return aliases;
}

function topicLabel(topic: string, locale: Locale): string {
  if ((TOPIC_KEYS as readonly string[]).includes(topic)) return t(locale, `consultation.topic_${topic}` as MessageKey);
  if (topic === 'other') return t(locale, 'activity.type_other');
  return topic;
}

export async function consultations(
  deps: AggregateDeps,
  scope: Scope,
  locale: Locale,
  labels?: GroupLabeller,
): Promise<ConsultationRow[]> {
  const labeller = labels ?? (await GroupLabeller.create(deps.models, scope.by, locale));
  const rows = await run(deps.models.consultation, consultationPipeline(scope, consultationTopicAliases()));
  return rows.map((r): ConsultationRow => {
    const id = r._id as { topic: string; dim: unknown };
    const requests = num(r.requests);
    return {
      topic: id.topic,
      label: topicLabel(id.topic, locale),
      group: labeller.group(id.dim),
      requests,
      open: num(r.open),
      closed: num(r.closedCount),
      meanHours: numOrNull(r.meanHours),
      medianHours: numOrNull(r.medianHours),
    };
  });
}

/** Every aggregate for one scope; what the summary sheet, the JSON export and the report show. */
export async function computeAggregates(deps: AggregateDeps, scope: Scope, locale: Locale): Promise<Aggregates> {
  const labels = await GroupLabeller.create(deps.models, scope.by, locale);
  // One after the other: on the embedded store they share one event loop, and on a real server
  // a burst of parallel aggregations from one export is not worth the load.
  const responseRateRows = await responseRate(deps, scope, locale, labels);
  const { distributions: distributionRows, likert: likertRows } = await answerStats(deps, scope, locale, labels);
  const activityRows = await activities(deps, scope, locale, labels);
  const kindRows = await activityKinds(deps, scope, locale, labels);
  const stageRows = await stages(deps, scope, locale, labels);
  const consultationRows = await consultations(deps, scope, locale, labels);
  return {
    scope,
    responseRate: responseRateRows,
    distributions: distributionRows,
    likert: likertRows,
    activities: activityRows,
    activityKinds: kindRows,
    stages: stageRows,
    consultations: consultationRows,
  };
}
