// `npm run cli -- participants import --cohort CODE FILE.csv`: enrolls teachers from a spreadsheet
// into an existing cohort; the whole file is refused if any row is wrong.
import { t, type MessageKey } from '../../i18n/index.js';
import { parseCommandArgs, commandHelp } from '../args.js';
import { loadConfig } from '../../config.js';
import { applyParticipants, tutorRefProblem, type ParticipantsImportOutcome } from '../../import/apply-participants.js';
import { defaultCountryFor, quote } from '../../import/fields.js';
import { parseParticipantsCsv, type ParticipantsCsv } from '../../import/participants-csv.js';
import type { Locale } from '../../domain/locale.js';
import {
  openCliStore,
  peopleLines,
  printProblems,
  processOutput,
  readInputFile,
  reportWriteFailure,
  type Output,
} from './cohort.js';

const ENCODING_NAMES: Record<ParticipantsCsv['encoding'], string> = {
  'utf-8': 'UTF-8',
  'utf-16': 'UTF-16',
  'windows-1251': 'Windows-1251',
};
const delimiterName = (delimiter: ParticipantsCsv['delimiter'], locale: Locale) =>
  delimiter === '\t' ? t(locale, 'cli_text.ci_tab') : `«${delimiter}»`;

export function formatParticipantsReport(
  outcome: ParticipantsImportOutcome,
  csv: ParticipantsCsv,
  locale: Locale = 'ru',
): string {
  const lines: string[] = [];
  if (outcome.dryRun) lines.push(t(locale, 'cli_text.ci_dry_run'));
  lines.push(
    t(locale, 'cli_text.ci_participants', {
      code: outcome.cohortCode,
      total: outcome.people.total,
      encoding: ENCODING_NAMES[csv.encoding],
      delimiter: delimiterName(csv.delimiter, locale),
    }),
    ...peopleLines(outcome, locale),
  );
  if (outcome.withoutTutor) lines.push(t(locale, 'cli_text.ci_without_tutor', { count: outcome.withoutTutor }));
  if (!outcome.changed) lines.push(t(locale, 'cli_text.ci_nothing_changed'));
  return `${lines.join('\n')}\n`;
}

export async function runParticipantsCommand(args: string[], io: Output = processOutput): Promise<number> {
  const USAGE = commandHelp('participants', io);
  const parsed = parseCommandArgs(
    {
      args,
      allowPositionals: true,
      options: {
        cohort: { type: 'string', short: 'c' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
    io,
  );
  if (!parsed) return 2;
  const [subcommand, file, ...rest] = parsed.positionals;
  if (parsed.values.help || subcommand === 'help') {
    io.out(USAGE);
    return 0;
  }
  const code = parsed.values.cohort?.trim();
  const say = (key: MessageKey, params?: Record<string, string | number>) => t(io.locale ?? 'ru', key, params);
  const problem =
    subcommand !== 'import'
      ? subcommand === undefined
        ? say('cli_text.p_no_sub')
        : say('cli_text.p_bad_sub', { name: quote(subcommand) })
      : file === undefined
        ? say('cli_text.p_no_file')
        : rest.length > 0
          ? say('cli_text.p_extra', { args: rest.map(quote).join(', ') })
          : !code
            ? say('cli_text.p_no_cohort_option')
            : undefined;
  if (problem || file === undefined || !code) {
    io.err(`${problem ?? ''}\n\n${USAGE}`);
    return 2;
  }
  const dryRun = parsed.values['dry-run'] === true;
  const config = loadConfig();

  const bytes = await readInputFile(file, io);
  if (!bytes) return 1;

  const store = await openCliStore(config, io, { dryRun });
  if (!store) return 1;
  try {
    const cohort = await store.repositories.cohorts.findByCode(code);
    if (!cohort) {
      io.err(`${say('cli_text.p_no_cohort', { code: quote(code) })}\n`);
      return 1;
    }
    // Numbers written without +7 are read in the cohort's country. Tutors are checked with the rest
    // of the file, so every problem is reported in one pass.
    const tutors = await store.repositories.participants.findByIds(cohort.tutorIds);
    const csv = parseParticipantsCsv(bytes, {
      defaultCountry: defaultCountryFor(cohort.timeZone),
      tutorProblem: (ref) => tutorRefProblem(ref, tutors, cohort.code),
    });
    if (!csv.ok) {
      printProblems(io, say('cli_text.p_refused', { file }), csv.error);
      return 1;
    }
    if (csv.value.ignoredColumns.length > 0) {
      io.out(`${say('cli_text.p_ignored', { columns: csv.value.ignoredColumns.map(quote).join(', ') })}\n`);
    }
    return await reportWriteFailure(io, async () => {
      const result = await applyParticipants(store.repositories, cohort, csv.value.rows, { now: new Date(), dryRun });
      if (!result.ok) {
        printProblems(io, say('cli_text.p_conflict', { file }), result.error);
        return 1;
      }
      io.out(formatParticipantsReport(result.value, csv.value, io.locale ?? 'ru'));
      return 0;
    });
  } finally {
    await store.close();
  }
}

export const participantsCommand = {
  run: (args: string[], io: Output) => runParticipantsCommand(args, io),
};
