import type { PageHandler } from '../context.js';
import { dayTime } from '../format.js';
import { html } from '../html.js';
import type { ConsoleKey, Say } from '../i18n.js';
import { layout } from '../layout.js';
import { page } from '../request.js';

/** Audit actions with a label in the catalog (`audit_` + the action, dots as underscores). */
const LABELLED = new Set([
  'activity.accepted',
  'activity.returned',
  'stage.changed',
  'stage.set',
  'consultation.answered',
  'consultation.answered_closed',
  'consultation.taken',
  'consultation.escalated',
  'broadcast.created',
  'console.login',
  'console.login_failed',
  'console.export',
  'console.report',
  'console.account_disabled',
  'console.account_enabled',
  'consent.given',
  'participant.anonymised',
  'group.bound',
  'group.unbound',
  'event.announced',
  'account.linked',
]);

export const auditLabel = (say: Say, action: string): string =>
  LABELLED.has(action) ? say(`audit_${action.replace(/\./g, '_')}` as ConsoleKey) : action;

/** Reviews, stage changes, exports and logins, newest first. Details hold ids only. */
export const auditPage: PageHandler = async ({ say, frame, locale, deps, query }) => {
  const action = query.get('action') || undefined;
  const events = await deps.repos.audit.list({ ...(action ? { action } : {}), limit: 200 });
  // Who did it, by name: console accounts are "account:<id>", people in the bot their participant id.
  const actors = [...new Set(events.map((e) => e.actor))];
  const accounts = await Promise.all(
    actors.filter((a) => a.startsWith('account:')).map((a) => deps.repos.console.findAccountById(a.slice(8))),
  );
  const people = await deps.repos.participants.findByIds(actors.filter((a) => /^[0-9a-f]{24}$/.test(a)));
  const names = new Map<string, string>([
    ...accounts.flatMap((a) => (a ? [[`account:${a.id}`, a.displayName] as [string, string]] : [])),
    ...people.flatMap((p) => (p.fullName ? [[p.id, p.fullName] as [string, string]] : [])),
  ]);
  const who = (actor: string) =>
    actor === 'system'
      ? say('audit_system')
      : actor === 'anonymous'
        ? say('audit_anonymous')
        : (names.get(actor) ?? actor);
  const body = html`<form class="filters" method="get" action="/console/audit"><label>${say('audit_action')}<input name="action" value="${action ?? ''}" placeholder="${say('audit_action_example')}"></label><button type="submit">${say('show')}</button></form>
<div class="scroll"><table><thead><tr><th>${say('audit_when')}</th><th>${say('audit_who')}</th><th>${say('audit_what')}</th><th>${say('audit_subject')}</th><th>${say('audit_details')}</th></tr></thead><tbody>
${events.map(
  (
    e,
  ) => html`<tr><td>${dayTime(e.at, 'UTC', locale)}</td><td>${who(e.actor)}</td><td>${auditLabel(say, e.action)}</td><td>${e.subjectType} ${e.subjectId ?? ''}</td>
<td>${
    e.details
      ? Object.entries(e.details)
          .map(([k, v]) => `${k}: ${String(v)}`)
          .join('; ')
      : ''
  }</td></tr>`,
)}
</tbody></table></div>`;
  return page(layout(frame({ title: say('audit_title'), current: '/console/audit' }), body));
};
