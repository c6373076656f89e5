// What the CLI commands print, beyond their help (cli-help.ts) and the shared lines (cli.ts).
export const cli_text = {
  q_extra_arg: 'questionnaire check: лишний аргумент {arg}',
  q_unknown_sub: 'questionnaire: неизвестная команда {name}',
  q_no_dir: '{dir}: такой папки нет',
  q_none: '{dir}: файлов анкет (*.yaml) не найдено',
  q_active: 'действует',
  q_archived: 'в архиве',
  q_questions: { one: '{count} вопрос', few: '{count} вопроса', many: '{count} вопросов', other: '{count} вопроса' },
  q_questionnaires: { one: '{count} анкета', few: '{count} анкеты', many: '{count} анкет', other: '{count} анкеты' },
  q_versions: { one: '{count} версия', few: '{count} версии', many: '{count} версий', other: '{count} версии' },
  q_errors: { one: '{count} ошибка', few: '{count} ошибки', many: '{count} ошибок', other: '{count} ошибки' },
};
