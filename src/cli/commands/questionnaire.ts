// `npm run cli -- questionnaire check [--dir DIR]`: validates every questionnaire file, for the
// methodologist after an edit and for CI. One line per error, then what was found.
import { existsSync } from 'node:fs';
import { userCwd } from '../../config.js';
import { LOCALES } from '../../domain/locale.js';
import { loadQuestionnaires, translationCoverage, type Questionnaire } from '../../questionnaires/index.js';
import { userPath } from './cohort.js';

const USAGE = `Использование: npm run cli -- questionnaire check [--dir ПАПКА]

  check     проверяет каждую анкету в ПАПКЕ (по умолчанию questionnaires) и ПАПКА/archive;
            печатает по строке на ошибку и итог; код выхода 1, если есть ошибки
`;

const pluralRules = new Intl.PluralRules('ru');
function plural(n: number, one: string, few: string, many: string): string {
  const category = pluralRules.select(n);
  return `${n} ${category === 'one' ? one : category === 'few' ? few : many}`;
}

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
      process.stderr.write(`questionnaire check: лишний аргумент ${JSON.stringify(arg)}\n\n${USAGE}`);
      return 2;
    }
  }

  if (!existsSync(userPath(dir))) {
    process.stderr.write(`${dir}: такой папки нет\n`);
    return 1;
  }
  const { catalog, errors } = loadQuestionnaires(userPath(dir), { root: userCwd() });
  for (const error of errors) process.stderr.write(`${error}\n`);

  const all = catalog.all();
  const latest = new Set(catalog.latest());
  const idWidth = Math.max(2, ...all.map((q) => q.id.length));
  for (const q of all) {
    const count = plural(q.questions.length, 'вопрос', 'вопроса', 'вопросов');
    const state = latest.has(q) ? 'действует' : 'в архиве';
    process.stdout.write(`${q.id.padEnd(idWidth)}  v${String(q.version).padEnd(3)} ${state}  ${count.padEnd(13)}  ${languages(q).padEnd(22)}  ${q.source}\n`);
  }
  if (all.length === 0 && errors.length === 0) {
    process.stderr.write(`${dir}: файлов анкет (*.yaml) не найдено\n`);
    return 1;
  }
  const ids = new Set(all.map((q) => q.id)).size;
  process.stdout.write(
    `\n${plural(ids, 'анкета', 'анкеты', 'анкет')}, ${plural(all.length, 'версия', 'версии', 'версий')}, ${plural(errors.length, 'ошибка', 'ошибки', 'ошибок')}\n`,
  );
  return errors.length > 0 ? 1 : 0;
}

export const questionnaireCommand = {
  async run(args: string[]): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === 'check') return check(rest);
    if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
      process.stdout.write(USAGE);
      return sub === undefined ? 2 : 0;
    }
    process.stderr.write(`questionnaire: неизвестная команда ${JSON.stringify(sub)}\n\n${USAGE}`);
    return 2;
  },
};
