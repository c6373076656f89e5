// /broadcast in the private chat with the bot on Max: a curator composes a message to a cohort,
// previews it and sends it to the cohort's groups and, if chosen, to every teacher privately. The
// same steps and texts as Telegram's wizard; what is sent, to whom, and the delivery report are the
// channel-agnostic broadcast service's business. A draft lives in memory: a restart drops it.
import { BROADCAST_MAX_LENGTH, type BroadcastService } from '../../delivery/broadcasts.js';
import type { Repositories } from '../../domain/repositories.js';
import type { InboundEvent } from '../../engine/events.js';
import { translator, type Translate } from '../../i18n/index.js';
import type { Logger } from '../../logger.js';
import { parseAnswer } from '../../questionnaires/index.js';
import type { ButtonPress } from './inbound.js';
import type { Rows } from './keyboard.js';

export interface MaxBroadcastWizardDeps {
  repos: Repositories;
  broadcasts: BroadcastService;
  /** Writes to the curator's chat, with this wizard's buttons when given. */
  post(chatId: string, text: string, rows?: Rows): Promise<void>;
  /** Answers a press of one of this wizard's buttons (the buttons go away). */
  answer(press: ButtonPress): Promise<void>;
  logger: Logger;
}

type Audience = 'groups' | 'all' | 'private';
interface Draft {
  step: 'cohort' | 'text' | 'link' | 'audience' | 'confirm';
  personId: string;
  t: Translate;
  cohorts: { id: string; title: string; groups: number }[];
  cohort?: { id: string; title: string; groups: number };
  text?: string;
  link?: string;
  audience?: Audience;
}

const PREFIX = 'bw|';
const button = (text: string, data: string) => ({ type: 'callback' as const, text, payload: `${PREFIX}${data}` });

export function createMaxBroadcastWizard(deps: MaxBroadcastWizardDeps) {
  const { repos, logger } = deps;
  const drafts = new Map<string, Draft>();

  async function ask(chatId: string, d: Draft): Promise<void> {
    const { t } = d;
    switch (d.step) {
      case 'cohort':
        return deps.post(chatId, t('broadcast.choose_cohort'), d.cohorts.map((c, i) => [button(c.title, `cohort|${i}`)]));
      case 'text':
        return deps.post(chatId, t('broadcast.ask_text', { title: d.cohort!.title }));
      case 'link':
        return deps.post(chatId, t('broadcast.ask_link'), [[button(t('common.skip'), 'skip')]]);
      case 'audience':
        return deps.post(chatId, t('broadcast.ask_audience'), audiences(d).map(([id, key]) => [button(t(key), `aud|${id}`)]));
      case 'confirm':
        await deps.post(chatId, t('broadcast.preview'));
        await deps.post(chatId, deps.broadcasts.body({ text: d.text!, ...(d.link ? { link: d.link } : {}) }));
        return deps.post(chatId, t('broadcast.confirm'), [[button(t('broadcast.send'), 'send'), button(t('broadcast.cancel'), 'cancel')]]);
      default: {
        const never: never = d.step;
        throw new Error(`unknown step ${String(never)}`);
      }
    }
  }

  const audiences = (d: Draft) =>
    (d.cohort!.groups > 0 ? [['groups', 'broadcast.audience_groups'], ['all', 'broadcast.audience_all']] : [['private', 'broadcast.audience_private']]) as [
      Audience,
      'broadcast.audience_groups' | 'broadcast.audience_all' | 'broadcast.audience_private',
    ][];

  async function begin(event: InboundEvent): Promise<void> {
    const person = await repos.participants.findByAddress('max', event.from.id);
    const t = translator(person?.locale ?? 'ru');
    if (!person) return deps.post(event.chat.id, t('onboarding.need_code'));
    const cohorts = person.isStaff
      ? await repos.cohorts.listByStatus('active')
      : (await repos.cohorts.listForStaffMember(person.id)).filter((c) => c.status === 'active' && c.curatorIds.includes(person.id));
    if (cohorts.length === 0) return deps.post(event.chat.id, t('broadcast.no_cohorts'));
    const list = cohorts.map((c) => ({ id: c.id, title: c.title, groups: c.groups.length }));
    const d: Draft = { step: list.length > 1 ? 'cohort' : 'text', personId: person.id, t, cohorts: list, ...(list.length === 1 ? { cohort: list[0]! } : {}) };
    drafts.set(event.chat.id, d);
    await ask(event.chat.id, d);
  }

  async function finish(chatId: string, d: Draft): Promise<void> {
    drafts.delete(chatId);
    const created = await deps.broadcasts.create({
      cohortId: d.cohort!.id,
      authorId: d.personId,
      text: d.text!,
      ...(d.link ? { link: d.link } : {}),
      toGroups: d.audience !== 'private',
      toParticipants: d.audience !== 'groups',
    });
    await deps.post(chatId, d.t('broadcast.sending'));
    // Sending paces itself to each platform's limits and may take minutes; the report follows.
    void deps.broadcasts.send(created.id).catch((error: unknown) => logger.error({ err: error, broadcast: created.id }, 'broadcast failed'));
  }

  return {
    /** A text in the private chat: starts the wizard, or is its next answer. False: not the wizard's. */
    async message(event: InboundEvent): Promise<boolean> {
      const text = event.payload.kind === 'text' ? event.payload.text.trim() : undefined;
      const d = drafts.get(event.chat.id);
      if (/^\/broadcast(@\S+)?$/i.test(text ?? '')) {
        drafts.delete(event.chat.id);
        await begin(event);
        return true;
      }
      if (!d) return false;
      if (text === undefined) {
        await deps.post(event.chat.id, d.t('flow.text_expected'));
        return true;
      }
      // A command leaves the wizard and is handled as usual.
      if (text.startsWith('/')) {
        drafts.delete(event.chat.id);
        await deps.post(event.chat.id, d.t('broadcast.cancelled'));
        return false;
      }
      if (d.step === 'text') {
        if (!text) await deps.post(event.chat.id, d.t('broadcast.text_required'));
        else if (text.length > BROADCAST_MAX_LENGTH) await deps.post(event.chat.id, d.t('broadcast.too_long', { length: text.length, max: BROADCAST_MAX_LENGTH }));
        else {
          d.text = text;
          d.step = 'link';
          await ask(event.chat.id, d);
        }
        return true;
      }
      if (d.step === 'link') {
        const parsed = parseAnswer({ id: 'link', type: 'link', text: { ru: '' }, required: true }, { text }, { locale: 'ru', today: '2000-01-01' });
        if (parsed.ok && typeof parsed.value === 'string') {
          d.link = parsed.value;
          d.step = 'audience';
          await ask(event.chat.id, d);
        } else await deps.post(event.chat.id, d.t('broadcast.bad_link'), [[button(d.t('common.skip'), 'skip')]]);
        return true;
      }
      await deps.post(event.chat.id, d.t('broadcast.use_buttons'));
      return true;
    },

    /** A press of one of this wizard's buttons. False: not the wizard's. */
    async pressed(press: ButtonPress): Promise<boolean> {
      if (!press.payload.startsWith(PREFIX)) return false;
      await deps.answer(press);
      const d = drafts.get(press.chat.id);
      if (!d) return true;
      const data = press.payload.slice(PREFIX.length);
      const cohort = /^cohort\|(\d+)$/.exec(data)?.[1];
      const audience = /^aud\|(\w+)$/.exec(data)?.[1];
      if (d.step === 'cohort' && cohort !== undefined && d.cohorts[Number(cohort)]) {
        d.cohort = d.cohorts[Number(cohort)]!;
        d.step = 'text';
      } else if (d.step === 'link' && data === 'skip') {
        d.step = 'audience';
      } else if (d.step === 'audience' && audiences(d).some(([id]) => id === audience)) {
        d.audience = audience as Audience;
        d.step = 'confirm';
      } else if (d.step === 'confirm' && data === 'send') {
        await finish(press.chat.id, d);
        return true;
      } else if (d.step === 'confirm' && data === 'cancel') {
        drafts.delete(press.chat.id);
        await deps.post(press.chat.id, d.t('broadcast.cancelled'));
        return true;
      } else {
        await deps.post(press.chat.id, d.t('broadcast.use_buttons'));
        return true;
      }
      await ask(press.chat.id, d);
      return true;
    },
  };
}
