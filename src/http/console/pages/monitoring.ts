import type { PageHandler } from '../context.js';
import { html } from '../html.js';
import { layout } from '../layout.js';
import { file, page } from '../request.js';
import { visibleCohorts } from '../viewer.js';

const WHAT = [
  { id: 'responses', label: 'Ответы на анкеты' },
  { id: 'activities', label: 'Мероприятия и ссылки' },
  { id: 'participants', label: 'Педагоги и их прогресс' },
] as const;
const FORMATS = ['csv', 'xlsx', 'json'] as const;

/** Key figures, exports and the half-year report for the viewer's cohorts. */
export const monitoringPage: PageHandler = async ({ viewer, session, deps, query }) => {
  const cohorts = await visibleCohorts(deps.repos, viewer);
  const cohortId = query.get('cohort') ?? '';
  const scope = cohortId ? `&cohort=${encodeURIComponent(cohortId)}` : '';
  const figures = await deps.files.figures({ viewer, ...(cohortId ? { cohortId } : {}) });
  const year = deps.now().getUTCFullYear();
  const error = query.get('error');
  const body = html`<form class="filters" method="get" action="/console/monitoring">
<label>Курс<select name="cohort"><option value="">все мои курсы</option>${cohorts.map((c) => html`<option value="${c.id}" ${c.id === cohortId ? 'selected' : ''}>${c.code}</option>`)}</select></label>
<button type="submit">Показать</button></form>
<div class="card"><pre style="white-space:pre-wrap;margin:0">${figures}</pre></div>
<h2>Выгрузки</h2>
<div class="scroll"><table><tbody>${WHAT.map((w) => html`<tr><td>${w.label}</td><td>${FORMATS.map((f) => html`<a href="/console/export?what=${w.id}&format=${f}${scope}" download>${f.toUpperCase()}</a> `)}</td></tr>`)}</tbody></table></div>
<h2>Отчёт за полугодие</h2>
<p>Первое полугодие сдаётся до 1 июня, второе — до 1 октября.</p>
<ul>${[year, year - 1].flatMap((y) => [1, 2].map((h) => html`<li>${h === 1 ? 'I' : 'II'} полугодие ${y}: <a href="/console/report?year=${y}&half=${h}${scope}">Markdown</a> · <a href="/console/report?year=${y}&half=${h}&format=xlsx${scope}">XLSX</a></li>`))}</ul>`;
  return page(layout({ title: 'Мониторинг', viewer, csrf: session.csrfToken, current: '/console/monitoring', ...(error ? { flash: { text: error, error: true } } : {}) }, body));
};

export const exportFile: PageHandler = async ({ viewer, session, deps, query }) => {
  const cohortId = query.get('cohort') || undefined;
  const result = await deps.files.export({ viewer, what: query.get('what') ?? 'responses', format: query.get('format') ?? 'csv', ...(cohortId ? { cohortId } : {}) });
  if (!result.ok) return page(layout({ title: 'Выгрузка не удалась', viewer, csrf: session.csrfToken }, html`<p>${result.error}</p><p><a href="/console/monitoring">Назад</a></p>`), 400);
  await deps.repos.audit.record({ at: deps.now(), actor: viewer.actor, action: 'console.export', subjectType: 'export', ...(cohortId ? { cohortId } : {}), details: { what: query.get('what') ?? 'responses', rows: result.rows } });
  return file(result.body, result.contentType, result.filename);
};

export const reportFile: PageHandler = async ({ viewer, session, deps, query }) => {
  const cohortId = query.get('cohort') || undefined;
  const year = Number(query.get('year'));
  const half = query.get('half') === '2' ? 2 : 1;
  if (!Number.isInteger(year) || year < 2000 || year > 2100) {
    return page(layout({ title: 'Неверный период', viewer, csrf: session.csrfToken }, html`<p>Укажите год отчёта.</p>`), 400);
  }
  const result = await deps.files.report({ viewer, year, half, format: query.get('format') === 'xlsx' ? 'xlsx' : 'md', ...(cohortId ? { cohortId } : {}) });
  if (!result.ok) return page(layout({ title: 'Отчёт не получился', viewer, csrf: session.csrfToken }, html`<p>${result.error}</p><p><a href="/console/monitoring">Назад</a></p>`), 400);
  await deps.repos.audit.record({ at: deps.now(), actor: viewer.actor, action: 'console.report', subjectType: 'report', ...(cohortId ? { cohortId } : {}), details: { year, half } });
  return file(result.body, result.contentType, result.filename);
};
