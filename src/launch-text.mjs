// What the launcher (src/launch.mjs) says while it builds, in the language of whoever reads it:
// staff running `npm run cli` read Russian (Kazakh or English when --lang or CLI_LANG says so, as
// the CLI itself does); operators running `npm start` or `npm run build` read English, like the
// server's logs. Plain JavaScript: it runs before anything is compiled, so it cannot use src/i18n.

export const LAUNCHER_TEXT = {
  ru: {
    no_tsc_kept: 'TypeScript не установлен, пересобрать dist/ нечем; запускается имеющаяся сборка',
    no_tsc: 'TypeScript не установлен (npm install --omit=dev?), собрать нечем. Выполните `npm install`.',
    building: 'сборка (TypeScript → dist/): один раз после каждого изменения исходников...',
    failed: 'сборка не удалась (см. выше): исправьте исходники или запустите `npm run dev`, которому сборка не нужна',
    unbundled: 'dist/ не объединён в dist/bundle/ (запуск будет медленнее, работа та же)',
  },
  kk: {
    no_tsc_kept: 'TypeScript орнатылмаған, dist/ қайта жинау мүмкін емес; бар жинақ іске қосылады',
    no_tsc: 'TypeScript орнатылмаған (npm install --omit=dev?), жинайтын құрал жоқ. `npm install` орындаңыз.',
    building: 'жинау (TypeScript → dist/): бастапқы кодтың әр өзгерісінен кейін бір рет...',
    failed: 'жинау сәтсіз аяқталды (жоғарыны қараңыз): бастапқы кодты түзетіңіз немесе жинауды қажет етпейтін `npm run dev` іске қосыңыз',
    unbundled: 'dist/ dist/bundle/ ішіне біріктірілмеді (іске қосу баяуырақ болады, жұмысы сол)',
  },
  en: {
    no_tsc_kept: 'TypeScript is not installed, so dist/ cannot be rebuilt; running the build that is there',
    no_tsc: 'TypeScript is not installed (npm install --omit=dev?); nothing to build with. Run `npm install`.',
    building: 'building (TypeScript → dist/), once after each change of the sources...',
    failed: 'the build failed (see above); fix the sources or run `npm run dev`, which needs no build',
    unbundled: 'dist/ was not joined into dist/bundle/ (starts are slower, nothing else changes)',
  },
};

/** The launcher's language: for `cli`, --lang before the command, else CLI_LANG, else Russian. */
export function launcherLocale(mode, args, env) {
  if (mode !== 'cli') return 'en';
  const [first, second] = args;
  const asked = first === '--lang' ? second : first?.startsWith('--lang=') ? first.slice('--lang='.length) : env.CLI_LANG;
  return asked === 'kk' || asked === 'en' ? asked : 'ru';
}
