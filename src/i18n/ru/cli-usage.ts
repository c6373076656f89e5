// What the CLI says when a command is called wrongly, before its usage; the console accounts
// command; a few shared lines (the audit of issue 15). Kept apart from cli.ts and cli-text.ts.
export const cli_usage = {
  no_action: 'Укажите действие: {actions}',
  unknown_action: 'Неизвестное действие «{name}»: есть {actions}',
  or: ' или ',
  no_file: 'Укажите файл',
  missing_option: {
    one: 'Не указан параметр {options}',
    few: 'Не указаны параметры {options}',
    many: 'Не указаны параметры {options}',
    other: 'Не указаны параметры {options}',
  },
  extra_args: 'Лишние аргументы: {args} — команда их не принимает',
  dash_value: 'Параметру {option} нужно значение; значение, которое начинается с «-», пишите через «=»: {option}=-5',
  bad_wait: '--wait: ожидается число секунд от 0',
  no_cohort: 'Поток с кодом «{code}» не найден.',
  no_programme: 'Программа с кодом «{code}» не найдена.',
  bad_stage: '--stage: ожидается номер этапа, целое число от 1',
  no_questionnaire:
    'Анкеты «{id}» нет среди действующих: {known}. Выборка не сохранена. Все анкеты покажет npm run cli -- questionnaire check',
  sm_assigned: {
    one: 'Назначена анкета «{title}» ({id}), повод {occasion}: {count} респондент; приглашения разошлёт планировщик.',
    few: 'Назначена анкета «{title}» ({id}), повод {occasion}: {count} респондента; приглашения разошлёт планировщик.',
    many: 'Назначена анкета «{title}» ({id}), повод {occasion}: {count} респондентов; приглашения разошлёт планировщик.',
    other:
      'Назначена анкета «{title}» ({id}), повод {occasion}: {count} респондента; приглашения разошлёт планировщик.',
  },
  e_pick_questionnaire: 'CSV — одна анкета: укажите --questionnaire ID, одну из {list}',
  e_empty_json: 'Строк пока нет: в файле пустой список.',
  help_console: `Использование: npm run cli -- console <действие> [параметры]
  add-staff  --login ЛОГИН --name ФИО [--lang ru|kk|en] [--password-stdin]
             учётная запись сотрудника центра: видит все курсы и действует в консоли
  add-school --login ЛОГИН --name ФИО --organisation "НАЗВАНИЕ ШКОЛЫ" [--lang ru|kk|en] [--password-stdin]
             администратор школы: только просмотр педагогов своей организации
  password   --login ЛОГИН [--password-stdin]   новый пароль
  list                                          все учётные записи
  disable    --login ЛОГИН                      закрыть вход (открытые сеансы тоже перестают работать)
  enable     --login ЛОГИН                      снова открыть вход
  Без --password-stdin пароль придумывается и показывается один раз. Кураторы и тьюторы учётных
  записей не имеют: они входят по одноразовой ссылке, которую бот присылает по команде /console.
`,
};

/** `npm run cli -- console ...`: the staff console's accounts. */
export const cli_console = {
  role_staff: 'сотрудник центра',
  role_school_admin: 'администратор школы',
  bad_lang: '--lang: язык консоли — ru, kk или en',
  no_login: '--login: укажите логин',
  bad_login:
    '--login: от 3 до 64 латинских букв, цифр, точек, дефисов и подчёркиваний, например ivanova или school5.admin',
  no_name: '--name: укажите ФИО — его видно в консоли и в журнале действий',
  no_organisation: '--organisation: укажите школу так, как она записана у педагогов (колонка «организация»)',
  too_short: 'Пароль слишком короткий: нужно не меньше 10 символов.',
  too_long: 'Пароль слишком длинный: не больше 200 символов.',
  none: 'Учётных записей консоли пока нет. Создайте: npm run cli -- console add-staff --login ЛОГИН --name ФИО',
  disabled_since: 'вход закрыт с {date}',
  taken: 'Логин «{login}» уже занят. Новый пароль: npm run cli -- console password --login {login}',
  created: 'Учётная запись создана: {login} — {role}{organisation}.',
  made_up: 'Пароль (показывается один раз, передайте его лично): {password}',
  no_account: 'Учётной записи «{login}» нет. Список: npm run cli -- console list',
  password_set: 'Пароль для {login} заменён.',
  new_password: 'Новый пароль (показывается один раз): {password}',
  disabled: 'Вход для {login} закрыт; открытые сеансы больше не действуют.',
  enabled: 'Вход для {login} снова открыт.',
};
