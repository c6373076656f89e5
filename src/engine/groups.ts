// Binding a chat group to a cohort: who may do it and what they are told. Channel-agnostic: every
// adapter hands /bind and /unbind typed in a group to runGroupCommand and sends what comes back;
// the WhatsApp channel also saves the link of a group it created itself.
import type { Channel } from '../domain/channel.js';
import type { Cohort } from '../domain/cohort.js';
import type { Repositories } from '../domain/repositories.js';
import { roleInCohort } from '../domain/roles.js';
import { translator } from '../i18n/index.js';
import type { InboundEvent } from './events.js';
import { identify } from './identity.js';

export type GroupCommandResult = { ok: true; cohort: Cohort; text: string } | { ok: false; text: string };

export interface GroupCommandInput {
  event: InboundEvent;
  /** The group's name on its platform, when the update carries it. */
  title?: string;
  at: Date;
}

export async function bindGroup(
  repos: Repositories,
  { event, title, at }: GroupCommandInput,
  code: string,
): Promise<GroupCommandResult> {
  const person = await identify(repos, event);
  const t = translator(person?.locale ?? 'ru');
  if (!code.trim()) return { ok: false, text: t('group.bind_usage') };
  if (!person) return { ok: false, text: t('group.bind_unknown_person') };
  const cohort = await repos.cohorts.findByCode(code.trim());
  if (!cohort) return { ok: false, text: t('group.bind_no_cohort', { code: code.trim() }) };
  const role = roleInCohort(person, cohort);
  if (role !== 'curator' && role !== 'staff') return { ok: false, text: t('group.bind_not_allowed') };
  const bound = await repos.cohorts.bindGroup(cohort.id, {
    channel: event.channel,
    chatId: event.chat.id,
    ...(title ? { title } : {}),
    boundAt: at,
    boundBy: person.id,
  });
  if (!bound.ok) return { ok: false, text: t('group.bind_elsewhere', { other: bound.error.cohortCode }) };
  await repos.audit.record({
    at,
    actor: person.id,
    action: 'group.bound',
    subjectType: 'cohort',
    subjectId: cohort.id,
    cohortId: cohort.id,
    details: { channel: event.channel },
  });
  return { ok: true, cohort: bound.value, text: t('group.bound', { title: cohort.title }) };
}

export async function unbindGroup(repos: Repositories, { event, at }: GroupCommandInput): Promise<GroupCommandResult> {
  const person = await identify(repos, event);
  const t = translator(person?.locale ?? 'ru');
  if (!person) return { ok: false, text: t('group.bind_unknown_person') };
  const cohort = await repos.cohorts.findByGroup(event.channel, event.chat.id);
  if (!cohort) return { ok: false, text: t('group.not_bound') };
  const role = roleInCohort(person, cohort);
  if (role !== 'curator' && role !== 'staff') return { ok: false, text: t('group.bind_not_allowed') };
  await repos.cohorts.unbindGroup(cohort.id, event.channel, event.chat.id);
  await repos.audit.record({
    at,
    actor: person.id,
    action: 'group.unbound',
    subjectType: 'cohort',
    subjectId: cohort.id,
    cohortId: cohort.id,
    details: { channel: event.channel },
  });
  return { ok: true, cohort, text: t('group.unbound', { title: cohort.title }) };
}

/** Keeps the invite link with the group, once the channel has made one. */
export async function saveInviteLink(
  repos: Repositories,
  cohort: Cohort,
  channel: Channel,
  chatId: string,
  inviteLink: string,
): Promise<void> {
  const group = cohort.groups.find((g) => g.channel === channel && g.chatId === chatId);
  if (group) await repos.cohorts.bindGroup(cohort.id, { ...group, inviteLink });
}

export type GroupCommand = { name: 'bind'; code: string } | { name: 'unbind' };

/** "/bind CODE", "/bind@bot CODE", "/unbind" as typed in a group; anything else is the group's own talk. */
export function parseGroupCommand(text: string): GroupCommand | undefined {
  const command = /^\/(bind|unbind)\b(?:@\S+)?(?:\s+(\S+))?/i.exec(text.trim());
  if (!command) return undefined;
  return command[1]!.toLowerCase() === 'bind' ? { name: 'bind', code: command[2] ?? '' } : { name: 'unbind' };
}

export interface GroupCommandOptions {
  /**
   * The group's invite link as the channel makes or reads it; undefined when it cannot (no admin
   * rights, a private group): the binding holds all the same.
   */
  inviteLink?: (cohort: Cohort) => Promise<string | undefined>;
  /** The link also goes privately to the curator who bound the group, for them to hand out. */
  linkToCurator?: boolean;
}

/** What the adapter sends: the answer in the group, and maybe the invite link in the curator's private chat. */
export interface GroupCommandOutcome {
  reply: string;
  toCurator?: { chatId: string; text: string };
}

/**
 * /bind and /unbind in a group, on any channel: who may, what is stored, the invite link kept with
 * the group, and what is said. The adapter only parses its platform's update and sends the outcome.
 */
export async function runGroupCommand(
  repos: Repositories,
  input: GroupCommandInput,
  command: GroupCommand,
  options: GroupCommandOptions = {},
): Promise<GroupCommandOutcome> {
  if (command.name === 'unbind') return { reply: (await unbindGroup(repos, input)).text };
  const result = await bindGroup(repos, input, command.code);
  if (!result.ok || !options.inviteLink) return { reply: result.text };
  const link = await options.inviteLink(result.cohort).catch(() => undefined);
  if (!link) return { reply: result.text };
  const { channel, chat, from } = input.event;
  await saveInviteLink(repos, result.cohort, channel, chat.id, link);
  if (!options.linkToCurator) return { reply: result.text };
  const curator = await repos.participants.findByAddress(channel, from.id);
  return {
    reply: result.text,
    toCurator: { chatId: from.id, text: translator(curator?.locale ?? 'ru')('group.bound_invite', { link }) },
  };
}
