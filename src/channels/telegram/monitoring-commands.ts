// /export for curators and staff: a data file, which Telegram can send, so it is answered here, with
// the monitoring service deciding what each person may see. /stats and /report are engine flows.
import { Composer, InputFile } from 'grammy';
import type { Repositories } from '../../domain/repositories.js';
import { translator } from '../../i18n/index.js';
import { EXPORT_FORMATS, exportErrorText, type ExportFormat, type Monitoring, type RequesterError } from '../../monitoring/index.js';
import type { SputnikContext } from './bot.js';

function refusal(error: RequesterError): 'onboarding.need_code' | 'monitoring.stats_forbidden' {
  return error.kind === 'unknown_person' ? 'onboarding.need_code' : 'monitoring.stats_forbidden';
}

export function monitoringCommands(deps: { monitoring: Monitoring; repos: Repositories }): Composer<SputnikContext> {
  const { monitoring, repos } = deps;
  const composer = new Composer<SputnikContext>();
  const privateChats = composer.chatType('private');

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

  return composer;
}
