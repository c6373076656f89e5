// Binding a chat group to a cohort: who may do it and what they are told. Channel-agnostic: the
// Telegram adapter calls it for /bind in a group, the WhatsApp one after creating a group.
import type { Channel } from '../domain/channel.js';
import type { Cohort } from '../domain/cohort.js';
import type { Repositories } from '../domain/repositories.js';
import { roleInCohort } from '../domain/roles.js';
import { translator } from '../i18n/index.js';
import type { InboundEvent } from './events.js';
import { identify } from './identity.js';

export type GroupCommandResult = { ok: true; cohort: Cohort; text: string } | { ok: false; text: string };

interface GroupCommand {
  event: InboundEvent;
  title?: string;
  at: Date;
}

export async function bindGroup(repos: Repositories, { event, title, at }: GroupCommand, code: string): Promise<GroupCommandResult> {
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
  await repos.audit.record({ at, actor: person.id, action: 'group.bound', subjectType: 'cohort', subjectId: cohort.id, cohortId: cohort.id, details: { channel: event.channel } });
  return { ok: true, cohort: bound.value, text: t('group.bound', { title: cohort.title }) };
}

export async function unbindGroup(repos: Repositories, { event, at }: GroupCommand): Promise<GroupCommandResult> {
  const person = await identify(repos, event);
  const t = translator(person?.locale ?? 'ru');
  if (!person) return { ok: false, text: t('group.bind_unknown_person') };
  const cohort = await repos.cohorts.findByGroup(event.channel, event.chat.id);
  if (!cohort) return { ok: false, text: t('group.not_bound') };
  const role = roleInCohort(person, cohort);
  if (role !== 'curator' && role !== 'staff') return { ok: false, text: t('group.bind_not_allowed') };
  await repos.cohorts.unbindGroup(cohort.id, event.channel, event.chat.id);
  await repos.audit.record({ at, actor: person.id, action: 'group.unbound', subjectType: 'cohort', subjectId: cohort.id, cohortId: cohort.id, details: { channel: event.channel } });
  return { ok: true, cohort, text: t('group.unbound', { title: cohort.title }) };
}

/** Keeps the invite link with the group, once the channel has made one. */
export async function saveInviteLink(repos: Repositories, cohort: Cohort, channel: Channel, chatId: string, inviteLink: string): Promise<void> {
  const group = cohort.groups.find((g) => g.channel === channel && g.chatId === chatId);
  if (group) await repos.cohorts.bindGroup(cohort.id, { ...group, inviteLink });
}
