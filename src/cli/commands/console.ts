// `npm run cli -- console add-staff | add-school | password | list | disable | enable`: accounts of
// the staff console. Passwords are never taken on the command line (they would stay in the shell's
// history): read from standard input with --password-stdin, or made up here and shown once.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../config.js';
import type { ConsoleAccount } from '../../domain/console.js';
import { isLocale } from '../../domain/locale.js';
import { hashPassword, passwordProblem } from '../../http/console/passwords.js';
import { parseCommandArgs } from '../args.js';
import { openCliStore, processOutput, type Output } from './cohort.js';

const USAGE = `Использование: npm run cli -- console <действие> [параметры]
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
`;

const ROLE_NAMES: Record<ConsoleAccount['role'], string> = {
  staff: 'сотрудник центра',
  school_admin: 'администратор школы',
};

/** The first line of standard input: `echo "$PASSWORD" | npm run cli -- console add-staff ... --password-stdin`. */
async function readStdinLine(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    if (Buffer.concat(chunks).includes(10)) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

const LOGIN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

export async function runConsoleCommand(
  args: string[],
  io: Output = processOutput,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  const parsed = parseCommandArgs(
    {
      args,
      allowPositionals: true,
      options: {
        login: { type: 'string' },
        name: { type: 'string' },
        organisation: { type: 'string' },
        lang: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
    io,
  );
  if (!parsed) return 2;
  const v = parsed.values;
  if (v.help) {
    io.out(USAGE);
    return 0;
  }
  const [action, ...extra] = parsed.positionals;
  const actions = ['add-staff', 'add-school', 'password', 'list', 'disable', 'enable'];
  if (!action || !actions.includes(action) || extra.length > 0) {
    io.err(`${action ? `Неизвестное действие: ${action}\n\n` : ''}${USAGE}`);
    return 2;
  }
  if (v.lang !== undefined && !isLocale(v.lang)) {
    io.err('--lang: язык консоли — ru, kk или en\n');
    return 2;
  }
  const login = v.login?.trim().toLowerCase();
  if (action !== 'list') {
    if (!login) {
      io.err(`--login: укажите логин\n\n${USAGE}`);
      return 2;
    }
    if (!LOGIN.test(login)) {
      io.err(
        '--login: от 3 до 64 латинских букв, цифр, точек, дефисов и подчёркиваний, например ivanova или school5.admin\n',
      );
      return 2;
    }
  }
  if ((action === 'add-staff' || action === 'add-school') && !v.name?.trim()) {
    io.err(`--name: укажите ФИО — его видно в консоли и в журнале действий\n\n${USAGE}`);
    return 2;
  }
  if (action === 'add-school' && !v.organisation?.trim()) {
    io.err('--organisation: укажите школу так, как она записана у педагогов (колонка «организация»)\n');
    return 2;
  }

  let password: string | undefined;
  let madeUp = false;
  if (action === 'add-staff' || action === 'add-school' || action === 'password') {
    if (v['password-stdin']) {
      password = await readStdinLine(stdin);
      const problem = passwordProblem(password);
      if (problem) {
        io.err(
          problem === 'too_short'
            ? 'Пароль слишком короткий: нужно не меньше 10 символов.\n'
            : 'Пароль слишком длинный: не больше 200 символов.\n',
        );
        return 2;
      }
    } else {
      password = randomBytes(12).toString('base64url');
      madeUp = true;
    }
  }

  const store = await openCliStore(loadConfig(), io, { dryRun: false });
  if (!store) return 1;
  try {
    const repo = store.repositories.console;
    switch (action) {
      case 'list': {
        const accounts = await repo.listAccounts();
        if (accounts.length === 0) {
          io.out(
            'Учётных записей консоли пока нет. Создайте: npm run cli -- console add-staff --login ЛОГИН --name ФИО\n',
          );
          return 0;
        }
        for (const a of accounts) {
          io.out(
            `${a.login}\t${a.displayName}\t${ROLE_NAMES[a.role]}${a.organisation ? ` («${a.organisation}»)` : ''}${a.disabledAt ? `\tвход закрыт с ${a.disabledAt.toISOString().slice(0, 10)}` : ''}\n`,
          );
        }
        return 0;
      }
      case 'add-staff':
      case 'add-school': {
        const created = await repo.createAccount({
          login: login!,
          displayName: v.name!.trim(),
          role: action === 'add-staff' ? 'staff' : 'school_admin',
          ...(action === 'add-school' ? { organisation: v.organisation!.trim() } : {}),
          ...(isLocale(v.lang) ? { locale: v.lang } : {}),
          passwordHash: await hashPassword(password!),
        });
        if (!created.ok) {
          io.err(`Логин «${login}» уже занят. Новый пароль: npm run cli -- console password --login ${login}\n`);
          return 1;
        }
        io.out(
          `Учётная запись создана: ${login} — ${ROLE_NAMES[created.value.role]}${created.value.organisation ? ` («${created.value.organisation}»)` : ''}.\n`,
        );
        if (madeUp) io.out(`Пароль (показывается один раз, передайте его лично): ${password}\n`);
        return 0;
      }
      case 'password': {
        const updated = await repo.updateAccount(login!, { passwordHash: await hashPassword(password!) });
        if (!updated) {
          io.err(`Учётной записи «${login}» нет. Список: npm run cli -- console list\n`);
          return 1;
        }
        io.out(`Пароль для ${login} заменён.${madeUp ? `\nНовый пароль (показывается один раз): ${password}` : ''}\n`);
        return 0;
      }
      default: {
        const disable = action === 'disable';
        const updated = await repo.updateAccount(login!, { disabledAt: disable ? new Date() : null });
        if (!updated) {
          io.err(`Учётной записи «${login}» нет. Список: npm run cli -- console list\n`);
          return 1;
        }
        await store.repositories.audit.record({
          at: new Date(),
          actor: 'cli',
          action: disable ? 'console.account_disabled' : 'console.account_enabled',
          subjectType: 'console',
          subjectId: updated.id,
        });
        io.out(
          disable
            ? `Вход для ${login} закрыт; открытые сеансы больше не действуют.\n`
            : `Вход для ${login} снова открыт.\n`,
        );
        return 0;
      }
    }
  } finally {
    await store.close();
  }
}

export const consoleCommand = {
  run: (args: string[], io: Output) => runConsoleCommand(args, io),
};
