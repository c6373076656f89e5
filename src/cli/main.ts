// `npm run cli -- <command>`: staff tools. Each command is one module; this file only dispatches.
import { ConfigError, loadConfig, redactUri } from '../config.js';
import { cohortCommand } from './commands/cohort.js';
import { exportCommand } from './commands/export.js';
import { participantsCommand } from './commands/participants.js';
import { questionnaireCommand } from './commands/questionnaire.js';
import { whatsappCommand } from './commands/whatsapp.js';
import { reportCommand } from './commands/report.js';
import { sampleCommand } from './commands/sample.js';
import { scheduleCommand } from './commands/schedule.js';
import { stageCommand } from './commands/stage.js';
import { statsCommand } from './commands/stats.js';
import { storeCommand } from './commands/store.js';

interface Command {
  summary: string;
  run(args: string[]): Promise<number>;
}

const commands: Record<string, Command> = {
  cohort: cohortCommand,
  participants: participantsCommand,
  questionnaire: questionnaireCommand,
  whatsapp: whatsappCommand,
  export: exportCommand,
  stats: statsCommand,
  sample: sampleCommand,
  report: reportCommand,
  schedule: scheduleCommand,
  store: storeCommand,
  stage: stageCommand,
  config: {
    summary: 'show the effective configuration (secrets hidden) or the first error in it',
    async run() {
      const config = loadConfig();
      const shown = {
        ...config,
        store: { ...config.store, mongodbUri: config.store.mongodbUri ? redactUri(config.store.mongodbUri) : '(embedded store)' },
        telegram: { ...config.telegram, botToken: config.telegram.botToken ? '(set)' : '(not set)' },
        whatsapp: { ...config.whatsapp, qrToken: config.whatsapp.qrToken ? '(set)' : '(not set)' },
        api: { token: config.api.token ? '(set)' : '(not set)' },
      };
      process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      return 0;
    },
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(24)}${c.summary}`);
  return `Usage: npm run cli -- <command> [options]\n\nCommands:\n${lines.join('\n')}\n  help                    this list\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`unknown command: ${name}\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`sputnik: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
