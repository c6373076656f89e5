// The command menus Telegram shows next to the input field, in each language, per audience:
// teachers' commands in private chats by default; /bind and /unbind in groups; and, in the private
// chat of each curator, tutor or staff member the bot knows (by Telegram id), the commands of their
// role — published at start and when one first writes to the bot.
import type { Api, Context, NextFunction } from 'grammy';
import type { BotCommand } from 'grammy/types';
import { LOCALES, type Locale } from '../../domain/locale.js';
import type { Participant } from '../../domain/participant.js';
import type { Repositories } from '../../domain/repositories.js';
import { t, type MessageKey } from '../../i18n/index.js';

/** Who a menu is for: the role decides which commands the bot would answer, not just which it knows. */
export type MenuAudience = 'teacher' | 'tutor' | 'curator' | 'group';

const item = (command: string, key: MessageKey, locale: Locale): BotCommand => ({
  command,
  // Menu labels carry a count in the chat ("(3)"): a command menu has none.
  description: t(locale, key, { count: 0 }).replace(/\s*\(0\)$/, ''),
});

const MENUS: Record<MenuAudience, [string, MessageKey][]> = {
  teacher: [
    ['menu', 'menu.title'],
    ['surveys', 'menu.surveys'],
    ['activity', 'menu.activity'],
    ['progress', 'menu.progress'],
    ['plan', 'menu.plan'],
    ['consult', 'menu.consultation'],
    ['language', 'menu.language'],
    ['stop', 'menu.reminders_off'],
    ['help', 'menu.help'],
  ],
  // Flows open to tutors (flows/*.yaml roles) and the Telegram-only /export.
  tutor: [
    ['menu', 'menu.title'],
    ['consultations', 'menu.cmd_consultations'],
    ['plans', 'menu.plans'],
    ['event', 'menu.event'],
    ['events', 'menu.cmd_events'],
    ['stats', 'menu.cmd_stats'],
    ['export', 'menu.cmd_export'],
    ['console', 'menu.cmd_console'],
    ['language', 'menu.language'],
    ['help', 'menu.help'],
  ],
  // Curators and centre staff: everything a tutor has, and review, stages, broadcasts, the report.
  curator: [
    ['menu', 'menu.title'],
    ['review', 'menu.cmd_review'],
    ['consultations', 'menu.cmd_consultations'],
    ['plans', 'menu.plans'],
    ['stage', 'menu.cmd_stage'],
    ['event', 'menu.event'],
    ['events', 'menu.cmd_events'],
    ['broadcast', 'menu.cmd_broadcast'],
    ['stats', 'menu.cmd_stats'],
    ['report', 'menu.cmd_report'],
    ['export', 'menu.cmd_export'],
    ['console', 'menu.cmd_console'],
    ['language', 'menu.language'],
    ['help', 'menu.help'],
  ],
  group: [
    ['bind', 'menu.cmd_bind'],
    ['unbind', 'menu.cmd_unbind'],
  ],
};

export function commandsFor(locale: Locale, audience: MenuAudience = 'teacher'): BotCommand[] {
  return MENUS[audience].map(([command, key]) => item(command, key, locale));
}

/** The menu of a person's strongest role: staff and curators get the curator's, tutors the tutor's. */
export async function staffAudience(
  repos: Pick<Repositories, 'cohorts'>,
  person: Pick<Participant, 'id' | 'isStaff'>,
): Promise<MenuAudience> {
  if (person.isStaff) return 'curator';
  // As the engine decides who may run which flow (engine.ts rolesOf): any cohort that lists them.
  const cohorts = await repos.cohorts.listForStaffMember(person.id);
  if (cohorts.some((c) => c.curatorIds.includes(person.id))) return 'curator';
  if (cohorts.some((c) => c.tutorIds.includes(person.id))) return 'tutor';
  return 'teacher';
}

export interface StaffChat {
  chatId: number;
  locale: Locale;
  audience: Exclude<MenuAudience, 'teacher' | 'group'>;
}

/** The private chat of a staff member with their role's menu; undefined for a teacher or someone not on Telegram. */
export async function staffChatOf(
  repos: Pick<Repositories, 'cohorts'>,
  person: Participant,
): Promise<StaffChat | undefined> {
  const id = person.addresses.find((a) => a.channel === 'telegram' && a.id !== undefined)?.id;
  if (id === undefined || !/^\d+$/.test(id)) return undefined;
  const audience = await staffAudience(repos, person);
  return audience === 'teacher' || audience === 'group'
    ? undefined
    : { chatId: Number(id), locale: person.locale, audience };
}

/** Every staff member, curator and tutor of a running cohort whom the bot can reach on Telegram. */
export async function knownStaffChats(repos: Pick<Repositories, 'cohorts' | 'participants'>): Promise<StaffChat[]> {
  const ids = new Set<string>();
  for (const c of await repos.cohorts.listByStatus('active'))
    for (const id of [...c.curatorIds, ...c.tutorIds]) ids.add(id);
  const people = [...(await repos.participants.listStaff()), ...(await repos.participants.findByIds([...ids]))];
  const seen = new Set<string>();
  const chats: StaffChat[] = [];
  for (const person of people) {
    if (seen.has(person.id)) continue;
    seen.add(person.id);
    const chat = await staffChatOf(repos, person);
    if (chat) chats.push(chat);
  }
  return chats;
}

/** One staff member's menu, in their private chat only (Telegram's "chat" scope wins over the default). */
export function publishStaffMenu(api: Api, chat: StaffChat): Promise<true> {
  return api.setMyCommands(commandsFor(chat.locale, chat.audience), { scope: { type: 'chat', chat_id: chat.chatId } });
}

/**
 * Russian is the default menu; Kazakh and English go to users whose Telegram is in those
 * languages. Groups get /bind and /unbind; each staff chat its role's menu.
 */
export async function publishCommands(api: Api, staff: readonly StaffChat[] = []): Promise<void> {
  await api.setMyCommands(commandsFor('ru'));
  for (const locale of LOCALES.filter((l) => l !== 'ru')) {
    await api.setMyCommands(commandsFor(locale), { language_code: locale });
  }
  await api.setMyCommands(commandsFor('ru', 'group'), { scope: { type: 'all_group_chats' } });
  for (const locale of LOCALES.filter((l) => l !== 'ru')) {
    await api.setMyCommands(commandsFor(locale, 'group'), {
      scope: { type: 'all_group_chats' },
      language_code: locale,
    });
  }
  for (const chat of staff) await publishStaffMenu(api, chat);
}

/**
 * After a private message is handled (a curator known only by username is linked by then), the
 * sender's chat gets their role's menu once per process if they are staff; a failed call is logged, not retried.
 */
export function staffMenuOnFirstMessage(deps: {
  repos: Pick<Repositories, 'cohorts' | 'participants'>;
  onError: (error: unknown) => void;
}) {
  const checked = new Set<number>();
  return async (ctx: Context, next: NextFunction): Promise<void> => {
    await next();
    const chat = ctx.chat;
    if (chat?.type !== 'private' || checked.has(chat.id)) return;
    checked.add(chat.id);
    try {
      const person = await deps.repos.participants.findByAddress('telegram', String(chat.id));
      const staff = person ? await staffChatOf(deps.repos, person) : undefined;
      if (staff) await publishStaffMenu(ctx.api, staff);
    } catch (error) {
      deps.onError(error);
    }
  };
}
