import type { Participant } from '../../../domain/participant.js';
import type { PageHandler } from '../context.js';
import { ACTIVITY_TYPE_LABELS, activityStatus, consultationStatus, day, dayTime, LEVEL_LABELS, link, stageStatus } from '../format.js';
import { html } from '../html.js';
import { layout } from '../layout.js';
import { page } from '../request.js';
import { auditLabel } from './audit.js';
import { roster, type RosterFilter } from '../roster.js';
import { seesParticipant, visibleCohorts } from '../viewer.js';

const CHANNEL_LABELS: Record<string, string> = { telegram: 'Telegram', whatsapp: 'WhatsApp', max: 'Max', web: 'веб-чат' };

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

export const participantsPage: PageHandler = async ({ viewer, session, deps, query }) => {
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
<label>Курс<select name="cohort"><option value="">все</option>${cohorts.map((c) => html`<option value="${c.id}" ${selected('cohort', c.id)}>${c.code}</option>`)}</select></label>
<label>Регион<select name="region"><option value="">все</option>${regions.map((r) => html`<option ${selected('region', r)}>${r}</option>`)}</select></label>
${viewer.role === 'school_admin' ? '' : html`<label>Организация<select name="organisation"><option value="">все</option>${organisations.map((o) => html`<option ${selected('organisation', o)}>${o}</option>`)}</select></label>`}
<label>Этап<select name="stage"><option value="">любой</option>${stageNumbers.flatMap((s) => [
    html`<option value="${s}:in_progress" ${selected('stage', `${s}:in_progress`)}>этап ${s}: идёт</option>`,
    html`<option value="${s}:completed" ${selected('stage', `${s}:completed`)}>этап ${s}: завершён</option>`,
    html`<option value="${s}:not_started" ${selected('stage', `${s}:not_started`)}>этап ${s}: не начат</option>`,
  ])}</select></label>
<label>Поиск<input name="q" value="${query.get('q') ?? ''}" placeholder="ФИО, школа"></label>
<label><span><input type="checkbox" name="behind" value="1" ${query.get('behind') === '1' ? 'checked' : ''}> отстают</span></label>
<button type="submit">Показать</button></form>`;
  const table = rows.length === 0
    ? html`<p>Никого не нашлось${all.length > 0 ? ' по этим условиям' : ''}.</p>`
    : html`<div class="scroll"><table><thead><tr><th>Педагог</th><th>Организация</th><th>Курс</th><th>Этапы</th><th>Мероприятия</th><th>Анкеты к заполнению</th><th>Консультации</th><th>Последняя активность</th><th>Каналы</th></tr></thead><tbody>
${rows.map((r) => html`<tr><td><a href="/console/participant?id=${r.participant.id}&cohort=${r.cohort.id}">${r.participant.fullName ?? 'без имени'}</a>${r.behind ? html` <span class="badge bad">отстаёт</span>` : ''}</td>
<td>${r.participant.organisation ?? '—'}<br><span class="muted">${r.participant.region ?? ''}</span></td><td>${r.cohort.code}</td>
<td>${r.enrollment.stages.map((s) => html`<div>${s.stage}: ${stageStatus(s.status)}</div>`)}</td>
<td>${r.accepted} из ${r.required}</td><td>${r.pendingQuestionnaires.join(', ') || '—'}</td><td>${r.openConsultations || '—'}</td>
<td>${day(r.lastActivityAt, r.cohort.timeZone)}</td>
<td>${reachability(r.participant)}</td></tr>`)}
</tbody></table></div>`;
  return page(layout({ title: `Педагоги (${rows.length})`, viewer, csrf: session.csrfToken, current: '/console/participants' }, html`${filters}${table}`));
};

function reachability(p: Pick<Participant, 'addresses'>) {
  // An address known by username only (an imported curator) reaches nobody until they write.
  const reached = p.addresses.filter((a) => a.id !== undefined);
  if (reached.length === 0) return html`<span class="muted">ещё не писал боту</span>`;
  return reached.map((a) => (a.unreachableSince
    ? html`<div class="bad">${CHANNEL_LABELS[a.channel] ?? a.channel}: заблокировал бота</div>`
    : html`<div class="ok">${CHANNEL_LABELS[a.channel] ?? a.channel}</div>`));
}

/**
 * An answer as the teacher saw it: option ids become their labels; an option gone from the
 * questionnaire since stays as its id rather than vanishing.
 */
const answerText = (value: string | number | boolean | string[] | null, options: Map<string, string> | undefined): string => {
  const label = (v: string) => options?.get(v) ?? v;
  if (value === null) return '—';
  if (Array.isArray(value)) return value.map(label).join(', ');
  if (typeof value === 'boolean') return value ? 'да' : 'нет';
  return typeof value === 'string' ? label(value) : String(value);
};

export const participantPage: PageHandler = async ({ viewer, session, deps, query }) => {
  const person = await deps.repos.participants.findById(query.get('id') ?? '');
  const enrollments = person ? await deps.repos.enrollments.listByParticipant(person.id) : [];
  if (!person || person.isStaff || !seesParticipant(viewer, person, enrollments.map((e) => e.cohortId))) {
    return page(layout({ title: 'Педагог не найден', viewer, csrf: session.csrfToken }, html`<p>Такого педагога нет или он вам недоступен.</p>`), 404);
  }
  const cohorts = await Promise.all(enrollments.map((e) => deps.repos.cohorts.findById(e.cohortId)));
  const tz = cohorts[0]?.timeZone ?? 'UTC';
  const activities = await deps.repos.activities.listByParticipant(person.id);
  const consultations = await deps.repos.consultations.listByParticipant(person.id);
  // The whole history: events on the person, their enrollments (stage changes), activities and requests.
  const subjects = [person.id, ...enrollments.map((e) => e.id), ...activities.map((a) => a.id), ...consultations.map((c) => c.id)];
  const history = viewer.role === 'school_admin'
    ? []
    : (await Promise.all(subjects.map((subjectId) => deps.repos.audit.list({ subjectId, limit: 50 }))))
        .flat()
        .sort((a, b) => b.at.getTime() - a.at.getTime())
        .slice(0, 100);
  // Questionnaire answers are the teacher's own words: staff, curators and tutors read them, a school does not.
  const responses = viewer.role === 'school_admin'
    ? []
    : (await Promise.all(enrollments.map((e) => deps.repos.responses.listByCohort(e.cohortId)))).flat().filter((r) => r.participantId === person.id);
  const body = html`<div class="card">
<p>${[person.organisation ?? '—', person.position, person.subject].filter(Boolean).join(' · ')}</p>
<p>${[person.region, person.district, person.settlementType ? (person.settlementType === 'rural' ? 'село' : 'город') : undefined].filter(Boolean).join(' · ')}</p>
${viewer.role === 'school_admin' ? '' : html`<p>Телефон: ${person.phone ?? '—'}</p>${reachability(person)}`}
${person.anonymisedAt ? html`<p class="bad">Данные удалены по просьбе педагога ${day(person.anonymisedAt)}.</p>` : ''}
</div>
<h2>Этапы</h2>
${enrollments.map((e) => {
    const cohort = cohorts.find((c) => c?.id === e.cohortId);
    return html`<div class="card"><b>${cohort?.title ?? e.cohortId}</b><ul>${e.stages.map((s) => html`<li>Этап ${s.stage}: ${stageStatus(s.status)}${s.completedAt ? html` — ${day(s.completedAt, tz)}` : s.startedAt ? html` с ${day(s.startedAt, tz)}` : ''}</li>`)}</ul></div>`;
  })}
<h2>Мероприятия (${activities.length})</h2>
${activities.length === 0 ? html`<p class="muted">Пока нет.</p>` : html`<div class="scroll"><table><thead><tr><th>Дата</th><th>Вид</th><th>Уровень</th><th>Название</th><th>Ссылки</th><th>Статус</th></tr></thead><tbody>
${activities.map((a) => html`<tr><td>${day(a.date, tz)}</td><td>${ACTIVITY_TYPE_LABELS[a.type]}</td><td>${LEVEL_LABELS[a.level]}</td><td>${a.title}</td>
<td>${a.links.map((l) => html`<div>${link(l.url)}${l.reachable === false ? html` <span class="badge bad">не открывается</span>` : ''}</div>`)}</td>
<td>${activityStatus(a.status)}${a.reviews.at(-1)?.comment ? html`<div class="muted">${a.reviews.at(-1)?.comment}</div>` : ''}</td></tr>`)}</tbody></table></div>`}
${viewer.role === 'school_admin' ? '' : html`<h2>Консультации (${consultations.length})</h2>
${consultations.map((c) => html`<div class="card"><b>${c.topic}</b> ${consultationStatus(c.status)} <span class="muted">${dayTime(c.openedAt, tz)}</span><p>${c.description}</p>${c.messages.map((m) => html`<p class="${m.fromTeacher ? '' : 'ok'}">${m.fromTeacher ? 'Педагог' : 'Ответ'}: ${m.text}</p>`)}</div>`)}
<h2>Анкеты (${responses.length})</h2>
${responses.map((r) => {
    const texts = deps.questionnaireText(r.questionnaireId, r.questionnaireVersion, 'ru');
    return html`<details class="card"><summary><b>${texts?.title ?? r.questionnaireId}</b> · ${r.occasion} · ${r.status === 'completed' ? html`<span class="badge ok">заполнена ${day(r.completedAt, tz)}</span>` : html`<span class="badge warn">не закончена</span>`}</summary>
<dl>${r.answers.map((a) => html`<dt class="muted">${texts?.questions.get(a.questionId)?.text ?? a.questionId}</dt><dd>${a.skipped ? '— пропущен' : answerText(a.value, texts?.questions.get(a.questionId)?.options)}${a.otherText ? ` (${a.otherText})` : ''}</dd>`)}</dl></details>`;
  })}
<h2>История</h2>
${history.length === 0 ? html`<p class="muted">Записей нет.</p>` : html`<ul>${history.map((h) => html`<li>${dayTime(h.at, tz)} — ${auditLabel(h.action)}${h.details && 'stage' in h.details ? html` (этап ${String(h.details.stage)}: ${String(h.details.to ?? h.details.status ?? '')})` : ''}</li>`)}</ul>`}`}`;
  return page(layout({ title: person.fullName ?? 'Педагог', viewer, csrf: session.csrfToken, current: '/console/participants' }, body));
};
