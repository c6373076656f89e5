// What the CLI commands print, beyond their help (cli-help.ts) and the shared lines (cli.ts).
export const cli_text = {
  q_extra_arg: 'questionnaire check: артық аргумент {arg}',
  q_unknown_sub: 'questionnaire: белгісіз команда {name}',
  q_no_dir: '{dir}: мұндай папка жоқ',
  q_none: '{dir}: сауалнама файлдары (*.yaml) табылмады',
  q_active: 'қолданыста',
  q_archived: 'мұрағатта',
  q_questions: { one: '{count} сұрақ', other: '{count} сұрақ' },
  q_questionnaires: { one: '{count} сауалнама', other: '{count} сауалнама' },
  q_versions: { one: '{count} нұсқа', other: '{count} нұсқа' },
  q_errors: { one: '{count} қате', other: '{count} қате' },
};
