// /broadcast in the private chat: a curator composes a message to a cohort, previews it and sends
// it to the cohort's groups and, if chosen, to every teacher privately. A Telegram-only wizard on
// @grammyjs/conversations; what is sent, to whom, and the delivery report are the channel-agnostic
// broadcast service's business.
import type { Conversation } from '@grammyjs/conversations';
import type { Context } from 'grammy';
import type { Repositories } from '../../domain/repositories.js';
import { BROADCAST_MAX_LENGTH, type BroadcastService } from '../../delivery/broadcasts.js';
import { translator, type Translate } from '../../i18n/index.js';
import type { Logger } from '../../logger.js';
import { parseAnswer } from '../../questionnaires/index.js';
import type { SputnikContext } from './bot.js';

export interface BroadcastWizardDeps {
  repos: Repositories;
  broadcasts: BroadcastService;
  logger: Logger;
}

type WizardConversation = Conversation<SputnikContext, Context>;

const BUTTON = /^bw\|/;
const button = (text: string, data: string) => ({ text, callback_data: `bw|${data}` });

export function createBroadcastWizard(deps: BroadcastWizardDeps) {
  const { repos, broadcasts, logger } = deps;

  /** Waits for text or one of this wizard's buttons; a command leaves the wizard and is handled as usual. */
  async function answer(conversation: WizardConversation, t: Translate): Promise<{ text?: string; button?: string }> {
    const ctx = await conversation.wait();
    if (ctx.callbackQuery?.data && BUTTON.test(ctx.callbackQuery.data)) {
      await ctx.answerCallbackQuery();
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      return { button: ctx.callbackQuery.data.slice(3) };
    }
    const text = ctx.message?.text;
    if (text?.startsWith('/')) {
      await ctx.reply(t('broadcast.cancelled'));
      return conversation.halt({ next: true });
    }
    if (text !== undefined) return { text };
    await ctx.reply(t('flow.text_expected'));
    return answer(conversation, t);
  }

  return async function broadcast(conversation: WizardConversation, ctx: Context): Promise<void> {
    const fromId = ctx.from?.id;
    if (fromId === undefined) return;
    const setup = await conversation.external(async () => {
      const person = await repos.participants.findByAddress('telegram', String(fromId));
      if (!person) return undefined;
      const cohorts = person.isStaff
        ? await repos.cohorts.listByStatus('active')
        : (await repos.cohorts.listForStaffMember(person.id)).filter((c) => c.status === 'active' && c.curatorIds.includes(person.id));
      return { personId: person.id, locale: person.locale, cohorts: cohorts.map((c) => ({ id: c.id, title: c.title, groups: c.groups.length })) };
    });
    const t = translator(setup?.locale ?? 'ru');
    if (!setup || setup.cohorts.length === 0) {
      await ctx.reply(t(setup ? 'broadcast.no_cohorts' : 'onboarding.need_code'));
      return;
    }

    let cohort = setup.cohorts[0]!;
    if (setup.cohorts.length > 1) {
      await ctx.reply(t('broadcast.choose_cohort'), {
        reply_markup: { inline_keyboard: setup.cohorts.map((c, i) => [button(c.title, `cohort|${i}`)]) },
      });
      for (;;) {
        const picked = await answer(conversation, t);
        const index = /^cohort\|(\d+)$/.exec(picked.button ?? '')?.[1];
        const chosen = index === undefined ? undefined : setup.cohorts[Number(index)];
        if (chosen) {
          cohort = chosen;
          break;
        }
        await ctx.reply(t('broadcast.choose_cohort'));
      }
    }

    await ctx.reply(t('broadcast.ask_text', { title: cohort.title }));
    let text = '';
    for (;;) {
      text = (await answer(conversation, t)).text?.trim() ?? '';
      if (!text) await ctx.reply(t('broadcast.text_required'));
      else if (text.length > BROADCAST_MAX_LENGTH) await ctx.reply(t('broadcast.too_long', { length: text.length, max: BROADCAST_MAX_LENGTH }));
      else break;
    }

    await ctx.reply(t('broadcast.ask_link'), { reply_markup: { inline_keyboard: [[button(t('common.skip'), 'skip')]] } });
    let link: string | undefined;
    for (;;) {
      const reply = await answer(conversation, t);
      if (reply.button === 'skip') break;
      const parsed = parseAnswer({ id: 'link', type: 'link', text: { ru: '' }, required: true }, { text: reply.text ?? '' }, { locale: setup.locale, today: '2000-01-01' });
      if (parsed.ok && typeof parsed.value === 'string') {
        link = parsed.value;
        break;
      }
      await ctx.reply(t('broadcast.bad_link'), { reply_markup: { inline_keyboard: [[button(t('common.skip'), 'skip')]] } });
    }

    const audiences = cohort.groups > 0 ? [['groups', 'broadcast.audience_groups'], ['all', 'broadcast.audience_all']] as const : [['private', 'broadcast.audience_private']] as const;
    await ctx.reply(t('broadcast.ask_audience'), { reply_markup: { inline_keyboard: audiences.map(([id, key]) => [button(t(key), `aud|${id}`)]) } });
    let audience = '';
    for (;;) {
      audience = /^aud\|(\w+)$/.exec((await answer(conversation, t)).button ?? '')?.[1] ?? '';
      if (audiences.some(([id]) => id === audience)) break;
      await ctx.reply(t('broadcast.use_buttons'));
    }

    const body = broadcasts.body({ text, ...(link ? { link } : {}) });
    await ctx.reply(t('broadcast.preview'));
    await ctx.reply(body, { link_preview_options: { is_disabled: false } });
    await ctx.reply(t('broadcast.confirm'), { reply_markup: { inline_keyboard: [[button(t('broadcast.send'), 'send'), button(t('broadcast.cancel'), 'cancel')]] } });
    let decision = '';
    for (;;) {
      decision = (await answer(conversation, t)).button ?? '';
      if (decision === 'send' || decision === 'cancel') break;
      await ctx.reply(t('broadcast.use_buttons'));
    }
    if (decision === 'cancel') {
      await ctx.reply(t('broadcast.cancelled'));
      return;
    }
    await conversation.external(async () => {
      const created = await broadcasts.create({
        cohortId: cohort.id,
        authorId: setup.personId,
        text,
        ...(link ? { link } : {}),
        toGroups: audience !== 'private',
        toParticipants: audience !== 'groups',
      });
      // Sending paces itself to Telegram's limits and may take minutes; the report follows when done.
      void broadcasts.send(created.id).catch((error: unknown) => logger.error({ err: error, broadcast: created.id }, 'broadcast failed'));
    });
    await ctx.reply(t('broadcast.sending'));
  };
}

