import type { FlowHandlers, ShownOption, Turn } from '../context.js';
import { activeEnrollments, me, switchFlow, text } from './common.js';
import { deadLinksOf } from './links.js';
import { visibleConsultations } from './consultation.js';
import { openQuestionnairesFor } from './surveys.js';
import { upcomingForTeacher as listUpcoming } from './events.js';

async function staffCounts(
  turn: Turn,
): Promise<{ curator: boolean; tutor: boolean; toReview: number; openRequests: number }> {
  const p = me(turn);
  const { repos } = turn.services;
  const cohorts = await repos.cohorts.listForStaffMember(p.id);
  const curated = cohorts.filter((c) => c.curatorIds.includes(p.id));
  const tutored = cohorts.filter((c) => c.tutorIds.includes(p.id) || c.curatorIds.includes(p.id));
  let toReview = 0;
  for (const c of curated) toReview += (await repos.activities.listByCohort(c.id, 'submitted')).length;
  const openRequests = (await visibleConsultations(turn, ['open'])).length;
  return { curator: curated.length > 0 || p.isStaff, tutor: tutored.length > 0 || p.isStaff, toReview, openRequests };
}

export const menu: Pick<FlowHandlers, 'actions' | 'optionSources'> = {
  optionSources: {
    async menu_items(turn) {
      const t = turn.t;
      const items: ShownOption[] = [];
      const add = (flow: string, label: string) => items.push({ id: String(items.length + 1), label, value: flow });
      const teacher = (await activeEnrollments(turn)).length > 0;
      if (teacher) {
        const open = await openQuestionnairesFor(turn);
        add('surveys', t('menu.surveys', { count: open.length }));
        add('activity', t('menu.activity'));
        add('progress', t('menu.progress'));
        add('plan', t('menu.plan'));
        const upcoming = (await listUpcoming(turn)).length;
        if (upcoming > 0) add('events', t('menu.events', { count: upcoming }));
        const dead = await deadLinksOf(turn);
        if (dead.length > 0) add('links', t('links.menu_item', { count: dead.length }));
        add('consultation', t('menu.consultation'));
      }
      const staff = await staffCounts(turn);
      if (staff.curator) add('review', t('menu.review', { count: staff.toReview }));
      if (staff.tutor) add('consultations', t('menu.consultations', { count: staff.openRequests }));
      if (staff.tutor) add('plans', t('menu.plans'));
      if (staff.tutor) add('event', t('menu.event'));
      add('language', t('menu.language'));
      add('reminders', t(me(turn).remindersOptedOutAt ? 'menu.reminders_on' : 'menu.reminders_off'));
      add('help', t('menu.help'));
      add('delete-data', t('menu.delete'));
      return items;
    },
  },
  actions: {
    async open_menu_item(turn, run) {
      switchFlow(turn, text(run, 'item'));
      return undefined;
    },
  },
};
