// Why the file system refused, as a phrase of the staff's language: the CLI's files, a content file
// that cannot be read, a data folder the store cannot open. A rare code is shown as it is.
import { phrase, type Phrase } from './index.js';

const REASONS = {
  ENOENT: 'cli_text.f_why_missing',
  ENOTDIR: 'cli_text.f_why_not_dir',
  EISDIR: 'cli_text.f_why_is_dir',
  EEXIST: 'cli_text.f_why_not_dir',
  EACCES: 'cli_text.f_why_denied',
  EPERM: 'cli_text.f_why_denied',
  EROFS: 'cli_text.f_why_read_only',
  ENOSPC: 'cli_text.f_why_full',
  EDQUOT: 'cli_text.f_why_full',
} as const;

/** The reason of a Node file-system error (its code when it is a rare one), or undefined for another error. */
export function fileSystemPhrase(error: unknown): Phrase | string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return undefined;
  return Object.hasOwn(REASONS, code) ? phrase(REASONS[code as keyof typeof REASONS]) : code;
}
