// What the CLI says when a command is called wrongly, before its usage; the console accounts
// command; a few shared lines (the audit of issue 15). Kept apart from cli.ts and cli-text.ts.
export const cli_usage = {
  no_action: 'Say what to do: {actions}',
  unknown_action: 'Unknown action "{name}"; expected {actions}',
  or: ' or ',
  no_file: 'Name the file',
  missing_option: { one: 'Option {options} is missing', other: 'Options {options} are missing' },
  extra_args: 'Extra arguments: {args} — the command takes none',
  dash_value: 'Option {option} needs a value; write a value starting with "-" with "=": {option}=-5',
  bad_wait: '--wait: expected a number of seconds from 0',
  no_cohort: 'No cohort with the code "{code}".',
  no_programme: 'No programme with the code "{code}".',
  bad_stage: '--stage: expected a stage number, a whole number from 1',
  no_questionnaire:
    'No current questionnaire "{id}": {known}. The sample was not saved. npm run cli -- questionnaire check lists them all',
  sm_assigned: {
    one: 'Assigned the questionnaire "{title}" ({id}), occasion {occasion}: {count} respondent; the scheduler sends the invitations.',
    other:
      'Assigned the questionnaire "{title}" ({id}), occasion {occasion}: {count} respondents; the scheduler sends the invitations.',
  },
  e_pick_questionnaire: 'CSV holds one questionnaire: give --questionnaire ID, one of {list}',
  e_empty_json: 'No rows yet: the file holds an empty list.',
  help_console: `Usage: npm run cli -- console <action> [options]
  add-staff  --login LOGIN --name NAME [--lang ru|kk|en] [--password-stdin]
             a centre staff account: sees every course and acts in the console
  add-school --login LOGIN --name NAME --organisation "SCHOOL NAME" [--lang ru|kk|en] [--password-stdin]
             a school administrator: views only the teachers of their organisation
  password   --login LOGIN [--password-stdin]   a new password
  list                                          every account
  disable    --login LOGIN                      close the login (open sessions stop working too)
  enable     --login LOGIN                      open the login again
  Without --password-stdin a password is made up and shown once. Curators and tutors have no
  accounts: they log in with the one-time link the bot sends on /console.
`,
};

/** `npm run cli -- console ...`: the staff console's accounts. */
export const cli_console = {
  role_staff: 'centre staff',
  role_school_admin: 'school administrator',
  bad_lang: '--lang: the console language is ru, kk or en',
  no_login: '--login: name the login',
  bad_login: '--login: 3 to 64 Latin letters, digits, dots, hyphens and underscores, e.g. ivanova or school5.admin',
  no_name: '--name: give the full name — it shows in the console and in the action log',
  no_organisation: '--organisation: name the school as the teachers have it (the "organisation" column)',
  too_short: 'The password is too short: at least 10 characters.',
  too_long: 'The password is too long: at most 200 characters.',
  none: 'No console accounts yet. Create one: npm run cli -- console add-staff --login LOGIN --name NAME',
  disabled_since: 'login closed since {date}',
  taken: 'The login "{login}" is taken. A new password: npm run cli -- console password --login {login}',
  created: 'Account created: {login} — {role}{organisation}.',
  made_up: 'Password (shown once, hand it over in person): {password}',
  no_account: 'No account "{login}". The list: npm run cli -- console list',
  password_set: 'Password for {login} replaced.',
  new_password: 'New password (shown once): {password}',
  disabled: 'Login for {login} closed; open sessions no longer work.',
  enabled: 'Login for {login} open again.',
};
