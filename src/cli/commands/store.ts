// `npm run cli -- store check|repair`: the embedded store's journal. `check` reads it and says
// whether it is whole; `repair` keeps a copy of a damaged journal and rewrites it from every intact
// record. Both refuse while a Sputnik process holds the data directory.
import { t, type MessageKey } from '../../i18n/index.js';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, type Config } from '../../config.js';
import {
  DirLock,
  JOURNAL_FILE,
  lockHolder,
  repairJournal,
  scanAll,
  type Damage,
} from '../../store/embedded/journal.js';
import { parseActionCall } from '../args.js';
import { processOutput, type Output } from './cohort.js';
import { storeFailureReason } from '../store-failure.js';

const records = (n: number, io: Output) => t(io.locale ?? 'ru', 'cli_text.s_records', { count: n });
/** One line for the staff in their language. */
const say = (io: Output, key: MessageKey, params?: Record<string, string | number>) =>
  `${t(io.locale ?? 'ru', key, params)}\n`;

function describeDamage(d: Damage, io: Output): string {
  const locale = io.locale ?? 'ru';
  return t(locale, 'cli_text.s_damage', {
    offset: d.offset,
    bytes: t(locale, 'cli_text.s_bytes', { count: d.bytes }),
    reason: d.reason,
  });
}

/** The journal's directory, or a line saying why there is none to look at. */
function journalDir(config: Config, io: Output): string | undefined {
  if (config.store.mongodbUri !== undefined) {
    io.err(say(io, 'cli_text.s_mongodb'));
    return undefined;
  }
  if (config.store.embeddedDataDir === undefined) {
    io.err(say(io, 'cli_text.s_not_persisted'));
    return undefined;
  }
  const dir = resolve(config.store.embeddedDataDir);
  if (!existsSync(join(dir, JOURNAL_FILE))) {
    io.err(say(io, 'cli_text.s_no_journal', { dir, file: JOURNAL_FILE }));
    return undefined;
  }
  return dir;
}

function check(dir: string, io: Output): number {
  const file = join(dir, JOURNAL_FILE);
  const scan = scanAll(readFileSync(file));
  if (scan.damage.length === 0) {
    io.out(say(io, 'cli_text.s_whole', { file, records: records(scan.payloads.length, io) }));
    return 0;
  }
  const onlyTail = scan.damage.length === 1 && scan.tail !== undefined;
  io.out(say(io, 'cli_text.s_damaged', { file, count: scan.payloads.length }));
  io.out(`${scan.damage.map((d) => describeDamage(d, io)).join('\n')}\n`);
  io.out(say(io, onlyTail ? 'cli_text.s_torn_tail' : 'cli_text.s_run_repair'));
  return 1;
}

function repair(dir: string, io: Output): number {
  let lock: DirLock;
  try {
    lock = DirLock.acquire(dir);
  } catch (error) {
    const pid = lockHolder(dir);
    io.err(
      pid === undefined
        ? say(io, 'cli_text.s_lock_failed', { dir, reason: storeFailureReason(error, io.locale ?? 'ru').reason })
        : say(io, 'cli_text.s_in_use', { dir, pid }),
    );
    return 1;
  }
  try {
    const result = repairJournal(dir);
    if (!result.backup) {
      io.out(say(io, 'cli_text.s_nothing_to_repair', { file: result.file, records: records(result.records, io) }));
      return 0;
    }
    io.out(say(io, 'cli_text.s_repaired', { file: result.file, records: records(result.records, io) }));
    io.out(`${say(io, 'cli_text.s_skipped')}${result.damage.map((d) => describeDamage(d, io)).join('\n')}\n`);
    io.out(`${say(io, 'cli_text.s_backup', { file: result.backup })}${say(io, 'cli_text.s_can_start')}`);
    return 0;
  } catch (error) {
    io.err(say(io, 'cli_text.s_repair_failed', { reason: storeFailureReason(error, io.locale ?? 'ru').reason }));
    return 1;
  } finally {
    lock.release();
  }
}

export async function runStoreCommand(args: string[], io: Output = processOutput, config?: Config): Promise<number> {
  const call = parseActionCall('store', args, io, ['check', 'repair']);
  if (typeof call === 'number') return call;
  const dir = journalDir(config ?? loadConfig(), io);
  if (!dir) return 1;
  return call.action === 'check' ? check(dir, io) : repair(dir, io);
}

export const storeCommand = {
  run: (args: string[], io: Output) => runStoreCommand(args, io),
};
