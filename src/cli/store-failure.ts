// Why the store could not be opened, in the staff's language: the embedded store's own errors (a
// data directory in use, a damaged journal), the file system's, and the MongoDB driver's commonest.
// Recognised by name and code, not by class, so the CLI does not load the store to word its failure.
import type { Locale } from '../domain/locale.js';
import { t } from '../i18n/index.js';
import { fileSystemReason } from './files.js';

interface Known {
  reason: string;
  /** Another process may hold the data directory: the CLI adds how to share it. */
  lockHint: boolean;
}

function errorChain(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let e = error; e instanceof Error && chain.length < 5; e = e.cause) chain.push(e);
  return chain;
}

function known(e: Error, locale: Locale): Known | undefined {
  const fields = e as Error & Record<string, unknown>;
  const say = (key: Parameters<typeof t>[1], params?: Parameters<typeof t>[2], lockHint = false) => ({
    reason: t(locale, key, params),
    lockHint,
  });
  if (e.name === 'DataDirInUseError')
    return say('store_open.in_use', { dir: String(fields.dir), pid: Number(fields.pid) });
  if (e.name === 'JournalDamagedError')
    return say('store_open.journal_damaged', {
      file: String(fields.file),
      offset: Number(fields.offset),
      count: Number(fields.recordsAfter),
    });
  const notJournal = /^(.+) is not an embedded-store journal/.exec(e.message);
  if (notJournal) return say('store_open.not_journal', { file: notJournal[1]! });
  const lock = /^could not lock data directory (.+)$/.exec(e.message);
  if (lock) return say('store_open.lock_failed', { dir: lock[1]! }, true);
  const reason = fileSystemReason(e, locale);
  if (reason !== undefined) {
    return typeof fields.path === 'string'
      ? say('store_open.file_system', { path: fields.path, reason })
      : { reason, lockHint: false };
  }
  if (fields.code === 11000 || /\bE11000\b/.test(e.message))
    return say('store_open.duplicate', { index: /index: (\S+)/.exec(e.message)?.[1] ?? '?' });
  if (fields.code === 18 || /Authentication failed/i.test(e.message)) return say('store_open.auth');
  if (/ECONNREFUSED/.test(e.message)) return say('store_open.refused');
  if (/ENOTFOUND|EAI_AGAIN/.test(e.message)) return say('store_open.no_host');
  if (/ETIMEDOUT|timed out/i.test(e.message)) return say('store_open.timeout');
  return undefined;
}

/** The reason in words where it is a known one; otherwise the first line of the error's own message. */
export function storeFailureReason(error: unknown, locale: Locale): Known {
  const chain = errorChain(error);
  for (const e of chain) {
    const found = known(e, locale);
    if (found) return found;
  }
  const innermost = chain[chain.length - 1];
  const message = innermost ? innermost.message : String(error);
  return { reason: (message.split('\n')[0] ?? '').slice(0, 200), lockHint: true };
}
