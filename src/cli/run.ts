// The staff CLI's dispatch (src/cli/main.ts runs it): each command is one module; this file picks
// it, in the staff's language (Russian unless --lang says otherwise), and turns what goes wrong
// into one line.
import {
  cliLocale,
  ConfigError,
  describeConfigProblem,
  loadConfig,
  readEnvironment,
  redactUri,
  type ConfigProblem,
} from '../config.js';
import { LOCALES, type Locale } from '../domain/locale.js';
import { t, type MessageKey } from '../i18n/index.js';
import { commandHelp, refuseCall } from './args.js';
import { processOutput, type Output } from './output.js';

export interface Command {
  run(args: string[], io: Output): Promise<number>;
}

function showConfig(io: Output): number {
  const locale = io.locale ?? 'ru';
  const config = loadConfig();
  const set = (v: unknown) => t(locale, v ? 'cli.config_set' : 'cli.config_not_set');
  const shown = {
    ...config,
    store: {
      ...config.store,
      mongodbUri: config.store.mongodbUri ? redactUri(config.store.mongodbUri) : t(locale, 'cli.config_embedded'),
    },
    telegram: {
      ...config.telegram,
      botToken: set(config.telegram.botToken),
      webhook: config.telegram.webhook && { ...config.telegram.webhook, secret: set(config.telegram.webhook.secret) },
    },
    max: {
      ...config.max,
      botToken: set(config.max.botToken),
      webhook: config.max.webhook && { ...config.max.webhook, secret: set(config.max.webhook.secret) },
    },
    whatsapp: { ...config.whatsapp, qrToken: set(config.whatsapp.qrToken) },
    api: { token: set(config.api.token) },
  };
  io.out(`${t(locale, 'cli.config_header')}\n${JSON.stringify(shown, null, 2)}\n`);
  return 0;
}

/** A command whose modules load when it runs: `config` needs neither the store nor the importers. */
const lazy = (load: () => Promise<Command>): Command => ({ run: async (args, io) => (await load()).run(args, io) });

// Only the command being run is loaded: loading every command's modules cost each command about a
// second of CPU.
const commands: Record<string, Command> = {
  cohort: lazy(async () => (await import('./commands/cohort.js')).cohortCommand),
  participants: lazy(async () => (await import('./commands/participants.js')).participantsCommand),
  questionnaire: lazy(async () => (await import('./commands/questionnaire.js')).questionnaireCommand),
  content: lazy(async () => (await import('./commands/content.js')).contentCommand),
  whatsapp: lazy(async () => (await import('./commands/whatsapp.js')).whatsappCommand),
  export: lazy(async () => (await import('./commands/export.js')).exportCommand),
  stats: lazy(async () => (await import('./commands/stats.js')).statsCommand),
  sample: lazy(async () => (await import('./commands/sample.js')).sampleCommand),
  report: lazy(async () => (await import('./commands/report.js')).reportCommand),
  schedule: lazy(async () => (await import('./commands/schedule.js')).scheduleCommand),
  store: lazy(async () => (await import('./commands/store.js')).storeCommand),
  stage: lazy(async () => (await import('./commands/stage.js')).stageCommand),
  sandbox: lazy(async () => (await import('./commands/sandbox.js')).sandboxCommand),
  console: lazy(async () => (await import('./commands/console.js')).consoleCommand),
  config: {
    async run(args, io) {
      if (args.length === 0) return showConfig(io);
      const usage = commandHelp('config', io);
      if (args.length === 1 && ['help', '--help', '-h'].includes(args[0] ?? '')) {
        io.out(usage);
        return 0;
      }
      const locale = io.locale ?? 'ru';
      const option = args.find((a) => a.startsWith('-'));
      return refuseCall(
        io,
        option
          ? t(locale, 'cli.option_unknown', { option: option.replace(/=.*$/, '') })
          : t(locale, 'cli_usage.extra_args', { args: args.join(' ') }),
        usage,
      );
    },
  },
};

function usage(locale: Locale): string {
  const lines = Object.keys(commands).map(
    (name) => `  ${name.padEnd(24)}${t(locale, `cli.summary_${name}` as MessageKey)}`,
  );
  return `${t(locale, 'cli.usage')}\n\n${t(locale, 'cli.commands')}\n${lines.join('\n')}\n  ${'help'.padEnd(24)}${t(locale, 'cli.help_line')}\n`;
}

/** One wrong setting on one line; several under a heading, one a line. */
function configErrors(locale: Locale, problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => describeConfigProblem(locale, p));
  return lines.length === 1
    ? `sputnik: ${t(locale, 'cli.config_error', { detail: lines[0]! })}\n`
    : `sputnik: ${t(locale, 'cli.config_errors')}\n${lines.map((l) => `  ${l}\n`).join('')}`;
}

/** `--lang kk` or `--lang=kk` before the command. */
function takeLocale(argv: string[]): { locale: Locale | undefined; rest: string[]; bad: boolean } {
  const [first, second, ...after] = argv;
  const value = first === '--lang' ? second : first?.startsWith('--lang=') ? first.slice('--lang='.length) : undefined;
  if (value === undefined && first !== '--lang') return { locale: undefined, rest: argv, bad: false };
  const rest = first === '--lang' ? after : argv.slice(1);
  const known = (LOCALES as readonly string[]).includes(value ?? '');
  return { locale: known ? (value as Locale) : undefined, rest, bad: !known };
}

/** The CLI on `argv` (after `node main.js`): the exit code. `table`: the commands (tests give their own). */
export async function runCli(
  argv: string[],
  base: Output = processOutput,
  table: Record<string, Command> = commands,
): Promise<number> {
  const chosen = takeLocale(argv);
  // --lang wins; otherwise CLI_LANG (environment or .env); otherwise Russian.
  const setting = chosen.locale || chosen.bad ? undefined : cliLocale();
  const locale = chosen.locale ?? setting?.locale ?? 'ru';
  const io: Output = { ...base, locale };
  if (chosen.bad) {
    io.err(`${t(locale, 'cli.bad_lang')}\n`);
    return 2;
  }
  if (setting?.error) {
    // The setting that chooses the language is wrong: said in Russian, like a wrong --lang.
    io.err(configErrors(locale, [setting.error]));
    return 1;
  }
  const [name, ...args] = chosen.rest;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(usage(locale));
    return 0;
  }
  const command = Object.hasOwn(table, name) ? table[name] : undefined;
  if (!command) {
    io.err(`${t(locale, 'cli.unknown_command', { name })}\n\n${usage(locale)}`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(configErrors(locale, error.problems));
      return 1;
    }
    // Whatever else went wrong: one line for staff; the stack only for whoever debugs (LOG_LEVEL=debug).
    const detail = error instanceof Error ? error.message : String(error);
    io.err(`sputnik: ${t(locale, 'cli.unexpected', { detail })}\n`);
    if (['debug', 'trace'].includes(readEnvironment().LOG_LEVEL ?? '') && error instanceof Error && error.stack)
      io.err(`${error.stack}\n`);
    return 1;
  }
}
