// The engine's staff tools (engine/staff-tools.ts) over the broadcast service and the monitoring
// facade: what curators' flows call, on whichever channel the curator writes from.
import type { Repositories } from '../domain/repositories.js';
import type { OutboundFile } from '../engine/events.js';
import type { StaffTools } from '../engine/staff-tools.js';
import { t } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import {
  EXPORT_FORMATS,
  exportErrorText,
  streamToBuffer,
  upcomingHalf,
  type ExportFormat,
  type Monitoring,
} from '../monitoring/index.js';
import type { BroadcastService } from './broadcasts.js';

/** A centre runs many cohorts: the chat gets the first ten reports, the HTTP API and CLI give any. */
const REPORTS_IN_CHAT = 10;

export function createStaffTools(deps: {
  broadcasts: BroadcastService;
  monitoring: Monitoring;
  repos: Repositories;
  logger: Logger;
  now?: () => Date;
}): StaffTools {
  const { broadcasts, monitoring, repos, logger } = deps;
  const now = deps.now ?? (() => new Date());
  return {
    broadcastBody: (text, link) => broadcasts.body({ text, ...(link ? { link } : {}) }),
    async startBroadcast(request) {
      const created = await broadcasts.create(request);
      // Sending paces itself to each platform's limits and may take minutes: the author hears as it goes.
      void broadcasts
        .send(created.id)
        .catch((error: unknown) => logger.error({ err: error, broadcast: created.id }, 'broadcast failed'));
    },
    async figures(participantId, locale) {
      const text = await monitoring.statsText({ participantId, locale });
      if (!text.ok) return { ok: false, reason: 'forbidden' };
      const charts = await monitoring.statsCharts({ participantId });
      const pictures: OutboundFile[] = charts.ok
        ? charts.value.map((c) => ({ kind: 'file', filename: c.filename, data: c.png, text: c.title, picture: true }))
        : [];
      return { ok: true, text: text.value, charts: pictures };
    },
    async reports(participantId, locale) {
      const person = await repos.participants.findById(participantId);
      if (!person) return { ok: false, reason: 'forbidden' };
      const cohorts = person.isStaff
        ? await repos.cohorts.listByStatus('active')
        : (await repos.cohorts.listForStaffMember(person.id)).filter(
            (c) => c.curatorIds.includes(person.id) && c.status === 'active',
          );
      if (cohorts.length === 0) return { ok: false, reason: 'forbidden' };
      const { half, year } = upcomingHalf(now());
      const files: OutboundFile[] = [];
      for (const cohort of cohorts.slice(0, REPORTS_IN_CHAT)) {
        const report = await monitoring.halfYearReport({ cohortId: cohort.id, half, year });
        if (!report.ok) continue;
        files.push({
          kind: 'file',
          filename: `report-${cohort.code}-${year}-${half}.xlsx`,
          data: report.value.xlsx,
          text: report.value.title,
          fallback: `${report.value.title}\n${t(locale, 'monitoring.report_file_elsewhere')}`,
        });
      }
      return { ok: true, files };
    },
    async exportFile(participantId, locale, asked) {
      const wanted = asked.trim().toLowerCase();
      const format: ExportFormat = (EXPORT_FORMATS as readonly string[]).includes(wanted)
        ? (wanted as ExportFormat)
        : 'xlsx';
      const file = await monitoring.exportForRequester({ participantId, format, locale });
      if (!file.ok) {
        const error = file.error;
        return error.kind === 'pick_questionnaire'
          ? { ok: false, reason: 'explain', text: exportErrorText(error, locale) }
          : { ok: false, reason: 'forbidden' };
      }
      const { filename, empty, personalData, stream } = file.value;
      const caption = [
        t(locale, 'monitoring.export_ready', { filename }),
        ...(empty ? [t(locale, 'monitoring.export_empty')] : []),
        ...(personalData ? [] : [t(locale, 'monitoring.export_personal_hidden')]),
      ].join('\n');
      // Chat exports are one cohort's or one centre's answers, megabytes at most: read whole, sent as one document.
      const data = await streamToBuffer(stream);
      return {
        ok: true,
        file: {
          kind: 'file',
          filename,
          data,
          text: caption,
          fallback: `${caption}\n${t(locale, 'monitoring.export_file_elsewhere')}`,
        },
      };
    },
  };
}
