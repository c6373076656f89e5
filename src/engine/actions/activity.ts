import {
  ACTIVITY_LEVELS,
  ACTIVITY_TYPES,
  type Activity,
  type ActivityLevel,
  type ActivityType,
} from '../../domain/activity.js';
import { formatLocalDate, localDate } from '../../domain/calendar.js';
import { requiredActivities } from '../../domain/stage-plan.js';
import { stagePlanOf } from '../../progress/service.js';
import { postCourseYear } from '../../domain/stage-plan.js';
import { translator, type Translate } from '../../i18n/index.js';
import type { FlowHandlers, Turn } from '../context.js';
import type { FlowRun } from '../sessions.js';
import { activeEnrollments, displayName, me, optionalText, pickEnrollment, text, useCohort } from './common.js';

/** The activity as the curator and the teacher read it, in the reader's language. */
export function describeActivity(
  t: Translate,
  a: Pick<Activity, 'type' | 'level' | 'date' | 'title' | 'links' | 'note'>,
  timeZone: string,
): string {
  return [
    `${t('activity.field_type')}: ${t(`activity.type_${a.type}`)}`,
    `${t('activity.field_level')}: ${t(`activity.level_${a.level}`)}`,
    `${t('activity.field_date')}: ${formatLocalDate(localDate(a.date, timeZone))}`,
    `${t('activity.field_title')}: ${a.title}`,
    `${t('activity.field_links')}:\n${a.links.map((l) => l.url).join('\n')}`,
    ...(a.note ? [`${t('activity.field_note')}: ${a.note}`] : []),
  ].join('\n');
}

/** A local date typed by the teacher, stored as midday UTC so no time zone moves it to another day. */
function dateValue(localIso: string): Date {
  return new Date(`${localIso}T12:00:00Z`);
}

function draft(run: FlowRun) {
  const type = text(run, 'type');
  const level = text(run, 'level');
  if (
    !(ACTIVITY_TYPES as readonly string[]).includes(type) ||
    !(ACTIVITY_LEVELS as readonly string[]).includes(level)
  ) {
    throw new Error(`activity flow produced type ${type} / level ${level}`);
  }
  const links = Array.isArray(run.data.links) ? run.data.links : [];
  return {
    type: type as ActivityType,
    level: level as ActivityLevel,
    date: dateValue(text(run, 'date')),
    title: text(run, 'title'),
    links: links.map((url) => ({ url })),
    note: optionalText(run, 'note'),
  };
}

async function notifyCurators(
  turn: Turn,
  cohortId: string,
  activity: Pick<Activity, 'type' | 'level' | 'date' | 'title' | 'links' | 'note'>,
): Promise<void> {
  const { repos } = turn.services;
  const cohort = await repos.cohorts.findById(cohortId);
  if (!cohort) return;
  for (const curator of await repos.participants.findByIds(cohort.curatorIds)) {
    const t = translator(curator.locale);
    turn.notify(
      curator.id,
      t('activity.notify_curator', {
        teacher: displayName(turn.participant),
        cohortTitle: cohort.title,
        summary: describeActivity(t, activity, cohort.timeZone),
      }),
    );
  }
}

export const activity: Pick<FlowHandlers, 'actions' | 'optionSources' | 'checks'> = {
  optionSources: {
    async my_cohorts(turn) {
      return (await activeEnrollments(turn)).map(({ cohort }, i) => ({
        id: String(i + 1),
        label: cohort.title,
        value: cohort.id,
      }));
    },
  },
  checks: {
    async activity_date(turn, run, value) {
      const cohort = await turn.services.repos.cohorts.findById(text(run, 'cohortId'));
      if (!cohort || typeof value !== 'string') return undefined;
      const year = postCourseYear(cohort);
      const params = { start: formatLocalDate(year.start), end: formatLocalDate(year.end) };
      if (value < year.start) return { key: 'activity.date_before_year', params };
      if (value > year.end) return { key: 'activity.date_after_year', params };
      return undefined;
    },
  },
  actions: {
    pick_enrollment: (turn, run) => pickEnrollment(turn, run),

    async use_chosen_cohort(turn, run) {
      const chosen = (await activeEnrollments(turn)).find(({ cohort }) => cohort.id === run.data.cohortId);
      if (chosen) useCohort(run, chosen.cohort);
      return undefined;
    },

    async find_returned(turn, run) {
      const returned = await turn.services.repos.activities.listByParticipant(me(turn).id, text(run, 'cohortId'));
      const latest = returned.filter((a) => a.status === 'returned').at(-1);
      if (!latest) return undefined;
      run.data.returnedId = latest.id;
      run.data.returnedTitle = latest.title;
      return 'returned';
    },

    async forget_returned(_turn, run) {
      run.data.returnedId = null;
      return undefined;
    },

    async activity_summary(turn, run) {
      const cohort = await turn.services.repos.cohorts.findById(text(run, 'cohortId'));
      run.data.summary = describeActivity(
        turn.t,
        draft(run),
        cohort?.timeZone ?? turn.services.settings.defaultTimeZone,
      );
      return undefined;
    },

    async submit_activity(turn, run) {
      const { repos } = turn.services;
      const cohortId = text(run, 'cohortId');
      const fields = draft(run);
      const now = turn.services.now();
      const returnedId = optionalText(run, 'returnedId');
      if (returnedId) {
        const resubmitted = await repos.activities.resubmit(returnedId, {
          ...fields,
          links: fields.links.map((l) => l.url),
          submittedAt: now,
        });
        if (!resubmitted.ok) {
          turn.say('activity.no_longer_returned');
          return 'failed';
        }
      } else {
        await repos.activities.submit({
          ...fields,
          links: fields.links.map((l) => l.url),
          participantId: me(turn).id,
          cohortId,
          submittedAt: now,
        });
      }
      await notifyCurators(turn, cohortId, fields);
      return undefined;
    },

    async accepted_count(turn, run) {
      const { repos } = turn.services;
      const cohort = await repos.cohorts.findById(text(run, 'cohortId'));
      run.data.accepted = await repos.activities.countAccepted(me(turn).id, text(run, 'cohortId'));
      // The cohort's model says how many it owes (three in Kazakhstan's, one in the school model).
      run.data.required = cohort ? requiredActivities(await stagePlanOf(repos, cohort)) : run.data.accepted;
      return undefined;
    },
  },
};
