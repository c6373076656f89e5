import type { Locale } from '../../domain/locale.js';
import { LOCALES } from '../../domain/locale.js';
import { identityOf } from '../identity.js';
import { translator } from '../../i18n/index.js';
import type { FlowHandlers, Turn } from '../context.js';
import { me, optionalText, text, useCohort } from './common.js';
import { enrollInCohort } from '../../progress/service.js';

const NO_TUTOR_NOTICE = 'cohort.no_tutor_notice';

/**
 * Enrols the teacher with exactly the cohort's stages (and, in a tutor model, a tutor). A cohort
 * whose model gives every teacher a tutor but which has none: its curators are told, once.
 */
async function enrol(turn: Turn, participantId: string, cohortId: string): Promise<{ created: boolean }> {
  const { repos, now } = turn.services;
  const result = await enrollInCohort(repos, { participantId, cohortId, at: now() });
  // Her part of the year (the stage she is in, questionnaires still open) starts now, not at the next sweep.
  turn.services.teacherChanged?.(participantId, cohortId);
  if (result.tutor !== 'none') return result;
  if ((await repos.audit.list({ subjectId: cohortId, action: NO_TUTOR_NOTICE, limit: 1 })).length > 0) return result;
  const cohort = await repos.cohorts.findById(cohortId);
  if (!cohort) return result;
  await repos.audit.record({
    at: now(),
    actor: 'system',
    action: NO_TUTOR_NOTICE,
    subjectType: 'cohort',
    subjectId: cohortId,
    cohortId,
  });
  for (const curator of await repos.participants.findByIds(cohort.curatorIds)) {
    turn.notify(curator.id, translator(curator.locale)('onboarding.no_tutor_curator', { cohortTitle: cohort.title }));
  }
  return result;
}

export const onboarding: Partial<FlowHandlers> & Pick<FlowHandlers, 'actions'> = {
  actions: {
    async find_cohort(turn, run) {
      const code = text(run, 'code').trim().toUpperCase();
      run.data.code = code;
      const cohort = await turn.services.repos.cohorts.findByCode(code);
      if (!cohort) return 'not_found';
      // The sandbox's demo cohort and the real ones do not know each other's codes.
      const demoChannel = (turn.services.settings.demoChannels ?? []).includes(turn.event.channel);
      if (Boolean(cohort.demo) !== demoChannel) return 'not_found';
      useCohort(run, cohort);
      if (cohort.status !== 'active') return 'finished';
      // Until the person picks a language, the cohort's is the best guess.
      if (!turn.participant) {
        turn.session.locale = cohort.locale;
        turn.t = translator(cohort.locale);
      }
      return undefined;
    },

    async check_known(turn, run) {
      const p = turn.participant;
      if (!p) return undefined;
      const cohort = await turn.services.repos.cohorts.findById(text(run, 'cohortId'));
      run.data.fullName = p.fullName ?? '';
      if (cohort && (cohort.curatorIds.includes(p.id) || cohort.tutorIds.includes(p.id))) return 'staff';
      if (p.consent?.given) return 'known';
      // Imported by the centre, never asked: consent first, and the profile only where it is missing.
      run.data.profileComplete = Boolean(
        p.fullName && p.organisation && p.region && p.settlementType && p.position && p.subject,
      );
      return undefined;
    },

    async enroll(turn, run) {
      const { created } = await enrol(turn, me(turn).id, text(run, 'cohortId'));
      return created ? 'enrolled' : 'already';
    },

    async set_language(turn, run) {
      const chosen = optionalText(run, 'language');
      if (!chosen || !(LOCALES as readonly string[]).includes(chosen)) return undefined;
      const locale = chosen as Locale;
      turn.session.locale = locale;
      turn.t = translator(locale);
      if (turn.participant) {
        const updated = await turn.services.repos.participants.updateProfile(turn.participant.id, { locale });
        if (updated?.ok) turn.participant = updated.value;
      }
      return undefined;
    },

    async create_participant(turn, run) {
      const { event, services } = turn;
      if (turn.participant) {
        // Known already (imported): this is their consent, and their enrollment if it was missing.
        const now = services.now();
        turn.participant =
          (await services.repos.participants.recordConsent(
            turn.participant.id,
            services.settings.privacyPolicyVersion,
            now,
          )) ?? turn.participant;
        await enrol(turn, turn.participant.id, text(run, 'cohortId'));
        await services.repos.audit.record({
          at: now,
          actor: turn.participant.id,
          action: 'consent.given',
          subjectType: 'participant',
          subjectId: turn.participant.id,
          cohortId: text(run, 'cohortId'),
          details: { policyVersion: services.settings.privacyPolicyVersion, channel: event.channel },
        });
        return 'created';
      }
      const { address, phone } = identityOf(event);
      const created = await services.repos.participants.create({
        addresses: [address],
        ...(phone ? { phone } : {}),
        locale: turn.session.locale,
      });
      if (!created.ok) return 'conflict';
      const now = services.now();
      const withConsent = await services.repos.participants.recordConsent(
        created.value.id,
        services.settings.privacyPolicyVersion,
        now,
      );
      turn.participant = withConsent ?? created.value;
      turn.session.participantId = created.value.id;
      await enrol(turn, created.value.id, text(run, 'cohortId'));
      await services.repos.audit.record({
        at: now,
        actor: created.value.id,
        action: 'consent.given',
        subjectType: 'participant',
        subjectId: created.value.id,
        cohortId: text(run, 'cohortId'),
        details: { policyVersion: services.settings.privacyPolicyVersion, channel: event.channel },
      });
      return 'created';
    },

    async save_profile(turn, run) {
      const settlement = optionalText(run, 'settlementType');
      const result = await turn.services.repos.participants.updateProfile(me(turn).id, {
        fullName: optionalText(run, 'fullName'),
        organisation: optionalText(run, 'organisation'),
        region: optionalText(run, 'region'),
        district: optionalText(run, 'district'),
        settlementType: settlement === 'urban' || settlement === 'rural' ? settlement : undefined,
        position: optionalText(run, 'position'),
        subject: optionalText(run, 'subject'),
      });
      if (result?.ok) turn.participant = result.value;
      return undefined;
    },

    /**
     * Consent refused: nothing the bot learnt is kept, not even the conversation. Someone the centre
     * imported keeps their record, marked as refusing, so nothing is sent to them.
     */
    async forget_me(turn) {
      if (turn.participant) {
        await turn.services.repos.participants.refuseConsent(
          turn.participant.id,
          turn.services.settings.privacyPolicyVersion,
          turn.services.now(),
        );
      }
      turn.forget = true;
      return undefined;
    },

    async policy(turn, run) {
      run.data.policyUrl = turn.services.settings.privacyPolicyUrl ?? turn.t('onboarding.policy_on_request');
      return undefined;
    },
  },
};
