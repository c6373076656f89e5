// `npm run cli -- whatsapp create-group --cohort CODE`: asks the running bot to open the cohort's
// WhatsApp group. The CLI has no WhatsApp session (only one process can hold it), so the request is
// an Agenda job in the shared store; the bot's WhatsApp channel carries it out and records the
// outcome on the cohort (group and invite link) and in the audit log, which the CLI then reads.
import { parseCommandArgs } from '../args.js';
import { randomUUID } from 'node:crypto';
import { requestGroupCreation } from '../../channels/whatsapp/groups.js';
import { listFailedMessages } from '../../channels/whatsapp/outbox.js';
import type { Config } from '../../config.js';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { createScheduler } from '../../scheduler/agenda.js';
import type { Store } from '../../store/index.js';
import { openCliStore, processOutput, type Output } from './cohort.js';

const USAGE = `Использование: npm run cli -- whatsapp create-group --cohort КОД [--wait СЕКУНДЫ]
       npm run cli -- whatsapp failed
  failed: сообщения, которые WhatsApp так и не принял после всех попыток; они хранятся с текстом.
  Просит запущенного бота создать группу потока в WhatsApp: кураторы и тьюторы — участники,
  кураторы — администраторы; описание группы и ссылка-приглашение сохраняются в потоке. Тем, кого
  настройки приватности не дают добавить, бот отправит ссылку лично («приглашение ожидается»).
  --wait: сколько секунд ждать ответа бота (по умолчанию 60; 0 — только передать запрос).
`;

export interface WhatsappCommandEnv {
  config?: Config;
  /** An open store (tests); otherwise the CLI's own, closed at the end. */
  store?: Store;
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runWhatsappCommand(args: string[], io: Output = processOutput, env: WhatsappCommandEnv = {}): Promise<number> {
  const parsed = parseCommandArgs({ args, allowPositionals: true, options: { cohort: { type: 'string' }, wait: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }, USAGE, io);
  if (!parsed) return 2;
  const [subcommand, ...rest] = parsed.positionals;
  if (parsed.values.help || subcommand === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (subcommand === 'failed' && rest.length === 0) {
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
  if (subcommand !== 'create-group' || rest.length > 0 || !code || !Number.isFinite(waitSeconds) || waitSeconds < 0) {
    io.err(USAGE);
    return 2;
  }
  const config = env.config ?? loadConfig();
  const store = env.store ?? (await openCliStore(config, io, { dryRun: false }));
  if (!store) return 1;
  try {
    return await createGroup(store, config, io, code, waitSeconds * 1000, env.pollMs ?? 1000);
  } finally {
    if (!env.store) await store.close();
  }
}

async function createGroup(store: Store, config: Config, io: Output, code: string, waitMs: number, pollMs: number): Promise<number> {
  const repos = store.repositories;
  const cohort = await repos.cohorts.findByCode(code);
  if (!cohort) {
    io.err(`Поток с кодом ${code} не найден.\n`);
    return 1;
  }
  const existing = cohort.groups.find((g) => g.channel === 'whatsapp');
  if (existing) {
    io.out(`У потока ${code} уже есть группа в WhatsApp.${existing.inviteLink ? ` Ссылка-приглашение: ${existing.inviteLink}` : ''}\n`);
    return 0;
  }
  if (!config.whatsapp.enabled) {
    io.err('Внимание: WhatsApp в настройках выключен (WHATSAPP_ENABLED=false). Запрос выполнит бот, запущенный с WhatsApp.\n');
  }
  const db = store.connection.db;
  if (!db) throw new Error('store connection has no database handle');
  // Only to store the job: this process never runs jobs.
  const scheduler = createScheduler({ db, logger: createLogger({ level: 'silent' }) });
  await scheduler.agenda.ready;
  const requestId = randomUUID();
  await requestGroupCreation(scheduler.agenda, { cohortCode: code, requestId });
  io.out(`Запрос передан боту: создать группу WhatsApp для потока ${code} «${cohort.title}».\n`);
  if (waitMs === 0) return 0;

  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    await sleep(pollMs);
    // The bot's clock may differ from this one: the answer is found by the request's id, not by time.
    const events = await repos.audit.list({ cohortId: cohort.id, limit: 500 });
    const mine = events.filter((e) => e.details?.request === requestId);
    const outcome = mine.find((e) => e.action === 'whatsapp.group_failed' || e.action === 'whatsapp.group_created' || e.action === 'whatsapp.group_exists');
    if (!outcome) continue;
    const failed = outcome.action === 'whatsapp.group_failed' ? outcome : undefined;
    if (failed) {
      const reason = String(failed.details?.reason ?? '');
      io.err(
        reason === 'no_members'
          ? 'Группа не создана: ни у одного куратора или тьютора потока нет номера телефона. Добавьте номера в файл потока и импортируйте его снова.\n'
          : `Группа не создана: WhatsApp ответил «${reason}». Можно повторить позже или создать группу вручную и отправить в ней /bind ${code}.\n`,
      );
      return 1;
    }
    const group = (await repos.cohorts.findById(cohort.id))?.groups.find((g) => g.channel === 'whatsapp');
    const pending = mine.filter((e) => e.action === 'whatsapp.invite_pending').length;
    const notAdded = mine.filter((e) => e.action === 'whatsapp.member_not_added').length;
    const noPhone = Number(outcome.details?.noPhone ?? 0);
    io.out(
      `${outcome.action === 'whatsapp.group_exists' ? 'Группа уже была создана' : 'Группа создана'}` +
        `${group?.inviteLink ? `. Ссылка-приглашение: ${group.inviteLink}` : ', но ссылку-приглашение получить не удалось'}\n`,
    );
    if (pending) io.out(`Приглашение ожидается (настройки приватности; ссылка отправлена лично): ${pending}\n`);
    if (notAdded) io.out(`Не добавлены (номер не в WhatsApp или другая ошибка): ${notAdded}\n`);
    if (noPhone) io.out(`Без номера телефона, не добавлены: ${noPhone}\n`);
    return 0;
  }
  io.out(
    `Бот пока не ответил — вероятно, WhatsApp не подключён (см. /healthz). Запрос сохранён: группа будет создана, ` +
      `когда WhatsApp подключится. Проверить: npm run cli -- whatsapp create-group --cohort ${code}\n`,
  );
  return 0;
}

export const whatsappCommand = {
  run: (args: string[], io: Output) => runWhatsappCommand(args, io),
};

async function listFailed(store: Store, io: Output): Promise<number> {
  const db = store.connection.db;
  if (!db) throw new Error('store connection has no database handle');
  const failed = await listFailedMessages(db, 500);
  if (failed.length === 0) {
    io.out('Неотправленных сообщений WhatsApp нет.\n');
    return 0;
  }
  io.out(`Не отправлено сообщений WhatsApp: ${failed.length}\n`);
  for (const m of failed) {
    const to = m.group ? `группа ${m.chatId}` : `+${m.chatId.replace(/@.*$/, '')}`;
    const preview = m.text.replace(/\s+/g, ' ').slice(0, 100);
    io.out(`- ${m.createdAt.toISOString()} → ${to}, попыток: ${m.attempts}, ошибка: ${m.error}\n  «${preview}»\n`);
  }
  return 0;
}
