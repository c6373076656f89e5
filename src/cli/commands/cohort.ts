// `npm run cli -- cohort import FILE`: creates or updates a cohort from a YAML or JSON file and
// prints its code and join links. Also the CLI glue both import commands share.
import { callProblem, commandHelp, parseCommandArgs, refuseCall } from '../args.js';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Config } from '../../config.js';
import { loadConfig, redactUri, userCwd } from '../../config.js';
import type { Locale } from '../../domain/locale.js';
import { t, word, type MessageKey } from '../../i18n/index.js';
import { createLogger } from '../../logger.js';
import type { Store } from '../../store/index.js';
import {
  applyCohortFile,
  type CohortField,
  type CohortImportOutcome,
  type RecordAction,
} from '../../import/apply-cohort.js';
import { parseCohortFile } from '../../import/cohort-file.js';
import { fileSystemReason } from '../files.js';
import { storeFailureReason } from '../store-failure.js';
import { fileURLToPath } from 'node:url';
import { loadContent } from '../../engine/index.js';
import { wordProblem } from '../../questionnaires/index.js';
import { buildId } from '../../version.js';
import { decodeText } from '../../import/csv.js';
import { problemText, type ImportProblem } from '../../import/fields.js';
import { buildJoinLinks, type JoinLink } from '../../import/join-links.js';
import { ImportWriteError, type PersonUpdate } from '../../import/resolve-people.js';
import { processOutput, type Output } from '../output.js';

// Kept here too for the commands that import them from this module.
export { processOutput, type Output } from '../output.js';

/** Relative paths the user types are relative to where they stand, not to the repository. */
export function userPath(path: string): string {
  return resolve(userCwd(), path);
}

export async function readInputFile(path: string, io: Output): Promise<Uint8Array | undefined> {
  try {
    return await readFile(userPath(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const locale = io.locale ?? 'ru';
    io.err(
      `${
        code === 'ENOENT'
          ? t(locale, 'cli_text.f_not_found', { path })
          : code === 'EISDIR'
            ? t(locale, 'cli_text.f_is_dir', { path })
            : t(locale, 'cli_text.f_unreadable', {
                path,
                reason: fileSystemReason(error, locale) ?? (error as Error).message,
              })
      }\n`,
    );
    return undefined;
  }
}

export function printProblems(io: Output, header: string, problems: readonly ImportProblem[]): void {
  const text = problemText(io.locale ?? 'ru');
  io.err(`${header}\n${problems.map((p) => `  ${text(p)}\n`).join('')}`);
}

/**
 * Opens the store for one command. The CLI prints its own Russian messages, so the store's JSON
 * log lines are kept to errors unless LOG_LEVEL asks for debugging. Returns undefined (after
 * saying why) when the store cannot be used for an import.
 */
export async function openCliStore(
  config: Config,
  io: Output,
  options: { dryRun: boolean },
): Promise<Store | undefined> {
  if (!options.dryRun && config.store.mongodbUri === undefined && config.store.embeddedDataDir === undefined) {
    io.err(`${t(io.locale ?? 'ru', 'cli_text.i_not_persisted')}\n`);
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
    const { reason, lockHint } = storeFailureReason(error, locale);
    if (config.store.mongodbUri !== undefined) {
      io.err(`${t(locale, 'cli.store_unreachable', { uri: redactUri(config.store.mongodbUri), reason })}\n`);
      return undefined;
    }
    const hint = lockHint ? `\n${t(locale, 'cli_text.i_store_hint', { dir: config.dataDir })}` : '';
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
      const locale = io.locale ?? 'ru';
      io.err(`${t(locale, 'cli_text.i_interrupted', { reason: word(locale, error.reason) })}\n`);
      return 1;
    }
    throw error;
  }
}

/** "создан", "будет обновлена"...: Russian agrees with the record's gender (поток m, программа f). */
export function actionWord(action: RecordAction, dryRun: boolean, gender: 'm' | 'f', locale: Locale = 'ru'): string {
  if (action === 'unchanged') return t(locale, 'cli_text.ci_act_unchanged');
  return t(locale, `cli_text.ci_act_${action}_${gender}${dryRun ? '_dry' : ''}`);
}

const CONTENT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The support models and questionnaires a cohort file may name (flows/models/, questionnaires/). A
 * broken model file is left out, so its problems are said first: otherwise the import would only
 * say that the model does not exist.
 */
function supportModels(config: Config, io: Output) {
  const { content, errors } = loadContent(CONTENT_ROOT, { dir: config.contentCacheDir, buildId: buildId() });
  const locale = io.locale ?? 'ru';
  for (const e of errors) io.err(`${t(locale, 'cli.warning', { detail: wordProblem(locale, e) })}\n`);
  return { models: content.models, questionnaireExists: (id: string) => content.questionnaires.get(id) !== undefined };
}

const fieldName = (field: CohortField | PersonUpdate['fields'][number], locale: Locale) =>
  t(locale, `cli_text.ci_field_${field}`);

const MAX_LISTED_UPDATES = 20;

/** "  строка 3, Иванова Наталья: должность, предмет" for each changed person (the first 20). */
export function formatUpdates(updates: readonly PersonUpdate[], locale: Locale = 'ru'): string[] {
  const lines = updates
    .slice(0, MAX_LISTED_UPDATES)
    .map((u) => `  ${word(locale, u.source)}, ${u.fullName}: ${u.fields.map((f) => fieldName(f, locale)).join(', ')}`);
  if (updates.length > MAX_LISTED_UPDATES)
    lines.push(t(locale, 'cli_text.ci_more', { count: updates.length - MAX_LISTED_UPDATES }));
  return lines;
}

function linkLine(channel: string, link: JoinLink, hint: string, locale: Locale): string {
  return link.ok
    ? `${channel}: ${link.url}`
    : t(locale, 'cli_text.ci_no_link', { channel, setting: link.missing, hint });
}

/** The lines every import summary shares: people, their changes, enrolment, "nothing changed". */
export function peopleLines(
  outcome: Pick<CohortImportOutcome, 'people' | 'enrollments' | 'updatedPeople'>,
  locale: Locale,
): string[] {
  const { people, enrollments } = outcome;
  return [
    t(locale, 'cli_text.ci_people', { created: people.created, updated: people.updated, unchanged: people.unchanged }),
    ...formatUpdates(outcome.updatedPeople, locale),
    t(locale, 'cli_text.ci_enrolment', {
      enrolled: enrollments.enrolled,
      already: enrollments.alreadyEnrolled,
      tutors: enrollments.tutorAssigned,
    }),
  ];
}

export function formatCohortReport(outcome: CohortImportOutcome, config: Config, locale: Locale = 'ru'): string {
  const { cohort, programme, dryRun } = outcome;
  const tr = (key: MessageKey, params?: Record<string, string | number>) => t(locale, key, params);
  const lines: string[] = [];
  if (dryRun) lines.push(tr('cli_text.ci_dry_run'));
  const action = actionWord(cohort.action, dryRun, 'm', locale);
  const changed = cohort.changedFields.map((f) => fieldName(f, locale)).join(', ');
  lines.push(
    tr('cli_text.ci_cohort', {
      code: cohort.code,
      title: cohort.title,
      action: cohort.action === 'update' ? tr('cli_text.ci_changed', { action, fields: changed }) : action,
    }),
    tr('cli_text.ci_programme', { code: programme.code, action: actionWord(programme.action, dryRun, 'f', locale) }),
    tr('cli_text.ci_roles', { curators: outcome.curators, tutors: outcome.tutors, teachers: outcome.teachers }),
    ...peopleLines(outcome, locale),
  );
  if (outcome.keptPlan.length > 0) lines.push(tr('cli_text.ci_kept_plan', { codes: outcome.keptPlan.join(', ') }));
  if (!outcome.changed) lines.push(tr('cli_text.ci_nothing_changed'));
  const links = buildJoinLinks({
    code: cohort.code,
    telegramBotUsername: config.telegram.botUsername,
    whatsappPhone: config.whatsapp.phone,
    maxBotUsername: config.max.botUsername,
  });
  lines.push(
    '',
    tr('cli_text.ci_code', { code: cohort.code }),
    linkLine('Telegram', links.telegram, tr('cli_text.ci_hint_telegram'), locale),
    linkLine('WhatsApp', links.whatsapp, tr('cli_text.ci_hint_whatsapp'), locale),
    // Only where Max is in use: a centre without it is not asked for its settings.
    ...(config.max.botToken || config.max.botUsername
      ? [linkLine('Max', links.max, tr('cli_text.ci_hint_max'), locale)]
      : []),
  );
  if (cohort.codeDerived) lines.push('', tr('cli_text.ci_code_derived', { code: cohort.code }));
  return `${lines.join('\n')}\n`;
}

export async function runCohortCommand(args: string[], io: Output = processOutput): Promise<number> {
  const USAGE = commandHelp('cohort', io);
  const parsed = parseCommandArgs(
    {
      args,
      allowPositionals: true,
      options: { 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
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
  const problem =
    callProblem(io, { action: { given: subcommand, known: ['import'] } }) ??
    (file === undefined ? t(io.locale ?? 'ru', 'cli_usage.no_file') : callProblem(io, { extra: rest }));
  if (problem || file === undefined) return refuseCall(io, problem ?? '', USAGE);
  const dryRun = parsed.values['dry-run'] === true;
  const config = loadConfig();

  const bytes = await readInputFile(file, io);
  if (!bytes) return 1;
  const parsedFile = parseCohortFile(decodeText(bytes).text, basename(file), {
    timeZone: config.defaultTimeZone,
    locale: config.defaultLocale,
    ...supportModels(config, io),
  });
  if (!parsedFile.ok) {
    printProblems(io, t(io.locale ?? 'ru', 'cli_text.ci_refused', { file }), parsedFile.error);
    return 1;
  }

  const store = await openCliStore(config, io, { dryRun });
  if (!store) return 1;
  try {
    return await reportWriteFailure(io, async () => {
      const result = await applyCohortFile(store.repositories, parsedFile.value, { now: new Date(), dryRun });
      if (!result.ok) {
        printProblems(io, t(io.locale ?? 'ru', 'cli_text.ci_conflict', { file }), result.error);
        return 1;
      }
      io.out(formatCohortReport(result.value, config, io.locale ?? 'ru'));
      return 0;
    });
  } finally {
    await store.close();
  }
}

export const cohortCommand = {
  run: (args: string[], io: Output) => runCohortCommand(args, io),
};
