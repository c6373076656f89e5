// The sandbox's demo cohort: seeded once, joined only from the web chat, never counted with real
// cohorts (aggregates, exports, reports) unless asked for by name, and deletable with its people.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STAFF_ACCESS } from '../../src/monitoring/access.js';
import { computeAggregates } from '../../src/monitoring/aggregates.js';
import { createExport, streamToBuffer } from '../../src/monitoring/export.js';
import { parseFilterInput, resolveScope } from '../../src/monitoring/filters.js';
import { buildHalfYearReport } from '../../src/monitoring/report.js';
import { DEMO_COHORT_CODE, deleteDemo, seedDemo, type DemoCohort } from '../../src/sandbox/demo.js';
import type { Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { Clock, content, Harness, testSettings } from '../support/engine-harness.js';
import { openTestStore } from '../support/store.js';

const NOW = new Date('2026-06-10T09:00:00Z');

let store: Store;
let real: CohortFixture;
let demo: DemoCohort;

beforeEach(async () => {
  store = await openTestStore();
  real = await seedCohort(store);
  demo = await seedDemo(store.repositories, { now: NOW, locale: 'ru', timeZone: 'Europe/Moscow' });
});
afterEach(async () => {
  await store.close();
});

/** A teacher enrolled in a cohort, with one submitted activity and one completed questionnaire. */
async function teacher(name: string, cohortId: string): Promise<string> {
  const repos = store.repositories;
  const p = await repos.participants.create({ fullName: name, locale: 'ru', region: 'Ярославская область' });
  if (!p.ok) throw new Error('teacher');
  await repos.enrollments.enroll({ participantId: p.value.id, cohortId, at: NOW, stages: [1, 2, 3] });
  await repos.activities.submit({
    participantId: p.value.id,
    cohortId,
    type: 'webinar',
    level: 'school',
    date: NOW,
    title: `Вебинар: ${name}`,
    links: ['https://school.example/a'],
    submittedAt: NOW,
  });
  const version = content().questionnaires.get('difficulties')?.version ?? 1;
  const { response } = await repos.responses.startOrResume({
    participantId: p.value.id,
    cohortId,
    questionnaireId: 'difficulties',
    occasion: 'demo',
    questionnaireVersion: version,
    at: NOW,
  });
  await repos.responses.complete(response.id, NOW);
  return p.value.id;
}

describe('the demo cohort', () => {
  it('is seeded once, marked as demo, with its own curator', async () => {
    const again = await seedDemo(store.repositories, {
      now: new Date('2026-09-01T00:00:00Z'),
      locale: 'ru',
      timeZone: 'Europe/Moscow',
    });
    expect(again).toEqual(demo);
    const cohort = await store.repositories.cohorts.findByCode(DEMO_COHORT_CODE);
    expect(cohort).toMatchObject({
      demo: true,
      curatorIds: [demo.curatorId],
      courseEnd: new Date('2026-06-09T09:00:00Z'),
    });
    expect((await store.repositories.programmes.findById(cohort!.programmeId))?.demo).toBe(true);
    expect(await store.models.cohort.countDocuments({ demo: true })).toBe(1);
    expect((await store.repositories.cohorts.findById(real.cohortId))?.demo).toBeUndefined();
  });

  it('is joined from the web chat only, and the web chat joins no real cohort', async () => {
    const h = new Harness(store, new Clock(NOW), { ...testSettings, demoChannels: ['webchat'] });
    const onTelegram = h.actor('Телеграм', { channel: 'telegram' });
    await onTelegram.say(`/start ${DEMO_COHORT_CODE}`);
    expect(onTelegram.lastText()).toBe(
      `Курс с кодом «${DEMO_COHORT_CODE}» не найден. Проверьте код и пришлите его ещё раз.`,
    );
    const onWeb = h.actor('Веб', { channel: 'webchat', id: 'web-chat-0123456789' });
    await onWeb.say(`/start ${real.code}`);
    expect(onWeb.lastText()).toBe(`Курс с кодом «${real.code}» не найден. Проверьте код и пришлите его ещё раз.`);
    const newcomer = h.actor('Новичок', { channel: 'webchat', id: 'web-chat-abcdefghij' });
    await newcomer.say(`/start ${DEMO_COHORT_CODE}`);
    expect(newcomer.lastPrompt().text).toBe('На каком языке вам удобнее общаться?');
  });

  it('never shows in real figures, exports or reports, unless asked for by name', async () => {
    await teacher('Реальная Учительница', real.cohortId);
    await teacher('Демо Первый', demo.cohortId);
    await teacher('Демо Вторая', demo.cohortId);
    const deps = { models: store.models, catalog: content().questionnaires, now: () => NOW };
    const scopeOf = async (raw: Record<string, string>) => {
      const input = parseFilterInput(raw);
      if (!input.ok) throw new Error(input.error.kind);
      const scope = await resolveScope(store.models, STAFF_ACCESS, input.value);
      if (!scope.ok) throw new Error(scope.error.kind);
      return scope.value;
    };

    // Everything, unfiltered: the one real teacher (counted by hand: 1 enrolled, 1 activity).
    const all = await computeAggregates(deps, await scopeOf({}), 'ru');
    expect(all.activities[0]).toMatchObject({ enrolled: 1, submitted: 1 });
    expect(all.responseRate.reduce((s, r) => s + r.completed, 0)).toBe(1);
    const exported = await createExport(deps, { format: 'json', access: STAFF_ACCESS, scope: await scopeOf({}) });
    if (!exported.ok) throw new Error(exported.error.kind);
    const text = (await streamToBuffer(exported.value.stream)).toString('utf8');
    expect(exported.value.total).toBe(1);
    expect(text).toContain('Реальная Учительница');
    expect(text).not.toMatch(/Демо/);

    // The real programme's half-year report: its one teacher.
    const programme = (await store.repositories.cohorts.findById(real.cohortId))!.programmeId;
    const report = await buildHalfYearReport(
      { ...deps, repos: store.repositories },
      { programmeId: programme, half: 2, year: 2026 },
    );
    if (!report.ok) throw new Error(report.error.kind);
    expect(report.value.aggregates.activities[0]).toMatchObject({ enrolled: 1, submitted: 1 });
    expect(report.value.markdown).not.toMatch(/Демо/);

    // Asked for by code: the demo cohort's two teachers.
    const asked = await computeAggregates(deps, await scopeOf({ cohort: DEMO_COHORT_CODE }), 'ru');
    expect(asked.activities[0]).toMatchObject({ enrolled: 2, submitted: 2 });
  });

  it('is deleted with its people and what they did; real data stays', async () => {
    const realTeacher = await teacher('Реальная Учительница', real.cohortId);
    await teacher('Демо Первый', demo.cohortId);
    await teacher('Демо Вторая', demo.cohortId);
    const deleted = await deleteDemo(store.models);
    // Two demo teachers and the demo curator; one activity and one response each.
    expect(deleted).toEqual({ cohorts: 1, participants: 3, responses: 2, activities: 2 });
    expect(await store.repositories.cohorts.findByCode(DEMO_COHORT_CODE)).toBeUndefined();
    expect(await store.models.programme.countDocuments({ demo: true })).toBe(0);
    expect(await store.repositories.participants.findById(demo.curatorId)).toBeUndefined();
    expect(await store.repositories.participants.findById(realTeacher)).toBeDefined();
    expect(await store.repositories.activities.listByCohort(real.cohortId)).toHaveLength(1);
    expect(await store.models.participant.countDocuments({})).toBe(3);
    // Seeding again after a deletion starts a fresh demo.
    const fresh = await seedDemo(store.repositories, { now: NOW, locale: 'ru', timeZone: 'Europe/Moscow' });
    expect(fresh.cohortId).not.toBe(demo.cohortId);
  });
});
