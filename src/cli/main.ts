// `npm run cli -- [--lang ru|kk|en] <command>`: staff tools. Each command is one module; this file
// only dispatches, in the staff's language (Russian unless --lang says otherwise).
import { cliLocale, ConfigError, loadConfig, redactUri } from '../config.js';
import { LOCALES, type Locale } from '../domain/locale.js';
import { t, type MessageKey } from '../i18n/index.js';
import { commandHelp } from './args.js';
import { processOutput, type Output } from './output.js';

interface Command {
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
    telegram: { ...config.telegram, botToken: set(config.telegram.botToken) },
    whatsapp: { ...config.whatsapp, qrToken: set(config.whatsapp.qrToken) },
    api: { token: set(config.api.token) },
  };
  io.out(`${t(locale, 'cli.config_header')}\n${JSON.stringify(shown, null, 2)}\n`);
  return 0;
}

const configCommand: Command = {
  async run(args, io) {
    if (args.length === 0) return showConfig(io);
    const help = args.length === 1 && ['help', '--help', '-h'].includes(args[0] ?? '');
    (help ? io.out : io.err)(commandHelp('config', io));
    return help ? 0 : 2;
  },
};

// Only the command being run is loaded: `config` needs neither the store nor the importers, and
// loading every command's modules cost each command about a second of CPU.
const commands: Record<string, () => Promise<Command>> = {
  cohort: async () => (await import('./commands/cohort.js')).cohortCommand,
  participants: async () => (await import('./commands/participants.js')).participantsCommand,
  questionnaire: async () => (await import('./commands/questionnaire.js')).questionnaireCommand,
  whatsapp: async () => (await import('./commands/whatsapp.js')).whatsappCommand,
  export: async () => (await import('./commands/export.js')).exportCommand,
  stats: async () => (await import('./commands/stats.js')).statsCommand,
  sample: async () => (await import('./commands/sample.js')).sampleCommand,
  report: async () => (await import('./commands/report.js')).reportCommand,
  schedule: async () => (await import('./commands/schedule.js')).scheduleCommand,
  store: async () => (await import('./commands/store.js')).storeCommand,
  stage: async () => (await import('./commands/stage.js')).stageCommand,
  sandbox: async () => (await import('./commands/sandbox.js')).sandboxCommand,
  console: async () => (await import('./commands/console.js')).consoleCommand,
  config: async () => configCommand,
};

function usage(locale: Locale): string {
  const lines = Object.keys(commands).map(
    (name) => `  ${name.padEnd(24)}${t(locale, `cli.summary_${name}` as MessageKey)}`,
  );
  return `${t(locale, 'cli.usage')}\n\n${t(locale, 'cli.commands')}\n${lines.join('\n')}\n  ${'help'.padEnd(24)}${t(locale, 'cli.help_line')}\n`;
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

/** `stats | head`: once the reader has gone, the rest of the output is dropped quietly. */
function quietOnBrokenPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

async function main(argv: string[], base: Output = processOutput): Promise<number> {
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
    io.err(`sputnik: ${t(locale, 'cli.config_error', { detail: t(locale, 'cli.bad_cli_lang') })}\n`);
    return 1;
  }
  const [name, ...args] = chosen.rest;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(usage(locale));
    return 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    io.err(`${t(locale, 'cli.unknown_command', { name })}\n\n${usage(locale)}`);
    return 2;
  }
  try {
    return await (await load()).run(args, io);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`sputnik: ${t(locale, 'cli.config_error', { detail: error.issues.join('; ') })}\n`);
      return 1;
    }
    throw error;
  }
}

quietOnBrokenPipe(process.stdout);
quietOnBrokenPipe(process.stderr);
process.exitCode = await main(process.argv.slice(2));
