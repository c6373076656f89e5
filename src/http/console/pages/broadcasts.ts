import type { Broadcast } from '../../../domain/broadcast.js';
import type { PageHandler } from '../context.js';
import { dayTime } from '../format.js';
import { html } from '../html.js';
import { layout } from '../layout.js';
import { page, redirect } from '../request.js';
import { mayAct, visibleCohorts } from '../viewer.js';

function counts(b: Broadcast) {
  const by = (s: string) => b.deliveries.filter((d) => d.status === s).length;
  return {
    total: b.deliveries.length,
    sent: by('sent'),
    pending: by('pending'),
    failed: by('failed'),
    blocked: by('blocked'),
  };
}

/** Recent broadcasts with their delivery report, and a form for a new one. */
export const broadcastsPage: PageHandler = async ({ viewer, session, say, frame, locale, deps, query }) => {
  const cohorts = (await visibleCohorts(deps.repos, viewer)).filter((c) => mayAct(viewer, 'broadcast', c));
  const recent: { b: Broadcast; code: string; tz: string }[] = [];
  for (const cohort of cohorts) {
    for (const b of await deps.repos.broadcasts.listByCohort(cohort.id, 10))
      recent.push({ b, code: cohort.code, tz: cohort.timeZone });
  }
  recent.sort((x, y) => y.b.createdAt.getTime() - x.b.createdAt.getTime());
  const sending = recent.some(({ b }) => b.status === 'sending');
  const flash =
    query.get('done') === 'sent'
      ? { text: say('bc_done_sent') }
      : query.get('done') === 'empty'
        ? { text: say('bc_empty'), error: true }
        : undefined;
  const body = html`${
    cohorts.length === 0
      ? html`<p>${say('bc_no_cohorts')}</p>`
      : html`<form class="card" method="post" action="/console/broadcasts">
<input type="hidden" name="csrf" value="${session.csrfToken}">
<p><label>${say('cohort')}<br><select name="cohort">${cohorts.map((c) => html`<option value="${c.id}">${c.code} — ${c.title}</option>`)}</select></label></p>
<p><textarea name="text" required maxlength="3500" placeholder="${say('bc_text')}"></textarea></p>
<p><label><input type="checkbox" name="groups" value="1" checked> ${say('bc_to_groups')}</label><br>
<label><input type="checkbox" name="people" value="1"> ${say('bc_to_people')}</label></p>
<button type="submit">${say('bc_send')}</button></form>`
  }
<h2>${say('bc_recent')}</h2>
${
  recent.length === 0
    ? html`<p class="muted">${say('bc_none')}</p>`
    : html`<div class="scroll"><table><thead><tr><th>${say('bc_when')}</th><th>${say('cohort')}</th><th>${say('bc_text_col')}</th><th>${say('bc_delivered')}</th><th>${say('bc_pending')}</th><th>${say('bc_failed')}</th><th>${say('bc_blocked')}</th></tr></thead><tbody>
${recent.map(({ b, code, tz }) => {
  const c = counts(b);
  return html`<tr><td>${dayTime(b.createdAt, tz, locale)}</td><td>${code}</td><td>${b.text.length > 120 ? `${b.text.slice(0, 120)}…` : b.text}</td>
<td>${say('of', { done: c.sent, total: c.total })}</td><td>${c.pending}</td><td>${c.failed}</td><td>${c.blocked}</td></tr>`;
})}</tbody></table></div>`
}
${sending ? html`<p class="muted">${say('bc_sending')}</p>` : ''}`;
  return page(
    layout(
      frame({
        title: say('bc_title'),
        current: '/console/broadcasts',
        ...(flash ? { flash } : {}),
        ...(sending ? { refreshSeconds: 3 } : {}),
      }),
      body,
    ),
  );
};

export const sendBroadcast: PageHandler = async ({ viewer, say, frame, deps, form }) => {
  const cohort = await deps.repos.cohorts.findById(form.get('cohort') ?? '');
  if (!cohort || !mayAct(viewer, 'broadcast', cohort)) {
    return page(layout(frame({ title: say('forbidden_title') }), html`<p>${say('cohort_forbidden')}</p>`), 403);
  }
  const text = form.get('text')?.trim() ?? '';
  const toGroups = form.get('groups') === '1';
  const toParticipants = form.get('people') === '1';
  if (!text || (!toGroups && !toParticipants)) return redirect('/console/broadcasts?done=empty');
  await deps.actions.broadcast({ cohortId: cohort.id, authorId: viewer.actor, text, toGroups, toParticipants });
  return redirect('/console/broadcasts?done=sent');
};
