// `npm run cli -- console add-staff | add-school | password | list | disable | enable`: accounts of
// the staff console. Passwords are never taken on the command line (they would stay in the shell's
// history): read from standard input with --password-stdin, or made up here and shown once.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../config.js';
import { formatLocalDate, localDate } from '../../domain/calendar.js';
import type { ConsoleAccount } from '../../domain/console.js';
import { isLocale } from '../../domain/locale.js';
import { hashPassword, passwordProblem } from '../../http/console/passwords.js';
import { t, type MessageKey } from '../../i18n/index.js';
import { callProblem, commandHelp, parseCommandArgs, refuseCall } from '../args.js';
import { openCliStore, processOutput, type Output } from './cohort.js';

/** A console message in the staff's language. */
const say = (io: Output, key: MessageKey, params?: Record<string, string | number>) =>
  t(io.locale ?? 'ru', key, params);

const roleName = (io: Output, role: ConsoleAccount['role']) =>
  say(io, role === 'staff' ? 'cli_console.role_staff' : 'cli_console.role_school_admin');

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
  const USAGE = commandHelp('console', io);
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
  const problem = callProblem(io, { action: { given: action, known: actions }, extra });
  if (problem || !action) return refuseCall(io, problem ?? '', USAGE);
  if (v.lang !== undefined && !isLocale(v.lang)) {
    io.err(`${say(io, 'cli_console.bad_lang')}\n`);
    return 2;
  }
  const login = v.login?.trim().toLowerCase();
  if (action !== 'list') {
    if (!login) {
      return refuseCall(io, say(io, 'cli_console.no_login'), USAGE);
    }
    if (!LOGIN.test(login)) {
      io.err(`${say(io, 'cli_console.bad_login')}\n`);
      return 2;
    }
  }
  if ((action === 'add-staff' || action === 'add-school') && !v.name?.trim()) {
    return refuseCall(io, say(io, 'cli_console.no_name'), USAGE);
  }
  if (action === 'add-school' && !v.organisation?.trim()) {
    io.err(`${say(io, 'cli_console.no_organisation')}\n`);
    return 2;
  }

  let password: string | undefined;
  let madeUp = false;
  if (action === 'add-staff' || action === 'add-school' || action === 'password') {
    if (v['password-stdin']) {
      password = await readStdinLine(stdin);
      const problem = passwordProblem(password);
      if (problem) {
        io.err(`${say(io, problem === 'too_short' ? 'cli_console.too_short' : 'cli_console.too_long')}\n`);
        return 2;
      }
    } else {
      password = randomBytes(12).toString('base64url');
      madeUp = true;
    }
  }

  const config = loadConfig();
  const store = await openCliStore(config, io, { dryRun: false });
  if (!store) return 1;
  try {
    const repo = store.repositories.console;
    switch (action) {
      case 'list': {
        const accounts = await repo.listAccounts();
        if (accounts.length === 0) {
          io.out(`${say(io, 'cli_console.none')}\n`);
          return 0;
        }
        for (const a of accounts) {
          io.out(
            `${a.login}\t${a.displayName}\t${roleName(io, a.role)}${a.organisation ? ` («${a.organisation}»)` : ''}${a.disabledAt ? `\t${say(io, 'cli_console.disabled_since', { date: formatLocalDate(localDate(a.disabledAt, config.defaultTimeZone)) })}` : ''}\n`,
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
          io.err(`${say(io, 'cli_console.taken', { login: login! })}\n`);
          return 1;
        }
        const organisation = created.value.organisation ? ` («${created.value.organisation}»)` : '';
        io.out(
          `${say(io, 'cli_console.created', { login: login!, role: roleName(io, created.value.role), organisation })}\n`,
        );
        if (madeUp) io.out(`${say(io, 'cli_console.made_up', { password: password! })}\n`);
        return 0;
      }
      case 'password': {
        const updated = await repo.updateAccount(login!, { passwordHash: await hashPassword(password!) });
        if (!updated) {
          io.err(`${say(io, 'cli_console.no_account', { login: login! })}\n`);
          return 1;
        }
        io.out(`${say(io, 'cli_console.password_set', { login: login! })}\n`);
        if (madeUp) io.out(`${say(io, 'cli_console.new_password', { password: password! })}\n`);
        return 0;
      }
      default: {
        const disable = action === 'disable';
        const updated = await repo.updateAccount(login!, { disabledAt: disable ? new Date() : null });
        if (!updated) {
          io.err(`${say(io, 'cli_console.no_account', { login: login! })}\n`);
          return 1;
        }
        await store.repositories.audit.record({
          at: new Date(),
          actor: 'cli',
          action: disable ? 'console.account_disabled' : 'console.account_enabled',
          subjectType: 'console',
          subjectId: updated.id,
        });
        io.out(`${say(io, disable ? 'cli_console.disabled' : 'cli_console.enabled', { login: login! })}\n`);
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
