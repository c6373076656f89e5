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
  /** The message after the next `after` is refused with a 429 and `retry_after` = `retryAfter`. */
  refuse(after: number, retryAfter: number): Promise<void>;
  /** Messages refused since the last call, as records. */
  refusals(): Promise<[string, number][]>;
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
    refuse: async (after, retryAfter) => {
      await (
        await fetch(`${url}/refuse`, { method: 'POST', body: JSON.stringify({ after, retryAfter }) })
      ).arrayBuffer();
    },
    refusals: async () => (await (await fetch(`${url}/refusals`)).json()) as [string, number][],
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

/** Runs `bench` against Sputnik started on a fake Bot API in a new data directory, and tears both down. */
async function withBot<T>(bench: (app: App, api: FakeBotApi) => Promise<T>): Promise<T> {
  const api = await startFakeBotApi();
  const dir = mkdtempSync(join(tmpdir(), 'sputnik-bench-tg-'));
  try {
    const app = await startBot(api, dir);
    try {
      return await bench(app, api);
    } finally {
      await app.stop();
    }
  } finally {
    api.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The messages that reached `count` teachers whose chats are numbered from `first`; each must have got exactly one. */
function reachedOnceEach(records: [string, number][], first: number, count: number): [string, number][] {
  const toTeachers = records.filter(([c]) => Number(c) >= first && Number(c) < first + count);
  if (new Set(toTeachers.map(([c]) => c)).size !== count || toTeachers.length !== count)
    throw new Error(`bench result wrong: ${toTeachers.length} messages reached teachers, expected ${count} once each`);
  return toTeachers;
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
  groupChat?: string,
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
    groups: groupChat ? [{ channel: 'telegram', chatId: groupChat, title: 'Группа курса', boundAt: now }] : [],
    createdAt: now,
    updatedAt: now,
  });
  if (people.length > 0)
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
  return withBot(async (app, api) => {
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
      const toTeachers = reachedOnceEach(records, first, n);
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
  });
}

export interface LimitFigures {
  teachers: number;
  groupMessages: number;
  chatMessages: number;
  /** The most messages in any 1 s window, all chats. */
  maxPerSecond: number;
  /** The most messages to the group in any 60 s window. */
  groupMaxPerMinute: number;
  /** The shortest time between two messages to one chat, over every chat (ms). */
  minGapOneChatMs: number;
  /** When the group's last message arrived, and the earliest 20/min and 1/s allow (s from the start). */
  groupSeconds: number;
  groupFloorSeconds: number;
}

/** The earliest the last of `messages` to one group can arrive: 1 a second, 20 in any minute. */
export function groupFloor(messages: number): number {
  const last = messages - 1;
  return Math.floor(last / 20) * 60 + (last % 20);
}

/**
 * Telegram's per-chat limits through the real path, all at once: a broadcast to `teachers`, 25
 * broadcasts to one cohort group (20 a minute, 1 a second) and 10 to one teacher (1 a second).
 */
export async function benchLimits(teachers = 600, groupMessages = 25, chatMessages = 10): Promise<LimitFigures> {
  return withBot(async (app, api) => {
    const group = '-1001000000001';
    const many = await seedCohort(app, teachers, 300_000_001);
    const grouped = await seedCohort(app, 0, 301_000_001, group);
    const one = await seedCohort(app, 1, 302_000_001);
    const single = '302000001';
    const text = 'Уважаемые коллеги! В четверг в 15:00 вебинар по формативному оцениванию.';
    const create = (c: { cohortId: string; authorId: string }, toGroups: boolean, i: number) =>
      app.broadcasts.create({ ...c, text: `${text} (${i})`, toGroups, toParticipants: !toGroups });
    const broadcasts = [
      await create(many, false, 0),
      ...(await Promise.all(Array.from({ length: groupMessages }, (_, i) => create(grouped, true, i)))),
      ...(await Promise.all(Array.from({ length: chatMessages }, (_, i) => create(one, false, i)))),
    ];
    await api.records();
    const t0 = performance.timeOrigin + performance.now();
    const reports = await Promise.all(broadcasts.map((b) => app.broadcasts.send(b.id)));
    const records = await api.records();
    const expected = [teachers, ...Array<number>(groupMessages + chatMessages).fill(1)];
    reports.forEach((r, i) => {
      if (r?.sent !== expected[i])
        throw new Error(`bench result wrong: broadcast ${i} reported ${r?.sent} sent, expected ${expected[i]}`);
    });
    const byChat = new Map<string, number[]>();
    for (const [c, t] of records) byChat.set(c, [...(byChat.get(c) ?? []), t]);
    const toGroup = byChat.get(group) ?? [];
    const toOne = byChat.get(single) ?? [];
    if (toGroup.length !== groupMessages || toOne.length !== chatMessages)
      throw new Error(
        `bench result wrong: the group got ${toGroup.length} of ${groupMessages}, the teacher ${toOne.length} of ${chatMessages}`,
      );
    let minGap = Number.POSITIVE_INFINITY;
    for (const times of byChat.values()) {
      const sorted = [...times].sort((a, b) => a - b);
      for (let i = 1; i < sorted.length; i++)
        minGap = Math.min(minGap, (sorted[i] as number) - (sorted[i - 1] as number));
    }
    return {
      teachers,
      groupMessages,
      chatMessages,
      maxPerSecond: maxInWindow(
        records.map(([, t]) => t),
        1000,
      ),
      groupMaxPerMinute: maxInWindow(toGroup, 60_000),
      minGapOneChatMs: minGap,
      groupSeconds: (Math.max(...toGroup) - t0) / 1000,
      groupFloorSeconds: groupFloor(groupMessages),
    };
  });
}

export interface PauseFigures {
  recipients: number;
  retryAfterSeconds: number;
  /** Messages that arrived within retry_after of the 429, and the last of them (ms after it). */
  duringPause: number;
  lastDuringPauseMs: number;
  /** From the 429 to the first message after those (s). */
  resumedAfterSeconds: number;
  /** The next message to arrive was the refused one. */
  refusedWentFirst: boolean;
  seconds: number;
  floorSeconds: number;
}

/** A broadcast whose `refuseAt`-th message Telegram refuses with a 429, retry_after = `retryAfter`. */
export async function benchPause(recipients = 300, refuseAt = 100, retryAfter = 5): Promise<PauseFigures> {
  return withBot(async (app, api) => {
    const first = 303_000_001;
    const { cohortId, authorId } = await seedCohort(app, recipients, first);
    const b = await app.broadcasts.create({
      cohortId,
      authorId,
      text: 'Напоминание: до 1 июня пришлите ссылки на открытые уроки.',
      toGroups: false,
      toParticipants: true,
    });
    await api.records();
    await api.refuse(refuseAt - 1, retryAfter);
    const t0 = performance.timeOrigin + performance.now();
    const report = await app.broadcasts.send(b.id);
    const records = (await api.records()).sort((x, y) => x[1] - y[1]);
    const refusals = await api.refusals();
    if (report?.sent !== recipients || refusals.length !== 1)
      throw new Error(
        `bench result wrong: ${report?.sent} of ${recipients} sent, ${refusals.length} refusals (expected 1)`,
      );
    const toTeachers = reachedOnceEach(records, first, recipients);
    const [refusedChat, refusedAt] = refusals[0] as [string, number];
    // A call the bot had started before it read the 429 may still arrive just after it.
    const inPause = records.filter(([, t]) => t > refusedAt && t < refusedAt + retryAfter * 1000);
    const lastInPause = inPause.length > 0 ? (inPause[inPause.length - 1] as [string, number])[1] : refusedAt;
    const next = records.find(([, t]) => t > lastInPause);
    return {
      recipients,
      retryAfterSeconds: retryAfter,
      duringPause: inPause.length,
      lastDuringPauseMs: lastInPause - refusedAt,
      resumedAfterSeconds: next ? (next[1] - refusedAt) / 1000 : Number.NaN,
      refusedWentFirst: next?.[0] === refusedChat,
      seconds: (Math.max(...toTeachers.map(([, t]) => t)) - t0) / 1000,
      // The first 30 go at once, each next 30 a second later, and the pause comes on top.
      floorSeconds: Math.ceil(recipients / 30) - 1 + retryAfter,
    };
  });
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
  return withBot(async (app, api) => {
    const webhook = `http://127.0.0.1:${app.http.port}/telegram/webhook`;
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
  });
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
  if (process.argv[2] === 'limits') {
    console.log(await benchPause());
    console.log(await benchLimits());
    process.exit(0);
  }
  console.log(await benchReplies(Number(process.argv[3] ?? 25), { spreadMs: Number(process.argv[4] ?? 0) }));
  console.log(await benchBroadcasts((process.argv[2] ?? '200').split(',').map(Number)));
}
