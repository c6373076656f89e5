// Translates Telegram updates into engine events and the engine's answers back into Bot API
// calls. Thin on purpose: what to say is decided by the engine; here is only how it looks.
import { Composer, type Context } from 'grammy';
import type { InlineKeyboardMarkup, Message } from 'grammy/types';
import type { Dispatcher } from '../../delivery/dispatcher.js';
import type { Repositories } from '../../domain/repositories.js';
import type { Engine } from '../../engine/engine.js';
import { BACK, SKIP } from '../../engine/engine.js';
import type { Acknowledgement, InboundEvent, Outbound } from '../../engine/events.js';
import { parseGroupCommand, runGroupCommand } from '../../engine/groups.js';
import type { Logger } from '../../logger.js';
import type { SputnikContext } from './bot.js';
import type { KeyboardState } from './keyboard-state.js';
import { chatType, inboundFromMessage } from './inbound.js';
import { claimedHere } from './shared-instances.js';
import { decode, ranked, selection, selectionLabels, toggled, type ButtonAction } from './keyboard.js';

export interface TelegramAdapterDeps {
  engine: Engine;
  keyboards: KeyboardState;
  dispatcher: Dispatcher;
  repos: Repositories;
  logger: Logger;
  now?: () => Date;
}

/** The labels of what was chosen, read from the keyboard the person pressed. */
function chosenLabels(markup: InlineKeyboardMarkup | undefined, action: ButtonAction, data: string): string[] {
  if (action.kind === 'back' || action.kind === 'skip') return [];
  if (action.kind === 'done') return selectionLabels(markup, action.ref);
  const pressed = markup?.inline_keyboard.flat().find((b) => 'callback_data' in b && b.callback_data === data);
  return pressed ? [pressed.text] : [];
}

export function createTelegramAdapter(deps: TelegramAdapterDeps): Composer<SputnikContext> {
  const { engine, dispatcher, repos, logger, keyboards } = deps;
  const now = deps.now ?? (() => new Date());
  const composer = new Composer<SputnikContext>();

  async function deliver(out: Outbound[]): Promise<void> {
    const deliveries = await dispatcher.dispatch(out);
    for (const d of deliveries) {
      if (!d.outcome.ok) logger.warn({ channel: d.channel, kind: d.outcome.kind }, 'a reply was not delivered');
    }
  }

  // The person blocked the bot (or unblocked it): stop or resume writing to them here.
  composer.on('my_chat_member', async (ctx) => {
    const update = ctx.myChatMember;
    if (update.chat.type !== 'private') return;
    const person = await repos.participants.findByAddress('telegram', String(update.from.id));
    if (!person) return;
    const gone = update.new_chat_member.status === 'kicked';
    await repos.participants.setUnreachable(person.id, 'telegram', gone ? now() : null);
  });

  // A group that became a supergroup has a new id: keep the binding.
  composer.on('message:migrate_to_chat_id', async (ctx) => {
    const from = String(ctx.chat.id);
    const to = String(ctx.message.migrate_to_chat_id);
    const cohort = await repos.cohorts.findByGroup('telegram', from);
    const group = cohort?.groups.find((g) => g.channel === 'telegram' && g.chatId === from);
    if (!cohort || !group) return;
    await repos.cohorts.unbindGroup(cohort.id, 'telegram', from);
    await repos.cohorts.bindGroup(cohort.id, { ...group, chatId: to });
  });

  composer.on('callback_query:data', async (ctx) => {
    const data = ctx.callbackQuery.data;
    const action = decode(data);
    const message = ctx.callbackQuery.message;
    const type = message ? chatType(message.chat.type) : undefined;
    if (!action || !message || type !== 'private') {
      await ctx.answerCallbackQuery();
      return;
    }
    const chatId = String(message.chat.id);
    // The keyboard as last drawn wins over the one in the update: a second quick tap carries the old one.
    const markup = keyboards.current(
      chatId,
      message.message_id,
      'reply_markup' in message ? (message as Message).reply_markup : undefined,
    );
    // Ticking a box or numbering an option only changes the keyboard; the answer comes with "Готово".
    if ((action.kind === 'toggle' || action.kind === 'rank') && markup) {
      await ctx.answerCallbackQuery();
      const next = action.kind === 'toggle' ? toggled(markup, data) : ranked(markup, data);
      keyboards.redrawn(chatId, message.message_id, next);
      await ctx
        .editMessageReplyMarkup({ reply_markup: next })
        .catch((error: unknown) => logger.debug({ err: error }, 'keyboard not edited'));
      return;
    }
    await ctx.answerCallbackQuery();
    const optionIds =
      action.kind === 'choose'
        ? [action.optionId]
        : action.kind === 'back'
          ? [BACK]
          : action.kind === 'skip'
            ? [SKIP]
            : selection(markup, action.ref);
    const event: InboundEvent = {
      channel: 'telegram',
      messageId: `cb:${ctx.callbackQuery.id}`,
      chat: { id: String(message.chat.id), type },
      from: { id: String(ctx.from.id), ...(ctx.from.username ? { username: ctx.from.username } : {}) },
      at: now(),
      payload: { kind: 'choice', ref: action.ref, optionIds },
      ...(claimedHere(ctx.update) ? { claimed: true as const } : {}),
    };
    const out = await engine.handle(event);
    keyboards.answered(chatId, message.message_id);
    const ack = out.find((o): o is Outbound & { message: Acknowledgement } => o.message.kind === 'ack');
    if (ack?.message.accepted && 'text' in message && typeof message.text === 'string') {
      // The question stays in the chat with its answer under it, and without buttons to press again.
      const labels = chosenLabels(markup, action, data);
      const text = labels.length ? `${message.text}\n\n✓ ${labels.join(', ')}` : message.text;
      await ctx.editMessageText(text).catch((error: unknown) => logger.debug({ err: error }, 'question not edited'));
    } else if (ack) {
      // A refused tap (the second of a quick double tap, an old question) carries the text as it was
      // before the first tap's «✓ answer»: writing it back would erase that line. Only the buttons go.
      await ctx
        .editMessageReplyMarkup()
        .catch((error: unknown) => logger.debug({ err: error }, 'keyboard not removed'));
    }
    await deliver(out);
  });

  composer.on('message', async (ctx) => {
    const read = inboundFromMessage(ctx.update);
    if (!read) return;
    const event: InboundEvent = claimedHere(ctx.update) ? { ...read, claimed: true } : read;
    if (event.chat.type === 'group') return groupMessage(ctx, event);
    // A typed answer leaves the last question's buttons (back, skip, options) stale: take them away.
    const stale = keyboards.takeLastPrompt(event.chat.id);
    if (stale !== undefined) {
      await ctx.api
        .editMessageReplyMarkup(event.chat.id, stale)
        .catch((error: unknown) => logger.debug({ err: error }, 'keyboard not removed'));
    }
    await deliver(await engine.handle(event));
  });

  async function groupMessage(ctx: Context, event: InboundEvent): Promise<void> {
    const text = event.payload.kind === 'text' ? event.payload.text.trim() : '';
    const command = parseGroupCommand(text);
    if (command) {
      const title = ctx.chat && 'title' in ctx.chat ? ctx.chat.title : undefined;
      const outcome = await runGroupCommand(repos, { event, at: now(), ...(title ? { title } : {}) }, command, {
        inviteLink: async (cohort) => {
          try {
            return (await ctx.api.createChatInviteLink(event.chat.id, { name: cohort.code })).invite_link;
          } catch (error) {
            // Without admin rights the bot cannot make a link; the binding itself still holds.
            logger.warn({ err: error }, 'could not create an invite link for the group');
            return undefined;
          }
        },
        linkToCurator: true,
      });
      await ctx.reply(outcome.reply);
      if (outcome.toCurator) {
        await ctx.api
          .sendMessage(outcome.toCurator.chatId, outcome.toCurator.text)
          .catch((error: unknown) => logger.debug({ err: error }, 'invite link not sent to the curator'));
      }
      return;
    }
    // Everything else in a group is the teachers' own conversation, except a newcomer to greet.
    if (event.payload.kind === 'member_joined') await deliver(await engine.handle(event));
  }

  return composer;
}
