import { encode } from 'uqr';
import { effectivePlan } from '../../../domain/stage-plan.js';
import type { PageHandler } from '../context.js';
import { day } from '../format.js';
import { html, trusted, type Html } from '../html.js';
import { layout } from '../layout.js';
import { page } from '../request.js';
import { roster } from '../roster.js';
import { seesCohort, visibleCohorts } from '../viewer.js';

const CHANNEL_LABELS: Record<string, string> = { telegram: 'Telegram', whatsapp: 'WhatsApp', max: 'Max', web: 'Веб-чат' };

/** A QR code as inline SVG: printable, no image service needed. */
function qrSvg(text: string): Html {
  const { data, size } = encode(text, { ecc: 'M', border: 2 });
  const cells: string[] = [];
  for (const [y, row] of data.entries()) {
    for (const [x, dark] of row.entries()) if (dark) cells.push(`M${x} ${y}h1v1h-1z`);
  }
  return trusted(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges" role="img" aria-label="QR"><rect width="100%" height="100%" fill="#fff"/><path d="${cells.join('')}" fill="#000"/></svg>`);
}

const UNITS: Record<string, string> = { d: 'дн.', w: 'нед.', m: 'мес.', y: 'г.' };

/** "+1m" as a methodologist reads it: "через 1 мес.". */
function offsetText(offset: string): string {
  const m = /^\+?(\d+)([dwmy])$/.exec(offset.trim());
  return m ? `через ${m[1]} ${UNITS[m[2]!]}` : offset;
}

export const cohortsPage: PageHandler = async ({ viewer, session, deps }) => {
  const cohorts = await visibleCohorts(deps.repos, viewer);
  const programmes = new Map((await deps.repos.programmes.list()).map((p) => [p.id, p]));
  const body = cohorts.length === 0
    ? html`<p>Курсов пока нет. Импортируйте курс: <code>npm run cli -- cohort import файл.yaml</code>.</p>`
    : html`<div class="scroll"><table><thead><tr><th>Код</th><th>Курс</th><th>Программа</th><th>Окончание курса</th><th>Статус</th><th>Группы</th></tr></thead><tbody>
${cohorts.map((c) => html`<tr><td><a href="/console/cohort?id=${c.id}">${c.code}</a></td><td>${c.title}</td>
<td>${programmes.get(c.programmeId)?.title ?? '—'}</td><td>${day(c.courseEnd, c.timeZone)}</td>
<td>${c.status === 'active' ? 'идёт сопровождение' : 'завершён'}</td><td>${c.groups.map((g) => CHANNEL_LABELS[g.channel] ?? g.channel).join(', ') || '—'}</td></tr>`)}
</tbody></table></div>`;
  return page(layout({ title: 'Курсы', viewer, csrf: session.csrfToken, current: '/console/cohorts' }, body));
};

export const cohortPage: PageHandler = async ({ viewer, session, deps, query }) => {
  const cohort = await deps.repos.cohorts.findById(query.get('id') ?? '');
  const visible = cohort && (viewer.role === 'school_admin' ? (await visibleCohorts(deps.repos, viewer)).some((c) => c.id === cohort.id) : seesCohort(viewer, cohort.id));
  if (!cohort || !visible) {
    return page(layout({ title: 'Курс не найден', viewer, csrf: session.csrfToken }, html`<p>Такого курса нет или он вам недоступен.</p>`), 404);
  }
  const programme = await deps.repos.programmes.findById(cohort.programmeId);
  const plan = effectivePlan(cohort, programme);
  const staff = await deps.repos.participants.findByIds([...cohort.curatorIds, ...cohort.tutorIds]);
  const name = (id: string) => staff.find((p) => p.id === id)?.fullName ?? '—';
  const rows = await roster(deps.repos, viewer, { cohortId: cohort.id }, deps.now());
  const joins = deps.joinLinks(cohort.code);
  const body = html`<div class="card">
<p><b>${cohort.title}</b> · код <code>${cohort.code}</code></p>
<p>Программа: ${programme?.title ?? '—'}${programme?.direction ? html` (${programme.direction})` : ''}</p>
<p>Обучение: ${day(cohort.courseStart, cohort.timeZone)} — ${day(cohort.courseEnd, cohort.timeZone)}; посткурсовой год до ${day(new Date(cohort.courseEnd.getTime() + 365 * 86_400_000), cohort.timeZone)}; часовой пояс ${cohort.timeZone}</p>
<p>Этапы (от окончания курса): ${plan.stages.map((s) => html`<span class="badge">этап ${s.stage} — ${offsetText(s.startOffset)}</span> `)}</p>
<p>Кураторы: ${cohort.curatorIds.map(name).join(', ') || '—'} · Тьюторы: ${cohort.tutorIds.map(name).join(', ') || '—'}</p>
</div>
<h2>Группы курса</h2>
${cohort.groups.length === 0
    ? html`<p class="muted">Группы ещё не привязаны. В Telegram добавьте бота в группу и отправьте /bind ${cohort.code}.</p>`
    : html`<ul>${cohort.groups.map((g) => html`<li>${CHANNEL_LABELS[g.channel] ?? g.channel}: ${g.title ?? g.chatId}${g.inviteLink ? html` — <a href="${g.inviteLink}">${g.inviteLink}</a>` : ''}</li>`)}</ul>`}
<h2>Ссылки для присоединения</h2>
${joins.length === 0
    ? html`<p class="muted">Ни один канал не подключён. Педагог может написать боту код курса <code>${cohort.code}</code>.</p>`
    : html`<div class="tiles">${joins.map((j) => html`<div class="tile qr"><b style="font-size:1rem">${j.label}</b>${qrSvg(j.url)}<br><a href="${j.url}">${j.url}</a></div>`)}</div>`}
<h2>Педагоги (${rows.length})</h2>
<p><a href="/console/participants?cohort=${cohort.id}">Открыть список с фильтрами</a></p>`;
  return page(layout({ title: `Курс ${cohort.code}`, viewer, csrf: session.csrfToken, current: '/console/cohorts' }, body));
};
