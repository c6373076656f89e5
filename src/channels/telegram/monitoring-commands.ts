// /stats and /export for curators and staff: Telegram can send files and pictures, so these are
// answered here, with the monitoring service deciding what each person may see.
import { Composer, InputFile } from 'grammy';
import type { Repositories } from '../../domain/repositories.js';
import { translator } from '../../i18n/index.js';
import type { Logger } from '../../logger.js';
import { EXPORT_FORMATS, exportErrorText, type ExportFormat, type Monitoring, type RequesterError } from '../../monitoring/index.js';
import { upcomingHalf } from '../../monitoring/report-source.js';
import type { SputnikContext } from './bot.js';

function refusal(error: RequesterError): 'onboarding.need_code' | 'monitoring.stats_forbidden' {
  return error.kind === 'unknown_person' ? 'onboarding.need_code' : 'monitoring.stats_forbidden';
}

export function monitoringCommands(deps: { monitoring: Monitoring; repos: Repositories; logger: Logger }): Composer<SputnikContext> {
  const { monitoring, repos, logger } = deps;
  const composer = new Composer<SputnikContext>();
  const privateChats = composer.chatType('private');

  privateChats.command('stats', async (ctx) => {
    const person = await repos.participants.findByAddress('telegram', String(ctx.from.id));
    const t = translator(person?.locale ?? 'ru');
    if (!person) return void (await ctx.reply(t('onboarding.need_code')));
    const text = await monitoring.statsText({ participantId: person.id, locale: person.locale });
    if (!text.ok) return void (await ctx.reply(t(refusal(text.error))));
    await ctx.reply(text.value);
    const charts = await monitoring.statsCharts({ participantId: person.id });
    if (!charts.ok) return;
    for (const chart of charts.value) {
      await ctx.replyWithPhoto(new InputFile(chart.png, chart.filename), { caption: chart.title }).catch((error: unknown) => logger.warn({ err: error }, 'chart not sent'));
    }
  });

  privateChats.command('export', async (ctx) => {
    const person = await repos.participants.findByAddress('telegram', String(ctx.from.id));
    const t = translator(person?.locale ?? 'ru');
    if (!person) return void (await ctx.reply(t('onboarding.need_code')));
    const asked = ctx.match.trim().toLowerCase();
    const format: ExportFormat = (EXPORT_FORMATS as readonly string[]).includes(asked) ? (asked as ExportFormat) : 'xlsx';
    const file = await monitoring.exportForRequester({ participantId: person.id, format, locale: person.locale });
    if (!file.ok) {
      const error = file.error;
      return void (await ctx.reply(error.kind === 'pick_questionnaire' ? exportErrorText(error, person.locale) : t(refusal(error))));
    }
    const caption = [
      t('monitoring.export_ready', { filename: file.value.filename }),
      ...(file.value.empty ? [t('monitoring.export_empty')] : []),
      ...(file.value.personalData ? [] : [t('monitoring.export_personal_hidden')]),
    ].join('\n');
    await ctx.replyWithDocument(new InputFile(file.value.stream, file.value.filename), { caption });
  });

  privateChats.command('report', async (ctx) => {
    const person = await repos.participants.findByAddress('telegram', String(ctx.from.id));
    const t = translator(person?.locale ?? 'ru');
    if (!person) return void (await ctx.reply(t('onboarding.need_code')));
    const cohorts = person.isStaff
      ? await repos.cohorts.listByStatus('active')
      : (await repos.cohorts.listForStaffMember(person.id)).filter((c) => c.curatorIds.includes(person.id) && c.status === 'active');
    if (cohorts.length === 0) return void (await ctx.reply(t('monitoring.stats_forbidden')));
    await ctx.reply(t('monitoring.report_preparing'));
    const { half, year } = upcomingHalf(new Date());
    // A centre runs many cohorts: the chat gets the first ten, the HTTP API and CLI give any.
    for (const cohort of cohorts.slice(0, 10)) {
      const report = await monitoring.halfYearReport({ cohortId: cohort.id, half, year });
      if (!report.ok) continue;
      await ctx.replyWithDocument(new InputFile(report.value.xlsx, `report-${cohort.code}-${year}-${half}.xlsx`), { caption: report.value.title });
    }
  });

  return composer;
}
