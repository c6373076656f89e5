// WhatsApp events in, engine events and replies out. Thin on purpose: what to say is the engine's;
// here are only the WhatsApp-shaped parts (private chats go to the engine, groups are the teachers'
// own conversation except curators' commands, newcomers get a welcome and a private invitation).
import type { Dispatcher } from '../../delivery/dispatcher.js';
import type { Participant } from '../../domain/participant.js';
import type { Repositories } from '../../domain/repositories.js';
import { roleInCohort } from '../../domain/roles.js';
import type { Engine } from '../../engine/engine.js';
import type { InboundEvent, Outbound } from '../../engine/events.js';
import { runGroupCommand } from '../../engine/groups.js';
import { identify } from '../../engine/identity.js';
import { idOn } from '../../domain/participant.js';
import { phoneOfWhatsappId } from './identity.js';
import { createKeyedQueue } from '../../engine/keyed-queue.js';
import { t, translator } from '../../i18n/index.js';
import type { Logger } from '../../logger.js';
import { describeCreation, inviteLinkOf, type GroupCreation } from './groups.js';
import { inboundFromMessage } from './inbound.js';
import type { Outbox } from './outbox.js';
import type { PortGroupJoin, PortMessage, WhatsappPort } from './port.js';

export interface WhatsappAdapterDeps {
  engine: Engine;
  dispatcher: () => Dispatcher;
  repos: Repositories;
  outbox: Outbox;
  port: () => WhatsappPort;
  /** Queues a plain text for a chat (through the sender, so it is paced like everything else). */
  say: (chatId: string, text: string) => Promise<void>;
  createGroup: (code: string, requestedBy: Participant) => Promise<GroupCreation>;
  logger: Logger;
  now: () => Date;
  /** Many people joining by link at once get one welcome in the group, not one each. */
  welcomeCooldownMs: number;
}

const GROUP_COMMAND = /^\/(bind|unbind|newgroup|creategroup)(?:@\S+)?(?:\s+(\S+))?\s*$/i;
const CREATE_COMMAND = /^\/(?:newgroup|creategroup)(?:\s+(\S+))?\s*$/i;

export interface WhatsappAdapter {
  onMessage(message: PortMessage): Promise<void>;
  onGroupJoin(join: PortGroupJoin): Promise<void>;
  /** Resolves once every event received so far has been handled. */
  idle(): Promise<void>;
}

export function createWhatsappAdapter(deps: WhatsappAdapterDeps): WhatsappAdapter {
  const { engine, repos, outbox, logger, now } = deps;
  const queue = createKeyedQueue();
  const inFlight = new Set<Promise<void>>();
  const lastWelcome = new Map<string, number>();

  async function deliver(out: Outbound[]): Promise<void> {
    const deliveries = await deps.dispatcher().dispatch(out);
    for (const d of deliveries) {
      if (!d.outcome.ok) logger.warn({ channel: d.channel, kind: d.outcome.kind }, 'a reply was not delivered');
    }
  }

  /** Events of one chat in arrival order, chats in parallel; errors are logged, never thrown at WhatsApp. */
  function track(key: string, task: () => Promise<void>): Promise<void> {
    const run = queue(key, task).catch((error: unknown) => logger.error({ err: error }, 'whatsapp event failed'));
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
    return run;
  }

  async function createGroupCommand(event: InboundEvent, code: string | undefined): Promise<void> {
    const person = await identify(repos, event);
    const tr = translator(person?.locale ?? 'ru');
    const reply = (text: string) => deps.say(event.chat.id, text);
    if (!code) return reply(tr('whatsapp.create_usage'));
    if (!person) return reply(tr('group.bind_unknown_person'));
    const cohort = await repos.cohorts.findByCode(code.toUpperCase());
    if (!cohort) return reply(tr('group.bind_no_cohort', { code }));
    const role = roleInCohort(person, cohort);
    if (role !== 'curator' && role !== 'staff') return reply(tr('whatsapp.create_not_allowed'));
    if (!cohort.groups.some((g) => g.channel === 'whatsapp'))
      await reply(tr('whatsapp.create_started', { title: cohort.title }));
    const result = await deps.createGroup(cohort.code, person);
    await reply(describeCreation(result, person.locale));
  }

  async function groupMessage(event: InboundEvent, message: PortMessage): Promise<void> {
    if (event.payload.kind !== 'text') return;
    const command = GROUP_COMMAND.exec(event.payload.text.trim());
    // Everything else in a group is the teachers' own conversation.
    if (!command) return;
    outbox.noteInbound(event.chat.id);
    const name = command[1]!.toLowerCase();
    if (name === 'newgroup' || name === 'creategroup') return createGroupCommand(event, command[2]);
    const input = { event, at: now(), ...(message.groupTitle ? { title: message.groupTitle } : {}) };
    const outcome = await runGroupCommand(
      repos,
      input,
      name === 'bind' ? { name, code: command[2] ?? '' } : { name: 'unbind' },
      {
        inviteLink: async () => {
          try {
            return inviteLinkOf(await deps.port().getInviteCode(event.chat.id));
          } catch (error) {
            // Only a group admin can read the invite link; the binding itself still holds.
            logger.warn({ err: error }, 'could not fetch the invite link of the bound group');
            return undefined;
          }
        },
      },
    );
    await deps.say(event.chat.id, outcome.reply);
  }

  async function privateMessage(event: InboundEvent): Promise<void> {
    outbox.noteInbound(event.chat.id);
    if (event.payload.kind === 'text') {
      // Creating a group is a WhatsApp action, not a dialog: it is handled here, before the engine.
      const create = CREATE_COMMAND.exec(event.payload.text.trim());
      if (create) return createGroupCommand(event, create[1]);
    }
    await deliver(await engine.handle(event));
  }

  /**
   * What a newcomer is told privately: nothing if they already talk to the bot here (or run the
   * cohort), "write menu" if the import already enrolled them, otherwise "send the course code".
   */
  async function invitationFor(
    memberId: string,
    cohortId: string,
  ): Promise<{ locale: Participant['locale'] | undefined; kind: 'none' | 'known' | 'code' }> {
    const phone = phoneOfWhatsappId(memberId);
    const known =
      (await repos.participants.findByAddress('whatsapp', memberId)) ??
      (phone ? await repos.participants.findByPhone(phone) : undefined);
    if (!known || known.anonymisedAt) return { locale: undefined, kind: 'code' };
    const cohort = await repos.cohorts.findById(cohortId);
    if (cohort && roleInCohort(known, cohort) !== 'teacher') return { locale: known.locale, kind: 'none' };
    const enrolled = (await repos.enrollments.find(known.id, cohortId)) !== undefined;
    if (!enrolled) return { locale: known.locale, kind: 'code' };
    return { locale: known.locale, kind: idOn(known, 'whatsapp') === memberId ? 'none' : 'known' };
  }

  async function groupJoin(join: PortGroupJoin): Promise<void> {
    const own = deps.port().ownId();
    const newcomers = join.memberIds.filter((id) => id !== own);
    if (newcomers.length === 0) return;
    const cohort = await repos.cohorts.findByGroup('whatsapp', join.groupId);
    if (!cohort) return;
    const at = now().getTime();
    const last = lastWelcome.get(join.groupId);
    if (last === undefined || at - last >= deps.welcomeCooldownMs) {
      lastWelcome.set(join.groupId, at);
      const event: InboundEvent = {
        channel: 'whatsapp',
        messageId: `join:${join.id}`,
        chat: { id: join.groupId, type: 'group' },
        from: { id: newcomers[0]! },
        at: new Date(join.timestamp > 0 ? join.timestamp * 1000 : at),
        payload: { kind: 'member_joined' },
      };
      await deliver(await engine.handle(event));
    }
    for (const id of newcomers) {
      const invitation = await invitationFor(id, cohort.id);
      const locale = invitation.locale ?? cohort.locale;
      if (invitation.kind === 'known') {
        await deps.say(
          id,
          t(locale, 'whatsapp.join_private_known', {
            title: cohort.title,
            word: t(locale, 'keywords.menu').split('|')[0]!,
          }),
        );
      } else if (invitation.kind === 'code') {
        await deps.say(id, t(locale, 'whatsapp.join_private', { title: cohort.title, code: cohort.code }));
      }
    }
  }

  return {
    onMessage(message) {
      if (message.authorId === deps.port().ownId()) return Promise.resolve();
      const event = inboundFromMessage(message, now);
      if (!event) return Promise.resolve();
      const key = event.chat.type === 'group' ? event.chat.id : event.from.id;
      return track(key, () => (event.chat.type === 'group' ? groupMessage(event, message) : privateMessage(event)));
    },
    onGroupJoin(join) {
      return track(join.groupId, () => groupJoin(join));
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
