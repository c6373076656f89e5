// `npm run cli -- cohort import FILE`: creates or updates a cohort from a YAML or JSON file and
// prints its code and join links. Also the CLI glue both import commands share.
import { parseCommandArgs } from '../args.js';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Config } from '../../config.js';
import { loadConfig, redactUri, userCwd } from '../../config.js';
import type { Locale } from '../../domain/locale.js';
import { t } from '../../i18n/index.js';
import { createLogger } from '../../logger.js';
import type { Store } from '../../store/index.js';
import { applyCohortFile, type CohortField, type CohortImportOutcome, type RecordAction } from '../../import/apply-cohort.js';
import { parseCohortFile } from '../../import/cohort-file.js';
import { fileURLToPath } from 'node:url';
import { loadContent } from '../../engine/index.js';
import { decodeText } from '../../import/csv.js';
import { formatProblem, type ImportProblem } from '../../import/fields.js';
import { buildJoinLinks, type JoinLink } from '../../import/join-links.js';
import { ImportWriteError, type PersonUpdate } from '../../import/resolve-people.js';

export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** The staff's language (`--lang`); Russian when not chosen. */
  locale?: Locale;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Relative paths the user types are relative to where they stand, not to the repository. */
export function userPath(path: string): string {
  return resolve(userCwd(), path);
}

export async function readInputFile(path: string, io: Output): Promise<Uint8Array | undefined> {
  try {
    return await readFile(userPath(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.err(
      code === 'ENOENT'
        ? `Файл не найден: ${path}\n`
        : code === 'EISDIR'
          ? `${path} — это папка, а нужен файл\n`
          : `Не удалось прочитать файл ${path}: ${(error as Error).message}\n`,
    );
    return undefined;
  }
}

export function printProblems(io: Output, header: string, problems: readonly ImportProblem[]): void {
  io.err(`${header}\n${problems.map((p) => `  ${formatProblem(p)}\n`).join('')}`);
}

/**
 * Opens the store for one command. The CLI prints its own Russian messages, so the store's JSON
 * log lines are kept to errors unless LOG_LEVEL asks for debugging. Returns undefined (after
 * saying why) when the store cannot be used for an import.
 */
export async function openCliStore(config: Config, io: Output, options: { dryRun: boolean }): Promise<Store | undefined> {
  if (!options.dryRun && config.store.mongodbUri === undefined && config.store.embeddedDataDir === undefined) {
    io.err(
      'Импорт не выполнен: встроенное хранилище запущено без сохранения на диск (EMBEDDED_STORE_PERSIST=false), ' +
        'и всё записанное пропало бы при выходе. Задайте MONGODB_URI или EMBEDDED_STORE_PERSIST=true.\n',
    );
    return undefined;
  }
  const level = config.logLevel === 'debug' || config.logLevel === 'trace' ? config.logLevel : 'error';
  const logger = createLogger({ level }, process.stderr);
  const locale = io.locale ?? 'ru';
  try {
    // Loaded on demand: `cli help` and `cli config` should not pay for mongoose and the server.
    const { openStore } = await import('../../store/index.js');
    // A person is waiting: an unreachable server is reported after a few seconds, not after the driver's 30.
    return await openStore({ config: config.store, logger, attachToRunning: true, serverSelectionTimeoutMs: 5_000 });
  } catch (error) {
    const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error) : (error as Error);
    const reason = (cause.message.split('\n')[0] ?? '').slice(0, 200);
    if (config.store.mongodbUri !== undefined) {
      io.err(`${t(locale, 'cli.store_unreachable', { uri: redactUri(config.store.mongodbUri), reason })}\n`);
      return undefined;
    }
    const hint = `\nВстроенное хранилище в ${config.dataDir} может открыть только один процесс: если бот запущен с этим DATA_DIR, остановите его или используйте MONGODB_URI.`;
    io.err(`${t(locale, 'cli.store_failed', { reason })}${hint}\n`);
    return undefined;
  }
}

/** Runs the write part; a write that fails half-way is reported, and re-running is safe. */
export async function reportWriteFailure(io: Output, action: () => Promise<number>): Promise<number> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof ImportWriteError) {
      io.err(`Импорт прерван: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

const ACTION_WORDS: Record<RecordAction, Record<'m' | 'f', [done: string, planned: string]>> = {
  create: { m: ['создан', 'будет создан'], f: ['создана', 'будет создана'] },
  update: { m: ['обновлён', 'будет обновлён'], f: ['обновлена', 'будет обновлена'] },
  unchanged: { m: ['без изменений', 'без изменений'], f: ['без изменений', 'без изменений'] },
};

export function actionWord(action: RecordAction, dryRun: boolean, gender: 'm' | 'f'): string {
  return ACTION_WORDS[action][gender][dryRun ? 1 : 0];
}

const CONTENT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The support models and questionnaires a cohort file may name (flows/models/, questionnaires/). */
function supportModels() {
  const { content } = loadContent(CONTENT_ROOT);
  return { models: content.models, questionnaireExists: (id: string) => content.questionnaires.get(id) !== undefined };
}

const FIELD_NAMES: Record<CohortField, string> = {
  programme: 'программа',
  title: 'название',
  courseStart: 'дата начала',
  courseEnd: 'дата окончания',
  timeZone: 'часовой пояс',
  locale: 'язык',
  curators: 'кураторы',
  tutors: 'тьюторы',
  stagePlan: 'модель и план этапов',
};

const PROFILE_FIELD_NAMES: Record<PersonUpdate['fields'][number], string> = {
  fullName: 'ФИО',
  phone: 'телефон',
  telegramUsername: 'Telegram',
  organisation: 'организация',
  region: 'регион',
  district: 'район / город',
  settlementType: 'тип населённого пункта',
  position: 'должность',
  subject: 'предмет',
  locale: 'язык',
};

const MAX_LISTED_UPDATES = 20;

/** "  строка 3, Иванова Наталья: должность, предмет" for each changed person (the first 20). */
export function formatUpdates(updates: readonly PersonUpdate[]): string[] {
  const lines = updates
    .slice(0, MAX_LISTED_UPDATES)
    .map((u) => `  ${u.source}, ${u.fullName}: ${u.fields.map((f) => PROFILE_FIELD_NAMES[f]).join(', ')}`);
  if (updates.length > MAX_LISTED_UPDATES) lines.push(`  … и ещё ${updates.length - MAX_LISTED_UPDATES}`);
  return lines;
}

function linkLine(channel: string, link: JoinLink, hint: string): string {
  return link.ok ? `${channel}: ${link.url}` : `${channel}: ссылка не построена — задайте ${link.missing} (${hint})`;
}

export function formatCohortReport(outcome: CohortImportOutcome, config: Config): string {
  const { cohort, programme, people, enrollments, dryRun } = outcome;
  const lines: string[] = [];
  if (dryRun) lines.push('Проверка (--dry-run): файл в порядке, ничего не записано. Импорт сделал бы вот что:');
  const changed = cohort.changedFields.map((f) => FIELD_NAMES[f]).join(', ');
  lines.push(
    `Поток ${cohort.code} «${cohort.title}» ${actionWord(cohort.action, dryRun, 'm')}${cohort.action === 'update' ? ` (${changed})` : ''}.`,
    `Программа ${programme.code}: ${actionWord(programme.action, dryRun, 'f')}.`,
    `Кураторов: ${outcome.curators}, тьюторов: ${outcome.tutors}, слушателей: ${outcome.teachers}.`,
    `Участники: новых ${people.created}, обновлено ${people.updated}, без изменений ${people.unchanged}.`,
    ...formatUpdates(outcome.updatedPeople),
    `Зачисление: новых в потоке ${enrollments.enrolled}, уже были в потоке ${enrollments.alreadyEnrolled}, назначен тьютор ${enrollments.tutorAssigned}.`,
  );
  if (!outcome.changed) lines.push('Повторный импорт: всё уже совпадает с файлом, ничего не изменено.');
  const links = buildJoinLinks({
    code: cohort.code,
    telegramBotUsername: config.telegram.botUsername,
    whatsappPhone: config.whatsapp.phone,
    maxBotUsername: config.max.botUsername,
  });
  lines.push(
    '',
    `Код потока: ${cohort.code}`,
    linkLine('Telegram', links.telegram, 'имя бота, например sputnik_bot'),
    linkLine('WhatsApp', links.whatsapp, 'номер WhatsApp бота, например +77015550000'),
    // Only where Max is in use: a centre without it is not asked for its settings.
    ...(config.max.botToken || config.max.botUsername ? [linkLine('Max', links.max, 'ник бота, например sputnik_bot')] : []),
  );
  if (cohort.codeDerived) {
    lines.push(
      '',
      `Код составлен из кода программы, названия и даты начала потока; если их поправить, код станет другим. ` +
        `Чтобы закрепить его, впишите в файл: cohort.code: ${cohort.code}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const USAGE = `Использование: npm run cli -- cohort import ФАЙЛ.yaml|ФАЙЛ.json [--dry-run]
  Создаёт или обновляет поток по файлу (образец: src/cli/samples/cohort.sample.yaml)
  и печатает код потока и ссылки для слушателей. --dry-run: только проверить файл.
`;

export async function runCohortCommand(args: string[], io: Output = processOutput): Promise<number> {
  const parsed = parseCommandArgs({ args, allowPositionals: true, options: { 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }, USAGE, io);
  if (!parsed) return 2;
  const [subcommand, file, ...rest] = parsed.positionals;
  if (parsed.values.help || subcommand === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (subcommand !== 'import' || file === undefined || rest.length > 0) {
    io.err(USAGE);
    return 2;
  }
  const dryRun = parsed.values['dry-run'] === true;
  const config = loadConfig();

  const bytes = await readInputFile(file, io);
  if (!bytes) return 1;
  const parsedFile = parseCohortFile(decodeText(bytes).text, basename(file), {
    timeZone: config.defaultTimeZone,
    locale: config.defaultLocale,
    ...supportModels(),
  });
  if (!parsedFile.ok) {
    printProblems(io, `Файл ${file} не принят, ничего не записано:`, parsedFile.error);
    return 1;
  }

  const store = await openCliStore(config, io, { dryRun });
  if (!store) return 1;
  try {
    return await reportWriteFailure(io, async () => {
      const result = await applyCohortFile(store.repositories, parsedFile.value, { now: new Date(), dryRun });
      if (!result.ok) {
        printProblems(io, `Файл ${file} расходится с данными в базе, ничего не записано:`, result.error);
        return 1;
      }
      io.out(formatCohortReport(result.value, config));
      return 0;
    });
  } finally {
    await store.close();
  }
}

export const cohortCommand = {
  run: (args: string[], io: Output) => runCohortCommand(args, io),
};
