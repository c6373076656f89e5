import type { PageHandler } from '../context.js';
import { html } from '../html.js';
import { layout } from '../layout.js';
import { page } from '../request.js';
import { roster } from '../roster.js';
import { visibleCohorts } from '../viewer.js';

/** The first page: what needs the viewer's attention today. */
export const homePage: PageHandler = async ({ viewer, say, frame, deps }) => {
  const now = deps.now();
  const cohorts = await visibleCohorts(deps.repos, viewer);
  const rows = await roster(deps.repos, viewer, {}, now);
  const waiting = rows.reduce((n, r) => n + r.activities.filter((a) => a.status === 'submitted').length, 0);
  const consultations = rows.reduce((n, r) => n + r.openConsultations, 0);
  const behind = rows.filter((r) => r.behind).length;
  const tiles = [
    { label: say('home_cohorts'), value: cohorts.length, href: '/console/cohorts' },
    { label: say('home_teachers'), value: rows.length, href: '/console/participants' },
    { label: say('home_behind'), value: behind, href: '/console/participants?behind=1' },
    ...(viewer.role === 'school_admin'
      ? []
      : [
          { label: say('home_waiting'), value: waiting, href: '/console/activities' },
          { label: say('home_consultations'), value: consultations, href: '/console/consultations' },
        ]),
  ];
  return page(
    layout(
      frame({ title: say('home_title'), current: '/console' }),
      html`<div class="tiles">${tiles.map((t) => html`<a class="tile" href="${t.href}"><b>${t.value}</b>${t.label}</a>`)}</div>
${viewer.role === 'school_admin' ? html`<p class="muted">${say('home_school_only', { organisation: viewer.organisation })}</p>` : ''}`,
    ),
  );
};
