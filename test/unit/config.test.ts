import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, readEnvironment, redactUri } from '../../src/config.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0';

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('works out of the box: embedded store, Russian, Moscow time, port 3000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      store: { mongodbUri: undefined, dbName: 'sputnik', embeddedDataDir: './data' },
      telegram: {
        botToken: undefined,
        apiRoot: 'https://api.telegram.org',
        botUsername: undefined,
        webhook: undefined,
        throttle: true,
      },
      whatsapp: { enabled: false, phone: undefined },
      defaultLocale: 'ru',
      defaultTimeZone: 'Europe/Moscow',
      logLevel: 'info',
      http: { host: '127.0.0.1', port: 3000 },
      privacy: { policyUrl: undefined, policyVersion: '2026-11' },
    });
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      MONGODB_URI: 'mongodb://user:pw@db:27017/?replicaSet=rs0',
      MONGODB_DB: 'centre',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: 'http://127.0.0.1:9000/',
      WHATSAPP_ENABLED: 'yes',
      CHROME_PATH: '/usr/bin/chromium',
      DEFAULT_LOCALE: 'kk',
      TZ: 'Asia/Almaty',
      LOG_LEVEL: 'debug',
      HTTP_PORT: '8080',
      HTTP_HOST: '0.0.0.0',
      HTTP_MAX_BODY_BYTES: '2097152',
      EMBEDDED_STORE_PERSIST: 'false',
      TELEGRAM_BOT_USERNAME: '@sputnik_pk_bot',
      WHATSAPP_PHONE: '+7 (701) 123-45-67',
      PRIVACY_POLICY_URL: 'https://centre.example/consent',
      PRIVACY_POLICY_VERSION: '2027-01',
    });
    expect(config.privacy).toEqual({ policyUrl: 'https://centre.example/consent', policyVersion: '2027-01' });
    expect(config.store).toEqual({
      mongodbUri: 'mongodb://user:pw@db:27017/?replicaSet=rs0',
      dbName: 'centre',
      embeddedDataDir: undefined,
    });
    expect(config.telegram).toEqual({
      botToken: TOKEN,
      apiRoot: 'http://127.0.0.1:9000',
      botUsername: 'sputnik_pk_bot',
      webhook: undefined,
      throttle: true,
    });
    expect(config.whatsapp).toMatchObject({ enabled: true, chromePath: '/usr/bin/chromium', phone: '+77011234567' });
    expect([config.defaultLocale, config.defaultTimeZone, config.logLevel]).toEqual(['kk', 'Asia/Almaty', 'debug']);
    expect(config.http).toEqual({ host: '0.0.0.0', port: 8080, maxBodyBytes: 2097152 });
  });

  it('reads the Max settings: off without a token, polling by default, a webhook only with its secret', () => {
    expect(loadConfig({}).max).toEqual({
      botToken: undefined,
      apiRoot: 'https://platform-api2.max.ru',
      botUsername: undefined,
      webhook: undefined,
      requestsPerSecond: 30,
    });
    const config = loadConfig({
      MAX_BOT_TOKEN: 'f9LHodD0cOKl8Pq-3xYzT6vQwRrSs1Aa',
      MAX_BOT_USERNAME: '@sputnik_max_bot',
      MAX_API_ROOT: 'http://127.0.0.1:9100/',
      MAX_WEBHOOK_URL: 'https://sputnik.example/max/webhook',
      MAX_WEBHOOK_SECRET: 'max-secret-0123456789',
      MAX_REQUESTS_PER_SECOND: '10',
    });
    expect(config.max).toEqual({
      botToken: 'f9LHodD0cOKl8Pq-3xYzT6vQwRrSs1Aa',
      apiRoot: 'http://127.0.0.1:9100',
      botUsername: 'sputnik_max_bot',
      webhook: { url: 'https://sputnik.example/max/webhook', secret: 'max-secret-0123456789' },
      requestsPerSecond: 10,
    });
    expect(errorOf({ MAX_WEBHOOK_URL: 'https://sputnik.example/max/webhook' })).toContain(
      'MAX_WEBHOOK_SECRET: required with MAX_WEBHOOK_URL',
    );
    expect(errorOf({ MAX_REQUESTS_PER_SECOND: '50' })).toContain(
      'MAX_REQUESTS_PER_SECOND: expected 0.1 to 30 requests a second (Max allows 30)',
    );
    expect(errorOf({ MAX_BOT_TOKEN: 'short secret' })).not.toContain('short secret');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ MONGODB_URI: '', TELEGRAM_BOT_TOKEN: '  ' }).store.mongodbUri).toBeUndefined();
  });

  it.each([
    [{ HTTP_PORT: 'abc' }, /HTTP_PORT: expected a port number/],
    [{ HTTP_PORT: '70000' }, /HTTP_PORT: expected a port number, a whole number from 0 to 65535, got "70000"/],
    [{ HTTP_MAX_BODY_BYTES: '10' }, /HTTP_MAX_BODY_BYTES: expected a whole number of bytes, 1024 to 104857600/],
    [{ TZ: 'Moscow' }, /TZ: expected an IANA time zone/],
    [{ DEFAULT_LOCALE: 'de' }, /DEFAULT_LOCALE: expected ru, kk or en/],
    [{ WHATSAPP_ENABLED: 'ture' }, /WHATSAPP_ENABLED: expected true or false/],
    [{ MONGODB_URI: 'postgres://x' }, /MONGODB_URI: expected a mongodb/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL: expected one of/],
    [{ TELEGRAM_API_ROOT: 'ftp://x' }, /TELEGRAM_API_ROOT: expected an http:\/\/ or https:\/\/ URL/],
  ])('names the variable and the problem for %o', (env, message) => {
    const text = errorOf(env);
    expect(text).toMatch(message);
    expect(text.split('\n')).toHaveLength(1);
  });

  it('never echoes a bad token back', () => {
    const text = errorOf({ TELEGRAM_BOT_TOKEN: 'secret-value-123' });
    expect(text).toMatch(/TELEGRAM_BOT_TOKEN: expected a token from @BotFather/);
    expect(text).not.toContain('secret-value-123');
  });

  it('reads .env under the real environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sputnik-env-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'HTTP_PORT=4000\nDEFAULT_LOCALE=kk\n# comment\n');
    const env = readEnvironment({ DEFAULT_LOCALE: 'en' }, file);
    expect(loadConfig(env)).toMatchObject({ http: { port: 4000 }, defaultLocale: 'en' });
    expect(readEnvironment({ A: '1' }, join(dir, 'missing.env'))).toEqual({ A: '1' });
  });

  it('redacts credentials in a MongoDB URI', () => {
    expect(redactUri('mongodb+srv://admin:s3cret@cluster0.example.net/db')).toBe(
      'mongodb+srv://***@cluster0.example.net/db',
    );
    expect(redactUri('mongodb://127.0.0.1:27017')).toBe('mongodb://127.0.0.1:27017');
  });
  it('turns the sandbox on while no real channel is configured, and SANDBOX decides otherwise', () => {
    const token = '123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0';
    expect(loadConfig({}).sandbox).toEqual({ enabled: true });
    expect(loadConfig({ SANDBOX: '' }).sandbox).toEqual({ enabled: true });
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: token }).sandbox).toEqual({ enabled: false });
    expect(loadConfig({ WHATSAPP_ENABLED: 'true' }).sandbox).toEqual({ enabled: false });
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: token, SANDBOX: 'true' }).sandbox).toEqual({ enabled: true });
    expect(loadConfig({ SANDBOX: 'false' }).sandbox).toEqual({ enabled: false });
    expect(() => loadConfig({ SANDBOX: 'maybe' })).toThrow('SANDBOX: expected true or false');
  });
});
