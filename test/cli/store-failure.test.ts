// A store that cannot be opened is named in the staff's language: Node's and the driver's English
// reasons, the embedded store's own errors, each as one Russian (or Kazakh) phrase.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { storeFailureReason } from '../../src/cli/store-failure.js';
import { DataDirInUseError, JournalDamagedError } from '../../src/store/embedded/index.js';
import { runCliProcess } from '../support/cli-process.js';

vi.setConfig({ testTimeout: 120_000 });

function fsError(code: string, path: string): Error {
  return Object.assign(new Error(`${code}: something, open '${path}'`), { code, path });
}

describe('why the store could not be opened', () => {
  it('words the file system, the embedded store and MongoDB in Russian', () => {
    const cases: [unknown, string][] = [
      [fsError('EACCES', '/srv/data/journal.log'), '/srv/data/journal.log: нет прав на запись'],
      [fsError('EPERM', '/srv/data'), '/srv/data: нет прав на запись'],
      [fsError('ENOSPC', '/srv/data/journal.log'), '/srv/data/journal.log: на диске не осталось места'],
      [fsError('EROFS', '/srv/data'), '/srv/data: диск доступен только для чтения'],
      [fsError('ENOENT', '/srv/data'), '/srv/data: такой папки нет'],
      [fsError('ENOTDIR', '/srv/data/x'), '/srv/data/x: в пути есть файл там, где должна быть папка'],
      [fsError('EISDIR', '/srv/data/journal.log'), '/srv/data/journal.log: это папка, а нужен файл'],
      [
        new DataDirInUseError('/srv/data', 4242),
        'папка данных /srv/data занята процессом 4242 (запущенный бот?): остановите его или укажите другой DATA_DIR',
      ],
      [
        new JournalDamagedError('/srv/data/journal.log', 1024, 'bad checksum', 7),
        'журнал /srv/data/journal.log повреждён (байт 1024), после повреждения целых записей: 7; ничего не изменено. Остановите все процессы Sputnik с этой папкой данных и запустите npm run cli -- store repair',
      ],
      [
        new Error('/srv/data/journal.log is not an embedded-store journal (bad magic); refusing to touch it'),
        'файл /srv/data/journal.log — не журнал хранилища Sputnik; он не тронут',
      ],
      [
        // The duplicate value may be a phone number: only the index is named.
        Object.assign(
          new Error(
            'E11000 duplicate key error collection: sputnik.participants index: phone_1 dup key: { phone: "+77011234567" }',
          ),
          { code: 11000 },
        ),
        'в базе есть повторяющиеся записи там, где индекс phone_1 требует уникальности',
      ],
      [
        new Error('cannot connect to MongoDB at mongodb://***@db/sputnik: Authentication failed.', {
          cause: Object.assign(new Error('Authentication failed.'), { code: 18 }),
        }),
        'неверное имя пользователя или пароль',
      ],
      [
        new Error('cannot connect', { cause: new Error('connect ECONNREFUSED 127.0.0.1:27017') }),
        'сервер не принимает подключения: MongoDB не запущена, или адрес и порт неверны',
      ],
      [new Error('getaddrinfo ENOTFOUND mongo.example'), 'сервер с таким именем не найден'],
      [new Error('Server selection timed out after 5000 ms'), 'сервер не ответил вовремя'],
    ];
    for (const [error, expected] of cases) expect(storeFailureReason(error, 'ru').reason).toBe(expected);
    expect(storeFailureReason(fsError('EACCES', '/srv/data'), 'kk').reason).toBe('/srv/data: жазуға рұқсат жоқ');
  });

  it('keeps the hint about one process per data directory for a reason it does not know', () => {
    expect(storeFailureReason(new Error('something odd\nsecond line'), 'ru')).toEqual({
      reason: 'something odd',
      lockHint: true,
    });
    expect(storeFailureReason(fsError('ENOSPC', '/srv/data'), 'ru').lockHint).toBe(false);
  });

  it('a CLI command on a DATA_DIR that is a file says so in one Russian line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sputnik-store-failure-'));
    const file = join(dir, 'data');
    writeFileSync(file, 'not a folder');
    const run = await runCliProcess(['stats'], { DATA_DIR: file, CLI_LANG: 'ru' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `Не удалось открыть хранилище данных: ${file}: в пути есть файл там, где должна быть папка\n`,
    );
  });
});
