// A teacher replaces an activity link that the link checker found dead (src/scheduler/link-checks.ts).
import type { Activity, ActivityLink } from '../../domain/activity.js';
import { LINK_ALERT_AFTER_FAILURES } from '../../domain/link-check.js';
import { translator } from '../../i18n/index.js';
import type { FlowHandlers, Turn } from '../context.js';
import { activeEnrollments, displayName, me, text } from './common.js';

export const isDeadLink = (l: ActivityLink): boolean => (l.failures ?? 0) >= LINK_ALERT_AFTER_FAILURES;

/** The teacher's links found dead twice or more in a row, in cohorts still in their year. */
export async function deadLinksOf(turn: Turn): Promise<{ activity: Activity; url: string }[]> {
  const found: { activity: Activity; url: string }[] = [];
  for (const { cohort } of await activeEnrollments(turn)) {
    for (const activity of await turn.services.repos.activities.listByParticipant(me(turn).id, cohort.id)) {
      for (const link of activity.links.filter(isDeadLink)) found.push({ activity, url: link.url });
    }
  }
  return found;
}

export const links: Pick<FlowHandlers, 'actions' | 'optionSources'> = {
  optionSources: {
    async dead_links(turn) {
      return (await deadLinksOf(turn)).map(({ activity, url }, i) => ({ id: String(i + 1), label: `${activity.title}: ${url}`, value: `${activity.id} ${url}` }));
    },
  },
  actions: {
    async find_dead_links(turn, run) {
      const dead = await deadLinksOf(turn);
      if (dead.length === 0) return 'none';
      if (dead.length > 1) return 'many';
      run.data.picked = `${dead[0]!.activity.id} ${dead[0]!.url}`;
      return 'one';
    },

    async use_picked_link(turn, run) {
      const [activityId = '', url = ''] = text(run, 'picked').split(' ');
      const activity = await turn.services.repos.activities.findById(activityId);
      if (!activity || activity.participantId !== me(turn).id || !activity.links.some((l) => l.url === url)) return 'gone';
      run.data.activityId = activityId;
      run.data.url = url;
      run.data.title = activity.title;
      return undefined;
    },

    async replace_link(turn, run) {
      const { repos } = turn.services;
      const oldUrl = text(run, 'url');
      const newUrl = text(run, 'newUrl');
      const updated = await repos.activities.replaceLink(text(run, 'activityId'), oldUrl, newUrl);
      if (!updated) return 'gone';
      const cohort = await repos.cohorts.findById(updated.cohortId);
      if (cohort) {
        for (const curator of await repos.participants.findByIds(cohort.curatorIds)) {
          const t = translator(curator.locale);
          turn.notify(curator.id, t('links.curator_replaced', { teacher: displayName(me(turn)), cohortTitle: cohort.title, title: updated.title, oldUrl, newUrl }));
        }
      }
      return undefined;
    },
  },
};
