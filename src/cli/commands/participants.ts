// `npm run cli -- participants import --cohort CODE FILE.csv`: enrolls teachers from a spreadsheet
// into an existing cohort; the whole file is refused if any row is wrong.
import { parseCommandArgs } from '../args.js';
import { loadConfig } from '../../config.js';
import { applyParticipants, tutorRefProblem, type ParticipantsImportOutcome } from '../../import/apply-participants.js';
import { defaultCountryFor, quote } from '../../import/fields.js';
import { parseParticipantsCsv, type ParticipantsCsv } from '../../import/participants-csv.js';
import {
  formatUpdates,
  openCliStore,
  printProblems,
  processOutput,
  readInputFile,
  reportWriteFailure,
  type Output,
} from './cohort.js';

const USAGE = `Использование: npm run cli -- participants import --cohort КОД ФАЙЛ.csv [--dry-run]
  Зачисляет слушателей из CSV (UTF-8 или Windows-1251, разделитель «;» или «,») в поток КОД.
  Образец: src/cli/samples/participants.sample.csv. --dry-run: только проверить файл.
`;

const ENCODING_NAMES: Record<ParticipantsCsv['encoding'], string> = { 'utf-8': 'UTF-8', 'utf-16': 'UTF-16', 'windows-1251': 'Windows-1251' };
const DELIMITER_NAMES: Record<ParticipantsCsv['delimiter'], string> = { ';': '«;»', ',': '«,»', '\t': 'табуляция' };

export function formatParticipantsReport(outcome: ParticipantsImportOutcome, csv: ParticipantsCsv): string {
  const { people, enrollments, dryRun } = outcome;
  const lines: string[] = [];
  if (dryRun) lines.push('Проверка (--dry-run): файл в порядке, ничего не записано. Импорт сделал бы вот что:');
  lines.push(
    `Поток ${outcome.cohortCode}: слушателей в файле ${people.total} (кодировка ${ENCODING_NAMES[csv.encoding]}, разделитель ${DELIMITER_NAMES[csv.delimiter]}).`,
    `Участники: новых ${people.created}, обновлено ${people.updated}, без изменений ${people.unchanged}.`,
    ...formatUpdates(outcome.updatedPeople),
    `Зачисление: новых в потоке ${enrollments.enrolled}, уже были в потоке ${enrollments.alreadyEnrolled}, назначен тьютор ${enrollments.tutorAssigned}.`,
  );
  if (!outcome.changed) lines.push('Повторный импорт: всё уже совпадает с файлом, ничего не изменено.');
  return `${lines.join('\n')}\n`;
}

export async function runParticipantsCommand(args: string[], io: Output = processOutput): Promise<number> {
  const parsed = parseCommandArgs({
      args,
      allowPositionals: true,
      options: { cohort: { type: 'string', short: 'c' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }, USAGE, io);
  if (!parsed) return 2;
  const [subcommand, file, ...rest] = parsed.positionals;
  if (parsed.values.help || subcommand === 'help') {
    io.out(USAGE);
    return 0;
  }
  const code = parsed.values.cohort?.trim();
  const problem =
    subcommand !== 'import'
      ? subcommand === undefined
        ? 'Укажите команду: participants import'
        : `Неизвестная команда ${quote(subcommand)}: есть только participants import`
      : file === undefined
        ? 'Укажите файл CSV со слушателями'
        : rest.length > 0
          ? `Лишние аргументы: ${rest.map(quote).join(', ')}`
          : !code
            ? 'Укажите поток: --cohort КОД'
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
      io.err(`Поток с кодом ${quote(code)} не найден. Проверьте код или сначала создайте поток: npm run cli -- cohort import ФАЙЛ.yaml\n`);
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
      printProblems(io, `Файл ${file} не принят, никто не импортирован:`, csv.error);
      return 1;
    }
    if (csv.value.ignoredColumns.length > 0) {
      io.out(`Столбцы не импортируются (неизвестный заголовок): ${csv.value.ignoredColumns.map(quote).join(', ')}\n`);
    }
    return await reportWriteFailure(io, async () => {
      const result = await applyParticipants(store.repositories, cohort, csv.value.rows, { now: new Date(), dryRun });
      if (!result.ok) {
        printProblems(io, `Файл ${file} расходится с данными в базе, никто не импортирован:`, result.error);
        return 1;
      }
      io.out(formatParticipantsReport(result.value, csv.value));
      return 0;
    });
  } finally {
    await store.close();
  }
}

export const participantsCommand = {
  run: (args: string[], io: Output) => runParticipantsCommand(args, io),
};
