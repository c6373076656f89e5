// What the CLI commands print, beyond their help (cli-help.ts) and the shared lines (cli.ts).
export const cli_text = {
  q_extra_arg: 'questionnaire check: unexpected argument {arg}',
  q_unknown_sub: 'questionnaire: unknown command {name}',
  q_no_dir: '{dir}: no such folder',
  q_none: '{dir}: no questionnaire files (*.yaml) found',
  q_active: 'active',
  q_archived: 'archived',
  q_questions: { one: '{count} question', other: '{count} questions' },
  q_questionnaires: { one: '{count} questionnaire', other: '{count} questionnaires' },
  q_versions: { one: '{count} version', other: '{count} versions' },
  q_errors: { one: '{count} error', other: '{count} errors' },
};
