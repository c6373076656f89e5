// Telegram at a region's scale, through the real path: Sputnik started in this process (the
// embedded store, the Telegram channel on a webhook, its limiter, grammY with `apiRoot`) against
// a local fake Bot API in its own process (./fake-bot-api.mjs) that records when each message
// arrived. Broadcasts: how long N private messages take beside the 30 msg/s floor, the most sends
// in any sliding second, and the CPU this process spent per message. Replies: 50 teachers write
// at once; the time from each update to the first message back to that chat.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Types } from 'mongoose';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { percentile } from './measure.js';

export interface FakeBotApi {
  url: string;
  /** Messages received since the last call: chat id and arrival (epoch ms, sub-millisecond). */
  records(): Promise<[string, number][]>;
  stop(): void;
}

export async function startFakeBotApi(): Promise<FakeBotApi> {
  const child: ChildProcess = spawn(process.execPath, [join(import.meta.dirname, 'fake-bot-api.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fake Bot API exited with ${code}`)));
  });
  const { port } = JSON.parse(line) as { port: number };
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    records: async () => (await (await fetch(`${url}/records`)).json()) as [string, number][],
    stop: () => child.kill('SIGTERM'),
  };
}

const WEBHOOK_SECRET = 'bench-webhook-secret-0123456789';
const TOKEN = '7000000001:bench-token-abcdefghijklmnopqrstuvwxyz';

async function startBot(api: FakeBotApi, dataDir: string): Promise<App> {
  const config = loadConfig({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: api.url,
    TELEGRAM_WEBHOOK_URL: 'https://bench.example.org/telegram/webhook',
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    DATA_DIR: dataDir,
    HTTP_PORT: '0',
    SANDBOX: 'false',
    LOG_LEVEL: 'silent',
  });
  return startApp(config, createLogger({ level: 'silent' }));
}

export interface BroadcastFigures {
  recipients: number;
  seconds: number;
  floorSeconds: number;
  /** The most messages that arrived within any 1 s window. */
  maxPerSecond: number;
  cpuMsPerMessage: number;
}

/** Teachers with a Telegram chat, enrolled in a new cohort, and its curator; returns the cohort and author ids. */
async function seedCohort(
  app: App,
  teachers: number,
  firstChat: number,
): Promise<{ cohortId: string; authorId: string }> {
  const { models } = app.store;
  const now = new Date();
  const cohortId = new Types.ObjectId();
  const authorId = new Types.ObjectId();
  const person = (_id: Types.ObjectId, chat: number, name: string) => ({
    _id,
    fullName: name,
    locale: 'ru',
    isStaff: false,
    addresses: [{ channel: 'telegram', id: String(chat) }],
    urns: [`telegram:${chat}`],
    consent: { given: true, at: now, policyVersion: '1' },
    createdAt: now,
    updatedAt: now,
  });
  const people = Array.from({ length: teachers }, (_, i) =>
    person(new Types.ObjectId(), firstChat + i, `Педагог ${i}`),
  );
  await models.participant.collection.insertMany([...people, person(authorId, firstChat - 1, 'Куратор')]);
  await models.cohort.collection.insertOne({
    _id: cohortId,
    code: `B${firstChat}`,
    programmeId: new Types.ObjectId(),
    title: 'Рассылка',
    courseStart: now,
    courseEnd: now,
    timeZone: 'Asia/Almaty',
    locale: 'ru',
    status: 'active',
    curatorIds: [authorId],
    tutorIds: [],
    groups: [],
    createdAt: now,
    updatedAt: now,
  });
  await models.enrollment.collection.insertMany(
    people.map((p) => ({
      _id: new Types.ObjectId(),
      participantId: p._id,
      cohortId,
      status: 'active',
      currentStage: 1,
      stages: [],
      joinedAt: now,
      createdAt: now,
      updatedAt: now,
    })),
  );
  return { cohortId: cohortId.toHexString(), authorId: authorId.toHexString() };
}

/** The most timestamps (ms) in any window of `windowMs`. */
export function maxInWindow(times: number[], windowMs: number): number {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < s.length; j++) {
    while ((s[j] as number) - (s[i] as number) >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

export async function benchBroadcasts(sizes: readonly number[]): Promise<BroadcastFigures[]> {
  const api = await startFakeBotApi();
  const dir = mkdtempSync(join(tmpdir(), 'sputnik-bench-tg-'));
  const app = await startBot(api, dir);
  try {
    const out: BroadcastFigures[] = [];
    let chat = 100_000_000;
    for (const n of sizes) {
      const { cohortId, authorId } = await seedCohort(app, n, chat + 1);
      const first = chat + 1;
      chat += n + 10;
      await api.records();
      const b = await app.broadcasts.create({
        cohortId,
        authorId,
        text: 'Уважаемые коллеги! В четверг в 15:00 вебинар по формативному оцениванию.',
        toGroups: false,
        toParticipants: true,
      });
      const cpu0 = process.cpuUsage();
      const t0 = performance.timeOrigin + performance.now();
      const report = await app.broadcasts.send(b.id);
      const cpu = process.cpuUsage(cpu0);
      const records = await api.records();
      if (report?.sent !== n) throw new Error(`bench result wrong: broadcast to ${n} reported ${report?.sent} sent`);
      const toTeachers = records.filter(([c]) => Number(c) >= first && Number(c) < first + n);
      if (new Set(toTeachers.map(([c]) => c)).size !== n || toTeachers.length !== n)
        throw new Error(`bench result wrong: ${toTeachers.length} messages reached teachers, expected ${n} once each`);
      const times = records.map(([, t]) => t);
      const last = Math.max(...toTeachers.map(([, t]) => t));
      out.push({
        recipients: n,
        seconds: (last - t0) / 1000,
        floorSeconds: n / 30,
        maxPerSecond: maxInWindow(times, 1000),
        cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / records.length,
      });
    }
    return out;
  } finally {
    await app.stop();
    api.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ReplyFigures {
  teachers: number;
  /** CPU of this process (the bot, and the bench's own HTTP client) per update, counted rounds only. */
  cpuMsPerUpdate: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/**
 * `teachers` people write /start, all at the same moment or spread evenly over `spreadMs`; how long
 * until each gets the bot's first message.
 */
export async function benchReplies(
  teachers: number,
  options: { spreadMs?: number; rounds?: number } = {},
): Promise<ReplyFigures> {
  const spreadMs = options.spreadMs ?? 0;
  const rounds = options.rounds ?? 3;
  const api = await startFakeBotApi();
  const dir = mkdtempSync(join(tmpdir(), 'sputnik-bench-tg-'));
  const app = await startBot(api, dir);
  const webhook = `http://127.0.0.1:${app.http.port}/telegram/webhook`;
  try {
    const latencies: number[] = [];
    let cpuMs = 0;
    let updateId = 1;
    // A first round warms the process up (JIT, the store's first writes); it is not counted.
    for (let round = 0; round <= rounds; round++) {
      // Teachers writing to an otherwise idle bot: the previous round's replies have left the
      // limiter's one-second window (back to back, each round waited for the last one's sends).
      if (round > 0) await new Promise((r) => setTimeout(r, 1_100));
      await api.records();
      const chats = Array.from({ length: teachers }, (_, i) => 200_000_000 + round * 1000 + i);
      const sentAt = new Map<string, number>();
      const cpu0 = process.cpuUsage();
      const start = performance.now();
      await Promise.all(
        chats.map(async (chat, i) => {
          const due = start + (teachers > 1 ? (spreadMs * i) / (teachers - 1) : 0);
          if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
          const update = {
            update_id: updateId++,
            message: {
              message_id: 1,
              date: Math.floor(Date.now() / 1000),
              chat: { id: chat, type: 'private', first_name: 'Учитель' },
              from: { id: chat, is_bot: false, first_name: 'Учитель', language_code: 'ru' },
              text: '/start',
              entities: [{ type: 'bot_command', offset: 0, length: 6 }],
            },
          };
          sentAt.set(String(chat), performance.timeOrigin + performance.now());
          const res = await fetch(webhook, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
            body: JSON.stringify(update),
          });
          await res.arrayBuffer();
        }),
      );
      const cpu = process.cpuUsage(cpu0);
      if (round > 0) cpuMs += (cpu.user + cpu.system) / 1000;
      const records = await api.records();
      const firstReply = new Map<string, number>();
      for (const [c, t] of records) if (!firstReply.has(c)) firstReply.set(c, t);
      if (firstReply.size !== teachers)
        throw new Error(`bench result wrong: ${firstReply.size} of ${teachers} teachers got an answer`);
      if (round > 0) for (const [c, t] of firstReply) latencies.push(t - (sentAt.get(c) as number));
    }
    return {
      teachers,
      cpuMsPerUpdate: cpuMs / (teachers * rounds),
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      maxMs: Math.max(...latencies),
    };
  } finally {
    await app.stop();
    api.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The platform's own floor for `teachers` first replies due at once under `limit` a second over a
 * sliding window: the first `limit` go at once, the next `limit` a second later, and so on.
 */
export function replyFloor(teachers: number, limit = 30): { p50Ms: number; p95Ms: number } {
  const waits = Array.from({ length: teachers }, (_, i) => Math.floor(i / limit) * 1000);
  return { p50Ms: percentile(waits, 50), p95Ms: percentile(waits, 95) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchReplies(Number(process.argv[3] ?? 25), { spreadMs: Number(process.argv[4] ?? 0) }));
  console.log(await benchBroadcasts((process.argv[2] ?? '200').split(',').map(Number)));
}
