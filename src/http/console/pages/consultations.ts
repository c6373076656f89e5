import type { ConsultationRequest } from '../../../domain/consultation.js';
import type { PageHandler } from '../context.js';
import { consultationStatus, dayTime } from '../format.js';
import { html } from '../html.js';
import { layout } from '../layout.js';
import { page, redirect } from '../request.js';
import { mayAct, visibleCohorts } from '../viewer.js';

const OVERDUE_MS = 3 * 86_400_000;

/** Open and answered requests of the viewer's cohorts, overdue ones first. */
export const consultationsPage: PageHandler = async ({ viewer, session, say, frame, locale, deps, query }) => {
  const now = deps.now();
  const cohorts = await visibleCohorts(deps.repos, viewer);
  const items: { c: ConsultationRequest; cohortCode: string; tz: string }[] = [];
  for (const cohort of cohorts) {
    for (const c of await deps.repos.consultations.listByCohort(cohort.id, ['open', 'answered']))
      items.push({ c, cohortCode: cohort.code, tz: cohort.timeZone });
  }
  const overdue = (c: ConsultationRequest) => c.status === 'open' && now.getTime() - c.openedAt.getTime() > OVERDUE_MS;
  items.sort((x, y) => Number(overdue(y.c)) - Number(overdue(x.c)) || x.c.openedAt.getTime() - y.c.openedAt.getTime());
  const people = new Map(
    (
      await deps.repos.participants.findByIds([
        ...new Set(items.flatMap(({ c }) => [c.participantId, ...(c.assigneeId ? [c.assigneeId] : [])])),
      ])
    ).map((p) => [p.id, p]),
  );
  const flash =
    query.get('done') === 'answered'
      ? { text: say('cons_done') }
      : query.get('done') === 'empty'
        ? { text: say('cons_empty'), error: true }
        : undefined;
  const body =
    items.length === 0
      ? html`<p>${say('cons_none')}</p>`
      : html`${items.map(
          ({ c, cohortCode, tz }) => html`<div class="card">
<p><b>${c.topic}</b> ${consultationStatus(say, c.status)} ${overdue(c) ? html`<span class="badge bad">${say('cons_overdue')}</span>` : ''}</p>
<p>${say('acts_teacher')}: <a href="/console/participant?id=${c.participantId}">${people.get(c.participantId)?.fullName ?? '—'}</a> · ${say('acts_cohort', { code: cohortCode })} · ${dayTime(c.openedAt, tz, locale)}
· ${say('cons_assignee')}: ${c.assigneeId ? (people.get(c.assigneeId)?.fullName ?? '—') : say('cons_unassigned')}</p>
<p>${c.description}</p>
${c.messages.map((m) => html`<p class="${m.fromTeacher ? '' : 'ok'}">${m.fromTeacher ? say('msg_teacher') : say('msg_answer')} (${dayTime(m.at, tz, locale)}): ${m.text}</p>`)}
${
  mayAct(viewer, 'consult', { id: c.cohortId })
    ? html`<form method="post" action="/console/consultations/answer">
<input type="hidden" name="csrf" value="${session.csrfToken}"><input type="hidden" name="request" value="${c.id}">
<p><textarea name="text" required maxlength="4000" placeholder="${say('cons_answer_placeholder')}"></textarea></p>
<button type="submit">${say('cons_answer')}</button> <label><input type="checkbox" name="close" value="1"> ${say('cons_and_close')}</label></form>`
    : ''
}
</div>`,
        )}`;
  return page(
    layout(
      frame({
        title: say('cons_title', { count: items.length }),
        current: '/console/consultations',
        ...(flash ? { flash } : {}),
      }),
      body,
    ),
  );
};

export const answerConsultation: PageHandler = async ({ viewer, say, frame, deps, form }) => {
  const request = await deps.repos.consultations.findById(form.get('request') ?? '');
  if (!request || !mayAct(viewer, 'consult', { id: request.cohortId })) {
    return page(layout(frame({ title: say('forbidden_title') }), html`<p>${say('cons_forbidden')}</p>`), 403);
  }
  const text = form.get('text')?.trim() ?? '';
  if (!text) return redirect('/console/consultations?done=empty');
  await deps.actions.answerConsultation({
    requestId: request.id,
    authorId: viewer.actor,
    text,
    close: form.get('close') === '1',
  });
  return redirect('/console/consultations?done=answered');
};
