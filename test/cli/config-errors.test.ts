// Every setting the configuration knows, set wrong, is named in the staff's language with what it
// expects and, unless it may be a secret, what was set; the CLI prints all of them at once.
import { describe, expect, it, vi } from 'vitest';
import { runCliProcess } from '../support/cli-process.js';
import {
  cliLocale,
  CONFIG_VARIABLES,
  ConfigError,
  describeConfigProblem,
  loadConfig,
  type ConfigProblem,
  type ConfigVariable,
} from '../../src/config.js';
import type { Locale } from '../../src/domain/locale.js';
import { runCli, type Command } from '../../src/cli/run.js';
import { kk } from '../../src/i18n/kk/index.js';
import { ru } from '../../src/i18n/ru/index.js';

vi.setConfig({ testTimeout: 180_000 });

const SECRET = 'hunter2-secret-value';

/** A wrong value for each variable (with what it needs beside it), and the Russian line staff read. */
const WRONG: [ConfigVariable, Record<string, string>, string][] = [
  [
    'MONGODB_URI',
    { MONGODB_URI: `postgres://admin:${SECRET}@db/x` },
    'MONGODB_URI: ожидается адрес вида mongodb://… или mongodb+srv://…',
  ],
  [
    'MONGODB_DB',
    { MONGODB_DB: 'my db' },
    'MONGODB_DB: ожидается имя базы: латинские буквы, цифры, _ или -, до 63 знаков, а задано «my db»',
  ],
  ['DATA_DIR', { DATA_DIR: '   ' }, 'DATA_DIR: ожидается путь к папке, а задано пустое значение'],
  [
    'EMBEDDED_STORE_PERSIST',
    { EMBEDDED_STORE_PERSIST: 'ture' },
    'EMBEDDED_STORE_PERSIST: ожидается true или false, а задано «ture»',
  ],
  [
    'TELEGRAM_BOT_TOKEN',
    { TELEGRAM_BOT_TOKEN: SECRET },
    'TELEGRAM_BOT_TOKEN: ожидается токен от @BotFather вида 123456789:AA…',
  ],
  [
    'TELEGRAM_BOT_USERNAME',
    { TELEGRAM_BOT_USERNAME: '@ab' },
    'TELEGRAM_BOT_USERNAME: ожидается имя бота в Telegram, например sputnik_bot, а задано «@ab»',
  ],
  [
    'TELEGRAM_API_ROOT',
    { TELEGRAM_API_ROOT: 'ftp://x' },
    'TELEGRAM_API_ROOT: ожидается адрес http:// или https://, а задано «ftp://x»',
  ],
  [
    'TELEGRAM_THROTTLE',
    { TELEGRAM_THROTTLE: 'maybe' },
    'TELEGRAM_THROTTLE: ожидается true или false, а задано «maybe»',
  ],
  [
    'TELEGRAM_WEBHOOK_URL',
    { TELEGRAM_WEBHOOK_URL: `http://bot.example/${SECRET}`, TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(16) },
    'TELEGRAM_WEBHOOK_URL: ожидается адрес https://, ведущий на /telegram/webhook этого сервера',
  ],
  [
    'TELEGRAM_WEBHOOK_SECRET',
    { TELEGRAM_WEBHOOK_SECRET: 'short secret' },
    'TELEGRAM_WEBHOOK_SECRET: ожидается от 16 до 256 знаков: латинские буквы, цифры, _ или -',
  ],
  [
    'MAX_BOT_TOKEN',
    { MAX_BOT_TOKEN: 'short secret' },
    'MAX_BOT_TOKEN: ожидается токен бота с business.max.ru (Чат-боты → Интеграция)',
  ],
  [
    'MAX_BOT_USERNAME',
    { MAX_BOT_USERNAME: 'a' },
    'MAX_BOT_USERNAME: ожидается ник бота, как в ссылке max.ru/<ник>, а задано «a»',
  ],
  [
    'MAX_API_ROOT',
    { MAX_API_ROOT: 'platform-api2.max.ru' },
    'MAX_API_ROOT: ожидается адрес http:// или https://, а задано «platform-api2.max.ru»',
  ],
  [
    'MAX_WEBHOOK_URL',
    { MAX_WEBHOOK_URL: `http://bot.example/${SECRET}`, MAX_WEBHOOK_SECRET: 'a'.repeat(16) },
    'MAX_WEBHOOK_URL: ожидается адрес https://, ведущий на /max/webhook этого сервера',
  ],
  [
    'MAX_WEBHOOK_SECRET',
    { MAX_WEBHOOK_SECRET: 'short' },
    'MAX_WEBHOOK_SECRET: ожидается от 16 до 256 знаков: латинские буквы, цифры, _ или -',
  ],
  [
    'MAX_REQUESTS_PER_SECOND',
    { MAX_REQUESTS_PER_SECOND: '50' },
    'MAX_REQUESTS_PER_SECOND: ожидается число запросов в секунду от 0.1 до 30 (Max допускает 30), а задано «50»',
  ],
  ['WHATSAPP_ENABLED', { WHATSAPP_ENABLED: 'ture' }, 'WHATSAPP_ENABLED: ожидается true или false, а задано «ture»'],
  [
    'WHATSAPP_PHONE',
    { WHATSAPP_PHONE: '+7 701 12' },
    'WHATSAPP_PHONE: ожидается номер телефона аккаунта бота, например +77011234567',
  ],
  [
    'WHATSAPP_QR_TOKEN',
    { WHATSAPP_QR_TOKEN: 'short' },
    'WHATSAPP_QR_TOKEN: ожидается от 16 до 256 знаков: латинские буквы, цифры, _ или -',
  ],
  [
    'WHATSAPP_GAP_SECONDS',
    { WHATSAPP_GAP_SECONDS: '8-4' },
    'WHATSAPP_GAP_SECONDS: ожидается число секунд (5) или промежуток, меньшее число первым (4-8), а задано «8-4»',
  ],
  [
    'WHATSAPP_GROUP_GAP_SECONDS',
    { WHATSAPP_GROUP_GAP_SECONDS: 'fast' },
    'WHATSAPP_GROUP_GAP_SECONDS: ожидается число секунд (5) или промежуток, меньшее число первым (4-8), а задано «fast»',
  ],
  [
    'WHATSAPP_HOURLY_CAP',
    { WHATSAPP_HOURLY_CAP: '2.5' },
    'WHATSAPP_HOURLY_CAP: ожидается целое число сообщений в час, от 1 до 1000, а задано «2.5»',
  ],
  ['DEFAULT_LOCALE', { DEFAULT_LOCALE: 'de' }, 'DEFAULT_LOCALE: ожидается ru, kk или en, а задано «de»'],
  ['CLI_LANG', { CLI_LANG: 'de' }, 'CLI_LANG: ожидается ru, kk или en, а задано «de»'],
  [
    'TZ',
    { TZ: 'Moscow' },
    'TZ: ожидается часовой пояс IANA, например Europe/Moscow или Asia/Almaty, а задано «Moscow»',
  ],
  [
    'PRIVACY_POLICY_URL',
    { PRIVACY_POLICY_URL: 'consent.html' },
    'PRIVACY_POLICY_URL: ожидается адрес http:// или https://, а задано «consent.html»',
  ],
  [
    'PRIVACY_POLICY_VERSION',
    { PRIVACY_POLICY_VERSION: 'v'.repeat(41) },
    `PRIVACY_POLICY_VERSION: ожидается обозначение версии до 40 знаков, например 2026-11, а задано «${'v'.repeat(41)}»`,
  ],
  [
    'CONSULTATION_ESCALATION_DAYS',
    { CONSULTATION_ESCALATION_DAYS: '0' },
    'CONSULTATION_ESCALATION_DAYS: ожидается целое число дней, от 1 до 60, а задано «0»',
  ],
  [
    'LOG_LEVEL',
    { LOG_LEVEL: 'verbose' },
    'LOG_LEVEL: ожидается один из уровней: fatal, error, warn, info, debug, trace, silent, а задано «verbose»',
  ],
  [
    'API_TOKEN',
    { API_TOKEN: SECRET },
    'API_TOKEN: ожидается не меньше 32 латинских букв, цифр или знаков без пробелов (например, openssl rand -hex 32)',
  ],
  ['SANDBOX', { SANDBOX: 'maybe' }, 'SANDBOX: ожидается true или false, а задано «maybe»'],
  [
    'LINK_CHECK_ALLOW_PRIVATE',
    { LINK_CHECK_ALLOW_PRIVATE: 'maybe' },
    'LINK_CHECK_ALLOW_PRIVATE: ожидается true или false, а задано «maybe»',
  ],
  [
    'LINK_CHECK_TIMEOUT_SECONDS',
    { LINK_CHECK_TIMEOUT_SECONDS: '0' },
    'LINK_CHECK_TIMEOUT_SECONDS: ожидается число секунд, от 1 до 60, а задано «0»',
  ],
  [
    'HTTP_HOST',
    { HTTP_HOST: ' ' },
    'HTTP_HOST: ожидается адрес, на котором слушать, например 127.0.0.1 или 0.0.0.0, а задано пустое значение',
  ],
  ['HTTP_PORT', { HTTP_PORT: 'abc' }, 'HTTP_PORT: ожидается номер порта, целое число от 0 до 65535, а задано «abc»'],
  [
    'HTTP_MAX_BODY_BYTES',
    { HTTP_MAX_BODY_BYTES: '10' },
    'HTTP_MAX_BODY_BYTES: ожидается целое число байт, от 1024 до 104857600, а задано «10»',
  ],
  ['CONSOLE_ENABLED', { CONSOLE_ENABLED: 'maybe' }, 'CONSOLE_ENABLED: ожидается true или false, а задано «maybe»'],
  [
    'PUBLIC_URL',
    { PUBLIC_URL: 'sputnik.example.org' },
    'PUBLIC_URL: ожидается адрес http(s), который открывают люди, например https://sputnik.example.org, а задано «sputnik.example.org»',
  ],
  ['TRUST_PROXY', { TRUST_PROXY: 'maybe' }, 'TRUST_PROXY: ожидается true или false, а задано «maybe»'],
  [
    'CONSOLE_LINK_MINUTES',
    { CONSOLE_LINK_MINUTES: '90' },
    'CONSOLE_LINK_MINUTES: ожидается целое число минут, от 1 до 60, а задано «90»',
  ],
  [
    'CONSOLE_SESSION_HOURS',
    { CONSOLE_SESSION_HOURS: 'долго' },
    'CONSOLE_SESSION_HOURS: ожидается число часов, от 0.1 до 168, а задано «долго»',
  ],
  [
    'CONSOLE_LARGE_EXPORT_ROWS',
    { CONSOLE_LARGE_EXPORT_ROWS: '0' },
    'CONSOLE_LARGE_EXPORT_ROWS: ожидается целое число строк, от 1 до 10000000, а задано «0»',
  ],
];

/** Any text is a path (to a program, a folder, or `off`): nothing to refuse. */
const ANY_VALUE: ConfigVariable[] = ['CHROME_PATH', 'CONTENT_CACHE_DIR'];

function problemsOf(env: Record<string, string>): readonly ConfigProblem[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${Object.keys(env).join(', ')}`);
}

const lines = (locale: Locale, env: Record<string, string>) =>
  problemsOf(env).map((p) => describeConfigProblem(locale, p));

describe('a wrong setting, in the staff’s language', () => {
  it('covers every variable the configuration reads', () => {
    expect([...WRONG.map(([v]) => v), ...ANY_VALUE].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it.each(WRONG)('%s: one Russian line naming it and what it expects', (_variable, env, line) => {
    expect(lines('ru', env)).toEqual([line]);
  });

  it('never repeats a secret, a credential or the bot’s phone', () => {
    for (const [variable, env] of WRONG) {
      const text = [...lines('ru', env), ...lines('en', env), ...lines('kk', env)].join('\n');
      expect(text, variable).not.toContain(SECRET);
      expect(text, variable).not.toContain('701 12');
    }
  });

  it('asks for a webhook’s secret, in the same pass as the other problems', () => {
    expect(lines('ru', { TELEGRAM_WEBHOOK_URL: 'https://bot.example/telegram/webhook', HTTP_PORT: 'x' })).toEqual([
      'HTTP_PORT: ожидается номер порта, целое число от 0 до 65535, а задано «x»',
      'TELEGRAM_WEBHOOK_SECRET: обязателен, когда задан TELEGRAM_WEBHOOK_URL — Telegram присылает этот секрет с каждым обновлением, и по нему отсеиваются поддельные',
    ]);
    expect(lines('kk', { MAX_WEBHOOK_URL: 'https://bot.example/max/webhook' })).toEqual([
      'MAX_WEBHOOK_SECRET: MAX_WEBHOOK_URL берілгенде міндетті — Max бұл құпияны әр жаңартумен қайтарады, жалған жаңартулар сол арқылы сүзіледі',
    ]);
  });

  it('says every line in Kazakh too, with no Russian word left', () => {
    const words = (text: string) => new Set(text.toLowerCase().match(/[а-яёәғқңөұүһі]+/g) ?? []);
    const kazakh = words(JSON.stringify(kk.config));
    // A word only the Russian texts have is a Russian leftover.
    const russianOnly = [...words(JSON.stringify(ru.config))].filter((w) => !kazakh.has(w));
    for (const [variable, env, russian] of WRONG) {
      const [line] = lines('kk', env);
      expect(line, variable).not.toBe(russian);
      expect(line?.startsWith(`${variable}: `), variable).toBe(true);
      expect(
        [...words(line ?? '')].filter((w) => russianOnly.includes(w)),
        variable,
      ).toEqual([]);
    }
    expect(lines('kk', { HTTP_PORT: 'abc' })).toEqual([
      'HTTP_PORT: порт нөмірі күтіледі, 0-ден 65535-ке дейін бүтін сан, ал берілгені: «abc»',
    ]);
  });

  it('says a variable is set but empty, in Russian and Kazakh; an empty CLI_LANG is no language, not a wrong one', () => {
    expect(lines('ru', { LOG_LEVEL: '', DEFAULT_LOCALE: ' ' })).toEqual([
      'DEFAULT_LOCALE: ожидается ru, kk или en, а задано пустое значение',
      'LOG_LEVEL: ожидается один из уровней: fatal, error, warn, info, debug, trace, silent, а задано пустое значение',
    ]);
    expect(lines('kk', { DEFAULT_LOCALE: '' })).toEqual(['DEFAULT_LOCALE: ru, kk немесе en күтіледі, ал мәні бос']);
    // An empty secret is no secret: saying it is empty shows nothing.
    expect(
      lines('ru', { TELEGRAM_WEBHOOK_URL: 'https://bot.example/telegram/webhook', TELEGRAM_WEBHOOK_SECRET: '' }),
    ).toEqual([
      'TELEGRAM_WEBHOOK_SECRET: обязателен, когда задан TELEGRAM_WEBHOOK_URL — Telegram присылает этот секрет с каждым обновлением, и по нему отсеиваются поддельные',
    ]);
    expect(loadConfig({ CLI_LANG: '' }).defaultLocale).toBe('ru');
    expect(cliLocale({ CLI_LANG: '' })).toEqual({ locale: 'ru' });
    expect(cliLocale({ CLI_LANG: ' kk ' })).toEqual({ locale: 'kk' });
  });
});

describe('the CLI reports wrong settings', () => {
  const cli = runCliProcess;

  it('all at once, in Russian, without the password of the URI', async () => {
    const { code, stdout, stderr } = await cli(['config'], {
      MONGODB_URI: `postgres://admin:${SECRET}@db/x`,
      HTTP_PORT: '80a',
      TZ: 'Moscow',
      TELEGRAM_WEBHOOK_URL: 'https://bot.example/telegram/webhook',
    });
    expect([code, stdout]).toEqual([1, '']);
    expect(stderr).toBe(
      [
        'sputnik: Ошибки в настройках:',
        '  MONGODB_URI: ожидается адрес вида mongodb://… или mongodb+srv://…',
        '  TZ: ожидается часовой пояс IANA, например Europe/Moscow или Asia/Almaty, а задано «Moscow»',
        '  HTTP_PORT: ожидается номер порта, целое число от 0 до 65535, а задано «80a»',
        '  TELEGRAM_WEBHOOK_SECRET: обязателен, когда задан TELEGRAM_WEBHOOK_URL — Telegram присылает этот секрет с каждым обновлением, и по нему отсеиваются поддельные',
        '',
      ].join('\n'),
    );
  });

  it('an empty CLI_LANG (a `.env` line left blank) is Russian, `config` included', async () => {
    const { code, stdout, stderr } = await cli(['config'], { CLI_LANG: '' });
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain('"mongodbUri"');
  });

  it('and `config` shows the settings without one of their secrets', async () => {
    const secrets = {
      MONGODB_URI: `mongodb://admin:${SECRET}@db:27017/x`,
      TELEGRAM_BOT_TOKEN: `123456789:${'T'.repeat(35)}`,
      TELEGRAM_WEBHOOK_URL: 'https://bot.example/telegram/webhook',
      TELEGRAM_WEBHOOK_SECRET: `tg-${SECRET}`,
      MAX_BOT_TOKEN: `max-${SECRET}`,
      MAX_WEBHOOK_URL: 'https://bot.example/max/webhook',
      MAX_WEBHOOK_SECRET: `max-hook-${SECRET}`,
      WHATSAPP_QR_TOKEN: `qr-${SECRET}`,
      API_TOKEN: `api-${SECRET}-0123456789abcdef`,
    };
    const { code, stdout, stderr } = await cli(['config'], secrets);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain('"mongodbUri": "mongodb://***@db:27017/x"');
    expect(stdout).not.toContain(SECRET);
    expect(stdout).not.toContain('T'.repeat(35));
    expect(stdout.match(/"\(задан\)"/g)).toHaveLength(6);
  });
});

describe('what no command expected', () => {
  const failing: Record<string, Command> = {
    stats: {
      run() {
        throw new TypeError("Cannot read properties of undefined (reading 'cohortId')");
      },
    },
  };
  const capture = (locale: Locale) => {
    const lines: string[] = [];
    return {
      io: { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t), locale },
      text: () => lines.join(''),
    };
  };

  it('is one line in the staff’s language, exit code 1, the stack only with LOG_LEVEL=debug', async () => {
    vi.stubEnv('LOG_LEVEL', '');
    vi.stubEnv('CLI_LANG', '');
    try {
      const ru = capture('ru');
      expect(await runCli(['stats'], ru.io, failing)).toBe(1);
      expect(ru.text()).toBe(
        "sputnik: Непредвиденная ошибка: Cannot read properties of undefined (reading 'cohortId'). Подробности покажет запуск с LOG_LEVEL=debug.\n",
      );
      const kk = capture('kk');
      expect(await runCli(['--lang', 'kk', 'stats'], kk.io, failing)).toBe(1);
      expect(kk.text()).toMatch(
        /^sputnik: Күтпеген қате: Cannot read .*LOG_LEVEL=debug арқылы іске қосқанда көрінеді\.\n$/,
      );
      vi.stubEnv('LOG_LEVEL', 'debug');
      const debug = capture('ru');
      expect(await runCli(['stats'], debug.io, failing)).toBe(1);
      expect(debug.text().split('\n').slice(1, 3)).toEqual([
        "TypeError: Cannot read properties of undefined (reading 'cohortId')",
        expect.stringMatching(/^\s+at /),
      ]);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
