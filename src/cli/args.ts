import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Locale } from '../domain/locale.js';
import { t } from '../i18n/index.js';
import type { Output } from './output.js';

/** Commands with a help text of their own in the catalogs (`cli_help.<name>`). */
export type CommandName =
  | 'cohort'
  | 'participants'
  | 'questionnaire'
  | 'content'
  | 'whatsapp'
  | 'export'
  | 'stats'
  | 'sample'
  | 'report'
  | 'schedule'
  | 'store'
  | 'stage'
  | 'config'
  | 'sandbox'
  | 'console';

/** A command's help in the staff's language; the monitoring commands add the shared filters. */
export function commandHelp(name: CommandName, io: Pick<Output, 'locale'>): string {
  const locale = io.locale ?? 'ru';
  if (name === 'sandbox') return `${t(locale, 'cli.sandbox_usage')}\n`;
  if (name === 'console') return t(locale, 'cli_usage.help_console');
  const filtered = name === 'export' || name === 'stats' || name === 'sample';
  return `${t(locale, `cli_help.${name}`)}${filtered ? t(locale, 'cli_help.filters') : ''}`;
}

/** node's parseArgs error in the staff's language: the option it names and what is wrong with it. */
export function optionErrorText(error: unknown, io: Pick<Output, 'locale'>): string {
  const locale = io.locale ?? 'ru';
  const { code, message } = error as { code?: string; message?: string };
  // "'-c, --cohort <value>'": the long name, as the help shows it.
  const named =
    /'([^']+)'/
      .exec(message ?? '')?.[1]
      ?.replace(/ <value>$/, '')
      .replace(/^-\w, /, '') ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return t(locale, 'cli.option_unknown', { option: named });
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      // `--size -3`: node takes -3 for an option and calls the value ambiguous.
      if (/argument is ambiguous/.test(message ?? '')) return t(locale, 'cli_usage.dash_value', { option: named });
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

/** «check или repair»: the actions a command knows, as staff type them. */
function actions(locale: Locale, known: readonly string[]): string {
  return known.length <= 1
    ? (known[0] ?? '')
    : `${known.slice(0, -1).join(', ')}${t(locale, 'cli_usage.or')}${known.at(-1)}`;
}

/**
 * What is wrong with how a command was called, or undefined when nothing is: the action missing or
 * unknown, required options not given, arguments it does not take. Printed before the usage, so
 * nobody is left to guess from the usage alone.
 */
export function callProblem(
  io: Pick<Output, 'locale'>,
  call: {
    action?: { given: string | undefined; known: readonly string[] };
    missing?: readonly string[];
    extra?: readonly string[];
  },
): string | undefined {
  const locale = io.locale ?? 'ru';
  const { action, missing = [], extra = [] } = call;
  if (action && action.given === undefined)
    return t(locale, 'cli_usage.no_action', { actions: actions(locale, action.known) });
  if (action?.given !== undefined && !action.known.includes(action.given))
    return t(locale, 'cli_usage.unknown_action', { name: action.given, actions: actions(locale, action.known) });
  if (extra.length > 0) return t(locale, 'cli_usage.extra_args', { args: extra.join(' ') });
  if (missing.length > 0)
    return t(locale, 'cli_usage.missing_option', { count: missing.length, options: missing.join(', ') });
  return undefined;
}

/** The problem, a blank line and the command's usage, on stderr; the exit code for a usage error. */
export function refuseCall(io: Output, problem: string, usage: string): 2 {
  io.err(`${problem}\n\n${usage}`);
  return 2;
}

/**
 * `<command> <action>` whose only options are text ones (and `--help`): parses, answers `--help`
 * and `help`, and refuses a missing or unknown action or extra arguments. Returns the action and
 * the options' values, or the exit code when the call ends here.
 */
export function parseActionCall(
  name: CommandName,
  args: string[],
  io: Output,
  known: readonly string[],
  options: Record<string, { type: 'string'; default?: string }> = {},
): { action: string; values: Record<string, string | undefined> } | number {
  const usage = commandHelp(name, io);
  const parsed = parseCommandArgs(
    { args, allowPositionals: true, options: { ...options, help: { type: 'boolean', short: 'h' } } },
    usage,
    io,
  );
  if (!parsed) return 2;
  const { help, ...values } = parsed.values as { help?: boolean } & Record<string, string | undefined>;
  const [action, ...rest] = parsed.positionals;
  if (help || action === 'help') {
    io.out(usage);
    return 0;
  }
  const problem = callProblem(io, { action: { given: action, known }, extra: rest });
  if (problem || action === undefined) return refuseCall(io, problem ?? '', usage);
  return { action, values };
}
