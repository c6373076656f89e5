// A teacher replaces a link that the link checker (src/scheduler/link-checks.ts) found dead: an
// activity's link (dead twice in a row), or a link given in a questionnaire answer (dead once: the
// server answered that the page is not there).
import type { Activity, ActivityLink } from '../../domain/activity.js';
import { LINK_ALERT_AFTER_FAILURES } from '../../domain/link-check.js';
import { isDeadResultLink, type ResultLink } from '../../domain/result-link.js';
import { translator } from '../../i18n/index.js';
import { localized } from '../../questionnaires/index.js';
import type { FlowHandlers, Turn } from '../context.js';
import { activeEnrollments, displayName, me, text } from './common.js';

export const isDeadLink = (l: ActivityLink): boolean => (l.failures ?? 0) >= LINK_ALERT_AFTER_FAILURES;

export type DeadLink =
  | { kind: 'activity'; activity: Activity; url: string }
  | { kind: 'result'; link: ResultLink; url: string };

/** Prefix of a picked result link, beside an activity's id. */
const RESULT = 'r:';

/** The teacher's dead links, in cohorts still in their year: activities' first, then answers'. */
export async function deadLinksOf(turn: Turn): Promise<DeadLink[]> {
  const found: DeadLink[] = [];
  const results: DeadLink[] = [];
  const { repos } = turn.services;
  for (const { cohort } of await activeEnrollments(turn)) {
    for (const activity of await repos.activities.listByParticipant(me(turn).id, cohort.id)) {
      for (const link of activity.links.filter(isDeadLink)) found.push({ kind: 'activity', activity, url: link.url });
    }
    for (const link of await repos.resultLinks.listByParticipant(me(turn).id, cohort.id)) {
      if (isDeadResultLink(link)) results.push({ kind: 'result', link, url: link.url });
    }
  }
  return [...found, ...results];
}

/** The questionnaire a result link was given in, by its title in the reader's language. */
export function questionnaireTitle(
  turn: Turn,
  link: Pick<ResultLink, 'questionnaireId'>,
  locale = turn.session.locale,
): string {
  const q = turn.services.questionnaires.get(link.questionnaireId);
  return q ? localized(q.title, locale) : link.questionnaireId;
}

const pickedValue = (d: DeadLink): string =>
  d.kind === 'activity' ? `${d.activity.id} ${d.url}` : `${RESULT}${d.link.id} ${d.url}`;

export const links: Pick<FlowHandlers, 'actions' | 'optionSources'> = {
  optionSources: {
    async dead_links(turn) {
      return (await deadLinksOf(turn)).map((d, i) => ({
        id: String(i + 1),
        label: `${d.kind === 'activity' ? d.activity.title : questionnaireTitle(turn, d.link)}: ${d.url}`,
        value: pickedValue(d),
      }));
    },
  },
  actions: {
    async find_dead_links(turn, run) {
      const dead = await deadLinksOf(turn);
      if (dead.length === 0) return 'none';
      if (dead.length > 1) return 'many';
      run.data.picked = pickedValue(dead[0]!);
      return 'one';
    },

    /** `result` for a link given in an answer, nothing for an activity's, `gone` when it changed meanwhile. */
    async use_picked_link(turn, run) {
      const [id = '', url = ''] = text(run, 'picked').split(' ');
      if (id.startsWith(RESULT)) {
        const link = await turn.services.repos.resultLinks.findById(id.slice(RESULT.length));
        if (!link || link.participantId !== me(turn).id || link.url !== url) return 'gone';
        run.data.resultLinkId = link.id;
        run.data.url = url;
        run.data.title = questionnaireTitle(turn, link);
        return 'result';
      }
      const activity = await turn.services.repos.activities.findById(id);
      if (!activity || activity.participantId !== me(turn).id || !activity.links.some((l) => l.url === url))
        return 'gone';
      run.data.activityId = id;
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
          turn.notify(
            curator.id,
            t('links.curator_replaced', {
              teacher: displayName(me(turn)),
              cohortTitle: cohort.title,
              title: updated.title,
              oldUrl,
              newUrl,
            }),
          );
        }
      }
      return undefined;
    },

    /** The new link replaces the old one in the answer too (exports and the console show it), unchecked. */
    async replace_result_link(turn, run) {
      const { repos } = turn.services;
      const oldUrl = text(run, 'url');
      const newUrl = text(run, 'newUrl');
      const at = turn.services.now();
      const updated = await repos.resultLinks.replaceUrl(text(run, 'resultLinkId'), oldUrl, newUrl, at);
      if (!updated) return 'gone';
      await repos.responses.saveAnswer(updated.responseId, {
        questionId: updated.questionId,
        value: newUrl,
        skipped: false,
        answeredAt: at,
      });
      const cohort = await repos.cohorts.findById(updated.cohortId);
      if (cohort) {
        for (const curator of await repos.participants.findByIds(cohort.curatorIds)) {
          const t = translator(curator.locale);
          const title = questionnaireTitle(turn, updated, curator.locale);
          turn.notify(
            curator.id,
            t('links.curator_result_replaced', {
              teacher: displayName(me(turn)),
              cohortTitle: cohort.title,
              title,
              oldUrl,
              newUrl,
            }),
          );
        }
      }
      return undefined;
    },
  },
};
