// `npm run cli -- questionnaire check [--dir DIR]`: validates every questionnaire file, for the
// methodologist after an edit and for CI. One line per error, then what was found.
import { LOCALES } from '../../domain/locale.js';
import { loadQuestionnaires, translationCoverage, type Questionnaire } from '../../questionnaires/index.js';

const USAGE = `Usage: npm run cli -- questionnaire check [--dir DIR]

  check     validate every questionnaire in DIR (default: questionnaires) and DIR/archive;
            prints one line per error and a summary; exits 1 if there is any error
`;

function languages(q: Questionnaire): string {
  const coverage = translationCoverage(q);
  return LOCALES.filter((l) => coverage[l].translated > 0)
    .map((l) => (coverage[l].translated === coverage[l].total ? l : `${l} ${Math.floor((100 * coverage[l].translated) / coverage[l].total)}%`))
    .join(', ');
}

function check(args: string[]): number {
  let dir = 'questionnaires';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--dir' && args[i + 1] !== undefined) dir = args[++i]!;
    else if (arg.startsWith('--dir=')) dir = arg.slice('--dir='.length);
    else {
      process.stderr.write(`questionnaire check: unexpected argument ${JSON.stringify(arg)}\n\n${USAGE}`);
      return 2;
    }
  }

  const { catalog, errors } = loadQuestionnaires(dir);
  for (const error of errors) process.stderr.write(`${error}\n`);

  const all = catalog.all();
  const latest = new Set(catalog.latest());
  const idWidth = Math.max(2, ...all.map((q) => q.id.length));
  for (const q of all) {
    const count = `${q.questions.length} question${q.questions.length === 1 ? '' : 's'}`;
    const state = latest.has(q) ? 'current ' : 'archived';
    process.stdout.write(`${q.id.padEnd(idWidth)}  v${String(q.version).padEnd(3)} ${state}  ${count.padEnd(13)}  ${languages(q).padEnd(22)}  ${q.source}\n`);
  }
  if (all.length === 0 && errors.length === 0) {
    process.stderr.write(`${dir}: no questionnaire files (*.yaml) found\n`);
    return 1;
  }
  const ids = new Set(all.map((q) => q.id)).size;
  process.stdout.write(
    `\n${ids} questionnaire${ids === 1 ? '' : 's'}, ${all.length} version${all.length === 1 ? '' : 's'}, ${errors.length} error${errors.length === 1 ? '' : 's'}\n`,
  );
  return errors.length > 0 ? 1 : 0;
}

export const questionnaireCommand = {
  summary: 'check the questionnaire files: questionnaire check [--dir DIR]',
  async run(args: string[]): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === 'check') return check(rest);
    if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
      process.stdout.write(USAGE);
      return sub === undefined ? 2 : 0;
    }
    process.stderr.write(`questionnaire: unknown subcommand ${JSON.stringify(sub)}\n\n${USAGE}`);
    return 2;
  },
};
