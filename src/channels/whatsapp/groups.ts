// The cohort's WhatsApp group, opened by the bot (seed 001: cohorts live in WhatsApp groups made
// before the course): curators and tutors as members, curators as admins, a description, the
// invite link stored on the cohort. People whose privacy settings refuse being added (403) get the
// link privately and are recorded as "invite pending" in the audit log.
import type { ChannelRequestQueue } from '../../domain/channel-storage.js';
import type { Cohort } from '../../domain/cohort.js';
import type { Locale } from '../../domain/locale.js';
import type { Participant } from '../../domain/participant.js';
import type { Repositories } from '../../domain/repositories.js';
import { saveInviteLink } from '../../engine/groups.js';
import { t, translator } from '../../i18n/index.js';
import type { Logger } from '../../logger.js';
import { whatsappIdOf } from './identity.js';
import { INVITE_LINK_PREFIX, type MemberResult, type WhatsappPort } from './port.js';

/** The request the CLI stores and the running bot's WhatsApp channel carries out. */
export const CREATE_GROUP_JOB = 'whatsapp.create-group';

export interface CreateGroupJobData {
  cohortCode: string;
  /** Participant id of whoever asked in a chat; absent when staff asked from the CLI. */
  requestedBy?: string;
  /** Written into the audit events of the outcome, so the CLI finds the answer to its own request. */
  requestId?: string;
}

/** WhatsApp cuts a group's subject at 100 characters. */
const TITLE_LIMIT = 100;

export interface Members {
  /** Sent the invite link privately: privacy settings allow joining only by invitation. */
  pending: Participant[];
  /** Not on WhatsApp (404) or another refusal. */
  notAdded: Participant[];
  /** Neither a WhatsApp id nor a phone number on record. */
  noPhone: Participant[];
}

export type GroupCreation =
  | ({ kind: 'created' | 'exists'; cohort: Cohort; groupId: string; inviteLink: string | undefined } & Members)
  | { kind: 'no_cohort'; code: string }
  | { kind: 'no_members'; cohort: Cohort; noPhone: Participant[] }
  | { kind: 'failed'; cohort: Cohort; reason: string };

export interface GroupServiceDeps {
  port: () => WhatsappPort;
  repos: Repositories;
  /** Queues a private message (the paced outbox). */
  send: (chatId: string, text: string) => Promise<void>;
  logger: Logger;
  now: () => Date;
}

export function inviteLinkOf(code: string): string {
  return `${INVITE_LINK_PREFIX}${code}`;
}

export async function createCohortGroup(
  deps: GroupServiceDeps,
  input: { code: string; requestedBy?: Participant; requestId?: string },
): Promise<GroupCreation> {
  const { repos, logger } = deps;
  const port = deps.port();
  const code = input.code.trim().toUpperCase();
  const cohort = await repos.cohorts.findByCode(code);
  if (!cohort) return { kind: 'no_cohort', code };
  const actor = input.requestedBy?.id ?? 'system';
  const request: Record<string, string> = input.requestId ? { request: input.requestId } : {};
  const audit = (
    action: string,
    extra: {
      subjectType?: string;
      subjectId?: string;
      details?: Record<string, string | number | boolean | null>;
    } = {},
  ) =>
    repos.audit.record({
      at: deps.now(),
      actor,
      action,
      subjectType: extra.subjectType ?? 'cohort',
      subjectId: extra.subjectId ?? cohort.id,
      cohortId: cohort.id,
      details: { ...request, ...extra.details },
    });

  const staffIds = [
    ...new Set([...cohort.curatorIds, ...cohort.tutorIds, ...(input.requestedBy ? [input.requestedBy.id] : [])]),
  ];
  const people = await repos.participants.findByIds(staffIds);
  const admins = new Set([...cohort.curatorIds, ...(input.requestedBy ? [input.requestedBy.id] : [])]);
  const members = new Map<string, Participant>();
  const noPhone: Participant[] = [];
  for (const p of people) {
    const id = whatsappIdOf(p);
    if (id) members.set(id, p);
    else noPhone.push(p);
  }

  const bound = cohort.groups.find((g) => g.channel === 'whatsapp');
  let groupId: string;
  let results: Record<string, MemberResult>;
  if (bound) {
    // Asked again: make sure the curators and tutors are in (409 = already there), keep the group.
    groupId = bound.chatId;
    const added = members.size > 0 ? await port.addParticipants(groupId, [...members.keys()]) : {};
    if (typeof added === 'string') {
      logger.warn({ reason: added }, 'could not add members to the existing WhatsApp group');
      results = {};
    } else {
      results = added;
    }
  } else {
    if (members.size === 0) {
      await audit('whatsapp.group_failed', { details: { reason: 'no_members' } });
      return { kind: 'no_members', cohort, noPhone };
    }
    const created = await port.createGroup(cohort.title.slice(0, TITLE_LIMIT), [...members.keys()]);
    // whatsapp-web.js reports a failed creation as a string, not an exception.
    if (typeof created === 'string') {
      await audit('whatsapp.group_failed', { details: { reason: created.slice(0, 200) } });
      logger.warn({ reason: created }, 'WhatsApp refused to create the cohort group');
      return { kind: 'failed', cohort, reason: created };
    }
    groupId = created.gid;
    results = created.members;
    // Bound at once: whatever fails below, a second request finds this group instead of making another.
    const saved = await repos.cohorts.bindGroup(cohort.id, {
      channel: 'whatsapp',
      chatId: groupId,
      title: cohort.title.slice(0, TITLE_LIMIT),
      boundAt: deps.now(),
      ...(input.requestedBy ? { boundBy: input.requestedBy.id } : {}),
    });
    if (!saved.ok) return { kind: 'failed', cohort, reason: `group bound to ${saved.error.cohortCode}` };
    const description = t(cohort.locale, 'whatsapp.group_description', { title: cohort.title, code: cohort.code });
    await port
      .setDescription(groupId, description)
      .catch((error: unknown) => logger.warn({ err: error }, 'could not set the WhatsApp group description'));
  }

  const inGroup = (id: string) => {
    const code = results[id]?.code;
    // Members of a group just created come back as 200; re-added ones as 409; absent = already in.
    return code === undefined ? bound !== undefined : code === 200 || code === 409;
  };
  const toPromote = [...members].filter(([id, p]) => admins.has(p.id) && inGroup(id)).map(([id]) => id);
  if (toPromote.length > 0) {
    const promoted = await port.promoteParticipants(groupId, toPromote).catch((error: unknown) => {
      logger.warn({ err: error }, 'could not make the curators group admins');
      return false;
    });
    if (!promoted) logger.warn({ count: toPromote.length }, 'WhatsApp did not confirm the curators as admins');
  }

  let inviteLink = bound?.inviteLink;
  if (!inviteLink) {
    try {
      inviteLink = inviteLinkOf(await port.getInviteCode(groupId));
      const fresh = (await repos.cohorts.findById(cohort.id)) ?? cohort;
      await saveInviteLink(repos, fresh, 'whatsapp', groupId, inviteLink);
    } catch (error) {
      logger.warn({ err: error }, 'could not fetch the WhatsApp group invite link');
    }
  }

  const pending: Participant[] = [];
  const notAdded: Participant[] = [];
  for (const [id, p] of members) {
    const code = results[id]?.code;
    if (code === undefined || code === 200 || code === 409) continue;
    if (code === 403) {
      pending.push(p);
      await audit('whatsapp.invite_pending', {
        subjectType: 'participant',
        subjectId: p.id,
        details: { linkSent: inviteLink !== undefined },
      });
      if (inviteLink)
        await deps.send(id, t(p.locale, 'whatsapp.invite_pending', { title: cohort.title, link: inviteLink }));
    } else {
      notAdded.push(p);
      await audit('whatsapp.member_not_added', { subjectType: 'participant', subjectId: p.id, details: { code } });
    }
  }
  await audit(bound ? 'whatsapp.group_exists' : 'whatsapp.group_created', {
    details: {
      pending: pending.length,
      notAdded: notAdded.length,
      noPhone: noPhone.length,
      link: inviteLink !== undefined,
    },
  });
  const latest = (await repos.cohorts.findById(cohort.id)) ?? cohort;
  return { kind: bound ? 'exists' : 'created', cohort: latest, groupId, inviteLink, pending, notAdded, noPhone };
}

const names = (people: readonly Participant[]) => people.map((p) => p.fullName ?? '—').join(', ');

/** What the person who asked is told, in their language. */
export function describeCreation(result: GroupCreation, locale: Locale): string {
  const tr = translator(locale);
  switch (result.kind) {
    case 'no_cohort':
      return tr('group.bind_no_cohort', { code: result.code });
    case 'no_members':
      return tr('whatsapp.no_members', { title: result.cohort.title });
    case 'failed':
      return tr('whatsapp.create_failed', { reason: result.reason, code: result.cohort.code });
    case 'created':
    case 'exists': {
      const title = result.cohort.title;
      const lines = [
        result.inviteLink
          ? tr(result.kind === 'created' ? 'whatsapp.created' : 'whatsapp.already_exists', {
              title,
              link: result.inviteLink,
            })
          : tr('whatsapp.created_no_link', { title }),
      ];
      if (result.pending.length) lines.push(tr('whatsapp.invites_pending', { names: names(result.pending) }));
      if (result.notAdded.length) lines.push(tr('whatsapp.not_added', { names: names(result.notAdded) }));
      if (result.noPhone.length) lines.push(tr('whatsapp.no_phone', { names: names(result.noPhone) }));
      return lines.join('\n\n');
    }
    default: {
      const unreachable: never = result;
      return unreachable;
    }
  }
}

/**
 * Stores a request for the running bot (the CLI has no WhatsApp session of its own) in the shared
 * store; the WhatsApp channel picks it up, and retries while WhatsApp is offline.
 */
export function requestGroupCreation(requests: ChannelRequestQueue, data: CreateGroupJobData): Promise<string> {
  return requests.submit(CREATE_GROUP_JOB, data);
}
