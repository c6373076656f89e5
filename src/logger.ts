import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

// Tokens, credentials and personal data never reach a log line, whatever object carries them.
// pino's wildcards cover one level, so the usual nestings are listed explicitly.
const SENSITIVE_KEYS = [
  'token',
  'botToken',
  'secret',
  'webhook',
  'password',
  'authorization',
  'mongodbUri',
  'uri',
  'phone',
  'fullName',
  'telegramUsername',
] as const;

export const REDACTED_PATHS: string[] = SENSITIVE_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]).concat([
  'req.headers.authorization',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'req.headers["x-max-bot-api-secret"]',
]);

export function createLogger(options: { level: string; pretty?: boolean }, destination?: DestinationStream): Logger {
  return pino(
    {
      level: options.level,
      base: { app: 'sputnik' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
