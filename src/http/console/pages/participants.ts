import type { Participant } from '../../../domain/participant.js';
import { effectivePlan } from '../../../domain/stage-plan.js';
import { occasionName } from '../../../support-models/names.js';
import type { PageHandler } from '../context.js';
import {
  activityLevel,
  activityStatus,
  activityType,
  channelName,
  consultationStatus,
  day,
  dayTime,
  link,
  linkBadge,
  stageStatus,
  stageStatusText,
} from '../format.js';
import { html } from '../html.js';
import type { Say } from '../i18n.js';
import { layout } from '../layout.js';
import { page } from '../request.js';
import { auditLabel } from './audit.js';
import { roster, type RosterFilter } from '../roster.js';
import { seesParticipant, visibleCohorts } from '../viewer.js';

function filterOf(query: URLSearchParams): RosterFilter {
  const get = (k: string) => query.get(k)?.trim() || undefined;
  return {
    ...(get('cohort') ? { cohortId: get('cohort') } : {}),
    ...(get('region') ? { region: get('region') } : {}),
    ...(get('organisation') ? { organisation: get('organisation') } : {}),
    ...(get('stage') ? { stage: get('stage') } : {}),
    ...(query.get('behind') === '1' ? { behind: true } : {}),
    ...(get('q') ? { query: get('q') } : {}),
  };
}

export const participantsPage: PageHandler = async ({ viewer, say, frame, locale, deps, query }) => {
  const filter = filterOf(query);
  const [rows, all, cohorts] = await Promise.all([
    roster(deps.repos, viewer, filter, deps.now()),
    roster(deps.repos, viewer, {}, deps.now()),
    visibleCohorts(deps.repos, viewer),
  ]);
  const regions = [...new Set(all.map((r) => r.participant.region).filter((v): v is string => !!v))].sort();
  const organisations = [...new Set(all.map((r) => r.participant.organisation).filter((v): v is string => !!v))].sort();
  const stageNumbers = [...new Set(all.flatMap((r) => r.enrollment.stages.map((s) => s.stage)))].sort();
  const selected = (name: string, value: string) => (query.get(name) === value ? 'selected' : '');
  const filters = html`<form class="filters" method="get" action="/console/participants">
<label>${say('cohort')}<select name="cohort"><option value="">${say('all')}</option>${cohorts.map((c) => html`<option value="${c.id}" ${selected('cohort', c.id)}>${c.code}</option>`)}</select></label>
<label>${say('region')}<select name="region"><option value="">${say('all')}</option>${regions.map((r) => html`<option ${selected('region', r)}>${r}</option>`)}</select></label>
${viewer.role === 'school_admin' ? '' : html`<label>${say('organisation')}<select name="organisation"><option value="">${say('all')}</option>${organisations.map((o) => html`<option ${selected('organisation', o)}>${o}</option>`)}</select></label>`}
<label>${say('people_stage')}<select name="stage"><option value="">${say('people_any_stage')}</option>${stageNumbers.flatMap(
    (s) =>
      (['in_progress', 'completed', 'not_started'] as const).map(
        (status) =>
          html`<option value="${s}:${status}" ${selected('stage', `${s}:${status}`)}>${say('stage_n', { n: s })}: ${stageStatusText(say, status)}</option>`,
      ),
  )}</select></label>
<label>${say('people_search')}<input name="q" value="${query.get('q') ?? ''}" placeholder="${say('people_search_hint')}"></label>
<label><span><input type="checkbox" name="behind" value="1" ${query.get('behind') === '1' ? 'checked' : ''}> ${say('people_behind_filter')}</span></label>
<button type="submit">${say('show')}</button></form>`;
  const table =
    rows.length === 0
      ? html`<p>${all.length > 0 ? say('people_none_matching') : say('people_none')}</p>`
      : html`<div class="scroll"><table><thead><tr><th>${say('people_teacher')}</th><th>${say('organisation')}</th><th>${say('cohort')}</th><th>${say('people_stages')}</th><th>${say('people_activities')}</th><th>${say('people_pending')}</th><th>${say('people_consultations')}</th><th>${say('people_last')}</th><th>${say('people_channels')}</th></tr></thead><tbody>
${rows.map(
  (
    r,
  ) => html`<tr><td><a href="/console/participant?id=${r.participant.id}&cohort=${r.cohort.id}">${r.participant.fullName ?? say('people_no_name')}</a>${r.behind ? html` <span class="badge bad">${say('people_behind')}</span>` : ''}</td>
<td>${r.participant.organisation ?? '—'}<br><span class="muted">${r.participant.region ?? ''}</span></td><td>${r.cohort.code}</td>
<td>${r.enrollment.stages.map((s) => html`<div>${s.stage}: ${stageStatus(say, s.status)}</div>`)}</td>
<td>${say('of', { done: r.accepted, total: r.required })}</td><td>${r.pendingQuestionnaires.map((id) => deps.questionnaireText(id, 0, locale)?.title ?? id).join(', ') || '—'}</td><td>${r.openConsultations || '—'}</td>
<td>${day(r.lastActivityAt, r.cohort.timeZone, locale)}</td>
<td>${reachability(say, r.participant)}</td></tr>`,
)}
</tbody></table></div>`;
  return page(
    layout(
      frame({ title: say('people_title', { count: rows.length }), current: '/console/participants' }),
      html`${filters}${table}`,
    ),
  );
};

function reachability(say: Say, p: Pick<Participant, 'addresses'>) {
  // An address known by username only (an imported curator) reaches nobody until they write.
  const reached = p.addresses.filter((a) => a.id !== undefined);
  if (reached.length === 0) return html`<span class="muted">${say('people_never_wrote')}</span>`;
  return reached.map((a) =>
    a.unreachableSince
      ? html`<div class="bad">${channelName(say, a.channel)}: ${say('people_blocked')}</div>`
      : html`<div class="ok">${channelName(say, a.channel)}</div>`,
  );
}

/**
 * An answer as the teacher saw it: option ids become their labels; an option gone from the
 * questionnaire since stays as its id rather than vanishing.
 */
const answerText = (
  say: Say,
  value: string | number | boolean | string[] | null,
  options: Map<string, string> | undefined,
): string => {
  const label = (v: string) => options?.get(v) ?? v;
  if (value === null) return '—';
  if (Array.isArray(value)) return value.map(label).join(', ');
  if (typeof value === 'boolean') return value ? say('yes') : say('no');
  return typeof value === 'string' ? label(value) : String(value);
};

export const participantPage: PageHandler = async ({ viewer, say, frame, locale, deps, query }) => {
  const person = await deps.repos.participants.findById(query.get('id') ?? '');
  const enrollments = person ? await deps.repos.enrollments.listByParticipant(person.id) : [];
  if (
    !person ||
    person.isStaff ||
    !seesParticipant(
      viewer,
      person,
      enrollments.map((e) => e.cohortId),
    )
  ) {
    return page(layout(frame({ title: say('person_not_found') }), html`<p>${say('person_not_found_text')}</p>`), 404);
  }
  const cohorts = await Promise.all(enrollments.map((e) => deps.repos.cohorts.findById(e.cohortId)));
  // The diagnosis is the teacher's own answers too: a school does not read it.
  const diagnoses =
    viewer.role === 'school_admin'
      ? enrollments.map(() => undefined)
      : await Promise.all(enrollments.map((e) => deps.diagnosis(e.cohortId, person.id, locale)));
  const tz = cohorts[0]?.timeZone ?? 'UTC';
  const activities = await deps.repos.activities.listByParticipant(person.id);
  const consultations = await deps.repos.consultations.listByParticipant(person.id);
  // The whole history: events on the person, their enrollments (stage changes), activities and requests.
  const subjects = [
    person.id,
    ...enrollments.map((e) => e.id),
    ...activities.map((a) => a.id),
    ...consultations.map((c) => c.id),
  ];
  const history =
    viewer.role === 'school_admin'
      ? []
      : (await Promise.all(subjects.map((subjectId) => deps.repos.audit.list({ subjectId, limit: 50 }))))
          .flat()
          .sort((a, b) => b.at.getTime() - a.at.getTime())
          .slice(0, 100);
  // Questionnaire answers are the teacher's own words: staff, curators and tutors read them, a school does not.
  const responses =
    viewer.role === 'school_admin'
      ? []
      : (await Promise.all(enrollments.map((e) => deps.repos.responses.listByCohort(e.cohortId))))
          .flat()
          .filter((r) => r.participantId === person.id);
  // Links in answers carry what the last check found, as activity links do.
  const answerLinks = viewer.role === 'school_admin' ? [] : await deps.repos.resultLinks.listByParticipant(person.id);
  const answerLinkBadge = (responseId: string, questionId: string) => {
    const l = answerLinks.find((x) => x.responseId === responseId && x.questionId === questionId);
    return l ? html` ${linkBadge(say, l)}` : '';
  };
  const settlement = person.settlementType
    ? person.settlementType === 'rural'
      ? say('rural')
      : say('urban')
    : undefined;
  const body = html`<div class="card">
<p>${[person.organisation ?? '—', person.position, person.subject].filter(Boolean).join(' · ')}</p>
<p>${[person.region, person.district, settlement].filter(Boolean).join(' · ')}</p>
${viewer.role === 'school_admin' ? '' : html`<p>${say('person_phone')}: ${person.phone ?? '—'}</p>${reachability(say, person)}`}
${person.anonymisedAt ? html`<p class="bad">${say('person_erased', { date: day(person.anonymisedAt, tz, locale) })}</p>` : ''}
</div>
<h2>${say('people_stages')}</h2>
${enrollments.map((e, i) => {
  const cohort = cohorts.find((c) => c?.id === e.cohortId);
  const diagnosis = diagnoses[i];
  return html`<div class="card"><b>${cohort?.title ?? e.cohortId}</b><ul>${e.stages.map((s) => html`<li>${say('stage_n', { n: s.stage })}: ${stageStatus(say, s.status)}${s.completedAt ? html` — ${day(s.completedAt, tz, locale)}` : s.startedAt ? html` ${say('person_since', { date: day(s.startedAt, tz, locale) })}` : ''}</li>`)}</ul>${diagnosis ? html`<h3>${say('person_diagnosis')}</h3>${diagnosis.length === 0 ? html`<p class="muted">${say('person_diagnosis_none')}</p>` : html`<dl class="diagnosis">${diagnosis.map((l) => html`<dt class="muted">${l.label}</dt><dd>${l.value}</dd>`)}</dl>`}` : ''}</div>`;
})}
<h2>${say('person_activities', { count: activities.length })}</h2>
${
  activities.length === 0
    ? html`<p class="muted">${say('person_none_yet')}</p>`
    : html`<div class="scroll"><table><thead><tr><th>${say('person_date')}</th><th>${say('person_type')}</th><th>${say('person_level')}</th><th>${say('person_title_col')}</th><th>${say('person_links')}</th><th>${say('cohorts_status')}</th></tr></thead><tbody>
${activities.map(
  (
    a,
  ) => html`<tr><td>${day(a.date, tz, locale)}</td><td>${activityType(say, a.type)}</td><td>${activityLevel(say, a.level)}</td><td>${a.title}</td>
<td>${a.links.map((l) => html`<div>${link(l.url)} ${linkBadge(say, l)}</div>`)}</td>
<td>${activityStatus(say, a.status)}${a.reviews.at(-1)?.comment ? html`<div class="muted">${a.reviews.at(-1)?.comment}</div>` : ''}</td></tr>`,
)}</tbody></table></div>`
}
${
  viewer.role === 'school_admin'
    ? ''
    : html`<h2>${say('person_consultations', { count: consultations.length })}</h2>
${consultations.map((c) => html`<div class="card"><b>${c.topic}</b> ${consultationStatus(say, c.status)} <span class="muted">${dayTime(c.openedAt, tz, locale)}</span><p>${c.description}</p>${c.messages.map((m) => html`<p class="${m.fromTeacher ? '' : 'ok'}">${m.fromTeacher ? say('msg_teacher') : say('msg_answer')}: ${m.text}</p>`)}</div>`)}
<h2>${say('person_questionnaires', { count: responses.length })}</h2>
${responses.map((r) => {
  const texts = deps.questionnaireText(r.questionnaireId, r.questionnaireVersion, locale);
  const cohort = cohorts.find((c) => c?.id === r.cohortId);
  const occasion = occasionName(locale, cohort ? effectivePlan(cohort) : undefined, r.occasion);
  return html`<details class="card"><summary><b>${texts?.title ?? r.questionnaireId}</b> · ${occasion} · ${r.status === 'completed' ? html`<span class="badge ok">${say('person_completed', { date: day(r.completedAt, tz, locale) })}</span>` : html`<span class="badge warn">${say('person_unfinished')}</span>`}</summary>
<dl>${r.answers.map((a) => html`<dt class="muted">${texts?.questions.get(a.questionId)?.text ?? a.questionId}</dt><dd>${a.skipped ? say('person_skipped') : answerText(say, a.value, texts?.questions.get(a.questionId)?.options)}${a.otherText ? ` (${a.otherText})` : ''}${answerLinkBadge(r.id, a.questionId)}</dd>`)}</dl></details>`;
})}
<h2>${say('person_history')}</h2>
${history.length === 0 ? html`<p class="muted">${say('person_no_history')}</p>` : html`<ul>${history.map((h) => html`<li>${dayTime(h.at, tz, locale)} — ${auditLabel(say, h.action)}${h.details && 'stage' in h.details ? html` (${say('stage_n', { n: String(h.details.stage) })}: ${String(h.details.to ?? h.details.status ?? '')})` : ''}</li>`)}</ul>`}`
}`;
  return page(
    layout(frame({ title: person.fullName ?? say('person_untitled'), current: '/console/participants' }), body),
  );
};
