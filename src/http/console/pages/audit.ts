import type { PageHandler } from '../context.js';
import { dayTime } from '../format.js';
import { html } from '../html.js';
import { layout } from '../layout.js';
import { page } from '../request.js';

const ACTION_LABELS: Record<string, string> = {
  'activity.accepted': 'мероприятие принято',
  'activity.returned': 'мероприятие возвращено',
  'stage.changed': 'этап изменился',
  'stage.set': 'этап отмечен вручную',
  'consultation.answered': 'дан ответ на консультацию',
  'consultation.answered_closed': 'дан ответ, консультация закрыта',
  'broadcast.created': 'рассылка',
  'console.login': 'вход в консоль',
  'console.login_failed': 'неудачная попытка входа',
  'console.export': 'выгрузка из консоли',
  'console.report': 'отчёт из консоли',
  'console.account_disabled': 'вход закрыт',
  'console.account_enabled': 'вход открыт',
};

export const auditLabel = (action: string): string => ACTION_LABELS[action] ?? action;

/** Reviews, stage changes, exports and logins, newest first. Details hold ids only. */
export const auditPage: PageHandler = async ({ viewer, session, deps, query }) => {
  const action = query.get('action') || undefined;
  const events = await deps.repos.audit.list({ ...(action ? { action } : {}), limit: 200 });
  const body = html`<form class="filters" method="get" action="/console/audit"><label>Действие<input name="action" value="${action ?? ''}" placeholder="например, stage.changed"></label><button type="submit">Показать</button></form>
<div class="scroll"><table><thead><tr><th>Когда (UTC)</th><th>Кто</th><th>Что</th><th>Объект</th><th>Подробности</th></tr></thead><tbody>
${events.map((e) => html`<tr><td>${dayTime(e.at)}</td><td>${e.actor}</td><td>${auditLabel(e.action)}</td><td>${e.subjectType} ${e.subjectId ?? ''}</td>
<td>${e.details ? Object.entries(e.details).map(([k, v]) => `${k}: ${String(v)}`).join('; ') : ''}</td></tr>`)}
</tbody></table></div>`;
  return page(layout({ title: 'Журнал действий', viewer, csrf: session.csrfToken, current: '/console/audit' }, body));
};
