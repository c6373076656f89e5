// `npm run cli -- export --format xlsx|csv|json [--out FILE] [filters]`: responses with every
// question a column, streamed to a file (or stdout) with progress on stderr.
import { parseCommandArgs } from '../args.js';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../../config.js';
import { t } from '../../i18n/index.js';
import { EXPORT_FORMATS, EXPORT_SUBJECTS, exportErrorText, type ExportFormat, type ExportSubject } from '../../monitoring/index.js';
import { processOutput, userPath, type Output } from './cohort.js';
import { cliScope, FILTER_HELP, FILTER_OPTIONS, withMonitoring } from './monitoring-common.js';

const USAGE = `Использование: npm run cli -- export [--what responses|activities|participants] --format xlsx|csv|json [--out ФАЙЛ] [параметры]
  --what responses         ответы на анкеты (по умолчанию): каждый вопрос — столбец; XLSX — лист на анкету и лист «Сводка»
  --what activities        мероприятия педагогов: вид, уровень, дата, название, ссылки, статус проверки и комментарий
  --what participants      педагоги: организация, регион, статус и дата каждого этапа, мероприятия за год против нормы
  Пустая выгрузка — файл со строкой заголовков и сообщение, что строк нет.
  --format ФОРМАТ          xlsx (по умолчанию), csv (одна анкета) или json
  --out ФАЙЛ               куда записать (по умолчанию — имя по анкете и дате; «-» — в stdout)
  --separator ; | ,        разделитель CSV (по умолчанию ;, как ждёт Excel с русской локалью)
  --anonymised             без ФИО, телефонов, идентификаторов, организации и должности
  --all                    и незавершённые анкеты
  --locale ru|kk|en        язык названий столбцов (по умолчанию ru)
${FILTER_HELP}`;

export async function runExportCommand(args: string[], io: Output = processOutput): Promise<number> {
  const parsed = parseCommandArgs({
      args,
      options: {
        ...FILTER_OPTIONS,
        format: { type: 'string', default: 'xlsx' },
        out: { type: 'string' },
        separator: { type: 'string', default: ';' },
        anonymised: { type: 'boolean' },
        all: { type: 'boolean' },
        locale: { type: 'string', default: 'ru' },
        what: { type: 'string', default: 'responses' },
      },
    }, USAGE, io);
  if (!parsed) return 2;
  const v = parsed.values;
  if (v.help) {
    io.out(USAGE);
    return 0;
  }
  const format = v.format as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) {
    io.err(`--format: ожидается ${EXPORT_FORMATS.join(', ')}\n`);
    return 2;
  }
  if (v.separator !== ';' && v.separator !== ',') {
    io.err('--separator: ожидается ; или ,\n');
    return 2;
  }
  if (v.locale !== 'ru' && v.locale !== 'kk' && v.locale !== 'en') {
    io.err('--locale: ожидается ru, kk или en\n');
    return 2;
  }
  const locale = v.locale;
  const separator = v.separator;
  const what = v.what as ExportSubject;
  if (!EXPORT_SUBJECTS.includes(what)) {
    io.err(`--what: ожидается ${EXPORT_SUBJECTS.join(', ')}\n`);
    return 2;
  }
  const config = loadConfig();
  return withMonitoring(config, io, async (monitoring) => {
    const scope = await cliScope(monitoring, v, io);
    if (!scope) return 2;
    if (what !== 'responses') {
      const file = await monitoring.exportYear({
        what, format, anonymised: v.anonymised === true, separator,
        ...(scope.cohortIds ? { cohortIds: scope.cohortIds } : {}),
        ...(locale === 'kk' ? { locale } : {}),
      });
      const out = v.out === '-' ? '-' : userPath(v.out ?? file.filename);
      await pipeline(file.stream, out === '-' ? process.stdout : createWriteStream(out));
      io.err(`${out === '-' ? 'Выгрузка записана в stdout' : `Файл: ${out}`}; строк: ${file.total}\n${file.empty ? `${t(locale, 'monitoring.export_empty')}\n` : ''}`);
      return 0;
    }
    const { by: _by, ...exportScope } = scope;
    const started = Date.now();
    const progress = (done: number, total: number) => {
      const share = total ? Math.floor((100 * done) / total) : 100;
      io.err(`\rВыгрузка: ${done.toLocaleString('ru')} из ${total.toLocaleString('ru')} (${share}%)`);
    };
    const result = await monitoring.exportFile({
      format,
      scope: exportScope,
      anonymised: v.anonymised === true,
      includeIncomplete: v.all === true,
      separator,
      locale,
      onProgress: progress,
    });
    if (!result.ok) {
      io.err(`${exportErrorText(result.error, locale)}\n`);
      return 1;
    }
    // Where the user said, relative to where they stand; by default in the current directory.
    const out = v.out === '-' ? '-' : userPath(v.out ?? result.value.filename);
    await pipeline(result.value.stream, out === '-' ? process.stdout : createWriteStream(out));
    io.err(`\n${out === '-' ? 'Выгрузка записана в stdout' : `Файл: ${out}`}; строк: ${result.value.total}; ${((Date.now() - started) / 1000).toFixed(1)} с${result.value.personalData ? '' : '; без персональных данных'}\n`);
    // Same as the activities and roster exports: an empty export is a file, and the operator is told so.
    if (result.value.empty) io.err(`${t(locale, 'monitoring.export_empty')}\n`);
    return 0;
  });
}

export const exportCommand = {
  run: (args: string[], io: Output) => runExportCommand(args, io),
};
