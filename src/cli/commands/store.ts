// `npm run cli -- store check|repair`: the embedded store's journal. `check` reads it and says
// whether it is whole; `repair` keeps a copy of a damaged journal and rewrites it from every intact
// record. Both refuse while a Sputnik process holds the data directory.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, type Config } from '../../config.js';
import { DirLock, JOURNAL_FILE, lockHolder, repairJournal, scanAll, type Damage } from '../../store/embedded/journal.js';
import { parseCommandArgs } from '../args.js';
import { processOutput, type Output } from './cohort.js';

const USAGE = `Использование: npm run cli -- store check | repair
  check   проверяет журнал встроенного хранилища (DATA_DIR) запись за записью;
  repair  чинит повреждённый журнал: сохраняет его копию рядом и восстанавливает
          все целые записи, в том числе идущие после повреждения.
  Бот на этом DATA_DIR должен быть остановлен.
`;

const pluralRules = new Intl.PluralRules('ru');
function plural(n: number, one: string, few: string, many: string): string {
  const category = pluralRules.select(n);
  return `${n} ${category === 'one' ? one : category === 'few' ? few : many}`;
}

function records(n: number): string {
  return plural(n, 'запись', 'записи', 'записей');
}

function describeDamage(d: Damage): string {
  return `  с байта ${d.offset}: ${plural(d.bytes, 'байт', 'байта', 'байт')} (${d.reason})`;
}

/** The journal's directory, or a line saying why there is none to look at. */
function journalDir(config: Config, io: Output): string | undefined {
  if (config.store.mongodbUri !== undefined) {
    io.err('Задан MONGODB_URI: данные хранит MongoDB, журнала встроенного хранилища нет.\n');
    return undefined;
  }
  if (config.store.embeddedDataDir === undefined) {
    io.err('EMBEDDED_STORE_PERSIST=false: встроенное хранилище ничего не пишет на диск, журнала нет.\n');
    return undefined;
  }
  const dir = resolve(config.store.embeddedDataDir);
  if (!existsSync(join(dir, JOURNAL_FILE))) {
    io.err(`В ${dir} нет журнала ${JOURNAL_FILE}: проверьте DATA_DIR.\n`);
    return undefined;
  }
  return dir;
}

function check(dir: string, io: Output): number {
  const file = join(dir, JOURNAL_FILE);
  const scan = scanAll(readFileSync(file));
  if (scan.damage.length === 0) {
    io.out(`Журнал ${file} цел: ${records(scan.payloads.length)}.\n`);
    return 0;
  }
  const onlyTail = scan.damage.length === 1 && scan.tail !== undefined;
  io.out(`Журнал ${file} повреждён, целых записей: ${scan.payloads.length}. Повреждённые участки:\n`);
  io.out(`${scan.damage.map(describeDamage).join('\n')}\n`);
  io.out(
    onlyTail
      ? 'Это оборванный конец последней записи: бот отрежет его сам при запуске.\n'
      : 'Восстановите журнал: npm run cli -- store repair\n',
  );
  return 1;
}

function repair(dir: string, io: Output): number {
  let lock: DirLock;
  try {
    lock = DirLock.acquire(dir);
  } catch (error) {
    const pid = lockHolder(dir);
    io.err(
      pid === undefined
        ? `Не удалось занять каталог данных ${dir}: ${(error as Error).message}\n`
        : `Каталог данных ${dir} занят процессом ${pid} (запущенный бот?). Остановите его и повторите.\n`,
    );
    return 1;
  }
  try {
    const result = repairJournal(dir);
    if (!result.backup) {
      io.out(`Журнал ${result.file} цел (${records(result.records)}), чинить нечего.\n`);
      return 0;
    }
    io.out(`Журнал ${result.file} восстановлен: сохранено ${records(result.records)}.\n`);
    io.out(`Пропущены повреждённые участки:\n${result.damage.map(describeDamage).join('\n')}\n`);
    io.out(`Копия повреждённого журнала: ${result.backup}\nТеперь бота можно запускать.\n`);
    return 0;
  } catch (error) {
    io.err(`Журнал не восстановлен, ничего не изменено: ${(error as Error).message}\n`);
    return 1;
  } finally {
    lock.release();
  }
}

export async function runStoreCommand(args: string[], io: Output = processOutput, config?: Config): Promise<number> {
  const parsed = parseCommandArgs({ args, allowPositionals: true, options: {} }, USAGE, io);
  if (!parsed) return 2;
  const [action, ...rest] = parsed.positionals;
  if ((action !== 'check' && action !== 'repair') || rest.length > 0) {
    io.err(USAGE);
    return 2;
  }
  const dir = journalDir(config ?? loadConfig(), io);
  if (!dir) return 1;
  return action === 'check' ? check(dir, io) : repair(dir, io);
}

export const storeCommand = {
  run: (args: string[]) => runStoreCommand(args),
};
