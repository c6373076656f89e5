// What the CLI says when a command is called wrongly, before its usage; the console accounts
// command; a few shared lines (the audit of issue 15). Kept apart from cli.ts and cli-text.ts.
export const cli_usage = {
  no_action: 'Әрекетті көрсетіңіз: {actions}',
  unknown_action: 'Белгісіз әрекет «{name}»: бары — {actions}',
  or: ' немесе ',
  no_file: 'Файлды көрсетіңіз',
  missing_option: {
    one: '{options} параметрі көрсетілмеген',
    other: '{options} параметрлері көрсетілмеген',
  },
  extra_args: 'Артық аргументтер: {args} — команда оларды қабылдамайды',
  dash_value: '{option} параметріне мән қажет; «-» белгісінен басталатын мәнді «=» арқылы жазыңыз: {option}=-5',
  bad_wait: '--wait: 0-ден бастап секунд саны күтіледі',
  no_cohort: '«{code}» кодты ағын табылмады.',
  no_programme: '«{code}» кодты бағдарлама табылмады.',
  bad_stage: '--stage: кезең нөмірі күтіледі, 1-ден бастап бүтін сан',
  no_questionnaire:
    '«{id}» сауалнамасы қолданыстағылардың арасында жоқ: {known}. Іріктеме сақталмады. Барлық сауалнаманы npm run cli -- questionnaire check көрсетеді',
  sm_assigned: {
    one: '«{title}» ({id}) сауалнамасы тағайындалды, себебі {occasion}: {count} респондент; шақыруларды жоспарлағыш жібереді.',
    other:
      '«{title}» ({id}) сауалнамасы тағайындалды, себебі {occasion}: {count} респондент; шақыруларды жоспарлағыш жібереді.',
  },
  e_pick_questionnaire: 'CSV — бір сауалнама: --questionnaire ID көрсетіңіз, мыналардың бірі: {list}',
  e_empty_json: 'Әзірге жолдар жоқ: файлдағы тізім бос.',
  help_console: `Қолданылуы: npm run cli -- console <әрекет> [параметрлер]
  add-staff  --login ЛОГИН --name АТЫ-ЖӨНІ [--lang ru|kk|en] [--password-stdin]
             орталық қызметкерінің есептік жазбасы: барлық курсты көреді және консольде әрекет етеді
  add-school --login ЛОГИН --name АТЫ-ЖӨНІ --organisation "МЕКТЕП АТАУЫ" [--lang ru|kk|en] [--password-stdin]
             мектеп әкімшісі: тек өз ұйымының педагогтарын қарайды
  password   --login ЛОГИН [--password-stdin]   жаңа құпиясөз
  list                                          барлық есептік жазба
  disable    --login ЛОГИН                      кіруді жабу (ашық сеанстар да жұмысын тоқтатады)
  enable     --login ЛОГИН                      кіруді қайта ашу
  --password-stdin болмаса, құпиясөз ойлап табылып, бір рет көрсетіледі. Кураторлар мен тьюторлардың
  есептік жазбасы жоқ: олар бот /console командасы бойынша жіберетін бір реттік сілтемемен кіреді.
`,
};

/** `npm run cli -- console ...`: the staff console's accounts. */
export const cli_console = {
  role_staff: 'орталық қызметкері',
  role_school_admin: 'мектеп әкімшісі',
  bad_lang: '--lang: консоль тілі — ru, kk немесе en',
  no_login: '--login: логинді көрсетіңіз',
  bad_login:
    '--login: 3-тен 64-ке дейін латын әрпі, цифр, нүкте, дефис және астын сызу белгісі, мысалы ivanova немесе school5.admin',
  no_name: '--name: аты-жөнін көрсетіңіз — ол консольде және әрекеттер журналында көрінеді',
  no_organisation: '--organisation: мектепті педагогтарда жазылғандай көрсетіңіз («ұйым» бағаны)',
  too_short: 'Құпиясөз тым қысқа: кемінде 10 таңба қажет.',
  too_long: 'Құпиясөз тым ұзын: 200 таңбадан аспауы керек.',
  none: 'Консольдің есептік жазбалары әзірге жоқ. Құру: npm run cli -- console add-staff --login ЛОГИН --name АТЫ-ЖӨНІ',
  disabled_since: 'кіру {date} бастап жабық',
  taken: '«{login}» логині бос емес. Жаңа құпиясөз: npm run cli -- console password --login {login}',
  created: 'Есептік жазба құрылды: {login} — {role}{organisation}.',
  made_up: 'Құпиясөз (бір рет көрсетіледі, оны жеке беріңіз): {password}',
  no_account: '«{login}» есептік жазбасы жоқ. Тізім: npm run cli -- console list',
  password_set: '{login} құпиясөзі ауыстырылды.',
  new_password: 'Жаңа құпиясөз (бір рет көрсетіледі): {password}',
  disabled: '{login} үшін кіру жабылды; ашық сеанстар енді жарамсыз.',
  enabled: '{login} үшін кіру қайта ашылды.',
};
