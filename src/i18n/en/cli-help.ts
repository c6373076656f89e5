// Each CLI command's help (npm run cli -- <command> --help), also printed after a usage error.
export const cli_help = {
  cohort: `Usage: npm run cli -- cohort import FILE.yaml|FILE.json [--dry-run]
  Creates or updates a cohort from the file (sample: src/cli/samples/cohort.sample.yaml)
  and prints the cohort code and the join links. --dry-run: only check the file.
`,
  participants: `Usage: npm run cli -- participants import --cohort CODE FILE.csv [--dry-run]
  Enrols teachers from a CSV (UTF-8 or Windows-1251, separator ";" or ",") into cohort CODE.
  Sample: src/cli/samples/participants.sample.csv. --dry-run: only check the file.
`,
  questionnaire: `Usage: npm run cli -- questionnaire check [--dir FOLDER]

  check     checks every questionnaire in FOLDER (default questionnaires) and FOLDER/archive;
            prints one line per error and a summary; exit code 1 when there are errors
`,
  content: `Usage: npm run cli -- content check [--root FOLDER]

  check     checks everything the bot reads when it starts: questionnaires (questionnaires), flows (flows)
            and support models (flows/models), as a start does, with each problem in the CLI's
            language: file, place, what is wrong and the line; exit code 1 on problems
  --root    the folder holding questionnaires and flows (default: Sputnik's own)
`,
  export: `Usage: npm run cli -- export [--what responses|activities|participants] --format xlsx|csv|json [--out FILE] [options]
  --what responses         questionnaire answers (default): one column per question; XLSX: a sheet per questionnaire and a "Summary" sheet
  --what activities        teachers' activities: type, level, date, title, links, review status and comment
  --what participants      teachers: organisation, region, each stage's status and date, the year's activities against the norm
  An empty export is a file with its header row, and says there are no rows.
  --format FORMAT          xlsx (default), csv (one questionnaire) or json
  --out FILE               where to write (default: a name from the questionnaire and date; "-": stdout)
  --separator ; | ,        CSV separator (default ;, as Excel with a Russian locale expects)
  --anonymised             without names, phones, ids, organisation and position
  --all                    unfinished questionnaires too
  --locale ru|kk|en        language of the column names (default ru)
`,
  stats: `Usage: npm run cli -- stats [options] [--json]
  Response rates, scale questions, answer distributions, activities, stages and consultations.
  --json                   the same as JSON
`,
  sample: `Usage: npm run cli -- sample --size N --seed TEXT [options]
  Stratified sample: shares of regions, directions and urban/rural schools as among all teachers.
  --size N                 how many respondents
  --seed TEXT              seed: the same seed gives the same sample
  --save                   save the sample (prints its id)
  --assign QUESTIONNAIRE   save and assign a questionnaire; the scheduler sends the invitations
  --occasion OCCASION      occasion of the survey (default sample-<sample id>)
`,
  filters: `Filters (all optional):
  --cohort CODE[,CODE]     cohorts (codes or ids)
  --programme CODE[,CODE]  programmes: all their cohorts
  --from YYYY-MM-DD        from this date
  --to YYYY-MM-DD          up to and including this date
  --questionnaire ID       one questionnaire, --version N its version
  --by DIMENSION           cohort, programme, direction, region, district, settlementType, organisation
`,
  report: `Usage: npm run cli -- report [--cohort CODE | --programme CODE] --half 1|2 --year YYYY [--out FOLDER] [--anonymised] [--lang ru|kk]
  The half-year report (due by 1 June and 1 October): report.md, report.xlsx and PNG charts.
  Without --cohort and --programme: the whole centre. Any past period can be built.
  --lang ru|kk             language of the report (default: the cohorts' language; Kazakh when all cohorts are Kazakh)
`,
  schedule: `Usage: npm run cli -- schedule show --cohort CODE [--days N]
  Shows what the bot will send the cohort's participants in the next N days (default 30):
  to whom, what and when, in the cohort's local time.
`,
  stage: `Usage: npm run cli -- stage set --cohort CODE --teacher PHONE|ID --stage N --status STATUS --comment TEXT
  Sets a teacher's stage by hand: it wins over the rules until changed, and shows in the report.
  --status                 completed, in_progress or not_started
  --comment                the reason (required): the teacher and the report see it
`,
  store: `Usage: npm run cli -- store check | repair
  check   checks the embedded store's journal (DATA_DIR) record by record;
  repair  repairs a damaged journal: keeps a copy beside it and recovers
          every intact record, those after the damage included.
  The bot on this DATA_DIR must be stopped.
`,
  whatsapp: `Usage: npm run cli -- whatsapp create-group --cohort CODE [--wait SECONDS]
       npm run cli -- whatsapp failed
  create-group: asks the running bot to open the cohort's WhatsApp group: curators and tutors are
          members, curators admins; the group's description and invite link are kept on the
          cohort. People whose privacy settings refuse being added get the link privately
          ("invite pending").
  --wait: how many seconds to wait for the bot's answer (default 60; 0: only pass the request on).
  failed: messages WhatsApp never took after all retries, and those not confirmed after a restart
          in the middle of sending; they are kept with their text.
`,
  config: `Usage: npm run cli -- config
  Prints the effective configuration (secrets hidden) or every error in it, one a line:
  the variable, what it expects and what it got (secrets are not repeated).
`,
};
