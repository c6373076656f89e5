import type { PageHandler } from '../context.js';
import { activityLevel, activityType, day, link, linkBadge } from '../format.js';
import { html } from '../html.js';
import { layout } from '../layout.js';
import { page, redirect } from '../request.js';
import { mayAct, visibleCohorts } from '../viewer.js';

/** Activities waiting for a decision, oldest first, with their links. */
export const activitiesPage: PageHandler = async ({ viewer, session, say, frame, locale, deps, query }) => {
  const cohorts = await visibleCohorts(deps.repos, viewer);
  const waiting = [];
  for (const cohort of cohorts) {
    for (const a of await deps.repos.activities.listByCohort(cohort.id, 'submitted')) waiting.push({ a, cohort });
  }
  waiting.sort((x, y) => x.a.submittedAt.getTime() - y.a.submittedAt.getTime());
  const people = new Map(
    (await deps.repos.participants.findByIds(waiting.map((w) => w.a.participantId))).map((p) => [p.id, p]),
  );
  const done = query.get('done');
  const flash =
    done === 'accepted'
      ? { text: say('acts_done_accepted') }
      : done === 'returned'
        ? { text: say('acts_done_returned') }
        : done === 'already'
          ? { text: say('acts_done_already'), error: true }
          : done === 'comment'
            ? { text: say('acts_need_comment'), error: true }
            : undefined;
  const body =
    waiting.length === 0
      ? html`<p>${say('acts_none')}</p>`
      : html`${waiting.map(
          ({ a, cohort }) => html`<div class="card" id="a-${a.id}">
<p><b>${a.title}</b> — ${activityType(say, a.type)}, ${activityLevel(say, a.level)}, ${day(a.date, cohort.timeZone, locale)}</p>
<p>${say('acts_teacher')}: <a href="/console/participant?id=${a.participantId}">${people.get(a.participantId)?.fullName ?? '—'}</a> · ${say('acts_cohort', { code: cohort.code })} · ${say('acts_sent', { date: day(a.submittedAt, cohort.timeZone, locale) })}</p>
<p>${a.links.map((l) => html`<div>${link(l.url)} ${linkBadge(say, l)}</div>`)}</p>
${a.note ? html`<p class="muted">${a.note}</p>` : ''}
${
  mayAct(viewer, 'review', cohort)
    ? html`<form method="post" action="/console/activities/review">
<input type="hidden" name="csrf" value="${session.csrfToken}"><input type="hidden" name="activity" value="${a.id}">
<p><textarea name="comment" placeholder="${say('acts_comment')}" maxlength="2000"></textarea></p>
<button type="submit" name="decision" value="accepted">${say('acts_accept')}</button>
<button type="submit" name="decision" value="returned" class="secondary">${say('acts_return')}</button></form>`
    : html`<p class="muted">${say('acts_curator_decides')}</p>`
}
</div>`,
        )}`;
  return page(
    layout(
      frame({
        title: say('acts_title', { count: waiting.length }),
        current: '/console/activities',
        ...(flash ? { flash } : {}),
      }),
      body,
    ),
  );
};

export const reviewActivity: PageHandler = async ({ viewer, say, frame, deps, form }) => {
  const activity = await deps.repos.activities.findById(form.get('activity') ?? '');
  const cohort = activity ? await deps.repos.cohorts.findById(activity.cohortId) : undefined;
  const decision = form.get('decision');
  if (
    !activity ||
    !cohort ||
    !mayAct(viewer, 'review', cohort) ||
    (decision !== 'accepted' && decision !== 'returned') ||
    viewer.role === 'school_admin'
  ) {
    return page(layout(frame({ title: say('forbidden_title') }), html`<p>${say('acts_forbidden')}</p>`), 403);
  }
  const comment = form.get('comment')?.trim() ?? '';
  if (decision === 'returned' && comment.length === 0) return redirect('/console/activities?done=comment');
  const outcome = await deps.actions.reviewActivity({
    activityId: activity.id,
    reviewerId: viewer.actor,
    decision,
    ...(comment ? { comment } : {}),
  });
  return redirect(`/console/activities?done=${outcome === 'done' ? decision : 'already'}`);
};
