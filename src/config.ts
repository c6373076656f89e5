// The only module that reads the environment. Everything else receives a `Config`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { isIanaTimeZone } from './domain/calendar.js';
import { LOCALES, type Locale } from './domain/locale.js';
import { t } from './i18n/index.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// Env values are strings; a typo such as WHATSAPP_ENABLED=ture must be an error, not `false`.
const booleanFromEnv = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(v))
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

// "4-8" (seconds, a range to draw from) or "5" (exactly): how long the WhatsApp queue waits.
const secondsRange = z
  .string()
  .trim()
  .regex(/^\d+(?:\.\d+)?(?:\s*-\s*\d+(?:\.\d+)?)?$/)
  .transform((v) => {
    const [min, max = min] = v.split('-').map((n) => Math.round(Number(n.trim()) * 1000));
    return { min: min!, max: max! };
  })
  .refine((r) => r.min <= r.max);

const envSchema = z.object({
  MONGODB_URI: optionalString.pipe(
    z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//)
      .optional(),
  ),
  MONGODB_DB: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,63}$/)
    .default('sputnik'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  EMBEDDED_STORE_PERSIST: booleanFromEnv.default(true),
  // Unset: DATA_DIR/cache; "off": no cache.
  CONTENT_CACHE_DIR: optionalString,
  TELEGRAM_BOT_TOKEN: optionalString.pipe(
    z
      .string()
      .regex(/^\d{5,}:[A-Za-z0-9_-]{30,}$/)
      .optional(),
  ),
  TELEGRAM_BOT_USERNAME: optionalString.pipe(
    z
      .string()
      .transform((v) => v.replace(/^@/, ''))
      .pipe(z.string().regex(/^[A-Za-z0-9_]{5,32}$/))
      .optional(),
  ),
  TELEGRAM_API_ROOT: z.url({ protocol: /^https?$/ }).default('https://api.telegram.org'),
  TELEGRAM_THROTTLE: booleanFromEnv.default(true),
  TELEGRAM_WEBHOOK_URL: optionalString.pipe(z.url({ protocol: /^https$/ }).optional()),
  TELEGRAM_WEBHOOK_SECRET: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/)
      .optional(),
  ),
  MAX_BOT_TOKEN: optionalString.pipe(
    z
      .string()
      .regex(/^[\x21-\x7e]{16,512}$/)
      .optional(),
  ),
  MAX_BOT_USERNAME: optionalString.pipe(
    z
      .string()
      .transform((v) => v.replace(/^@/, ''))
      .pipe(z.string().regex(/^[A-Za-z0-9_.-]{2,64}$/))
      .optional(),
  ),
  // The official client's default (@maxhub/max-bot-api 0.3: "platform-api.max.ru is deprecated, use v2").
  MAX_API_ROOT: z.url({ protocol: /^https?$/ }).default('https://platform-api2.max.ru'),
  MAX_WEBHOOK_URL: optionalString.pipe(z.url({ protocol: /^https$/ }).optional()),
  MAX_WEBHOOK_SECRET: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/)
      .optional(),
  ),
  MAX_REQUESTS_PER_SECOND: z.coerce.number().min(0.1).max(30).default(30),
  WHATSAPP_ENABLED: booleanFromEnv.default(false),
  CHROME_PATH: optionalString,
  WHATSAPP_PHONE: optionalString.pipe(
    z
      .string()
      .transform((v) => v.replace(/[\s()-]/g, ''))
      .pipe(z.string().regex(/^\+?[1-9]\d{6,14}$/))
      .optional(),
  ),
  WHATSAPP_QR_TOKEN: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/)
      .optional(),
  ),
  WHATSAPP_GAP_SECONDS: secondsRange.default({ min: 4_000, max: 8_000 }),
  WHATSAPP_GROUP_GAP_SECONDS: secondsRange.default({ min: 30_000, max: 60_000 }),
  WHATSAPP_HOURLY_CAP: z.coerce.number().int().min(1).max(1000).default(60),
  DEFAULT_LOCALE: z.enum(LOCALES).default('ru'),
  /** The staff CLI's language (`--lang` wins); set but empty is unset, as `.env` files often leave it. */
  CLI_LANG: optionalString.pipe(z.enum(LOCALES).default('ru')),
  TZ: z.string().trim().refine(isIanaTimeZone).default('Europe/Moscow'),
  PRIVACY_POLICY_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  PRIVACY_POLICY_VERSION: z.string().trim().min(1).max(40).default('2026-11'),
  CONSULTATION_ESCALATION_DAYS: z.coerce.number().int().min(1).max(60).default(3),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  API_TOKEN: optionalString.pipe(
    z
      .string()
      .min(32)
      .regex(/^[\x21-\x7e]+$/)
      .optional(),
  ),
  SANDBOX: optionalString.pipe(booleanFromEnv.optional()),
  LINK_CHECK_ALLOW_PRIVATE: booleanFromEnv.default(false),
  LINK_CHECK_TIMEOUT_SECONDS: z.coerce.number().min(1).max(60).default(10),
  HTTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HTTP_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(1024 * 1024),
  CONSOLE_ENABLED: booleanFromEnv.default(true),
  PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  TRUST_PROXY: booleanFromEnv.default(false),
  CONSOLE_LINK_MINUTES: z.coerce.number().int().min(1).max(60).default(15),
  CONSOLE_SESSION_HOURS: z.coerce.number().min(0.1).max(168).default(12),
  CONSOLE_LARGE_EXPORT_ROWS: z.coerce.number().int().min(1).max(10_000_000).default(5000),
});

export interface Config {
  store: {
    /** Absent: the embedded in-process store is started. */
    mongodbUri: string | undefined;
    dbName: string;
    /** Where the embedded store keeps its journal; undefined = memory only. */
    embeddedDataDir: string | undefined;
  };
  dataDir: string;
  /**
   * Where the compiled build keeps the flows and questionnaires it has checked, so a start with
   * unchanged files skips reading them again (src/engine/content-cache.ts); undefined: no cache.
   */
  contentCacheDir: string | undefined;
  /** `botUsername` and `phone` only build join links (t.me/... and wa.me/...). */
  telegram: {
    botToken: string | undefined;
    apiRoot: string;
    botUsername: string | undefined;
    /** Set: Telegram pushes updates to this URL (checked with the secret); unset: long polling. */
    webhook: { url: string; secret: string } | undefined;
    /** Pace outgoing calls to Telegram's limits; off only for a local test server. */
    throttle: boolean;
  };
  /** Max (max.ru): `botUsername` only builds join links (max.ru/<bot>?start=<code>). */
  max: {
    botToken: string | undefined;
    apiRoot: string;
    botUsername: string | undefined;
    /** Set: Max pushes updates to this URL with the secret in X-Max-Bot-Api-Secret; unset: long polling. */
    webhook: { url: string; secret: string } | undefined;
    /** All calls to the Max Bot API share this pace (Max documents 30 requests a second per bot). */
    requestsPerSecond: number;
  };
  whatsapp: {
    enabled: boolean;
    chromePath: string | undefined;
    phone: string | undefined;
    /** Asked for on GET /whatsapp/qr when set: whoever scans the code decides whose number the bot speaks as. */
    qrToken: string | undefined;
    /** The outgoing queue's pace (ms); see src/channels/whatsapp/outbox.ts for why these defaults. */
    pace: {
      gapMs: { min: number; max: number };
      groupGapMs: { min: number; max: number };
      hourlyCap: number;
      conversationWindowMs: number;
    };
  };
  defaultLocale: Locale;
  defaultTimeZone: string;
  /** The personal-data consent text teachers agree to, and its version recorded with each consent. */
  privacy: { policyUrl: string | undefined; policyVersion: string };
  /** A consultation request unanswered this many days goes to the cohort's curator, once. */
  consultations: { escalationDays: number };
  logLevel: (typeof LOG_LEVELS)[number];
  /** `maxBodyBytes`: larger request bodies (the Telegram webhook, the API) get 413 unread. */
  http: { host: string; port: number; maxBodyBytes: number };
  /** Bearer token of the staff HTTP API (/api/...); absent: the API answers 503 and is off. */
  api: { token: string | undefined };
  /**
   * The sandbox: a web chat at /sandbox with a demo cohort, to try the bot without a token. On by
   * default only while no real channel is configured; SANDBOX=true|false decides otherwise.
   */
  sandbox: { enabled: boolean };
  /** Activity link checks; private targets only for tests (a teacher's link must not probe our network). */
  links: { allowPrivate: boolean; timeoutMs: number };
  /**
   * The staff console at /console. `publicUrl`: where people reach this server (links the bot
   * sends); unset: built from the request or the listening address. `trustProxy`: believe
   * X-Forwarded-Proto/-For from a reverse proxy (Secure cookies, per-address login throttling).
   */
  console: {
    enabled: boolean;
    publicUrl: string | undefined;
    trustProxy: boolean;
    loginLinkTtlMs: number;
    sessionTtlMs: number;
    largeExportRows: number;
  };
}

/**
 * What a variable's value is expected to be: each is a message of the i18n `config` namespace
 * (`config.expect_<kind>`), worded where it is shown: the CLI in the staff's language, the server's
 * log in English.
 */
const EXPECTED = {
  MONGODB_URI: 'mongodb_uri',
  MONGODB_DB: 'db_name',
  DATA_DIR: 'folder',
  CONTENT_CACHE_DIR: 'folder',
  EMBEDDED_STORE_PERSIST: 'boolean',
  TELEGRAM_BOT_TOKEN: 'telegram_token',
  TELEGRAM_BOT_USERNAME: 'telegram_username',
  TELEGRAM_API_ROOT: 'http_url',
  TELEGRAM_THROTTLE: 'boolean',
  TELEGRAM_WEBHOOK_URL: 'telegram_webhook_url',
  TELEGRAM_WEBHOOK_SECRET: 'secret',
  MAX_BOT_TOKEN: 'max_token',
  MAX_BOT_USERNAME: 'max_username',
  MAX_API_ROOT: 'http_url',
  MAX_WEBHOOK_URL: 'max_webhook_url',
  MAX_WEBHOOK_SECRET: 'secret',
  MAX_REQUESTS_PER_SECOND: 'max_rate',
  WHATSAPP_ENABLED: 'boolean',
  CHROME_PATH: 'program_path',
  WHATSAPP_PHONE: 'bot_phone',
  WHATSAPP_QR_TOKEN: 'secret',
  WHATSAPP_GAP_SECONDS: 'seconds_range',
  WHATSAPP_GROUP_GAP_SECONDS: 'seconds_range',
  WHATSAPP_HOURLY_CAP: 'hourly_cap',
  DEFAULT_LOCALE: 'locale',
  CLI_LANG: 'locale',
  TZ: 'time_zone',
  PRIVACY_POLICY_URL: 'http_url',
  PRIVACY_POLICY_VERSION: 'policy_version',
  CONSULTATION_ESCALATION_DAYS: 'escalation_days',
  LOG_LEVEL: 'log_level',
  API_TOKEN: 'api_token',
  SANDBOX: 'boolean',
  LINK_CHECK_ALLOW_PRIVATE: 'boolean',
  LINK_CHECK_TIMEOUT_SECONDS: 'link_timeout',
  HTTP_HOST: 'host',
  HTTP_PORT: 'port',
  HTTP_MAX_BODY_BYTES: 'body_bytes',
  CONSOLE_ENABLED: 'boolean',
  PUBLIC_URL: 'public_url',
  TRUST_PROXY: 'boolean',
  CONSOLE_LINK_MINUTES: 'link_minutes',
  CONSOLE_SESSION_HOURS: 'session_hours',
  CONSOLE_LARGE_EXPORT_ROWS: 'export_rows',
} as const satisfies Record<keyof typeof envSchema.shape, string>;

export type ConfigVariable = keyof typeof EXPECTED;
export const CONFIG_VARIABLES = Object.keys(EXPECTED) as ConfigVariable[];

/**
 * Values never repeated back, in the CLI or the log: credentials (a MongoDB URI may carry a
 * password; a webhook URL often carries a secret path), tokens, and the bot account's phone.
 */
const UNSHOWN: ReadonlySet<ConfigVariable> = new Set([
  'MONGODB_URI',
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_WEBHOOK_URL',
  'TELEGRAM_WEBHOOK_SECRET',
  'MAX_BOT_TOKEN',
  'MAX_WEBHOOK_URL',
  'MAX_WEBHOOK_SECRET',
  'WHATSAPP_PHONE',
  'WHATSAPP_QR_TOKEN',
  'API_TOKEN',
]);

/** A webhook is refused without its secret: the channel sends it back, so forged updates are told apart. */
const WEBHOOK_SECRETS: readonly [string, ConfigVariable, ConfigVariable][] = [
  ['Telegram', 'TELEGRAM_WEBHOOK_URL', 'TELEGRAM_WEBHOOK_SECRET'],
  ['Max', 'MAX_WEBHOOK_URL', 'MAX_WEBHOOK_SECRET'],
];

/** One wrong setting: the variable, what was expected of it, and its value where that is no secret. */
export type ConfigProblem =
  | { kind: 'invalid'; variable: ConfigVariable; value?: string; blank?: true }
  /** Set `variable` too when `with` is set: the channel sends that secret back with each update. */
  | { kind: 'needs'; variable: ConfigVariable; with: ConfigVariable; channel: string };

/** The problem in `locale`, one line: «HTTP_PORT: ожидается номер порта от 0 до 65535, а задано «abc»». */
export function describeConfigProblem(locale: Locale, problem: ConfigProblem): string {
  if (problem.kind === 'needs') return t(locale, 'config.needs_webhook_secret', problem);
  const expected = t(locale, `config.expect_${EXPECTED[problem.variable]}`);
  if (problem.blank) return t(locale, 'config.invalid_blank', { variable: problem.variable, expected });
  return problem.value === undefined
    ? t(locale, 'config.invalid', { variable: problem.variable, expected })
    : t(locale, 'config.invalid_value', { variable: problem.variable, expected, value: problem.value });
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    // The server's log is read by operators: English there; the CLI words `problems` itself.
    super(`Invalid configuration: ${problems.map((p) => describeConfigProblem('en', p)).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** A value fit to quote on one line: control characters out, long values cut. */
function quotable(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const line = value.replace(/\p{Cc}+/gu, ' ').trim();
  if (line === '') return undefined;
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

function problemOf(variable: ConfigVariable, env: Environment): ConfigProblem {
  // Set but empty says so: «а задано пустое значение» tells the reader which line of `.env` to look at.
  const raw = env[variable];
  if (raw !== undefined && raw.trim() === '') return { kind: 'invalid', variable, blank: true };
  const value = UNSHOWN.has(variable) ? undefined : quotable(env[variable]);
  return value === undefined ? { kind: 'invalid', variable } : { kind: 'invalid', variable, value };
}

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads `.env` (if present) under the real environment: a variable set in the environment wins,
 * as with dotenv, so `.env` holds local defaults and deployment overrides it.
 */
export function readEnvironment(env: Environment = process.env, envFile: string | undefined = '.env'): Environment {
  if (envFile === undefined || !existsSync(envFile)) return env;
  const fromFile = parseEnv(readFileSync(envFile, 'utf8'));
  return { ...fromFile, ...env };
}

export function loadConfig(env: Environment = readEnvironment()): Config {
  const parsed = envSchema.safeParse(env);
  // Every wrong setting at once, one problem per variable however many checks its value failed.
  const problems: ConfigProblem[] = parsed.success
    ? []
    : [...new Set(parsed.error.issues.map((i) => String(i.path[0]) as ConfigVariable))].map((v) => problemOf(v, env));
  const given = (v: ConfigVariable) => (env[v] ?? '').trim() !== '';
  for (const [channel, url, secret] of WEBHOOK_SECRETS) {
    if (given(url) && !given(secret)) problems.push({ kind: 'needs', variable: secret, with: url, channel });
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    store: {
      mongodbUri: e.MONGODB_URI,
      dbName: e.MONGODB_DB,
      embeddedDataDir: e.EMBEDDED_STORE_PERSIST ? e.DATA_DIR : undefined,
    },
    dataDir: e.DATA_DIR,
    contentCacheDir:
      e.CONTENT_CACHE_DIR === undefined
        ? join(e.DATA_DIR, 'cache')
        : e.CONTENT_CACHE_DIR.toLowerCase() === 'off'
          ? undefined
          : e.CONTENT_CACHE_DIR,
    telegram: {
      botToken: e.TELEGRAM_BOT_TOKEN,
      apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
      botUsername: e.TELEGRAM_BOT_USERNAME,
      webhook: e.TELEGRAM_WEBHOOK_URL
        ? { url: e.TELEGRAM_WEBHOOK_URL, secret: e.TELEGRAM_WEBHOOK_SECRET ?? '' }
        : undefined,
      throttle: e.TELEGRAM_THROTTLE,
    },
    max: {
      botToken: e.MAX_BOT_TOKEN,
      apiRoot: e.MAX_API_ROOT.replace(/\/+$/, ''),
      botUsername: e.MAX_BOT_USERNAME,
      webhook: e.MAX_WEBHOOK_URL ? { url: e.MAX_WEBHOOK_URL, secret: e.MAX_WEBHOOK_SECRET ?? '' } : undefined,
      requestsPerSecond: e.MAX_REQUESTS_PER_SECOND,
    },
    whatsapp: {
      enabled: e.WHATSAPP_ENABLED,
      chromePath: e.CHROME_PATH,
      phone: e.WHATSAPP_PHONE === undefined ? undefined : `+${e.WHATSAPP_PHONE.replace(/^\+/, '')}`,
      qrToken: e.WHATSAPP_QR_TOKEN,
      pace: {
        gapMs: e.WHATSAPP_GAP_SECONDS,
        groupGapMs: e.WHATSAPP_GROUP_GAP_SECONDS,
        hourlyCap: e.WHATSAPP_HOURLY_CAP,
        conversationWindowMs: 15 * 60_000,
      },
    },
    defaultLocale: e.DEFAULT_LOCALE,
    defaultTimeZone: e.TZ,
    privacy: { policyUrl: e.PRIVACY_POLICY_URL, policyVersion: e.PRIVACY_POLICY_VERSION },
    consultations: { escalationDays: e.CONSULTATION_ESCALATION_DAYS },
    logLevel: e.LOG_LEVEL,
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT, maxBodyBytes: e.HTTP_MAX_BODY_BYTES },
    api: { token: e.API_TOKEN },
    links: { allowPrivate: e.LINK_CHECK_ALLOW_PRIVATE, timeoutMs: e.LINK_CHECK_TIMEOUT_SECONDS * 1000 },
    sandbox: { enabled: e.SANDBOX ?? !realChannelConfigured(e) },
    console: {
      enabled: e.CONSOLE_ENABLED,
      publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
      trustProxy: e.TRUST_PROXY,
      loginLinkTtlMs: e.CONSOLE_LINK_MINUTES * 60_000,
      sessionTtlMs: Math.round(e.CONSOLE_SESSION_HOURS * 3_600_000),
      largeExportRows: e.CONSOLE_LARGE_EXPORT_ROWS,
    },
  };
}

/** A chat network the bot really talks through: the sandbox then stays off unless asked for. */
function realChannelConfigured(e: z.infer<typeof envSchema>): boolean {
  return Boolean(e.TELEGRAM_BOT_TOKEN) || e.WHATSAPP_ENABLED || Boolean(e.MAX_BOT_TOKEN);
}

/**
 * Where the user stands: `npm run cli` runs in the repository root and keeps the caller's
 * directory in INIT_CWD; relative paths in CLI commands resolve from there.
 */
export function userCwd(env: Environment = process.env): string {
  return env.INIT_CWD || process.cwd();
}

/** Credentials in a MongoDB URI must not reach logs or the health endpoint. */
export function redactUri(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/)[^@/]*@/, '$1***@');
}

/**
 * The CLI's language from CLI_LANG (environment or `.env`), read on its own: the CLI must speak
 * the staff's language even when the rest of the configuration has an error to report.
 */
export function cliLocale(env: Environment = readEnvironment()): { locale: Locale; error?: ConfigProblem } {
  const parsed = envSchema.shape.CLI_LANG.safeParse(env.CLI_LANG);
  return parsed.success ? { locale: parsed.data } : { locale: 'ru', error: problemOf('CLI_LANG', env) };
}
