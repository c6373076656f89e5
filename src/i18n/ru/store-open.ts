// Why the CLI could not open the data store, in words (src/cli/store-failure.ts): Node's and the
// MongoDB driver's reasons are English, and staff should not meet them.
export const store_open = {
  file_system: '{path}: {reason}',
  in_use: 'папка данных {dir} занята процессом {pid} (запущенный бот?): остановите его или укажите другой DATA_DIR',
  lock_failed: 'не удалось занять папку данных {dir}',
  journal_damaged:
    'журнал {file} повреждён (байт {offset}), после повреждения целых записей: {count}; ничего не изменено. Остановите все процессы Sputnik с этой папкой данных и запустите npm run cli -- store repair',
  not_journal: 'файл {file} — не журнал хранилища Sputnik; он не тронут',
  refused: 'сервер не принимает подключения: MongoDB не запущена, или адрес и порт неверны',
  no_host: 'сервер с таким именем не найден',
  timeout: 'сервер не ответил вовремя',
  auth: 'неверное имя пользователя или пароль',
  duplicate: 'в базе есть повторяющиеся записи там, где индекс {index} требует уникальности',
};
