import { DIMENSIONS } from '../../../monitoring/index.js';
import type { Cohort } from '../../../domain/cohort.js';
import type { Participant } from '../../../domain/participant.js';
import type { PageContext, PageHandler, SegmentChoice } from '../context.js';
import { html, type Html } from '../html.js';
import { layout } from '../layout.js';
import { file, page } from '../request.js';
import { seesCohort, visibleCohorts } from '../viewer.js';

const WHAT = ['responses', 'activities', 'participants'] as const;
const FORMATS = ['csv', 'xlsx', 'json'] as const;

const cell = (v: unknown) =>
  v === null || v === undefined ? '—' : typeof v === 'number' ? String(v).replace('.', ',') : String(v);

/** The query parameters of the one-value filters, as the page's form names them. */
const SEGMENT_PARAMS = {
  programme: 'programmeId',
  region: 'region',
  district: 'district',
  settlement: 'settlementType',
  organisation: 'organisation',
} as const;

function segmentOf(query: URLSearchParams): SegmentChoice {
  const choice: SegmentChoice = {};
  for (const [param, key] of Object.entries(SEGMENT_PARAMS)) {
    const value = query.get(param)?.trim();
    if (value && (key !== 'settlementType' || value === 'urban' || value === 'rural')) choice[key] = value;
  }
  return choice;
}

/** The filters as query parameters, for the export links started from the page. */
const filterParams = (cohortId: string, query: URLSearchParams) =>
  [['cohort', cohortId], ...Object.keys(SEGMENT_PARAMS).map((p) => [p, query.get(p) ?? ''])]
    .filter(([, v]) => v)
    .map(([k, v]) => `&${k}=${encodeURIComponent(v ?? '')}`)
    .join('');

/** The values a filter can take: those of the teachers of the viewer's cohorts. */
async function segmentValues(deps: PageContext['deps'], cohorts: readonly Cohort[]) {
  const enrolled = (await Promise.all(cohorts.map((c) => deps.repos.enrollments.listByCohort(c.id)))).flat();
  const people = (await deps.repos.participants.findByIds([...new Set(enrolled.map((e) => e.participantId))])).filter(
    (p) => !p.isStaff,
  );
  const distinct = (pick: (p: Participant) => string | undefined) =>
    [...new Set(people.map(pick).filter((v): v is string => !!v))].sort((a, b) => a.localeCompare(b, 'ru'));
  const programmeIds = new Set(cohorts.map((c) => c.programmeId));
  return {
    programmes: (await deps.repos.programmes.list()).filter((p) => programmeIds.has(p.id)),
    regions: distinct((p) => p.region),
    districts: distinct((p) => p.district),
    organisations: distinct((p) => p.organisation),
  };
}

/** The aggregates with their charts, exports, the half-year report and the schedule, for the viewer's cohorts. */
export const monitoringPage: PageHandler = async ({ viewer, say, frame, locale, deps, query }) => {
  const cohorts = await visibleCohorts(deps.repos, viewer);
  const cohortId = query.get('cohort') ?? '';
  const by = query.get('by') ?? '';
  const segment = segmentOf(query);
  const scope = filterParams(cohortId, query);
  const [summary, values] = await Promise.all([
    deps.files.summary({ viewer, locale, segment, ...(cohortId ? { cohortId } : {}), ...(by ? { by } : {}) }),
    segmentValues(deps, cohorts),
  ]);
  const pick = (name: string, label: string, options: readonly { value: string; label: string }[]) =>
    html`<label>${label}<select name="${name}"><option value="">${say('all')}</option>${options.map((o) => html`<option value="${o.value}" ${query.get(name) === o.value ? 'selected' : ''}>${o.label}</option>`)}</select></label>`;
  const plain = (list: readonly string[]) => list.map((v) => ({ value: v, label: v }));
  const year = deps.now().getUTCFullYear();
  const tables: Html[] = summary.tables
    .filter((t) => t.rows.length > 0)
    .map(
      (t) => html`<h2>${t.title}</h2>
<div class="scroll"><table><thead><tr>${t.headers.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>
${t.rows.map((r) => html`<tr>${r.map((v) => html`<td>${cell(v)}</td>`)}</tr>`)}</tbody></table></div>`,
    );
  const body = html`<form class="filters" method="get" action="/console/monitoring">
<label>${say('cohort')}<select name="cohort"><option value="">${viewer.role === 'staff' ? say('mon_all_cohorts') : say('mon_all_my_cohorts')}</option>${cohorts.map((c) => html`<option value="${c.id}" ${c.id === cohortId ? 'selected' : ''}>${c.code}</option>`)}</select></label>
${pick(
  'programme',
  say('programme'),
  values.programmes.map((p) => ({ value: p.id, label: p.title })),
)}
${pick('region', say('region'), plain(values.regions))}
${values.districts.length ? pick('district', say('district'), plain(values.districts)) : ''}
${pick('settlement', say('settlement'), [
  { value: 'urban', label: say('urban') },
  { value: 'rural', label: say('rural') },
])}
${pick('organisation', say('organisation'), plain(values.organisations))}
<label>${say('mon_by')}<select name="by"><option value="">${say('mon_no_breakdown')}</option>${DIMENSIONS.map((d) => html`<option value="${d}" ${d === by ? 'selected' : ''}>${say(`segment_${d}`)}</option>`)}</select></label>
<button type="submit">${say('show')}</button></form>
<h2>${say('mon_exports')}</h2>
<div class="scroll"><table><tbody>${WHAT.map((w) => html`<tr><td>${say(`export_${w}`)}</td><td>${FORMATS.map((f) => html`<a href="/console/export?what=${w}&format=${f}${scope}">${f.toUpperCase()}</a> `)}</td></tr>`)}</tbody></table></div>
<h2>${say('mon_report')}</h2>
<form class="filters" method="get" action="/console/report">
<label>${say('cohort')}<select name="cohort">${viewer.role === 'staff' ? html`<option value="">${say('mon_whole_centre')}</option>` : ''}${cohorts.map((c) => html`<option value="${c.id}" ${c.id === cohortId ? 'selected' : ''}>${c.code}</option>`)}</select></label>
<label>${say('mon_half')}<select name="half"><option value="1">${say('mon_half_1')}</option><option value="2">${say('mon_half_2')}</option></select></label>
<label>${say('mon_year')}<input name="year" type="number" min="2000" max="2100" value="${year}" style="width:6rem"></label>
<label>${say('mon_format')}<select name="format"><option value="xlsx">XLSX</option><option value="md">Markdown</option></select></label>
<button type="submit">${say('mon_download_report')}</button></form>
${viewer.role === 'school_admin' ? '' : html`<h2>${say('mon_schedule')}</h2><p>${cohorts.map((c) => html`<a href="/console/schedule?cohort=${c.id}">${c.code}</a> `)}</p>`}
${summary.charts.map((c) => html`<figure class="card"><figcaption>${c.title}</figcaption><img alt="${c.title}" style="max-width:100%" src="data:image/png;base64,${c.png.toString('base64')}"></figure>`)}
${tables.length ? tables : html`<p class="muted">${say('mon_no_data')}</p>`}`;
  return page(layout(frame({ title: say('mon_title'), current: '/console/monitoring' }), body));
};

export const exportFile: PageHandler = async ({ viewer, say, frame, locale, deps, query }) => {
  const cohortId = query.get('cohort') || undefined;
  const questionnaireId = query.get('questionnaire') || undefined;
  const what = query.get('what') ?? 'responses';
  const format = query.get('format') ?? 'csv';
  const segment = segmentOf(query);
  const result = await deps.files.export({
    viewer,
    locale,
    what,
    format,
    segment,
    ...(cohortId ? { cohortId } : {}),
    ...(questionnaireId ? { questionnaireId } : {}),
  });
  if (!result.ok) {
    const base = `/console/export?what=${encodeURIComponent(what)}&format=${encodeURIComponent(format)}${filterParams(cohortId ?? '', query)}`;
    const choices = result.questionnaires
      ? html`<ul>${result.questionnaires.map((q) => html`<li><a href="${base}&questionnaire=${encodeURIComponent(q)}">${q}</a></li>`)}</ul>`
      : '';
    return page(
      layout(
        frame({ title: say('export_title'), current: '/console/monitoring' }),
        html`<p>${result.error}</p>${choices}<p><a href="/console/monitoring">${say('back')}</a></p>`,
      ),
      result.questionnaires ? 200 : 400,
    );
  }
  const download = result.value;
  await deps.repos.audit.record({
    at: deps.now(),
    actor: viewer.actor,
    action: 'console.export',
    subjectType: 'export',
    ...(cohortId ? { cohortId } : {}),
    details: { what, format, rows: download.rows, ...segment },
  });
  if (download.rows >= deps.largeExportRows) {
    const job = await deps.jobs.start(viewer.actor, download, query.toString());
    return {
      status: 303,
      raw: Buffer.alloc(0),
      headers: { location: `/console/export/status?id=${job.id}`, 'content-type': 'text/plain' },
    };
  }
  return file(download.stream, download.contentType, download.filename);
};

/** A large export's progress; reloads itself until the file is ready. */
export const exportStatus: PageHandler = async ({ viewer, say, frame, deps, query }) => {
  const job = await deps.jobs.get(viewer.actor, query.get('id') ?? '');
  if (!job)
    return page(
      layout(
        frame({ title: say('export_not_found') }),
        html`<p>${say('export_not_found_text')} <a href="/console/monitoring">${say('export_ask_again')}</a>.</p>`,
      ),
      404,
    );
  if (query.get('download') === '1' && job.status === 'done')
    return file(await deps.jobs.body(job), job.contentType, job.filename);
  const share = job.rows > 0 ? Math.min(100, Math.round((job.rowsDone / job.rows) * 100)) : 0;
  const again = `/console/export?${job.request}`;
  const body =
    job.status === 'done'
      ? html`<p>${say('export_ready', { rows: job.rows, kb: Math.ceil(job.bytes / 1024) })}</p><p><a class="button" href="/console/export/status?id=${job.id}&download=1">${say('export_download', { file: job.filename })}</a></p>`
      : job.status === 'failed'
        ? html`<p class="bad">${say('export_failed')} <a href="${again}">${say('export_restart')}</a>.</p>`
        : job.status === 'interrupted'
          ? html`<p class="bad">${say('export_interrupted', { done: job.rowsDone, rows: job.rows })}</p><p><a href="${again}">${say('export_restart')}</a></p>`
          : html`<p>${say('export_running')}: <progress max="100" value="${share}"></progress> ${say('export_rows_of', { done: job.rowsDone, rows: job.rows })}.</p><p class="muted">${say('export_reloads')}</p>`;
  return page(
    layout(
      frame({
        title: say('export_title'),
        current: '/console/monitoring',
        ...(job.status === 'running' ? { refreshSeconds: 2 } : {}),
      }),
      body,
    ),
  );
};

export const reportFile: PageHandler = async ({ viewer, say, frame, locale, deps, query }) => {
  const cohortId = query.get('cohort') || undefined;
  const year = Number(query.get('year'));
  const half = query.get('half') === '2' ? 2 : 1;
  if (!Number.isInteger(year) || year < 2000 || year > 2100) {
    return page(
      layout(
        frame({ title: say('report_bad_period') }),
        html`<p>${say('report_give_year', { year: deps.now().getUTCFullYear() })}</p>`,
      ),
      400,
    );
  }
  const result = await deps.files.report({
    viewer,
    locale,
    year,
    half,
    format: query.get('format') === 'md' ? 'md' : 'xlsx',
    ...(cohortId ? { cohortId } : {}),
  });
  if (!result.ok)
    return page(
      layout(
        frame({ title: say('report_failed') }),
        html`<p>${result.error}</p><p><a href="/console/monitoring">${say('back')}</a></p>`,
      ),
      400,
    );
  await deps.repos.audit.record({
    at: deps.now(),
    actor: viewer.actor,
    action: 'console.report',
    subjectType: 'report',
    ...(cohortId ? { cohortId } : {}),
    details: { year, half },
  });
  return file(result.value.body, result.value.contentType, result.value.filename);
};

/** What the scheduler will send a cohort in the next weeks (the same plan `cli schedule show` prints). */
export const schedulePage: PageHandler = async ({ viewer, say, frame, locale, deps, query }) => {
  const cohortId = query.get('cohort') ?? '';
  const cohort = await deps.repos.cohorts.findById(cohortId);
  if (!cohort || !seesCohort(viewer, cohort.id)) {
    return page(layout(frame({ title: say('cohort_not_found') }), html`<p>${say('cohort_not_found_text')}</p>`), 404);
  }
  const days = Math.min(400, Math.max(1, Number(query.get('days')) || 30));
  const text = await deps.files.schedule({ cohortId: cohort.id, days, locale });
  const body = html`<form class="filters" method="get" action="/console/schedule"><input type="hidden" name="cohort" value="${cohort.id}">
<label>${say('sched_days')}<input name="days" type="number" min="1" max="400" value="${days}" style="width:6rem"></label><button type="submit">${say('show')}</button></form>
<div class="card"><pre style="white-space:pre-wrap;margin:0">${text ?? say('cohort_not_found')}</pre></div>`;
  return page(
    layout(frame({ title: say('sched_title', { code: cohort.code }), current: '/console/monitoring' }), body),
  );
};
