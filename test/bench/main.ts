// `npm run bench`: monitoring at the scale of a large centre. Generates 10,000 teachers and
// 100,000 responses into the embedded store (bulk inserts), then times each main aggregate and a
// 100,000-row XLSX export with its peak memory. Targets (issue 6): every aggregate under 2 s,
// export memory under 300 MB. Prints figures; asserts nothing (timings vary by machine).
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Types } from 'mongoose';
import { createLogger } from '../../src/logger.js';
import { STAFF_ACCESS } from '../../src/monitoring/access.js';
import { activities, activityKinds, answerStats, computeAggregates, consultations, distributions, likert, responseRate, stages } from '../../src/monitoring/aggregates.js';
import { createExport } from '../../src/monitoring/export.js';
import { loadSamplingUnits } from '../../src/monitoring/sampling-units.js';
import { drawStratifiedSample } from '../../src/monitoring/sampling.js';
import type { Scope } from '../../src/monitoring/scope.js';
import { openStore } from '../../src/store/index.js';
import { fixtureCatalog } from '../monitoring/fixture.js';
import { benchBroadcastStore } from './broadcast-store.js';
import { benchPlanning } from './planning.js';

const PARTICIPANTS = Number(process.env.BENCH_PARTICIPANTS ?? 10_000);
const RESPONSES_PER_PARTICIPANT = 10;
const MB = 1024 * 1024;

// A full collection before each memory measurement, so the figures show what a step holds rather
// than garbage left by the step before it.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Runs `work` while sampling memory every 20 ms; returns its result and the peaks above the start. */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; base: NodeJS.MemoryUsage; rss: number; heap: number }> {
  gc();
  const base = process.memoryUsage();
  let rss = base.rss;
  let heap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 20);
  try {
    const value = await work();
    const m = process.memoryUsage();
    return { value, base, rss: Math.max(rss, m.rss) - base.rss, heap: Math.max(heap, m.heapUsed) - base.heapUsed };
  } finally {
    clearInterval(sampler);
  }
}

// A small deterministic generator: the same data on every run.
let state = 42;
const rand = () => {
  state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
  return state / 2 ** 31;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const REGIONS = ['Акмолинская', 'Алматинская', 'Атырауская', 'Восточно-Казахстанская', 'Жамбылская', 'Карагандинская', 'Костанайская', 'Кызылординская', 'Мангистауская', 'Павлодарская', 'Северо-Казахстанская', 'Туркестанская', 'Ярославская', 'Кемеровская', 'Астана', 'Алматы', 'Шымкент'].map((r) => `${r} область`);
const DIRECTIONS = ['Естественно-научное', 'Гуманитарное', 'Управленческое'];

async function timed<T>(label: string, run: () => Promise<T>, results: [string, number][]): Promise<T> {
  // Each aggregate pays for its own garbage, not for the previous one's.
  gc();
  const t0 = performance.now();
  const value = await run();
  const ms = performance.now() - t0;
  results.push([label, ms]);
  process.stdout.write(`  ${label.padEnd(44)} ${(ms / 1000).toFixed(3)} s${ms > 2000 ? '  (over the 2 s target)' : ''}\n`);
  return value;
}

async function main(): Promise<void> {
  const logger = createLogger({ level: 'error' });
  const store = await openStore({ config: { mongodbUri: undefined, dbName: 'bench', embeddedDataDir: undefined }, logger });
  const catalog = fixtureCatalog();
  const { models } = store;
  const t0 = performance.now();

  const now = new Date('2026-06-01T00:00:00Z');
  const programmes = DIRECTIONS.flatMap((direction, d) => [0, 1].map((k) => ({ _id: new Types.ObjectId(), code: `BENCH-${d}${k}`, title: `Программа ${d}${k}`, direction, createdAt: now, updatedAt: now })));
  await models.programme.collection.insertMany(programmes);
  const cohorts = Array.from({ length: 40 }, (_, i) => ({
    _id: new Types.ObjectId(), code: `BENCH${String(i).padStart(2, '0')}`, programmeId: programmes[i % programmes.length]!._id, title: `Поток ${i}`,
    courseStart: new Date('2025-09-01T00:00:00Z'), courseEnd: new Date('2025-09-20T00:00:00Z'), timeZone: 'Asia/Almaty', locale: 'ru', status: 'active',
    curatorIds: [], tutorIds: [], groups: [], createdAt: now, updatedAt: now,
  }));
  await models.cohort.collection.insertMany(cohorts);

  const participants = Array.from({ length: PARTICIPANTS }, (_, i) => {
    const region = pick(REGIONS);
    return {
      _id: new Types.ObjectId(), fullName: `Педагог ${i}`, phone: `+7701${String(i).padStart(7, '0')}`, region, district: `${region.split(' ')[0]} район ${Math.floor(rand() * 8)}`,
      settlementType: rand() < 0.45 ? 'rural' : 'urban', organisation: `Школа № ${Math.floor(rand() * 400)}`, position: 'учитель', subject: 'математика', locale: 'ru', isStaff: false, createdAt: now, updatedAt: now,
    };
  });
  const cohortOf = participants.map((_, i) => cohorts[i % cohorts.length]!._id);
  const insert = async (collection: { insertMany(docs: object[], options: object): Promise<unknown> }, docs: object[]) => {
    for (let i = 0; i < docs.length; i += 5000) await collection.insertMany(docs.slice(i, i + 5000), { ordered: false });
  };
  await insert(models.participant.collection, participants);
  await insert(
    models.enrollment.collection,
    participants.map((p, i) => ({
      _id: new Types.ObjectId(), participantId: p._id, cohortId: cohortOf[i], status: rand() < 0.03 ? 'withdrawn' : 'active', currentStage: 2,
      stages: [1, 2, 3].map((stage) => ({ stage, status: rand() < 0.6 / stage ? 'completed' : rand() < 0.5 ? 'in_progress' : 'not_started', completedAt: new Date('2025-11-01T00:00:00Z') })),
      joinedAt: new Date('2025-09-20T00:00:00Z'), createdAt: now, updatedAt: now,
    })),
  );

  const answersAt = new Date('2025-10-01T08:00:00Z');
  const responses: object[] = [];
  for (const [i, p] of participants.entries()) {
    for (let k = 0; k < RESPONSES_PER_PARTICIPANT; k++) {
      const completed = rand() < 0.85;
      responses.push({
        _id: new Types.ObjectId(), participantId: p._id, cohortId: cohortOf[i], questionnaireId: 'fb', questionnaireVersion: 1, occasion: `wave-${k + 1}`,
        status: completed ? 'completed' : 'in_progress', startedAt: answersAt, ...(completed ? { completedAt: new Date(answersAt.getTime() + k * 86_400_000) } : {}),
        answers: [
          { questionId: 'useful', value: 1 + Math.floor(rand() * 5), skipped: false, answeredAt: answersAt },
          { questionId: 'clear', value: 1 + Math.floor(rand() * 5), skipped: false, answeredAt: answersAt },
          { questionId: 'kinds', value: ['a', 'b', 'c'].filter(() => rand() < 0.5).concat(['a']).filter((v, j, a) => a.indexOf(v) === j), skipped: false, answeredAt: answersAt },
          { questionId: 'rank', value: rand() < 0.5 ? ['x', 'y', 'z'] : ['z', 'x', 'y'], skipped: false, answeredAt: answersAt },
          { questionId: 'n', value: Math.floor(rand() * 20), skipped: false, answeredAt: answersAt },
          { questionId: 'comment', value: rand() < 0.3 ? 'Полезный курс, спасибо; хотелось бы больше практики' : null, skipped: rand() < 0.7, answeredAt: answersAt },
        ],
        createdAt: now, updatedAt: now,
      });
    }
  }
  await insert(models.response.collection, responses);
  responses.length = 0;
  const types = ['open_lesson', 'master_class', 'webinar', 'seminar', 'publication'];
  const levels = ['school', 'district', 'region', 'republic'];
  await insert(
    models.activity.collection,
    Array.from({ length: PARTICIPANTS * 3 }, (_, i) => ({
      _id: new Types.ObjectId(), participantId: participants[i % PARTICIPANTS]!._id, cohortId: cohortOf[i % PARTICIPANTS], type: pick(types), level: pick(levels),
      date: new Date(Date.UTC(2025, 9 + Math.floor(rand() * 6), 1 + Math.floor(rand() * 27))), title: 'Мероприятие', links: [{ url: 'https://example.org/x' }],
      status: rand() < 0.7 ? 'accepted' : rand() < 0.5 ? 'returned' : 'submitted', reviews: [], submittedAt: now, createdAt: now, updatedAt: now,
    })),
  );
  const topics = ['Методика и технологии обучения', 'Оценивание', 'Цифровые инструменты'];
  await insert(
    models.consultation.collection,
    Array.from({ length: PARTICIPANTS / 2 }, (_, i) => {
      const openedAt = new Date(Date.UTC(2025, 10, 1 + (i % 28)));
      const closed = rand() < 0.7;
      return {
        _id: new Types.ObjectId(), participantId: participants[i]!._id, cohortId: cohortOf[i], topic: pick(topics), description: 'Нужна помощь', status: closed ? 'closed' : 'open',
        messages: [], openedAt, ...(closed ? { closedAt: new Date(openedAt.getTime() + rand() * 7 * 86_400_000) } : {}), createdAt: now, updatedAt: now,
      };
    }),
  );
  const generated = (performance.now() - t0) / 1000;
  process.stdout.write(`Generated ${PARTICIPANTS.toLocaleString('en')} participants, ${(PARTICIPANTS * RESPONSES_PER_PARTICIPANT).toLocaleString('en')} responses, ${(PARTICIPANTS * 3).toLocaleString('en')} activities, ${(PARTICIPANTS / 2).toLocaleString('en')} consultations in ${generated.toFixed(1)} s\n\nAggregates (embedded store):\n`);

  const deps = { models, catalog };
  const results: [string, number][] = [];
  const all: Scope = {};
  const byRegion: Scope = { by: 'region' };
  const cohortScope: Scope = { cohortIds: cohorts.slice(0, 5).map((c) => c._id.toHexString()), by: 'direction' };
  await timed('response rate, all cohorts', () => responseRate(deps, all, 'ru'), results);
  await timed('response rate by region', () => responseRate(deps, byRegion, 'ru'), results);
  await timed('distributions, all questions', () => distributions(deps, all, 'ru'), results);
  await timed('distributions by region', () => distributions(deps, byRegion, 'ru'), results);
  await timed('Likert mean/median/top-2', () => likert(deps, all, 'ru'), results);
  await timed('Likert by region', () => likert(deps, byRegion, 'ru'), results);
  await timed('Likert by direction, 5 cohorts', () => likert(deps, cohortScope, 'ru'), results);
  await timed('distributions + Likert in one pass (summary)', () => answerStats(deps, all, 'ru'), results);
  await timed('activities per teacher, >= 3 accepted', () => activities(deps, all, 'ru'), results);
  await timed('activities by organisation', () => activities(deps, { by: 'organisation' }, 'ru'), results);
  await timed('activities by type and level', () => activityKinds(deps, all, 'ru'), results);
  await timed('stage completion by settlement type', () => stages(deps, { by: 'settlementType' }, 'ru'), results);
  await timed('consultations by topic', () => consultations(deps, all, 'ru'), results);
  await timed('stratified sample of 500', async () => drawStratifiedSample(await loadSamplingUnits(store.models, {}), 500, 'bench'), results);

  const summary = await measured(() => computeAggregates(deps, all, 'ru'));
  process.stdout.write(`\nAll aggregates for the summary sheet: peak +${(summary.rss / MB).toFixed(0)} MB rss, +${(summary.heap / MB).toFixed(0)} MB heap\n`);

  const dir = mkdtempSync(join(tmpdir(), 'sputnik-bench-'));
  const file = join(dir, 'export.xlsx');
  const tx = performance.now();
  let rows = 0;
  const run = await measured(async () => {
    const result = await createExport(deps, { format: 'xlsx', access: STAFF_ACCESS, scope: {}, includeIncomplete: true, onProgress: (done) => (rows = done) });
    if (!result.ok) throw new Error(`export failed: ${JSON.stringify(result.error)}`);
    await pipeline(result.value.stream, createWriteStream(file));
  });
  const exportSeconds = (performance.now() - tx) / 1000;
  process.stdout.write(
    `\nXLSX export (summary sheet + 1 sheet): ${rows.toLocaleString('en')} rows, ${(statSync(file).size / MB).toFixed(1)} MB file, ${exportSeconds.toFixed(1)} s\n` +
      `  process before export: rss ${(run.base.rss / MB).toFixed(0)} MB, heap ${(run.base.heapUsed / MB).toFixed(0)} MB (the embedded store keeps all data in this process)\n` +
      `  peak added by the export: rss +${(run.rss / MB).toFixed(0)} MB, heap +${(run.heap / MB).toFixed(0)} MB${run.rss > 300 * MB ? '  (over the 300 MB target)' : ''}\n`,
  );
  const csvFile = join(dir, 'export.csv');
  const tc = performance.now();
  const csv = await measured(async () => {
    const result = await createExport(deps, { format: 'csv', access: STAFF_ACCESS, scope: {}, includeIncomplete: true });
    if (!result.ok) throw new Error(`export failed: ${JSON.stringify(result.error)}`);
    await pipeline(result.value.stream, createWriteStream(csvFile));
  });
  process.stdout.write(
    `CSV export (rows only, no summary): ${(statSync(csvFile).size / MB).toFixed(1)} MB file, ${((performance.now() - tc) / 1000).toFixed(1)} s, peak added: rss +${(csv.rss / MB).toFixed(0)} MB, heap +${(csv.heap / MB).toFixed(0)} MB\n`,
  );

  const slowest = results.reduce((a, b) => (b[1] > a[1] ? b : a));
  process.stdout.write(`\nSlowest aggregate: ${slowest[0]} ${(slowest[1] / 1000).toFixed(3)} s (target < 2 s)\n`);
  rmSync(dir, { recursive: true, force: true });
  await store.close();

  // Issue 13: planning one large cohort, and what a broadcast's deliveries cost the store.
  const teachers = Number(process.env.BENCH_PLANNING_TEACHERS ?? 5000);
  const p = await benchPlanning(teachers);
  process.stdout.write(
    `\nPlanning one cohort of ${teachers.toLocaleString('en')} teachers (targets: < 2 s CPU, < 200 MB, no stall > 100 ms):\n` +
      `  read its state from the store ${(p.loadMs / 1000).toFixed(2)} s; plan what is due ${(p.planMs / 1000).toFixed(2)} s wall, ${(p.planCpuMs / 1000).toFixed(2)} s CPU (${p.due} due)\n` +
      `  the month ahead (schedule show) ${(p.previewMs / 1000).toFixed(2)} s (${p.previewItems} sends); longest event-loop stall ${p.maxStallMs.toFixed(0)} ms; peak RSS ${p.peakRssMb.toFixed(0)} MB (the embedded store's data included)\n`,
  );
  process.stdout.write('\nBroadcast deliveries recorded in the embedded store (target: flat per delivery, journal linear):\n');
  for (const n of [200, 1000]) {
    const b = await benchBroadcastStore(n);
    process.stdout.write(`  ${String(n).padStart(5)} recipients: ${b.msPerDelivery.toFixed(1)} ms per delivery, journal ${b.journalBeforeMb.toFixed(2)} -> ${b.journalAfterMb.toFixed(1)} MB\n`);
  }
}

await main();
