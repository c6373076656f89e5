// `npm run cli -- whatsapp create-group --cohort CODE`: asks the running bot to open the cohort's
// WhatsApp group. The CLI has no WhatsApp session (only one process can hold it), so the request is
// an Agenda job in the shared store; the bot's WhatsApp channel carries it out and records the
// outcome on the cohort (group and invite link) and in the audit log, which the CLI then reads.
import { callProblem, commandHelp, parseCommandArgs, refuseCall } from '../args.js';
import { t, type MessageKey } from '../../i18n/index.js';
import { randomUUID } from 'node:crypto';
import { requestGroupCreation } from '../../channels/whatsapp/groups.js';
import { listFailedMessages } from '../../channels/whatsapp/outbox.js';
import type { Config } from '../../config.js';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { createScheduler } from '../../scheduler/agenda.js';
import type { Store } from '../../store/index.js';
import { createChannelStorage, createOutboxRepository } from '../../store/channel-storage.js';
import { openCliStore, processOutput, type Output } from './cohort.js';

export interface WhatsappCommandEnv {
  config?: Config;
  /** An open store (tests); otherwise the CLI's own, closed at the end. */
  store?: Store;
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A message in the staff's language, without its line end. */
const tr = (io: Output, key: MessageKey, params?: Record<string, string | number>) => t(io.locale ?? 'ru', key, params);

export async function runWhatsappCommand(
  args: string[],
  io: Output = processOutput,
  env: WhatsappCommandEnv = {},
): Promise<number> {
  const USAGE = commandHelp('whatsapp', io);
  const parsed = parseCommandArgs(
    {
      args,
      allowPositionals: true,
      options: { cohort: { type: 'string' }, wait: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    },
    USAGE,
    io,
  );
  if (!parsed) return 2;
  const [subcommand, ...rest] = parsed.positionals;
  if (parsed.values.help || subcommand === 'help') {
    io.out(USAGE);
    return 0;
  }
  const problem = callProblem(io, {
    action: { given: subcommand, known: ['create-group', 'failed'] },
    extra: rest,
    missing: subcommand === 'create-group' && !parsed.values.cohort?.trim() ? ['--cohort'] : [],
  });
  if (problem) return refuseCall(io, problem, USAGE);
  if (subcommand === 'failed') {
    const config = env.config ?? loadConfig();
    const store = env.store ?? (await openCliStore(config, io, { dryRun: false }));
    if (!store) return 1;
    try {
      return await listFailed(store, io);
    } finally {
      if (!env.store) await store.close();
    }
  }
  const code = parsed.values.cohort?.trim().toUpperCase();
  const waitSeconds = parsed.values.wait === undefined ? 60 : Number(parsed.values.wait);
  if (!code || !Number.isFinite(waitSeconds) || waitSeconds < 0)
    return refuseCall(io, tr(io, 'cli_usage.bad_wait'), USAGE);
  const config = env.config ?? loadConfig();
  const store = env.store ?? (await openCliStore(config, io, { dryRun: false }));
  if (!store) return 1;
  try {
    return await createGroup(store, config, io, code, waitSeconds * 1000, env.pollMs ?? 1000);
  } finally {
    if (!env.store) await store.close();
  }
}

async function createGroup(
  store: Store,
  config: Config,
  io: Output,
  code: string,
  waitMs: number,
  pollMs: number,
): Promise<number> {
  const repos = store.repositories;
  const cohort = await repos.cohorts.findByCode(code);
  if (!cohort) {
    io.err(`${tr(io, 'cli_text.w_no_cohort', { code })}\n`);
    return 1;
  }
  const existing = cohort.groups.find((g) => g.channel === 'whatsapp');
  if (existing) {
    io.out(
      `${tr(io, 'cli_text.w_has_group', { code })}${existing.inviteLink ? tr(io, 'cli_text.w_invite_link', { link: existing.inviteLink }) : ''}\n`,
    );
    return 0;
  }
  if (!config.whatsapp.enabled) {
    io.err(`${tr(io, 'cli_text.w_disabled')}\n`);
  }
  const db = store.connection.db;
  if (!db) throw new Error('store connection has no database handle');
  // Only to store the job: this process never runs jobs.
  const scheduler = createScheduler({ db, logger: createLogger({ level: 'silent' }) });
  await scheduler.agenda.ready;
  const requestId = randomUUID();
  await requestGroupCreation(createChannelStorage({ db, agenda: scheduler.agenda }).requests, {
    cohortCode: code,
    requestId,
  });
  io.out(`${tr(io, 'cli_text.w_requested', { code, title: cohort.title })}\n`);
  if (waitMs === 0) return 0;

  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    await sleep(pollMs);
    // The bot's clock may differ from this one: the answer is found by the request's id, not by time.
    const events = await repos.audit.list({ cohortId: cohort.id, limit: 500 });
    const mine = events.filter((e) => e.details?.request === requestId);
    const outcome = mine.find(
      (e) =>
        e.action === 'whatsapp.group_failed' ||
        e.action === 'whatsapp.group_created' ||
        e.action === 'whatsapp.group_exists',
    );
    if (!outcome) continue;
    const failed = outcome.action === 'whatsapp.group_failed' ? outcome : undefined;
    if (failed) {
      const reason = String(failed.details?.reason ?? '');
      io.err(
        `${reason === 'no_members' ? tr(io, 'cli_text.w_no_members') : tr(io, 'cli_text.w_refused', { reason, code })}\n`,
      );
      return 1;
    }
    const group = (await repos.cohorts.findById(cohort.id))?.groups.find((g) => g.channel === 'whatsapp');
    const pending = mine.filter((e) => e.action === 'whatsapp.invite_pending').length;
    const notAdded = mine.filter((e) => e.action === 'whatsapp.member_not_added').length;
    const noPhone = Number(outcome.details?.noPhone ?? 0);
    io.out(
      `${tr(io, outcome.action === 'whatsapp.group_exists' ? 'cli_text.w_existed' : 'cli_text.w_created')}` +
        `${group?.inviteLink ? tr(io, 'cli_text.w_link', { link: group.inviteLink }) : tr(io, 'cli_text.w_no_link')}\n`,
    );
    if (pending) io.out(`${tr(io, 'cli_text.w_pending', { count: pending })}\n`);
    if (notAdded) io.out(`${tr(io, 'cli_text.w_not_added', { count: notAdded })}\n`);
    if (noPhone) io.out(`${tr(io, 'cli_text.w_no_phone', { count: noPhone })}\n`);
    return 0;
  }
  io.out(`${tr(io, 'cli_text.w_no_answer', { code })}\n`);
  return 0;
}

export const whatsappCommand = {
  run: (args: string[], io: Output) => runWhatsappCommand(args, io),
};

async function listFailed(store: Store, io: Output): Promise<number> {
  const db = store.connection.db;
  if (!db) throw new Error('store connection has no database handle');
  const failed = await listFailedMessages(createOutboxRepository(db, 'whatsapp'), 500);
  if (failed.length === 0) {
    io.out(`${tr(io, 'cli_text.w_none_failed')}\n`);
    return 0;
  }
  io.out(`${tr(io, 'cli_text.w_failed_count', { count: failed.length })}\n`);
  for (const m of failed) {
    const to = m.group ? tr(io, 'cli_text.w_group', { id: m.chatId }) : `+${m.chatId.replace(/@.*$/, '')}`;
    const preview = m.text.replace(/\s+/g, ' ').slice(0, 100);
    const why = m.unconfirmed
      ? tr(io, 'cli_text.w_unconfirmed')
      : tr(io, 'cli_text.w_attempts', { attempts: m.attempts, error: m.error });
    io.out(`- ${m.createdAt.toISOString()} → ${to}, ${why}\n  «${preview}»\n`);
  }
  return 0;
}
