// What a scheduled send says: plain texts in the recipient's language, or a questionnaire started
// through the engine. Composing sends nothing; ./send-log.ts sends what is composed here.
import { formatLocalDate, type LocalDate } from '../domain/calendar.js';
import type { Cohort } from '../domain/cohort.js';
import type { Locale } from '../domain/locale.js';
import type { PlannedSend } from '../domain/post-course-plan.js';
import type { SendStatus } from '../domain/scheduled-send.js';
import type { Content, Engine, Outbound, OutboundMessage } from '../engine/index.js';
import { t } from '../i18n/index.js';
import { localized } from '../questionnaires/index.js';
import {
  activityNudgeText,
  closingText,
  displayName,
  nonRespondersTexts,
  reportReminderText,
  stageText,
} from './messages.js';
import type { CohortState } from './state.js';

/** A send that ends without a message going out, or the outcome of one that went. */
export type Outcome = { status: Exclude<SendStatus, 'sending'>; detail?: string };

/** Messages to dispatch, or the reason there are none. */
export type Composed = Outbound[] | Outcome;

/**
 * The hook the monitoring issue implements: the half-year report for a cohort, sent to a curator
 * right after the reminder that it is due. Until then the reminder goes alone.
 */
export interface HalfYearReportSource {
  /** Messages that carry the report (a summary, a link, later a file); none when there is nothing to attach. */
  forCurator(input: {
    cohort: Cohort;
    curatorId: string;
    deadline: LocalDate;
    half: 1 | 2;
  }): Promise<OutboundMessage[]>;
}

export interface ComposeDeps {
  engine: Pick<Engine, 'trigger'>;
  content?: Content;
  reports?: HalfYearReportSource;
}

export const textTo = (participantId: string, body: string): Outbound => ({
  to: { kind: 'participant', participantId },
  message: { kind: 'text', text: body },
});

/** The questionnaire's title in the locale; the id without content; undefined for an unknown one. */
export function surveyTitle(content: Content | undefined, questionnaireId: string, locale: Locale): string | undefined {
  if (!content) return questionnaireId;
  const q = content.questionnaires.get(questionnaireId);
  return q ? localized(q.title, locale) : undefined;
}

export interface Invitation {
  participantId: string;
  cohort: Cohort;
  questionnaireId: string;
  occasion: string;
  /** Said before the first question. */
  lead: string;
  /** Said alone to someone in the middle of another dialog. */
  busy: string;
}

/**
 * Starts the questionnaire through the engine: the lead, then the first question; someone in the
 * middle of a dialog gets the busy notice alone. Shared by the year's invitations and a sample's.
 */
export async function composeInvitation(engine: Pick<Engine, 'trigger'>, invitation: Invitation): Promise<Composed> {
  const { cohort, participantId } = invitation;
  const data = {
    questionnaireId: invitation.questionnaireId,
    occasion: invitation.occasion,
    cohortId: cohort.id,
    cohortTitle: cohort.title,
    timeZone: cohort.timeZone,
  };
  const started = await engine.trigger(participantId, 'surveys', data, invitation.busy);
  if (started.status === 'unreachable') return { status: 'undeliverable', detail: 'no chat reaches the participant' };
  return started.status === 'busy' ? started.out : [textTo(participantId, invitation.lead), ...started.out];
}

/** Composes one planned send of the post-course year. */
export function createComposer(deps: ComposeDeps): (item: PlannedSend, state: CohortState) => Promise<Composed> {
  return async function compose(item, state) {
    const { cohort } = state;
    const person = state.people.get(item.recipientId);
    if (!person) return { status: 'undeliverable', detail: 'recipient not found' };
    const locale = person.locale;
    const teacher = state.teacherById.get(item.recipientId);
    switch (item.kind) {
      case 'stage':
        return [textTo(person.id, stageText(locale, cohort, item.stage ?? 1, state.plan))];
      case 'activity-nudge':
        return [textTo(person.id, activityNudgeText(locale, cohort, teacher?.acceptedActivities ?? 0, state.plan))];
      case 'closing':
        return [textTo(person.id, closingText(locale, cohort, teacher?.acceptedActivities ?? 0, state.plan))];
      case 'report-reminder': {
        const deadline = item.deadline ?? '';
        const half = item.half ?? 1;
        const extra = deps.reports
          ? await deps.reports.forCurator({ cohort, curatorId: person.id, deadline, half })
          : [];
        const attached = extra.map(
          (message): Outbound => ({ to: { kind: 'participant', participantId: person.id }, message }),
        );
        return [textTo(person.id, reportReminderText(locale, cohort, deadline, half)), ...attached];
      }
      case 'non-responders': {
        const survey = item.survey;
        if (!survey) return { status: 'undeliverable', detail: 'no questionnaire' };
        const title = surveyTitle(deps.content, survey.questionnaireId, locale) ?? survey.questionnaireId;
        const names = (item.teacherIds ?? [])
          .map((id) => displayName(state.people.get(id), locale))
          .sort((a, b) => a.localeCompare(b, 'ru'));
        return nonRespondersTexts(locale, cohort, title, names).map((body) => textTo(person.id, body));
      }
      case 'invite':
      case 'reminder':
      case 'final-survey': {
        const survey = item.survey;
        if (!survey) return { status: 'undeliverable', detail: 'no questionnaire' };
        const title = surveyTitle(deps.content, survey.questionnaireId, locale);
        if (title === undefined) {
          return { status: 'undeliverable', detail: `unknown questionnaire ${survey.questionnaireId}` };
        }
        const params = { cohortTitle: cohort.title, title, closes: formatLocalDate(survey.closes) };
        const [lead, busy] =
          item.kind === 'invite'
            ? [t(locale, 'scheduler.invite', params), t(locale, 'scheduler.invite_busy', params)]
            : item.kind === 'reminder'
              ? [t(locale, 'scheduler.reminder', params), t(locale, 'scheduler.reminder_busy', params)]
              : [t(locale, 'scheduler.final_survey', params), t(locale, 'scheduler.final_survey_busy', params)];
        return composeInvitation(deps.engine, {
          participantId: person.id,
          cohort,
          questionnaireId: survey.questionnaireId,
          occasion: survey.occasion,
          lead,
          busy,
        });
      }
      default: {
        const unknown: never = item.kind;
        throw new Error(`no message for ${String(unknown)}`);
      }
    }
  };
}
