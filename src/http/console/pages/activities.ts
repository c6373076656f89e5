import type { PageHandler } from '../context.js';
import { ACTIVITY_TYPE_LABELS, day, LEVEL_LABELS, link } from '../format.js';
import { html } from '../html.js';
import { layout } from '../layout.js';
import { page, redirect } from '../request.js';
import { mayAct, visibleCohorts } from '../viewer.js';

/** Activities waiting for a decision, oldest first, with their links. */
export const activitiesPage: PageHandler = async ({ viewer, session, deps, query }) => {
  const cohorts = await visibleCohorts(deps.repos, viewer);
  const waiting = [];
  for (const cohort of cohorts) {
    for (const a of await deps.repos.activities.listByCohort(cohort.id, 'submitted')) waiting.push({ a, cohort });
  }
  waiting.sort((x, y) => x.a.submittedAt.getTime() - y.a.submittedAt.getTime());
  const people = new Map((await deps.repos.participants.findByIds(waiting.map((w) => w.a.participantId))).map((p) => [p.id, p]));
  const done = query.get('done');
  const flash = done === 'accepted' ? { text: 'Мероприятие принято, педагог получил уведомление в чате.' }
    : done === 'returned' ? { text: 'Мероприятие возвращено с комментарием, педагог получил его в чате.' }
    : done === 'already' ? { text: 'По этому мероприятию уже принято решение.', error: true }
    : done === 'comment' ? { text: 'Чтобы вернуть мероприятие, напишите комментарий: педагог увидит, что исправить.', error: true }
    : undefined;
  const body = waiting.length === 0
    ? html`<p>Новых мероприятий на проверке нет.</p>`
    : html`${waiting.map(({ a, cohort }) => html`<div class="card" id="a-${a.id}">
<p><b>${a.title}</b> — ${ACTIVITY_TYPE_LABELS[a.type]}, ${LEVEL_LABELS[a.level]}, ${day(a.date, cohort.timeZone)}</p>
<p>Педагог: <a href="/console/participant?id=${a.participantId}">${people.get(a.participantId)?.fullName ?? '—'}</a> · курс ${cohort.code} · отправлено ${day(a.submittedAt, cohort.timeZone)}</p>
<p>${a.links.map((l) => html`<div>${link(l.url)} ${l.reachable === true ? html`<span class="badge ok">открывается</span>` : l.reachable === false ? html`<span class="badge bad">не открывается</span>` : html`<span class="badge">не проверена</span>`}</div>`)}</p>
${a.note ? html`<p class="muted">${a.note}</p>` : ''}
${mayAct(viewer, 'review', cohort) ? html`<form method="post" action="/console/activities/review">
<input type="hidden" name="csrf" value="${session.csrfToken}"><input type="hidden" name="activity" value="${a.id}">
<p><textarea name="comment" placeholder="Комментарий педагогу (обязателен при возврате)" maxlength="2000"></textarea></p>
<button type="submit" name="decision" value="accepted">Принять</button>
<button type="submit" name="decision" value="returned" class="secondary">Вернуть на доработку</button></form>` : html`<p class="muted">Решение принимает куратор курса.</p>`}
</div>`)}`;
  return page(layout({ title: `Мероприятия на проверке (${waiting.length})`, viewer, csrf: session.csrfToken, current: '/console/activities', ...(flash ? { flash } : {}) }, body));
};

export const reviewActivity: PageHandler = async ({ viewer, session, deps, form }) => {
  const activity = await deps.repos.activities.findById(form.get('activity') ?? '');
  const cohort = activity ? await deps.repos.cohorts.findById(activity.cohortId) : undefined;
  const decision = form.get('decision');
  if (!activity || !cohort || !mayAct(viewer, 'review', cohort) || (decision !== 'accepted' && decision !== 'returned') || viewer.role === 'school_admin') {
    return page(layout({ title: 'Нет доступа', viewer, csrf: session.csrfToken }, html`<p>Это мероприятие вам недоступно.</p>`), 403);
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
