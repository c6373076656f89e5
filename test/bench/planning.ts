// Planning one large cohort, as the bot does it: read its state from the store, plan what is due
// (the cohort job, start-up and each sweep), and the whole month ahead (`schedule show`). Data: one
// cohort of N teachers on the default stage plan, five months into its year, with the send log and
// completed questionnaires such a cohort has by then.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Types } from 'mongoose';
import { sendKey, type SendKind } from '../../src/domain/scheduled-send.js';
import { createLogger } from '../../src/logger.js';
import { planDueAt } from '../../src/scheduler/planning.js';
import { previewCohort } from '../../src/scheduler/preview.js';
import { loadCohortState } from '../../src/scheduler/state.js';
import { openStore } from '../../src/store/index.js';

export interface PlanningFigures {
  teachers: number;
  loadMs: number;
  planMs: number;
  planCpuMs: number;
  previewMs: number;
  due: number;
  previewItems: number;
  maxStallMs: number;
  peakRssMb: number;
  /** RSS with the store open and the cohort stored, before reading and planning it. */
  rssBeforeMb: number;
}

const MB = 1024 * 1024;

export async function benchPlanning(teachers: number): Promise<PlanningFigures> {
  const logger = createLogger({ level: 'error' });
  const store = await openStore({
    config: { mongodbUri: undefined, dbName: 'bench-planning', embeddedDataDir: undefined },
    logger,
  });
  try {
    const { models } = store;
    const created = new Date('2025-09-01T00:00:00Z');
    const courseEnd = new Date('2025-09-19T19:00:00Z'); // 20 September, Almaty midnight
    const cohortId = new Types.ObjectId();
    const curatorId = new Types.ObjectId();
    const people = Array.from({ length: teachers }, (_, i) => ({
      _id: new Types.ObjectId(),
      fullName: `Педагог ${i}`,
      addresses: [{ channel: 'telegram', id: String(100_000 + i) }],
      urns: [`telegram:${100_000 + i}`],
      locale: 'ru',
      isStaff: false,
      consent: { given: true, at: created, policyVersion: '1' },
      createdAt: created,
      updatedAt: created,
    }));
    await models.participant.collection.insertMany([
      ...people,
      {
        _id: curatorId,
        fullName: 'Куратор',
        addresses: [{ channel: 'telegram', id: '99' }],
        urns: ['telegram:99'],
        locale: 'ru',
        isStaff: true,
        consent: { given: true, at: created, policyVersion: '1' },
        createdAt: created,
        updatedAt: created,
      },
    ]);
    await models.cohort.collection.insertOne({
      _id: cohortId,
      code: 'BIG01',
      programmeId: new Types.ObjectId(),
      title: 'Большой поток',
      courseStart: created,
      courseEnd,
      timeZone: 'Asia/Almaty',
      locale: 'ru',
      status: 'active',
      curatorIds: [curatorId],
      tutorIds: [],
      groups: [],
      createdAt: created,
      updatedAt: created,
    });
    await models.enrollment.collection.insertMany(
      people.map((p, i) => ({
        _id: new Types.ObjectId(),
        participantId: p._id,
        cohortId,
        status: 'active',
        currentStage: 2,
        stages: [],
        joinedAt: new Date(courseEnd.getTime() - (i % 10) * 86_400_000),
        createdAt: created,
        updatedAt: created,
      })),
    );
    // Five months in: the early questionnaires mostly answered, their invitations and reminders in the log.
    const answered = ['exit', 'entry', 'stage-1-plan', 'difficulties'];
    await models.response.collection.insertMany(
      people.flatMap((p, i) =>
        answered
          .filter((_, k) => (i + k) % 5 !== 0)
          .map((questionnaireId) => ({
            _id: new Types.ObjectId(),
            participantId: p._id,
            cohortId,
            questionnaireId,
            questionnaireVersion: 1,
            occasion:
              questionnaireId === 'stage-1-plan'
                ? 'stage-1'
                : questionnaireId === 'difficulties'
                  ? 'difficulties-2m'
                  : questionnaireId,
            status: 'completed',
            startedAt: created,
            completedAt: created,
            answers: [],
            createdAt: created,
            updatedAt: created,
          })),
      ),
    );
    const sent = (kind: SendKind, occasion: string, recipientId: Types.ObjectId, at: Date) => ({
      _id: new Types.ObjectId(),
      key: sendKey({ cohortId: cohortId.toHexString(), kind, occasion, recipientId: recipientId.toHexString() }),
      cohortId,
      kind,
      occasion,
      recipientId,
      status: 'sent',
      dueAt: at,
      attemptedAt: at,
      sentAt: at,
      attempts: 1,
      createdAt: at,
      updatedAt: at,
    });
    const log = people.flatMap((p) => [
      sent('stage', 'stage-1', p._id, new Date('2025-09-22T04:00:00Z')),
      sent('stage', 'stage-2', p._id, new Date('2025-10-20T04:00:00Z')),
      sent('invite', 'exit', p._id, new Date('2025-09-22T04:00:00Z')),
      sent('invite', 'entry', p._id, new Date('2025-09-22T04:00:00Z')),
      sent('invite', 'stage-1', p._id, new Date('2025-10-06T04:00:00Z')),
      sent('invite', 'difficulties-2m', p._id, new Date('2025-11-20T04:00:00Z')),
      sent('reminder', 'difficulties-2m#1', p._id, new Date('2025-11-24T04:00:00Z')),
    ]);
    for (let i = 0; i < log.length; i += 5000)
      await models.scheduledSend.collection.insertMany(log.slice(i, i + 5000), { ordered: false });

    // Monday 23 February 2026, 10:00 in Almaty: the stage-2 questionnaire opens for everyone.
    const now = new Date('2026-02-23T05:00:00Z');
    const cohort = (await store.repositories.cohorts.findById(cohortId.toHexString()))!;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);
    delay.enable();
    if (process.env.BENCH_PARTS) {
      for (const [label, run] of [
        ['enrollments', () => store.repositories.enrollments.listByCohort(cohort.id, 'active')],
        ['responses', () => store.repositories.responses.completedOccasions(cohort.id)],
        ['log', () => store.repositories.scheduledSends.listByCohort(cohort.id)],
        ['people', async () => store.repositories.participants.findByIds(people.map((p) => p._id.toHexString()))],
      ] as const) {
        const a = performance.now();
        const d = monitorEventLoopDelay({ resolution: 10 });
        d.enable();
        const n = (await run()).length;
        d.disable();
        console.log(label, n, (performance.now() - a).toFixed(0), 'ms', 'stall', (d.max / 1e6).toFixed(0));
      }
    }
    const t0 = performance.now();
    const state = await loadCohortState(store.repositories, cohort);
    const t1 = performance.now();
    const cpu0 = process.cpuUsage();
    const plan = await planDueAt(state, now);
    const cpu = process.cpuUsage(cpu0);
    const t2 = performance.now();
    const preview = await previewCohort(
      { repos: store.repositories, canReach: () => true },
      cohort.id,
      now,
      new Date(now.getTime() + 30 * 86_400_000),
    );
    const t3 = performance.now();
    delay.disable();
    clearInterval(sampler);
    if (state.teachers.length !== teachers)
      throw new Error(`read ${state.teachers.length} teachers, expected ${teachers}`);
    // Every teacher gets the stage-2 questionnaire's invitation now; the curator is not due anything yet.
    const invites = plan.due.filter((s) => s.kind === 'invite' && s.occasion === 'stage-2').length;
    if (invites !== teachers) throw new Error(`planned ${invites} stage-2 invitations now, expected ${teachers}`);
    return {
      teachers,
      loadMs: t1 - t0,
      planMs: t2 - t1,
      planCpuMs: (cpu.user + cpu.system) / 1000,
      previewMs: t3 - t2,
      due: plan.due.length,
      previewItems: preview?.items.length ?? 0,
      maxStallMs: delay.max / 1e6,
      peakRssMb: peakRss / MB,
      rssBeforeMb: rssBefore / MB,
    };
  } finally {
    await store.close();
  }
}

// Run on its own (`npm run bench` does, in a child process holding only this cohort, so its memory
// figures are planning's and not the rest of the bench's): `--json` prints the figures as JSON.
if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 5000);
  const figures = await benchPlanning(n);
  console.log(process.argv.includes('--json') ? JSON.stringify(figures) : figures);
}
