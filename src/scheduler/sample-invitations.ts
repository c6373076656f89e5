// Teachers drawn into a stratified sample (monitoring) get the questionnaire assigned to the
// sample: a recurring job invites them, inside their cohort's sending window, once each. The
// invitation is the year's (./compose.ts) and goes through the send log (./send-log.ts), so a
// second instance or a crash between sending and marking never invites anyone twice.
import type { Repositories } from '../domain/repositories.js';
import { sendKey } from '../domain/scheduled-send.js';
import { DEFAULT_SENDING_WINDOW, isInWindow } from '../domain/sending-window.js';
import type { Dispatcher } from '../delivery/dispatcher.js';
import type { Content, Engine } from '../engine/index.js';
import { t } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { localized } from '../questionnaires/index.js';
import type { Scheduler } from './agenda.js';
import { composeInvitation } from './compose.js';
import { createSendLog } from './send-log.js';
import { reachableByChat } from './state.js';

export const SAMPLE_JOB = 'monitoring:sample-invitations';

export interface SampleInvitationSource {
  pendingSampleInvitations(): Promise<
    { sampleId: string; participantId: string; cohortId: string; questionnaireId: string; occasion: string }[]
  >;
  markSampleInvited(sampleId: string, participantId: string, at: Date): Promise<boolean>;
}

export interface SampleInvitationDeps {
  samples: SampleInvitationSource;
  repos: Repositories;
  engine: Pick<Engine, 'trigger'>;
  dispatcher: Dispatcher;
  content: Content;
  logger: Logger;
  now?: () => Date;
}

/** One pass: invites whoever is due and reachable now; the rest wait for a later pass. */
export async function inviteSampleMembers(deps: SampleInvitationDeps): Promise<number> {
  const now = deps.now ?? (() => new Date());
  const sendLog = createSendLog({ repos: deps.repos, dispatcher: deps.dispatcher, logger: deps.logger, now });
  let invited = 0;
  for (const item of await deps.samples.pendingSampleInvitations()) {
    const [cohort, person] = await Promise.all([
      deps.repos.cohorts.findById(item.cohortId),
      deps.repos.participants.findById(item.participantId),
    ]);
    const questionnaire = deps.content.questionnaires.get(item.questionnaireId);
    if (cohort?.status !== 'active' || !person || !questionnaire) continue;
    if (!isInWindow(now(), cohort.timeZone, cohort.sendingWindow ?? DEFAULT_SENDING_WINDOW)) continue;
    // Opted out, refused or deleted: marked done, so the job stops looking at them, and nothing sent.
    if (!person.remindersOptedOutAt && person.consent?.given && !person.anonymisedAt) {
      // Not in any chat yet: waits for a later pass.
      if (!reachableByChat(person)) continue;
      const params = { cohortTitle: cohort.title, title: localized(questionnaire.title, person.locale) };
      const send = {
        cohortId: cohort.id,
        kind: 'sample-invite' as const,
        occasion: `${item.sampleId}:${item.questionnaireId}:${item.occasion}`,
        recipientId: person.id,
      };
      const result = await sendLog.send({ ...send, key: sendKey(send), dueAt: now() }, () =>
        composeInvitation(deps.engine, {
          participantId: person.id,
          cohort,
          questionnaireId: item.questionnaireId,
          occasion: item.occasion,
          lead: t(person.locale, 'scheduler.sample_invite', params),
          busy: t(person.locale, 'scheduler.sample_invite_busy', params),
        }),
      );
      if (result.taken && result.outcome.status === 'sent') invited += 1;
    }
    await deps.samples.markSampleInvited(item.sampleId, item.participantId, now());
  }
  return invited;
}

/** Runs the pass every 15 minutes on Agenda. */
export async function scheduleSampleInvitations(scheduler: Scheduler, deps: SampleInvitationDeps): Promise<void> {
  scheduler.agenda.define(SAMPLE_JOB, async () => {
    const invited = await inviteSampleMembers(deps);
    if (invited) deps.logger.info({ invited }, 'sample members invited');
  });
  await scheduler.agenda.every(15 * 60_000, SAMPLE_JOB);
}
