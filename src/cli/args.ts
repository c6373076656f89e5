import { parseArgs, type ParseArgsConfig } from 'node:util';
import { t } from '../i18n/index.js';
import type { Output } from './output.js';

/** Commands with a help text of their own in the catalogs (`cli_help.<name>`). */
export type CommandName =
  | 'cohort'
  | 'participants'
  | 'questionnaire'
  | 'whatsapp'
  | 'export'
  | 'stats'
  | 'sample'
  | 'report'
  | 'schedule'
  | 'store'
  | 'stage'
  | 'config';

/** A command's help in the staff's language; the monitoring commands add the shared filters. */
export function commandHelp(name: CommandName, io: Pick<Output, 'locale'>): string {
  const locale = io.locale ?? 'ru';
  const filtered = name === 'export' || name === 'stats' || name === 'sample';
  return `${t(locale, `cli_help.${name}`)}${filtered ? t(locale, 'cli_help.filters') : ''}`;
}

/** node's parseArgs error in the staff's language: the option it names and what is wrong with it. */
export function optionErrorText(error: unknown, io: Pick<Output, 'locale'>): string {
  const locale = io.locale ?? 'ru';
  const { code, message } = error as { code?: string; message?: string };
  const named = /'([^']+)'/.exec(message ?? '')?.[1]?.replace(/ <value>$/, '') ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return t(locale, 'cli.option_unknown', { option: named });
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(message ?? '')
        ? t(locale, 'cli.option_missing_value', { option: named })
        : t(locale, 'cli.option_no_value', { option: named });
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return t(locale, 'cli.option_unexpected', { value: named });
    default:
      return t(locale, 'cli.option_invalid', { detail: message ?? String(error) });
  }
}

/**
 * node's parseArgs for a CLI command: a mistyped option is answered with what is wrong, in the
 * staff's language, and the command's usage; the caller exits with 2 (undefined comes back).
 */
export function parseCommandArgs<T extends ParseArgsConfig>(
  config: T,
  usage: string,
  io: Output,
): ReturnType<typeof parseArgs<T>> | undefined {
  try {
    return parseArgs(config);
  } catch (error) {
    io.err(`${optionErrorText(error, io)}\n\n${usage}`);
    return undefined;
  }
}
