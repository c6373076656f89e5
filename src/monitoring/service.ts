// The monitoring module's entry point: one factory taking the store and the questionnaire catalog,
// returning what the bot (/stats, /export), the HTTP API, the CLI and the scheduler call.
import type { SupportModelCatalog } from '../support-models/load.js';
import type { Cohort } from '../domain/cohort.js';
import type { Locale } from '../domain/locale.js';
import { err, ok, type Result } from '../domain/result.js';
import type { Repositories } from '../domain/repositories.js';
import type { AssignError, SampleInvitation } from '../domain/sample.js';
import { t } from '../i18n/index.js';
import type { QuestionnaireCatalog } from '../questionnaires/index.js';
import type { InProcessReader } from './export.js';
import type { Models } from '../store/models/index.js';
import { resolveAccess, allowedCohorts, STAFF_ACCESS, type Access, type AccessError } from './access.js';
import { demoCohortIds } from './filters.js';
import { computeAggregates, type Aggregates } from './aggregates.js';
import type { Chart } from './charts.js';
import { createExport, type ExportError, type ExportFile, type ExportFormat, type ExportOptions } from './export.js';
import { findIds, parseFilterInput, resolveScope, type FilterError } from './filters.js';
import {
  aggregateCharts,
  buildHalfYearReport,
  type HalfYearReport,
  type HalfYearReportRequest,
  type ReportError,
} from './report.js';
import { drawStratifiedSample, stratumKey, type Sample } from './sampling.js';
import { loadSamplingUnits } from './sampling-units.js';
import { PROFILE_SEGMENTS, type Scope, type SegmentFilter } from './scope.js';
import { createYearExport, type YearExportFile } from './year-export.js';

export interface MonitoringDeps {
  store: { models: Models; repositories: Repositories; inProcess?: InProcessReader | undefined };
  catalog: QuestionnaireCatalog;
  /** Support models: the report shows their ratings. */
  supportModels?: SupportModelCatalog;
  now?: () => Date;
}

export type RequesterError = AccessError | { kind: 'not_in_scope' };

export interface Monitoring {
  aggregates(scope: Scope, locale?: Locale): Promise<Aggregates>;
  /** /export in the bot: the requester's cohorts (all for staff), personal data only where allowed. */
  exportForRequester(request: {
    participantId: string;
    format: ExportFormat;
    cohortId?: string;
    questionnaireId?: string;
    anonymised?: boolean;
    separator?: ',' | ';';
    locale?: Locale;
    participantIds?: readonly string[];
    cohortIds?: readonly string[];
  }): Promise<Result<ExportFile, RequesterError | ExportError>>;
  /** /stats in the bot: a short text (under Telegram's 4096 characters). */
  statsText(request: {
    participantId: string;
    cohortId?: string;
    locale?: Locale;
  }): Promise<Result<string, RequesterError>>;
  /** Charts for /stats: response rate and Likert distributions as PNG. */
  statsCharts(request: {
    participantId: string;
    cohortId?: string;
    questionnaireId?: string;
  }): Promise<Result<Chart[], RequesterError>>;
  /** The teachers' year as a file: `activities` (links, review state) or `participants` (the roster with stages and counts). */
  exportYear(request: {
    what: 'activities' | 'participants';
    format: ExportFormat;
    cohortIds?: readonly string[];
    anonymised?: boolean;
    separator?: ',' | ';';
    locale?: 'ru' | 'kk';
    /** Only these teachers (a segment filter); absent: everyone in the cohorts. */
    participantIds?: readonly string[];
    /** Rows written so far, as the file is read. */
    onProgress?: (done: number) => void;
  }): Promise<YearExportFile>;
  /** The teachers whose profile has each value asked for (one region, one school...): a `Scope.participantIds`. */
  segmentParticipantIds(filter: SegmentFilter): Promise<string[]>;
  /** The scheduler's hook: the half-year report to attach to curator reminders. */
  halfYearReport(request: HalfYearReportRequest): Promise<Result<HalfYearReport, ReportError>>;
  /**
   * Filters as staff type them (CLI options, HTTP query parameters: cohort, programme, from, to,
   * questionnaire, version, by) resolved into a scope; the CLI operator and the API token holder act as staff.
   */
  scopeFromFilters(raw: Record<string, string | undefined>): Promise<Result<Scope, FilterError>>;
  /** A staff export (CLI, HTTP API): every cohort in scope, personal data unless anonymised. */
  exportFile(request: Omit<ExportOptions, 'access'>): Promise<Result<ExportFile, ExportError>>;
  /** The response-rate chart, then one Likert chart per questionnaire. */
  charts(scope: Scope, locale?: Locale): Promise<Chart[]>;
  /** The half-year report for a cohort or a programme given by code or id (CLI, HTTP API). */
  halfYearReportFor(
    request: Omit<HalfYearReportRequest, 'cohortId' | 'programmeId'> & { cohort?: string; programme?: string },
  ): Promise<Result<HalfYearReport, ReportError | FilterError>>;
  drawSample(request: { size: number; seed: string; cohortIds?: readonly string[] }): Promise<Sample>;
  /** The sample's members as staff read them: names and cohort codes, in the order drawn. */
  sampleMembers(sample: Sample, locale?: Locale): Promise<{ participantId: string; name: string; cohort: string }[]>;
  saveSample(sample: Sample, meta: { createdBy: string; cohortIds?: readonly string[] }): Promise<string>;
  assignSampleQuestionnaire(
    sampleId: string,
    assignment: { questionnaireId: string; occasion?: string; by: string },
  ): Promise<Result<{ members: number; occasion: string }, AssignError>>;
  pendingSampleInvitations(): Promise<SampleInvitation[]>;
  markSampleInvited(sampleId: string, participantId: string, at: Date): Promise<boolean>;
}

const fmt = (value: number, digits = 1) =>
  (Math.round(value * 10 ** digits) / 10 ** digits).toString().replace('.', ',');
const pct = (share: number | null) => (share === null ? '—' : `${fmt(share * 100)}%`);

export function statsMessage(a: Aggregates, locale: Locale, scopeLabel: string): string {
  const lines = [t(locale, 'monitoring.stats_header', { scope: scopeLabel })];
  const total = a.activities.find((r) => r.group.key === null) ?? a.activities[0];
  lines.push(t(locale, 'monitoring.stats_enrolled', { count: total?.enrolled ?? 0 }), '');
  if (a.responseRate.length === 0) lines.push(t(locale, 'monitoring.stats_no_responses'));
  for (const r of a.responseRate.slice(0, 15)) {
    lines.push(
      t(locale, 'monitoring.stats_response_line', {
        questionnaire: r.title,
        occasion: r.occasionLabel,
        completed: r.completed,
        enrolled: r.enrolled,
        rate: pct(r.rate),
      }),
    );
  }
  for (const r of a.likert.slice(0, 10)) {
    lines.push(
      t(locale, 'monitoring.stats_likert_line', {
        question: r.text.length > 60 ? `${r.text.slice(0, 59)}…` : r.text,
        mean: fmt(r.mean, 2),
        median: fmt(r.median),
        top2: pct(r.top2Share),
      }),
    );
  }
  lines.push('');
  if (total) {
    lines.push(
      t(locale, 'monitoring.stats_activities', {
        accepted: total.accepted,
        submitted: total.submitted,
        required: total.teachersWithRequired,
        enrolled: total.enrolled,
        share: pct(total.requiredShare),
      }),
    );
  }
  // Each stage as the cohorts' plan names it (a school-model cohort: its two stages).
  const stageRows = a.stages.filter((s) => s.group.key === null || a.scope.by === undefined);
  if (stageRows.length)
    lines.push(
      t(locale, 'monitoring.stats_stages', {
        stages: stageRows.map((s) => `${s.label} — ${pct(s.completedShare)}`).join('\n'),
      }),
    );
  const requests = a.consultations.reduce((s, c) => s + c.requests, 0);
  lines.push(
    t(locale, 'monitoring.stats_consultations', { requests, open: a.consultations.reduce((s, c) => s + c.open, 0) }),
  );
  const text = lines.join('\n');
  return text.length > 4000 ? `${text.slice(0, 3999)}…` : text;
}

export function createMonitoring(deps: MonitoringDeps): Monitoring {
  const { models, repositories } = deps.store;
  const aggregateDeps = { models, catalog: deps.catalog, reader: deps.store.inProcess };
  const now = deps.now ?? (() => new Date());

  async function requesterScope(
    participantId: string,
    cohortId?: string,
    asked?: readonly string[],
  ): Promise<
    Result<
      {
        access: Access;
        cohortIds: readonly string[] | undefined;
        cohorts: Pick<Scope, 'cohortIds' | 'excludeCohortIds'>;
      },
      RequesterError
    >
  > {
    const access = await resolveAccess(repositories, participantId);
    if (!access.ok) return access;
    const cohortIds = allowedCohorts(access.value, asked ?? (cohortId ? [cohortId] : undefined));
    if (cohortIds && cohortIds.length === 0) return err({ kind: 'not_in_scope' });
    // Staff asking for everything: everything real, without the sandbox's demo cohorts.
    const excludeCohortIds = cohortIds ? undefined : await demoCohortIds(models);
    return ok({
      access: access.value,
      cohortIds,
      cohorts: { ...(cohortIds ? { cohortIds } : {}), ...(excludeCohortIds ? { excludeCohortIds } : {}) },
    });
  }

  return {
    aggregates: (scope, locale = 'ru') => computeAggregates(aggregateDeps, scope, locale),

    async exportForRequester(request) {
      const scope = await requesterScope(request.participantId, request.cohortId, request.cohortIds);
      if (!scope.ok) return scope;
      return createExport(
        { ...aggregateDeps, now },
        {
          format: request.format,
          access: scope.value.access,
          scope: {
            ...scope.value.cohorts,
            ...(request.questionnaireId ? { questionnaireId: request.questionnaireId } : {}),
            ...(request.participantIds ? { participantIds: request.participantIds } : {}),
          },
          anonymised: request.anonymised ?? false,
          ...(request.separator ? { separator: request.separator } : {}),
          locale: request.locale ?? 'ru',
        },
      );
    },

    async statsText(request) {
      const locale = request.locale ?? 'ru';
      const scope = await requesterScope(request.participantId, request.cohortId);
      if (!scope.ok) return scope;
      const a = await computeAggregates(aggregateDeps, scope.value.cohorts, locale);
      let label = t(locale, 'monitoring.stats_scope_all');
      if (scope.value.cohortIds) {
        const cohorts = await Promise.all(scope.value.cohortIds.map((id) => repositories.cohorts.findById(id)));
        label = cohorts.flatMap((c) => (c ? [c.code] : [])).join(', ');
      }
      return ok(statsMessage(a, locale, label));
    },

    async statsCharts(request) {
      const scope = await requesterScope(request.participantId, request.cohortId);
      if (!scope.ok) return scope;
      const a = await computeAggregates(
        aggregateDeps,
        { ...scope.value.cohorts, ...(request.questionnaireId ? { questionnaireId: request.questionnaireId } : {}) },
        'ru',
      );
      return ok(aggregateCharts(a));
    },

    async exportYear(request) {
      const ids =
        request.cohortIds ??
        (await models.cohort.find({}, { _id: 1 }).lean<{ _id: { toHexString(): string } }[]>()).map((c) =>
          c._id.toHexString(),
        );
      const cohorts = (await Promise.all(ids.map((id) => repositories.cohorts.findById(id)))).filter(
        (c): c is Cohort => c !== undefined,
      );
      return createYearExport(repositories, {
        what: request.what,
        format: request.format,
        cohorts,
        anonymised: request.anonymised ?? false,
        ...(request.separator ? { separator: request.separator } : {}),
        ...(request.participantIds ? { participantIds: request.participantIds } : {}),
        ...(request.onProgress ? { onProgress: request.onProgress } : {}),
        locale: request.locale ?? (cohorts.length > 0 && cohorts.every((c) => c.locale === 'kk') ? 'kk' : 'ru'),
        now: now(),
      });
    },

    async segmentParticipantIds(filter) {
      const where = Object.fromEntries(PROFILE_SEGMENTS.flatMap((key) => (filter[key] ? [[key, filter[key]]] : [])));
      const ids = await models.participant.collection.distinct('_id', { ...where, isStaff: { $ne: true } });
      return ids.map((id) => String(id));
    },

    halfYearReport: (request) =>
      buildHalfYearReport(
        {
          ...aggregateDeps,
          now,
          repos: repositories,
          ...(deps.supportModels ? { supportModels: deps.supportModels } : {}),
        },
        request,
      ),

    async scopeFromFilters(raw) {
      const input = parseFilterInput(raw);
      if (!input.ok) return input;
      return resolveScope(models, STAFF_ACCESS, input.value);
    },

    exportFile: (request) => createExport({ ...aggregateDeps, now }, { ...request, access: STAFF_ACCESS }),

    async charts(scope, locale = 'ru') {
      return aggregateCharts(await computeAggregates(aggregateDeps, { ...scope, by: undefined }, locale), locale);
    },

    async halfYearReportFor(request) {
      const { cohort, programme, ...rest } = request;
      const reportDeps = {
        ...aggregateDeps,
        now,
        repos: repositories,
        ...(deps.supportModels ? { supportModels: deps.supportModels } : {}),
      };
      // Neither a cohort nor a programme: the whole centre.
      if (!cohort && !programme) return buildHalfYearReport(reportDeps, rest);
      if (cohort && programme) return err({ kind: 'bad_request', reason: 'target' });
      const target = cohort
        ? await findIds(models.cohort, [cohort], 'cohort')
        : await findIds(models.programme, [programme ?? ''], 'programme');
      if (!target.ok) return target;
      const id = target.value[0]?.toHexString() ?? '';
      return buildHalfYearReport(reportDeps, { ...rest, ...(cohort ? { cohortId: id } : { programmeId: id }) });
    },

    async drawSample(request) {
      const excludeCohortIds = request.cohortIds ? undefined : await demoCohortIds(models);
      const cohorts = request.cohortIds
        ? { cohortIds: request.cohortIds }
        : excludeCohortIds
          ? { excludeCohortIds }
          : {};
      const units = await loadSamplingUnits(models, cohorts);
      return drawStratifiedSample(units, request.size, request.seed);
    },
    async sampleMembers(sample, locale = 'ru') {
      const people = new Map(
        (await repositories.participants.findByIds(sample.members.map((m) => m.participantId))).map((p) => [p.id, p]),
      );
      const cohortIds = [...new Set(sample.members.map((m) => m.cohortId))];
      const cohorts = new Map(
        (await Promise.all(cohortIds.map((id) => repositories.cohorts.findById(id)))).flatMap((c) =>
          c ? [[c.id, c.code]] : [],
        ),
      );
      return sample.members.map((m) => ({
        participantId: m.participantId,
        name: people.get(m.participantId)?.fullName?.trim() || t(locale, 'scheduler.unnamed'),
        cohort: cohorts.get(m.cohortId) ?? m.cohortId,
      }));
    },
    saveSample: (sample, meta) =>
      repositories.samples.create({
        seed: sample.seed,
        size: sample.size,
        population: sample.population,
        ...(meta.cohortIds ? { cohortIds: meta.cohortIds } : {}),
        strata: sample.strata,
        members: sample.members.map((m) => ({
          participantId: m.participantId,
          cohortId: m.cohortId,
          stratum: stratumKey(m),
        })),
        createdBy: meta.createdBy,
      }),
    async assignSampleQuestionnaire(sampleId, assignment) {
      const occasion = assignment.occasion ?? `sample-${sampleId}`;
      const r = await repositories.samples.assign(sampleId, {
        questionnaireId: assignment.questionnaireId,
        occasion,
        assignedAt: now(),
        assignedBy: assignment.by,
      });
      return r.ok ? ok({ members: r.value.members, occasion }) : r;
    },
    pendingSampleInvitations: () => repositories.samples.pendingInvitations(),
    markSampleInvited: (sampleId, participantId, at) => repositories.samples.markInvited(sampleId, participantId, at),
  };
}
