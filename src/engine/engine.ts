// The engine: one inbound event in, the replies out. It de-duplicates and orders events, finds the
// person, routes commands and keywords, runs flows, and saves the conversation state.
import { addressOn } from '../domain/participant.js';
import { normaliseIncomingText } from '../domain/text.js';
import type { Role } from '../domain/roles.js';
import { catalogs, translator } from '../i18n/index.js';
import type { FlowHandlers, Services, Turn } from './context.js';
import type { InboundEvent, Outbound, OutboundMessage } from './events.js';
import { linkCommand } from './account-link.js';
import { chatsOf, identify } from './identity.js';
import { createKeyedQueue } from './keyed-queue.js';
import { createRunner, type Runner } from './runner.js';
import type { Session } from './sessions.js';
import type { StaffTools } from './staff-tools.js';

export interface TriggerResult {
  /** started: the flow is on screen; busy: the person is mid-dialog and got `notice` instead; unreachable: no chat reaches them. */
  status: 'started' | 'busy' | 'unreachable';
  out: Outbound[];
}

export interface Engine {
  handle(event: InboundEvent): Promise<Outbound[]>;
  /**
   * Starts a flow for a participant without their writing first (a questionnaire invitation, a
   * stage prompt). Someone in the middle of a dialog is not interrupted: they get `busyNotice`.
   */
  trigger(
    participantId: string,
    flowId: string,
    data: Record<string, string>,
    busyNotice: string,
  ): Promise<TriggerResult>;
  /**
   * Broadcasts, figures and reports for curators' flows. They need the channels, which need the
   * engine, so the composition root hands them over once everything is built.
   */
  provideStaffTools(tools: StaffTools): void;
  /** The post-course year's hook for one teacher's change (see Services.teacherChanged). */
  watchTeachers(listener: (participantId: string, cohortId?: string) => void): void;
}

/** Slash commands (and the same words typed in any language, see the `keywords` catalog). */
export const COMMANDS: Record<string, string> = {
  menu: 'menu',
  help: 'help',
  language: 'language',
  stop: 'reminders',
  progress: 'progress',
  activity: 'activity',
  consult: 'consultation',
  surveys: 'surveys',
  delete: 'delete-data',
  review: 'review',
  consultations: 'consultations',
  stage: 'stage',
  plan: 'plan',
  plans: 'plans',
  event: 'event',
  events: 'events',
  broadcast: 'broadcast',
  stats: 'stats',
  report: 'report',
  export: 'export',
  console: 'console',
};

export const COHORT_CODE = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/;

export const BACK = '__back';
export const SKIP = '__skip';

type Control = 'back' | 'skip';

/** Every spelling of each keyword across the catalogs: a Kazakh teacher may type "мәзір" in a Russian session. */
function keywordIndex(): Map<string, string> {
  const index = new Map<string, string>();
  for (const catalog of Object.values(catalogs)) {
    for (const [name, words] of Object.entries(catalog.keywords ?? {})) {
      if (typeof words !== 'string') continue;
      for (const word of words.split('|')) index.set(normalise(word), name);
    }
  }
  return index;
}

function normalise(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[.!]+$/, '');
}

export function createEngine(services: Services, handlers: FlowHandlers): Engine {
  const runner: Runner = createRunner(handlers);
  const queue = createKeyedQueue();
  const keywords = keywordIndex();
  const { logger } = services;

  function newSession(event: InboundEvent): Session {
    return {
      channel: event.channel,
      userId: event.from.id,
      chatId: event.chat.id,
      locale: services.settings.defaultLocale,
      promptRef: 0,
      updatedAt: event.at,
    };
  }

  function makeTurn(event: InboundEvent, session: Session): Turn {
    const out: Outbound[] = [];
    const here = { kind: 'chat' as const, channel: event.channel, chatId: event.chat.id };
    const turn: Turn = {
      event,
      session,
      services,
      forget: false,
      answerRejected: false,
      reject: (key, params) => {
        turn.answerRejected = true;
        turn.say(key, params);
      },
      out,
      t: translator(session.locale),
      reply: (message: OutboundMessage) => out.push({ to: here, message }),
      say: (key, params) => out.push({ to: here, message: { kind: 'text', text: turn.t(key, params) } }),
      notify: (participantId, text) =>
        out.push({ to: { kind: 'participant', participantId }, message: { kind: 'text', text } }),
    };
    return turn;
  }

  async function rolesOf(turn: Turn): Promise<Set<Role>> {
    const roles = new Set<Role>(['teacher']);
    const p = turn.participant;
    if (!p) return roles;
    if (p.isStaff) roles.add('staff');
    for (const cohort of await services.repos.cohorts.listForStaffMember(p.id)) {
      if (cohort.curatorIds.includes(p.id)) roles.add('curator');
      if (cohort.tutorIds.includes(p.id)) roles.add('tutor');
    }
    return roles;
  }

  async function startFlow(turn: Turn, flowId: string, data: Record<string, string> = {}): Promise<void> {
    const flow = services.flows.get(flowId);
    if (!flow) throw new Error(`flow ${flowId} is not loaded`);
    if (!turn.participant) {
      turn.say('onboarding.need_code');
      return;
    }
    const roles = await rolesOf(turn);
    if (!flow.roles.some((r) => roles.has(r))) {
      turn.say('flow.not_allowed');
      return;
    }
    await runner.start(turn, flowId, data);
  }

  async function command(turn: Turn, name: string, args: string): Promise<void> {
    if (name === 'start') {
      const code = args.trim();
      if (code) return runner.start(turn, 'onboarding', { code });
      if (turn.participant) return startFlow(turn, 'menu');
      return runner.start(turn, 'onboarding', {});
    }
    if (name === 'link') {
      if ((await linkCommand(turn, args)) === 'linked') await startFlow(turn, 'menu');
      return;
    }
    const flowId = COMMANDS[name];
    if (!flowId) {
      turn.say('flow.unknown_command');
      return turn.participant ? startFlow(turn, 'menu') : undefined;
    }
    // What follows the command ("/export csv") reaches the flow as `args`.
    await startFlow(turn, flowId, args.trim() ? { args: args.trim() } : {});
  }

  async function privateMessage(turn: Turn): Promise<void> {
    const { payload } = turn.event;
    const inFlow = turn.session.flow !== undefined;
    if (payload.kind === 'member_joined') return;
    if (payload.kind === 'unsupported') {
      if (inFlow) {
        turn.say('flow.text_expected');
        return runner.reprompt(turn);
      }
      turn.say(turn.participant ? 'flow.text_expected' : 'onboarding.need_code');
      return;
    }
    if (payload.kind === 'choice') {
      const current = inFlow && payload.ref === String(turn.session.promptRef);
      const ack = (accepted: boolean): void => {
        turn.out.unshift({
          to: { kind: 'chat', channel: turn.event.channel, chatId: turn.event.chat.id },
          message: { kind: 'ack', ref: payload.ref, accepted },
        });
      };
      if (!current) {
        ack(false);
        turn.say('flow.stale_button');
        return inFlow ? runner.reprompt(turn) : turn.participant ? startFlow(turn, 'menu') : undefined;
      }
      const control: Control | undefined =
        payload.optionIds[0] === BACK ? 'back' : payload.optionIds[0] === SKIP ? 'skip' : undefined;
      await runner.answer(turn, { input: { optionIds: payload.optionIds }, ...(control ? { control } : {}) });
      // Only an answer that was taken is shown as the answer to the question.
      ack(!turn.answerRejected);
      return;
    }

    const text = payload.text;
    // Someone the centre imported is known but has not agreed to anything yet: consent comes first.
    if (!inFlow && turn.participant && !turn.participant.consent?.given && !/^\/start\b/i.test(text.trim())) {
      const enrollment = (await services.repos.enrollments.listByParticipant(turn.participant.id)).find(
        (e) => e.status === 'active',
      );
      const cohort = enrollment ? await services.repos.cohorts.findById(enrollment.cohortId) : undefined;
      if (
        cohort &&
        !cohort.curatorIds.includes(turn.participant.id) &&
        !cohort.tutorIds.includes(turn.participant.id)
      ) {
        return runner.start(turn, 'onboarding', { code: cohort.code });
      }
    }
    const slash = /^\/([A-Za-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
    if (slash) return command(turn, slash[1]!.toLowerCase(), slash[2] ?? '');
    const keyword = keywords.get(normalise(text));
    if (keyword === 'back' || keyword === 'skip') {
      if (inFlow) return runner.answer(turn, { input: { text }, control: keyword });
    } else if (keyword === 'start') {
      return command(turn, 'start', '');
    } else if (keyword) {
      return command(turn, keyword, '');
    }
    if (inFlow) return runner.answer(turn, { input: { text } });
    // A known person who types a course code (what a wa.me link sends) joins that course.
    if (turn.participant && COHORT_CODE.test(text.trim()) && (await services.repos.cohorts.findByCode(text.trim()))) {
      return runner.start(turn, 'onboarding', { code: text.trim() });
    }
    if (!turn.participant) {
      // Codes are Latin letters, digits and dashes; "Здравствуйте" is a greeting, not a wrong code.
      const code = text.trim();
      // Letters only Kazakh has: greet a newcomer who wrote "Сәлем" in Kazakh.
      if (/[әғқңөұүһі]/i.test(code)) {
        turn.session.locale = 'kk';
        turn.t = translator('kk');
      }
      return runner.start(turn, 'onboarding', COHORT_CODE.test(code) ? { code } : {});
    }
    turn.say('flow.not_understood');
    await startFlow(turn, 'menu');
  }

  async function groupMessage(turn: Turn): Promise<void> {
    const { payload } = turn.event;
    // Group chatter is not for the bot; only a newcomer is greeted.
    if (payload.kind !== 'member_joined') return;
    const cohort = await services.repos.cohorts.findByGroup(turn.event.channel, turn.event.chat.id);
    if (!cohort) return;
    const t = translator(cohort.locale);
    turn.reply({
      kind: 'text',
      text: t('group.welcome', { title: cohort.title, code: cohort.code }),
      startLink: { code: cohort.code, label: t('group.open_bot') },
    });
  }

  async function process(event: InboundEvent): Promise<Outbound[]> {
    if (event.chat.type === 'group') {
      const turn = makeTurn(event, newSession(event));
      await groupMessage(turn);
      return turn.out;
    }
    const stored = await services.sessions.load(event.channel, event.from.id);
    const session = stored ?? newSession(event);
    session.chatId = event.chat.id;
    let participant = session.participantId
      ? await services.repos.participants.findById(session.participantId)
      : undefined;
    if (!participant || participant.anonymisedAt) participant = await identify(services.repos, event);
    if (participant && participant.id !== session.participantId) {
      session.participantId = participant.id;
      session.locale = participant.locale;
    }
    if (participant && addressOn(participant, event.channel)?.unreachableSince) {
      // They write to us again from there, so they unblocked the bot.
      participant =
        (await services.repos.participants.setUnreachable(participant.id, event.channel, null)) ?? participant;
    }
    const turn = makeTurn(event, session);
    turn.participant = participant;
    await privateMessage(turn);
    if (turn.session.flow === undefined && !turn.participant && !stored) {
      // Nobody we know and nothing started: keep no trace of them.
      return turn.out;
    }
    if (turn.forget) {
      await services.sessions.delete(session.channel, session.userId);
      return turn.out;
    }
    session.updatedAt = services.now();
    await services.sessions.save(session);
    return turn.out;
  }

  async function trigger(
    participantId: string,
    flowId: string,
    data: Record<string, string>,
    busyNotice: string,
  ): Promise<TriggerResult> {
    const participant = await services.repos.participants.findById(participantId);
    const chat = participant ? chatsOf(participant)[0] : undefined;
    if (!participant || !chat) return { status: 'unreachable', out: [] };
    return queue(`${chat.channel}:${chat.chatId}`, async () => {
      const event: InboundEvent = {
        channel: chat.channel,
        messageId: `trigger:${services.now().toISOString()}`,
        chat: { id: chat.chatId, type: 'private' },
        from: { id: chat.chatId },
        at: services.now(),
        payload: { kind: 'text', text: '' },
      };
      const session = (await services.sessions.load(chat.channel, chat.chatId)) ?? newSession(event);
      session.participantId = participant.id;
      session.locale = participant.locale;
      const turn = makeTurn(event, session);
      turn.participant = participant;
      if (session.flow && session.flow.flowId !== 'menu') {
        turn.reply({ kind: 'text', text: busyNotice });
        return { status: 'busy' as const, out: turn.out };
      }
      await runner.start(turn, flowId, data);
      session.updatedAt = services.now();
      await services.sessions.save(session);
      return { status: 'started' as const, out: turn.out };
    });
  }

  return {
    trigger,
    provideStaffTools(tools) {
      services.staffTools = () => tools;
    },
    watchTeachers(listener) {
      services.teacherChanged = listener;
    },
    handle(raw) {
      // Adapters normalise text at their edge; this catches a channel that forgot (idempotent).
      const event: InboundEvent =
        raw.payload.kind === 'text'
          ? { ...raw, payload: { kind: 'text', text: normaliseIncomingText(raw.payload.text) } }
          : raw;
      return queue(`${event.channel}:${event.chat.type === 'group' ? event.chat.id : event.from.id}`, async () => {
        const claim = event.claimed
          ? 'new'
          : await services.sessions.claimMessage(
              event.channel,
              event.messageId,
              event.at,
              services.settings.staleClaimMs,
            );
        if (claim === 'duplicate') return [];
        try {
          return await process(event);
        } catch (error) {
          logger.error({ err: error, channel: event.channel, chat: event.chat.type }, 'engine failed on an event');
          // A group is not told about one person's failure.
          if (event.chat.type === 'group') return [];
          const t = translator(services.settings.defaultLocale);
          return [
            {
              to: { kind: 'chat', channel: event.channel, chatId: event.chat.id },
              message: { kind: 'text', text: t('common.something_went_wrong') },
            },
          ];
        } finally {
          if (!event.claimed) await services.sessions.completeMessage(event.channel, event.messageId);
        }
      });
    },
  };
}
