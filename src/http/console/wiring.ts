// The console's doors into the rest of Sputnik, built once at start-up: staff decisions go
// through src/staff/decisions.ts and reach the teacher through the dispatcher; figures, exports and
// reports come only through the monitoring facade; the schedule through the scheduler's preview.
import type { Broadcast } from '../../domain/broadcast.js';
import type { Repositories } from '../../domain/repositories.js';
import type { BroadcastService } from '../../delivery/broadcasts.js';
import type { Dispatcher } from '../../delivery/dispatcher.js';
import type { Content } from '../../engine/index.js';
import { buildJoinLinks } from '../../import/join-links.js';
import { localized } from '../../questionnaires/text.js';
import type { Logger } from '../../logger.js';
import {
  DIMENSIONS,
  EXPORT_FORMATS,
  PROFILE_SEGMENTS,
  EXPORT_SUBJECTS,
  reportErrorText,
  summaryTables,
  type Dimension,
  type ExportFormat,
  type Monitoring,
  type SegmentFilter,
} from '../../monitoring/index.js';
import { stagePlanOf } from '../../progress/service.js';
import { answerConsultationRequest, closeConsultationRequest, decideActivity } from '../../staff/decisions.js';
import { type DiagnosisLine, teacherDiagnosis } from '../../support-models/diagnosis.js';
import type { ConsoleFiles, QuestionnaireTexts, SegmentChoice, StaffActions } from './context.js';
import type { Locale } from '../../domain/locale.js';
import { sayer } from './i18n.js';
import type { ConsoleViewer } from './viewer.js';

export function createStaffActions(deps: {
  repos: Repositories;
  dispatcher: Dispatcher;
  broadcasts: BroadcastService;
  now: () => Date;
  logger: Logger;
}): StaffActions {
  const { repos, dispatcher, now, logger } = deps;
  const deliver = async (notices: { participantId: string; text: string }[]) => {
    await dispatcher.dispatch(
      notices.map((n) => ({
        to: { kind: 'participant' as const, participantId: n.participantId },
        message: { kind: 'text' as const, text: n.text },
      })),
    );
  };
  return {
    async reviewActivity(input) {
      const outcome = await decideActivity(repos, { ...input, at: now() });
      if (!outcome.ok) return outcome.reason;
      await deliver(outcome.notices);
      return 'done';
    },
    async answerConsultation(input) {
      const at = now();
      const answered = await answerConsultationRequest(repos, {
        requestId: input.requestId,
        authorId: input.authorId,
        text: input.text,
        at,
      });
      if (!answered) return 'not_found';
      const notices = [...answered.notices];
      if (input.close)
        notices.push(...((await closeConsultationRequest(repos, { requestId: input.requestId, at }))?.notices ?? []));
      await repos.audit.record({
        at,
        actor: input.authorId,
        action: input.close ? 'consultation.answered_closed' : 'consultation.answered',
        subjectType: 'consultation',
        subjectId: answered.request.id,
        cohortId: answered.request.cohortId,
      });
      await deliver(notices);
      return 'done';
    },
    async broadcast(input) {
      const b: Broadcast = await deps.broadcasts.create(input);
      await repos.audit.record({
        at: now(),
        actor: input.authorId,
        action: 'broadcast.created',
        subjectType: 'broadcast',
        subjectId: b.id,
        cohortId: input.cohortId,
      });
      // Sending is paced by the channels and may take minutes: the page shows the report as it grows.
      void deps.broadcasts
        .send(b.id)
        .catch((error: unknown) => logger.error({ err: error, broadcast: b.id }, 'console broadcast failed'));
      return { broadcastId: b.id };
    },
  };
}

/** Which cohorts an export or a figure covers for this viewer; undefined: every cohort (staff). */
function cohortScope(viewer: ConsoleViewer, cohortId: string | undefined): string[] | undefined {
  if (viewer.role === 'staff') return cohortId ? [cohortId] : undefined;
  if (viewer.role === 'school_admin') return [];
  return cohortId ? viewer.cohortIds.filter((id) => id === cohortId) : viewer.cohortIds;
}

/** Names only where the monitoring rules allow them: staff, and a curator for the cohorts they curate. */
function anonymisedFor(viewer: ConsoleViewer, cohortIds: readonly string[] | undefined): boolean {
  if (viewer.role === 'staff') return false;
  if (viewer.role === 'school_admin') return true;
  return !(cohortIds ?? []).every((id) => viewer.curatedIds.includes(id));
}

export function createConsoleFiles(deps: {
  monitoring: Monitoring;
  repos: Repositories;
  content: Content;
}): ConsoleFiles {
  const { monitoring } = deps;

  /**
   * The viewer's cohorts narrowed to one programme, and the teachers of one region, district,
   * settlement type or school: the same narrowing for the figures, the charts and the exports.
   */
  async function narrowed(
    cohortIds: readonly string[] | undefined,
    cohortId: string | undefined,
    segment: SegmentChoice | undefined,
  ) {
    let ids = cohortIds;
    if (segment?.programmeId) {
      const all = [
        ...(await deps.repos.cohorts.listByStatus('active')),
        ...(await deps.repos.cohorts.listByStatus('finished')),
      ];
      // The demo cohort stays out unless picked by name, as in every unfiltered figure.
      const ofProgramme = all
        .filter((c) => c.programmeId === segment.programmeId && (!c.demo || c.id === cohortId))
        .map((c) => c.id);
      ids = ids ? ids.filter((id) => ofProgramme.includes(id)) : ofProgramme;
    }
    const profile: SegmentFilter = Object.fromEntries(
      PROFILE_SEGMENTS.flatMap((key) => (segment?.[key] ? [[key, segment[key]]] : [])),
    );
    const participantIds =
      Object.keys(profile).length > 0 ? await monitoring.segmentParticipantIds(profile) : undefined;
    return { ...(ids ? { cohortIds: ids } : {}), ...(participantIds ? { participantIds } : {}) };
  }

  return {
    async export({ viewer, locale, what, format, cohortId, questionnaireId, segment }) {
      const say = sayer(locale);
      if (
        !(EXPORT_SUBJECTS as readonly string[]).includes(what) ||
        !(EXPORT_FORMATS as readonly string[]).includes(format)
      ) {
        return { ok: false, error: say('export_unknown') };
      }
      const cohortIds = cohortScope(viewer, cohortId);
      if (cohortIds && cohortIds.length === 0) return { ok: false, error: say('cohort_forbidden') };
      const anonymised = anonymisedFor(viewer, cohortIds);
      const fmt = format as ExportFormat;
      const scope = await narrowed(cohortIds, cohortId, segment);
      let done = 0;
      const onProgress = (n: number) => {
        done = n;
      };
      if (what === 'responses') {
        const file =
          viewer.role === 'curator' || viewer.role === 'tutor'
            ? await monitoring.exportForRequester({
                participantId: viewer.participantId,
                format: fmt,
                anonymised,
                ...(scope.cohortIds ? { cohortIds: scope.cohortIds } : {}),
                ...(questionnaireId ? { questionnaireId } : {}),
                ...(scope.participantIds ? { participantIds: scope.participantIds } : {}),
              })
            : await monitoring.exportFile({
                format: fmt,
                scope: { ...scope, ...(questionnaireId ? { questionnaireId } : {}) },
                anonymised,
                locale,
                onProgress,
              });
        if (!file.ok) {
          const e = file.error;
          if (e.kind === 'pick_questionnaire')
            return { ok: false, error: say('export_pick_questionnaire'), questionnaires: e.questionnaireIds };
          return { ok: false, error: say('export_forbidden') };
        }
        const f = file.value;
        return {
          ok: true,
          value: {
            stream: f.stream,
            contentType: f.contentType,
            filename: f.filename,
            rows: f.total,
            progress: () => done,
          },
        };
      }
      const file = await monitoring.exportYear({
        what: what as 'activities' | 'participants',
        format: fmt,
        ...scope,
        anonymised,
        onProgress,
        ...(locale === 'kk' ? { locale } : {}),
      });
      return {
        ok: true,
        value: {
          stream: file.stream,
          contentType: file.contentType,
          filename: file.filename,
          rows: file.total,
          progress: () => done,
        },
      };
    },

    async report({ viewer, locale, cohortId, year, half, format }) {
      const say = sayer(locale);
      let target = cohortId;
      if (viewer.role === 'school_admin') return { ok: false, error: say('report_forbidden') };
      if (viewer.role !== 'staff') {
        if (!target && viewer.cohortIds.length === 1) target = viewer.cohortIds[0];
        if (!target) return { ok: false, error: say('report_pick_cohort') };
        if (!viewer.cohortIds.includes(target)) return { ok: false, error: say('cohort_forbidden') };
      }
      // A Kazakh page asks for the Kazakh report; otherwise the report's own default (Kazakh for Kazakh cohorts).
      const report = await monitoring.halfYearReport({
        ...(target ? { cohortId: target } : {}),
        year,
        half,
        anonymised: anonymisedFor(viewer, target ? [target] : undefined),
        ...(locale === 'kk' ? { locale } : {}),
      });
      if (!report.ok) return { ok: false, error: reportErrorText(report.error, locale) };
      const cohort = target ? await deps.repos.cohorts.findById(target) : undefined;
      const base = `report-${(cohort?.code ?? 'centre').toLowerCase()}-${year}-h${half}`;
      return format === 'xlsx'
        ? {
            ok: true,
            value: {
              body: report.value.xlsx,
              contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
              filename: `${base}.xlsx`,
              title: report.value.title,
            },
          }
        : {
            ok: true,
            value: {
              body: Buffer.from(report.value.markdown, 'utf8'),
              contentType: 'text/markdown; charset=utf-8',
              filename: `${base}.md`,
              title: report.value.title,
            },
          };
    },

    async summary({ viewer, locale, cohortId, by, segment }) {
      const cohortIds = cohortScope(viewer, cohortId);
      if (cohortIds && cohortIds.length === 0) return { tables: [], charts: [] };
      const scope = {
        ...(await narrowed(cohortIds, cohortId, segment)),
        ...(by && (DIMENSIONS as readonly string[]).includes(by) ? { by: by as Dimension } : {}),
      };
      const [aggregates, charts] = await Promise.all([
        monitoring.aggregates(scope, locale),
        monitoring.charts(scope, locale),
      ]);
      return { tables: summaryTables(aggregates, locale), charts };
    },

    async schedule({ cohortId, days, locale }) {
      const [{ previewCohort }, { formatSchedule }] = await Promise.all([
        import('../../scheduler/preview.js'),
        import('../../cli/commands/schedule.js'),
      ]);
      const from = new Date();
      const preview = await previewCohort(
        { repos: deps.repos, content: deps.content },
        cohortId,
        from,
        new Date(from.getTime() + days * 86_400_000),
      );
      return preview ? formatSchedule(preview, from, days, locale) : undefined;
    },
  };
}

/** Titles of the questionnaire version a response was given on, its questions and their options. */
export function questionnaireTexts(catalog: Content['questionnaires']) {
  return (questionnaireId: string, version: number, locale: Locale): QuestionnaireTexts | undefined => {
    const q = catalog.get(questionnaireId, version) ?? catalog.get(questionnaireId);
    if (!q) return undefined;
    const questions = new Map(
      q.questions.map((question) => [
        question.id,
        {
          text: localized(question.text, locale),
          options: new Map('options' in question ? question.options.map((o) => [o.id, localized(o.text, locale)]) : []),
        },
      ]),
    );
    return { title: localized(q.title, locale), questions };
  };
}

/**
 * A teacher's diagnosis as the tutor reads it in /plans (seed 003): undefined where the cohort's
 * support model has none, [] while the teacher has not completed it.
 */
export function consoleDiagnosis(deps: { repos: Repositories; content: Pick<Content, 'models' | 'questionnaires'> }) {
  const { repos, content } = deps;
  return async (cohortId: string, participantId: string, locale: Locale): Promise<DiagnosisLine[] | undefined> => {
    const cohort = await repos.cohorts.findById(cohortId);
    if (!cohort) return undefined;
    const modelId = (await stagePlanOf(repos, cohort)).model;
    const model = modelId ? content.models.get(modelId) : undefined;
    return model
      ? teacherDiagnosis(repos, model, content.questionnaires, { cohortId, participantId }, locale)
      : undefined;
  };
}

/** Join links of the configured channels, for the cohort page to print as QR codes. */
export function consoleJoinLinks(settings: {
  telegramBotUsername?: string | undefined;
  whatsappPhone?: string | undefined;
  maxBotUsername?: string | undefined;
}) {
  return (code: string): { label: string; url: string }[] => {
    const links = buildJoinLinks({
      code,
      telegramBotUsername: settings.telegramBotUsername,
      whatsappPhone: settings.whatsappPhone,
      maxBotUsername: settings.maxBotUsername,
    });
    return (
      Object.entries({ Telegram: links.telegram, WhatsApp: links.whatsapp, Max: links.max }) as [
        string,
        (typeof links)['telegram'],
      ][]
    ).flatMap(([label, l]) => (l.ok ? [{ label, url: l.url }] : []));
  };
}
