// Group support events (flows/event.yaml, event-invite.yaml, events.yaml): a curator or tutor
// announces a consultation, seminar or training to a cohort; each teacher is asked (by the
// announcer, src/scheduler/support-events.ts) and answers with one tap; /events shows staff who comes.
import { formatLocalDate } from '../../domain/calendar.js';
import type { Cohort } from '../../domain/cohort.js';
import {
  GROUP_EVENT_KINDS,
  readTime,
  type AttendanceAnswer,
  type GroupEventKind,
  type SupportEvent,
} from '../../domain/support-event.js';
import type { MessageKey, Translate } from '../../i18n/index.js';
import { stagePlanOf } from '../../progress/service.js';
import type { FlowHandlers, Services, Turn } from '../context.js';
import { activeEnrollments, me, optionalText, text, todayIn } from './common.js';

export const kindLabel = (t: Translate, kind: GroupEventKind) => t(`events.kind_${kind}` as MessageKey);

/** The invitation a teacher reads: what, when and where. */
export function describeEvent(
  t: Translate,
  cohort: Pick<Cohort, 'title'>,
  event: Pick<SupportEvent, 'kind' | 'date' | 'time' | 'link'>,
): string {
  return t('events.invite', {
    cohortTitle: cohort.title,
    kind: kindLabel(t, event.kind),
    date: formatLocalDate(event.date),
    time: event.time,
    link: event.link ? t('events.summary_link', { link: event.link }) : '',
  });
}

/** The forms of group support the cohort's model offers; all of them when it names none. */
async function kindsOf(services: Services, cohort: Cohort): Promise<readonly GroupEventKind[]> {
  const plan = await stagePlanOf(services.repos, cohort);
  const model = plan.model ? services.models?.get(plan.model) : undefined;
  return model?.groupEvents?.length ? model.groupEvents : GROUP_EVENT_KINDS;
}

/** Events of the teacher's cohorts from today on, with their cohorts. */
export async function upcomingForTeacher(turn: Turn): Promise<{ event: SupportEvent; cohort: Cohort }[]> {
  const found: { event: SupportEvent; cohort: Cohort }[] = [];
  for (const { cohort } of await activeEnrollments(turn)) {
    const today = todayIn(turn, cohort.timeZone);
    for (const event of await turn.services.repos.supportEvents.listByCohort(cohort.id)) {
      if (event.date >= today) found.push({ event, cohort });
    }
  }
  return found.sort((a, b) => `${a.event.date} ${a.event.time}`.localeCompare(`${b.event.date} ${b.event.time}`));
}

export const events: Pick<FlowHandlers, 'actions' | 'optionSources' | 'checks'> = {
  optionSources: {
    async event_kinds(turn, run) {
      const cohort = await turn.services.repos.cohorts.findById(text(run, 'cohortId'));
      if (!cohort) return [];
      return (await kindsOf(turn.services, cohort)).map((kind, i) => ({
        id: String(i + 1),
        label: kindLabel(turn.t, kind),
        value: kind,
      }));
    },
    async my_events(turn) {
      return (await upcomingForTeacher(turn)).map(({ event }, i) => ({
        id: String(i + 1),
        label: `${formatLocalDate(event.date)} ${event.time}, ${kindLabel(turn.t, event.kind)}`,
        value: event.id,
      }));
    },
  },
  checks: {
    async event_date(turn, run, value) {
      const cohort = await turn.services.repos.cohorts.findById(text(run, 'cohortId'));
      if (!cohort || typeof value !== 'string') return undefined;
      return value < todayIn(turn, cohort.timeZone) ? { key: 'events.date_past' } : undefined;
    },
    async event_time(_turn, _run, value) {
      return typeof value === 'string' && readTime(value) ? undefined : { key: 'events.time_invalid' };
    },
  },
  actions: {
    async event_summary(turn, run) {
      const cohort = await turn.services.repos.cohorts.findById(text(run, 'cohortId'));
      if (!cohort) return undefined;
      const link = optionalText(run, 'link');
      turn.say('events.summary', {
        kind: kindLabel(turn.t, text(run, 'kind') as GroupEventKind),
        cohortTitle: cohort.title,
        date: formatLocalDate(text(run, 'date')),
        time: readTime(text(run, 'time')) ?? text(run, 'time'),
        timeZone: cohort.timeZone,
        link: link ? turn.t('events.summary_link', { link }) : '',
      });
      return undefined;
    },
    async announce_event(turn, run) {
      const kind = text(run, 'kind') as GroupEventKind;
      const time = readTime(text(run, 'time'));
      if (!GROUP_EVENT_KINDS.includes(kind) || !time) return undefined;
      const link = optionalText(run, 'link');
      const event = await turn.services.repos.supportEvents.create({
        cohortId: text(run, 'cohortId'),
        kind,
        date: text(run, 'date'),
        time,
        ...(link ? { link } : {}),
        createdBy: me(turn).id,
        createdAt: turn.services.now(),
      });
      await turn.services.repos.audit.record({
        at: turn.services.now(),
        actor: me(turn).id,
        action: 'event.announced',
        subjectType: 'support-event',
        subjectId: event.id,
        cohortId: event.cohortId,
        details: { kind, date: event.date },
      });
      turn.say('events.announced');
      return undefined;
    },
    async show_event(turn, run) {
      const event = await turn.services.repos.supportEvents.findById(text(run, 'eventId'));
      const cohort = event && (await turn.services.repos.cohorts.findById(event.cohortId));
      if (!event || !cohort) return 'gone';
      turn.reply({ kind: 'text', text: describeEvent(turn.t, cohort, event) });
      return undefined;
    },
    async record_attendance(turn, run) {
      const answer = text(run, 'answer') as AttendanceAnswer;
      if (answer !== 'yes' && answer !== 'no') return undefined;
      const event = await turn.services.repos.supportEvents.answer(
        text(run, 'eventId'),
        me(turn).id,
        answer,
        turn.services.now(),
      );
      if (!event) return undefined;
      turn.say(answer === 'yes' ? 'events.answered_yes' : 'events.answered_no');
      return undefined;
    },
    /** A curator or tutor who teaches in no cohort sees the attendance; a teacher answers. */
    async events_entry(turn) {
      if ((await activeEnrollments(turn)).length === 0) return 'staff';
      return (await upcomingForTeacher(turn)).length > 0 ? undefined : 'none';
    },
    /** For curators and tutors: each event of their cohorts with who comes, who cannot, who has not answered. */
    async list_cohort_events(turn) {
      const { repos } = turn.services;
      const p = me(turn);
      const cohorts = (
        p.isStaff ? await repos.cohorts.listByStatus('active') : await repos.cohorts.listForStaffMember(p.id)
      ).filter((c) => c.status === 'active' && (p.isStaff || c.curatorIds.includes(p.id) || c.tutorIds.includes(p.id)));
      const blocks: string[] = [];
      for (const cohort of cohorts) {
        const list = await repos.supportEvents.listByCohort(cohort.id);
        if (list.length === 0) continue;
        const lines = list.map((e) => {
          const yes = e.attendance.filter((a) => a.answer === 'yes').length;
          const no = e.attendance.filter((a) => a.answer === 'no').length;
          return turn.t('events.staff_line', {
            date: formatLocalDate(e.date),
            time: e.time,
            kind: kindLabel(turn.t, e.kind),
            yes,
            no,
            silent: Math.max(0, e.invited.length - yes - no),
          });
        });
        blocks.push([turn.t('events.staff_list_title', { cohortTitle: cohort.title }), ...lines].join('\n'));
      }
      turn.reply({ kind: 'text', text: blocks.length > 0 ? blocks.join('\n\n') : turn.t('events.none') });
      return undefined;
    },
  },
};
