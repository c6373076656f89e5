import { encode } from 'uqr';
import { effectivePlan, requiredActivities } from '../../../domain/stage-plan.js';
import { stageName } from '../../../support-models/names.js';
import type { PageHandler } from '../context.js';
import { channelName, day } from '../format.js';
import type { Say } from '../i18n.js';
import { html, trusted, type Html } from '../html.js';
import { layout } from '../layout.js';
import { page } from '../request.js';
import { roster } from '../roster.js';
import { seesCohort, visibleCohorts } from '../viewer.js';

/** A QR code as inline SVG: printable, no image service needed. */
function qrSvg(text: string): Html {
  const { data, size } = encode(text, { ecc: 'M', border: 2 });
  const cells: string[] = [];
  for (const [y, row] of data.entries()) {
    for (const [x, dark] of row.entries()) if (dark) cells.push(`M${x} ${y}h1v1h-1z`);
  }
  return trusted(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges" role="img" aria-label="QR"><rect width="100%" height="100%" fill="#fff"/><path d="${cells.join('')}" fill="#000"/></svg>`,
  );
}

/** "+1m" as a methodologist reads it: "через 1 мес.". */
function offsetText(say: Say, offset: string): string {
  const m = /^\+?(\d+)([dwmy])$/.exec(offset.trim());
  return m ? say(`offset_${m[2] as 'd' | 'w' | 'm' | 'y'}`, { n: m[1] ?? '' }) : offset;
}

export const cohortsPage: PageHandler = async ({ viewer, say, frame, locale, deps }) => {
  const cohorts = await visibleCohorts(deps.repos, viewer);
  const programmes = new Map((await deps.repos.programmes.list()).map((p) => [p.id, p]));
  const body =
    cohorts.length === 0
      ? html`<p>${say('cohorts_none')} <code>npm run cli -- cohort import file.yaml</code>.</p>`
      : html`<div class="scroll"><table><thead><tr><th>${say('cohorts_code')}</th><th>${say('cohort')}</th><th>${say('programme')}</th><th>${say('cohorts_end')}</th><th>${say('cohorts_status')}</th><th>${say('cohorts_groups')}</th></tr></thead><tbody>
${cohorts.map(
  (c) => html`<tr><td><a href="/console/cohort?id=${c.id}">${c.code}</a></td><td>${c.title}</td>
<td>${programmes.get(c.programmeId)?.title ?? '—'}</td><td>${day(c.courseEnd, c.timeZone, locale)}</td>
<td>${c.status === 'active' ? say('cohorts_active') : say('cohorts_finished')}</td><td>${c.groups.map((g) => channelName(say, g.channel)).join(', ') || '—'}</td></tr>`,
)}
</tbody></table></div>`;
  return page(layout(frame({ title: say('cohorts_title'), current: '/console/cohorts' }), body));
};

export const cohortPage: PageHandler = async ({ viewer, say, frame, locale, deps, query }) => {
  const cohort = await deps.repos.cohorts.findById(query.get('id') ?? '');
  const visible =
    cohort &&
    (viewer.role === 'school_admin'
      ? (await visibleCohorts(deps.repos, viewer)).some((c) => c.id === cohort.id)
      : seesCohort(viewer, cohort.id));
  if (!cohort || !visible) {
    return page(layout(frame({ title: say('cohort_not_found') }), html`<p>${say('cohort_not_found_text')}</p>`), 404);
  }
  const programme = await deps.repos.programmes.findById(cohort.programmeId);
  const plan = effectivePlan(cohort, programme);
  const staff = await deps.repos.participants.findByIds([...cohort.curatorIds, ...cohort.tutorIds]);
  const name = (id: string) => staff.find((p) => p.id === id)?.fullName ?? '—';
  const rows = await roster(deps.repos, viewer, { cohortId: cohort.id }, deps.now());
  const joins = deps.joinLinks(cohort.code);
  const tz = cohort.timeZone;
  const body = html`<div class="card">
<p><b>${cohort.title}</b> · ${say('cohort_code')} <code>${cohort.code}</code></p>
<p>${say('programme')}: ${programme?.title ?? '—'}${programme?.direction ? html` (${programme.direction})` : ''}</p>
<p>${say('cohort_dates', { start: day(cohort.courseStart, tz, locale), end: day(cohort.courseEnd, tz, locale), yearEnd: day(new Date(cohort.courseEnd.getTime() + 365 * 86_400_000), tz, locale), tz })}</p>
${plan.model ? html`<p>${say('cohort_model')}: <code>${plan.model}</code></p>` : ''}
<p>${say('cohort_stages')}:</p><ol>${plan.stages.map((s) => html`<li value="${s.stage}">${stageName(locale, plan, s.stage)} — ${offsetText(say, s.startOffset)}</li>`)}</ol>
<p>${say('cohort_required', { count: requiredActivities(plan) })}</p>
<p>${say('cohort_curators')}: ${cohort.curatorIds.map(name).join(', ') || '—'} · ${say('cohort_tutors')}: ${cohort.tutorIds.map(name).join(', ') || '—'}</p>
</div>
<h2>${say('cohort_groups')}</h2>
${
  cohort.groups.length === 0
    ? html`<p class="muted">${say('cohort_no_groups', { code: cohort.code })}</p>`
    : html`<ul>${cohort.groups.map((g) => html`<li>${channelName(say, g.channel)}: ${g.title ?? g.chatId}${g.inviteLink ? html` — <a href="${g.inviteLink}">${g.inviteLink}</a>` : ''}</li>`)}</ul>`
}
<h2>${say('cohort_join')}</h2>
${
  joins.length === 0
    ? html`<p class="muted">${say('cohort_no_channels')} <code>${cohort.code}</code>.</p>`
    : html`<div class="tiles">${joins.map((j) => html`<div class="tile qr"><b style="font-size:1rem">${j.label}</b>${qrSvg(j.url)}<br><a href="${j.url}">${j.url}</a></div>`)}</div>`
}
<h2>${say('cohort_teachers', { count: rows.length })}</h2>
<p><a href="/console/participants?cohort=${cohort.id}">${say('cohort_open_list')}</a></p>`;
  return page(layout(frame({ title: say('cohort_title', { code: cohort.code }), current: '/console/cohorts' }), body));
};
