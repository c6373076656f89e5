// Two Sputnik instances on one store: the first runs the embedded store (DATA_DIR), the others
// reach it as MongoDB (MONGODB_URI = the address it publishes), as several instances reach a
// replica set. Claims and leases live in the store, so they hold across processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createBroadcastService } from '../../src/delivery/broadcasts.js';
import type { Dispatcher } from '../../src/delivery/dispatcher.js';
import { inChatOrder, withLease } from '../../src/domain/coordination.js';
import { createScheduler, type Scheduler } from '../../src/scheduler/agenda.js';
import { createStoreCoordination } from '../../src/store/coordination.js';
import { openStore, type Store } from '../../src/store/index.js';
import { cohortFixtureTeachers } from './two-instances.fixture.js';
import { seedCohort } from '../support/cohort-fixture.js';
import { silentLogger } from '../support/store.js';
import { TelegramEmulator, type TelegramUser } from '../support/telegram-emulator.js';

// These tests start processes: on a busy two-core machine a start can take tens of seconds.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const TOKEN = `123456789:${'B'.repeat(35)}`;
const SECRET = 'two-instances-secret-0123456789';
const root = new URL('../../', import.meta.url).pathname;
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/** Starts `src/main.ts` in its own process; resolves with its output so far once `ready` matches it. */
function spawnInstance(
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; output: () => string }> {
  // Node itself with tsx's loader, not the tsx wrapper: the wrapper runs the app in a child of its
  // own, which a SIGKILL of the wrapper at the end would leave running.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance not ready; output:\n${output}`)), 150_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`instance exited with ${code}; output:\n${output}`));
    });
  });
}

const telegramState = (app: App) => app.channels.find((c) => c.name === 'telegram')?.health().state;

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('two instances behind one webhook URL', () => {
  let hook: TelegramEmulator;
  let first: App;
  let uri: string;
  let code: string;
  let secondPort: number;

  beforeAll(async () => {
    hook = await TelegramEmulator.start({ token: TOKEN, botUsername: 'sputnik_pair_bot' });
    const dataDir = mkdtempSync(join(tmpdir(), 'sputnik-pair-'));
    const common = {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: hook.apiRoot,
      TELEGRAM_THROTTLE: 'false',
      TELEGRAM_WEBHOOK_URL: 'https://sputnik.example/telegram/webhook',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      HTTP_PORT: '0',
    };
    first = await startApp(loadConfig({ ...common, DATA_DIR: dataDir }), silentLogger);
    uri = (JSON.parse(readFileSync(join(dataDir, 'embedded-store.address'), 'utf8')) as { uri: string }).uri;
    code = (await seedCohort(first.store, { code: 'PAIR-1', curatorUsername: 'pair_curator' })).code;
    secondPort = await freePort();
    await spawnInstance({ ...common, HTTP_PORT: String(secondPort), MONGODB_URI: uri }, /telegram channel running/);
  });

  afterAll(async () => {
    await first?.stop();
    await hook?.stop();
  });

  const startUpdate = (id: number, from: TelegramUser) => ({
    update_id: id,
    message: {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: from.id, type: 'private', first_name: from.firstName },
      from: { id: from.id, is_bot: false, first_name: from.firstName },
      text: `/start ${code}`,
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    },
  });
  const post = (port: number, body: object) =>
    fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(body),
    });

  it('an update delivered to both processes is answered once', async () => {
    const teacher: TelegramUser = { id: 7101, firstName: 'Айжан' };
    const update = startUpdate(810001, teacher);
    const statuses = await Promise.all(
      [post(first.http.port, update), post(secondPort, update)].map(async (r) => (await r).status),
    );
    expect(statuses).toEqual([200, 200]);
    await hook.waitFor(teacher.id, /^На каком языке/);
    // A moment for a second (wrong) answer to show up, had there been one.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(hook.messages(teacher.id).map((m) => m.text.slice(0, 25))).toEqual([
      'Вы присоединяетесь к курс',
      'На каком языке вам удобне',
    ]);
    const claims = await first.store.connection.db
      ?.collection('update_claims')
      .countDocuments({ _id: 'telegram:810001' as never });
    expect(claims).toBe(1);
  });

  it('updates of different teachers spread over both processes are each answered once', async () => {
    const teachers: TelegramUser[] = Array.from({ length: 6 }, (_, i) => ({ id: 7200 + i, firstName: `Учитель ${i}` }));
    // Each update goes to both instances, in opposite order for every other teacher.
    await Promise.all(
      teachers.flatMap((t, i) => {
        const u = startUpdate(820000 + i, t);
        const ports = i % 2 ? [first.http.port, secondPort] : [secondPort, first.http.port];
        return ports.map((p) => post(p, u));
      }),
    );
    for (const t of teachers) await hook.waitFor(t.id, /^На каком языке/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const t of teachers) expect(hook.messages(t.id)).toHaveLength(2);
  });
});

describe('two instances on long polling', () => {
  it('the second refuses to poll and says why; the first keeps polling', async () => {
    const poll = await TelegramEmulator.start({ token: TOKEN, botUsername: 'sputnik_poll_bot' });
    const dataDir = mkdtempSync(join(tmpdir(), 'sputnik-poll-'));
    const config = {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: poll.apiRoot,
      TELEGRAM_THROTTLE: 'false',
      HTTP_PORT: '0',
    };
    const first = await startApp(loadConfig({ ...config, DATA_DIR: dataDir }), silentLogger);
    try {
      await poll.waitUntil(
        () => (telegramState(first) === 'running' ? true : undefined),
        60_000,
        () => 'first never polled',
      );
      const uri = (JSON.parse(readFileSync(join(dataDir, 'embedded-store.address'), 'utf8')) as { uri: string }).uri;
      const second = await spawnInstance({ ...config, MONGODB_URI: uri }, /is polling Telegram for this bot/);
      expect(second.output()).toMatch(/TELEGRAM_WEBHOOK_URL/);
      second.child.kill('SIGKILL');
      expect(telegramState(first)).toBe('running');
    } finally {
      await first.stop();
      await poll.stop();
    }
  });
});

describe('claims and leases on one store, two instances in one process', () => {
  let app: App;
  let uri: string;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sputnik-claims-'));
    app = await startApp(loadConfig({ DATA_DIR: dataDir, HTTP_PORT: '0' }), silentLogger);
    uri = (JSON.parse(readFileSync(join(dataDir, 'embedded-store.address'), 'utf8')) as { uri: string }).uri;
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('one claim per update, one holder per lease, a lease of a dead instance is taken over', async () => {
    const other = await startApp(loadConfig({ MONGODB_URI: uri, HTTP_PORT: '0' }), silentLogger);
    try {
      const db = app.store.connection.db;
      const otherDb = other.store.connection.db;
      if (!db || !otherDb) throw new Error('no db');
      // The first instance serves the store and reaches it in-process; the other over the wire.
      const a = createStoreCoordination(app.store.direct, { instanceId: 'a' });
      const b = createStoreCoordination(otherDb, { instanceId: 'b' });
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).claimUpdate('test', 42)));
      expect(results.filter(Boolean)).toHaveLength(1);

      expect(await a.acquire('chat:x', 60_000)).toEqual({ held: true });
      expect(await b.acquire('chat:x', 60_000)).toMatchObject({ held: false, holder: 'a' });
      await a.release('chat:x');
      expect(await b.acquire('chat:x', 60_000)).toEqual({ held: true });
      // A holder that died: its lease runs out and another instance takes it.
      expect(await a.acquire('chat:y', 1)).toEqual({ held: true });
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await b.acquire('chat:y', 60_000)).toEqual({ held: true });

      // One chat's work never overlaps across instances.
      const running: string[] = [];
      let overlap = false;
      const work = (who: string) => async () => {
        if (running.length) overlap = true;
        running.push(who);
        await new Promise((resolve) => setTimeout(resolve, 30));
        running.pop();
      };
      // A lease belongs to an instance (inside one, grammY's sequentialize orders a chat's updates).
      const workers = Array.from({ length: 6 }, (_, i) =>
        createStoreCoordination(i % 2 ? app.store.direct : otherDb, { instanceId: `w${i}` }),
      );
      await Promise.all(workers.map((w, i) => withLease(w, 'chat:z', work(String(i)))));
      expect(overlap).toBe(false);

      await b.start();
      expect(await a.isAlive('b')).toBe(true);
      await b.stop();
      expect(await a.isAlive('b')).toBe(false);
    } finally {
      await other.stop();
    }
  });

  it("a teacher's updates given to two instances are handled in her order; a dead instance's update stops holding them back", async () => {
    const other = await startApp(loadConfig({ MONGODB_URI: uri, HTTP_PORT: '0' }), silentLogger);
    const started: ReturnType<typeof createStoreCoordination>[] = [];
    try {
      const db = app.store.connection.db;
      const otherDb = other.store.connection.db;
      if (!db || !otherDb) throw new Error('no db');
      const instance = async (id: string, on: typeof db | typeof app.store.direct) => {
        const c = createStoreCoordination(on, { instanceId: id });
        await c.start();
        started.push(c);
        return c;
      };
      const a = await instance('order-a', app.store.direct);
      const b = await instance('order-b', otherDb);
      const handled: number[] = [];
      const work = (updateId: number, ms: number) => async () => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        handled.push(updateId);
      };
      const update = (updateId: number, chat = 'chat:telegram:maria') => ({ source: 'telegram', updateId, chat });

      // Her messages 101 and 102 reach instances A and B; B starts on 102 first, and 101 is slow.
      expect(await a.claimUpdate('telegram', 101, 'chat:telegram:maria')).toBe(true);
      expect(await b.claimUpdate('telegram', 102, 'chat:telegram:maria')).toBe(true);
      const second = inChatOrder(b, update(102), work(102, 0));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(handled).toEqual([]);
      const first = inChatOrder(a, update(101), work(101, 200));
      expect((await Promise.all([first, second])).map((r) => r.inOrder)).toEqual([true, true]);
      expect(handled).toEqual([101, 102]);

      // Another teacher's update does not wait for hers.
      expect(await a.claimUpdate('telegram', 201, 'chat:telegram:maria')).toBe(true);
      expect(await b.claimUpdate('telegram', 202, 'chat:telegram:boris')).toBe(true);
      await inChatOrder(b, update(202, 'chat:telegram:boris'), work(202, 0));
      expect(handled).toEqual([101, 102, 202]);

      // 201's instance dies holding it: her next update waits only until its heartbeat is gone.
      const waiting = inChatOrder(b, update(203), work(203, 0));
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(handled).toEqual([101, 102, 202]);
      await a.stop();
      expect((await waiting).inOrder).toBe(true);
      expect(handled).toEqual([101, 102, 202, 203]);
    } finally {
      for (const c of started) await c.stop();
      await other.stop();
    }
  });

  it('each scheduled job runs once: cohort jobs and a repeating sweep that both instances set up', async () => {
    const other = await startApp(loadConfig({ MONGODB_URI: uri, HTTP_PORT: '0' }), silentLogger);
    const schedulers: Scheduler[] = [];
    try {
      const runs: { job: string; by: string; cohortId?: string }[] = [];
      let running = 0;
      let overlap = false;
      for (const [by, store] of [
        ['one', app.store],
        ['two', other.store],
      ] as const) {
        const db = store.connection.db;
        if (!db) throw new Error('no db');
        // As src/scheduler does: a unique job per cohort and a repeating sweep, set up by every instance at start.
        const scheduler = createScheduler({ db, logger: silentLogger, processEveryMs: 200, lockLifetimeMs: 60_000 });
        schedulers.push(scheduler);
        const work = (job: string) => async (j: { attrs: { data?: { cohortId?: string } } }) => {
          if (running > 0 && job === 'test.sweep') overlap = true;
          if (job === 'test.sweep') running++;
          runs.push({ job, by, ...(j.attrs.data?.cohortId ? { cohortId: j.attrs.data.cohortId } : {}) });
          await new Promise((resolve) => setTimeout(resolve, 300));
          if (job === 'test.sweep') running--;
        };
        scheduler.agenda.define('test.cohort', work('test.cohort'));
        scheduler.agenda.define('test.sweep', work('test.sweep'));
        for (const cohortId of ['c1', 'c2'])
          await scheduler.agenda
            .create('test.cohort', { cohortId })
            .unique({ 'data.cohortId': cohortId })
            .schedule(new Date(Date.now() + 500))
            .save();
        await scheduler.agenda.every(1_000, 'test.sweep');
      }
      const started = Date.now();
      await Promise.all(schedulers.map((s) => s.start()));
      await new Promise((resolve) => setTimeout(resolve, 4_500));
      await Promise.all(schedulers.map((s) => s.stop(10_000)));
      const seconds = (Date.now() - started) / 1000;
      const cohortRuns = runs.filter((r) => r.job === 'test.cohort');
      expect(cohortRuns.map((r) => r.cohortId).sort()).toEqual(['c1', 'c2']);
      const sweeps = runs.filter((r) => r.job === 'test.sweep');
      // Once a second at most, by whichever instance locked it: two instances each running it would double this.
      expect(sweeps.length).toBeGreaterThanOrEqual(2);
      expect(sweeps.length).toBeLessThanOrEqual(Math.floor(seconds) + 1);
      expect(overlap).toBe(false);
      const jobs = app.store.connection.db?.collection('agenda_jobs');
      expect(await jobs?.countDocuments({ name: 'test.sweep' })).toBe(1);
      expect(await jobs?.countDocuments({ name: 'test.cohort' })).toBe(2);
    } finally {
      for (const s of schedulers) await s.stop(10_000);
      await other.stop();
    }
  });

  it('a broadcast sent by two instances at once reaches each teacher once, both take a share, the author hears once', async () => {
    // Stores without apps: an app's own broadcast service joins broadcasts every 15 s and would
    // take a share here through a dispatcher with no channel.
    const config = loadConfig({ HTTP_PORT: '0' }).store;
    const dataDir = mkdtempSync(join(tmpdir(), 'sputnik-split-'));
    const mine = await openStore({
      config: { ...config, mongodbUri: undefined, embeddedDataDir: dataDir },
      logger: silentLogger,
    });
    const storeUri = (JSON.parse(readFileSync(join(dataDir, 'embedded-store.address'), 'utf8')) as { uri: string }).uri;
    const theirs = await openStore({ config: { ...config, mongodbUri: storeUri }, logger: silentLogger });
    const app = { store: mine };
    const other = {
      store: theirs,
      stop: async () => {
        await theirs.close();
        await mine.close();
      },
    };
    try {
      const { cohortId, curatorId, teachers } = await cohortFixtureTeachers(app.store, 40);
      const sent: { by: string; chatId: string }[] = [];
      const dispatcher = (by: string): Dispatcher => ({
        async dispatch(out) {
          // A send takes a moment, as a real one does.
          await new Promise((resolve) => setTimeout(resolve, 2));
          return out.map((o) => {
            if (o.to.kind === 'chat') sent.push({ by, chatId: o.to.chatId });
            else sent.push({ by, chatId: `author:${o.to.kind === 'participant' ? o.to.participantId : ''}` });
            return { ...o, outcome: { ok: true as const } } as never;
          });
        },
      });
      const coordinations: ReturnType<typeof createStoreCoordination>[] = [];
      const mk = (store: Store, by: string) => {
        const db = store.connection.db;
        if (!db) throw new Error('no db');
        const coordination = createStoreCoordination(db, { instanceId: by });
        coordinations.push(coordination);
        return createBroadcastService({
          repos: store.repositories,
          dispatcher: dispatcher(by),
          logger: silentLogger,
          coordination,
        });
      };
      const one = mk(app.store, 'one');
      const two = mk(other.store, 'two');
      // Each instance's heartbeat: what tells the other that its deliveries in flight are not abandoned.
      for (const c of coordinations) await c.start();
      const draft = await one.create({
        cohortId,
        authorId: curatorId,
        text: 'Вебинар в четверг',
        toGroups: false,
        toParticipants: true,
      });
      const reports = await Promise.all([one.send(draft.id), two.send(draft.id)]);
      const toTeachers = sent.filter((s) => !s.chatId.startsWith('author:'));
      expect(toTeachers).toHaveLength(40);
      expect(new Set(toTeachers.map((s) => s.chatId)).size).toBe(40);
      expect(new Set(toTeachers.map((s) => s.chatId))).toEqual(new Set(teachers.map(String)));
      expect(toTeachers.some((s) => s.by === 'one')).toBe(true);
      expect(toTeachers.some((s) => s.by === 'two')).toBe(true);
      expect(sent.filter((s) => s.chatId === `author:${curatorId}`)).toHaveLength(1);
      expect(reports.filter((r) => r !== undefined)).toHaveLength(1);
      expect(reports.find((r) => r)?.sent).toBe(40);
      const stored = await app.store.repositories.broadcasts.findById(draft.id);
      expect(stored?.status).toBe('done');
      expect(stored?.deliveries.filter((d) => d.status === 'sent')).toHaveLength(40);
      for (const c of coordinations) await c.stop();
    } finally {
      await other.stop();
    }
  });
});
