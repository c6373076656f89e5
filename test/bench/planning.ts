// Planning one large cohort, as a centre runs it: the bot's cohort job reads its state from the
// store and plans what is due (at start-up and each sweep), and `schedule show`, a CLI command,
// plans and describes the whole month ahead. Data: one cohort of N teachers on the default stage
// plan, five months into its year, with the send log and completed questionnaires such a cohort
// has by then.
//
// Four processes, so that each one measured is what a centre runs: this one builds the compiled
// bot (`npm run build`) and seeds the cohort into a data directory in a second process (as the
// bot's own writes over months would leave it); then ./planning-child.ts runs on that data
// directory as the bot's process running the cohort's job and as the CLI's process running
// `schedule show` with no bot running (it opens the data directory itself), and both again with
// a running bot's store in another process. Each runs several times, as its peak depends on when
// V8 collects (one schedule show in five once peaked 35 MB above the others). All run the
// compiled JavaScript, with no TypeScript loader (tsx alone adds ~50 MB of RSS):
// ./planning-child.ts is only stripped of its types here, and loads dist/.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import ts from 'typescript';
import { sendKey, type SendKind } from '../../src/domain/scheduled-send.js';
import { createLogger } from '../../src/logger.js';
import { openStore } from '../../src/store/index.js';
import type { JobFigures, PlanningFigures, ShowFigures } from './planning-child.js';

export type { JobFigures, PlanningFigures, ShowFigures } from './planning-child.js';
/** Every run of each process, in the order run. */
export type PlanningRuns = { [K in keyof PlanningFigures]: PlanningFigures[K][] };

const ROOT = join(import.meta.dirname, '..', '..');
const MB = 1024 * 1024;

/** Writes the cohort into the embedded store's journal in `dataDir`; returns the cohort's id. */
export async function seedPlanningCohort(dataDir: string, teachers: number): Promise<string> {
  const logger = createLogger({ level: 'error' });
  const store = await openStore({
    config: { mongodbUri: undefined, dbName: 'bench-planning', embeddedDataDir: dataDir },
    logger,
  });
  try {
    const { models } = store;
    const created = new Date('2025-09-01T00:00:00Z');
    const courseEnd = new Date('2025-09-19T19:00:00Z'); // 20 September, Almaty midnight
    const cohortId = new Types.ObjectId();
    const curatorId = new Types.ObjectId();
    // Each recorded instant its own millisecond, as a real cohort's are (people consent, join and
    // answer at different moments, sends go out 30 a second); only planned instants (dueAt) repeat.
    // Equal instants everywhere would flatter a store that holds a repeated value once.
    let clock = created.getTime();
    let seed = 7;
    const tick = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      clock += 1 + (seed % 4_000);
      return new Date(clock);
    };
    const people = Array.from({ length: teachers }, (_, i) => ({
      _id: new Types.ObjectId(),
      fullName: `Педагог ${i}`,
      addresses: [{ channel: 'telegram', id: String(100_000 + i) }],
      urns: [`telegram:${100_000 + i}`],
      locale: 'ru',
      isStaff: false,
      consent: { given: true, at: tick(), policyVersion: '1' },
      createdAt: tick(),
      updatedAt: tick(),
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
        joinedAt: new Date(courseEnd.getTime() - (i % 10) * 86_400_000 - i * 1_000),
        createdAt: tick(),
        updatedAt: tick(),
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
            startedAt: tick(),
            completedAt: tick(),
            answers: [],
            createdAt: tick(),
            updatedAt: tick(),
          })),
      ),
    );
    let sendsSoFar = 0;
    const sent = (kind: SendKind, occasion: string, recipientId: Types.ObjectId, at: Date) => {
      sendsSoFar += 33;
      return {
        _id: new Types.ObjectId(),
        key: sendKey({ cohortId: cohortId.toHexString(), kind, occasion, recipientId: recipientId.toHexString() }),
        cohortId,
        kind,
        occasion,
        recipientId,
        status: 'sent',
        dueAt: at,
        // The scheduler's own clock, no mongoose timestamps (timestamps: false in the model).
        attemptedAt: new Date(at.getTime() + sendsSoFar),
        sentAt: new Date(at.getTime() + sendsSoFar + 120),
        attempts: 1,
      };
    };
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

    return cohortId.toHexString();
  } finally {
    await store.close();
  }
}

function run(args: string[], what: string): string {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * MB });
  if (r.status !== 0) throw new Error(`${what} failed: ${r.stderr}`);
  return r.stdout;
}

/** Each process measured `runs` times: a process's peak depends on when V8 collects, so one run can miss the worst. */
export async function benchPlanning(teachers: number, runs = 3): Promise<PlanningRuns> {
  run([join(ROOT, 'src', 'launch.mjs'), 'build'], 'npm run build');
  const dir = mkdtempSync(join(tmpdir(), 'sputnik-bench-planning-'));
  try {
    const dataDir = join(dir, 'data');
    const cohortId = run(
      ['--import', 'tsx', join(import.meta.dirname, 'planning.ts'), 'seed', dataDir, String(teachers)],
      'seeding the cohort',
    ).trim();
    const source = readFileSync(join(import.meta.dirname, 'planning-child.ts'), 'utf8');
    const child = join(dir, 'planning-child.mjs');
    writeFileSync(
      child,
      ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      }).outputText,
    );
    const args = (mode: string) => [child, mode, join(ROOT, 'dist'), dataDir, cohortId, String(teachers)];
    const measure = (mode: 'job' | 'show', storeUri?: string) =>
      JSON.parse(
        run([...args(mode), ...(storeUri ? [storeUri] : [])], `the planning child (${mode})`)
          .trim()
          .split('\n')
          .pop() ?? '',
      );
    const times = <F>(what: () => F): F[] => Array.from({ length: runs }, what);
    const job = times(() => measure('job') as JobFigures);
    const show = times(() => measure('show') as ShowFigures);
    // A running bot's store in a third process: the job reads through the driver, as with MongoDB,
    // and schedule show attaches to it, as the CLI does beside a running bot.
    const host = spawn(process.execPath, args('host'), { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const uri = await new Promise<string>((resolve, reject) => {
        let out = '';
        host.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0] ?? '') as { uri: string }).uri);
        });
        host.once('exit', (code) => reject(new Error(`the store's process ended (${code}) before it served`)));
      });
      return {
        job,
        show,
        jobBesideStore: times(() => measure('job', uri) as JobFigures),
        showBesideBot: times(() => measure('show') as ShowFigures),
      };
    } finally {
      const ended = new Promise((resolve) => host.once('exit', resolve));
      host.stdin.end();
      await ended;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `planning.ts seed DIR N` seeds (the bench's second process); `planning.ts [N [RUNS]]` runs the
// whole part on its own and prints the figures.
if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === 'seed') {
    console.log(await seedPlanningCohort(process.argv[3] as string, Number(process.argv[4])));
  } else {
    console.log(await benchPlanning(Number(process.argv[2] ?? 5000), Number(process.argv[3] ?? 3)));
  }
}
