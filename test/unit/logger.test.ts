import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level: 'debug' }, stream), lines };
}

describe('logger', () => {
  it('never writes tokens, credentials, phones or names', () => {
    const { logger, lines } = capture();
    const token = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0';
    logger.info({ token, config: { telegram: { botToken: token } } }, 'starting');
    logger.info({ participant: { phone: '+77011234567', fullName: 'Иванова Мария', region: 'Алматы' } }, 'joined');
    logger.warn({ mongodbUri: 'mongodb://u:p@h', req: { headers: { authorization: 'Bearer abc' } } }, 'x');
    logger.debug({ update: { from: { phone: '+79001234567', telegramUsername: 'maria' } } }, 'update');
    const output = lines.join('');
    for (const secret of [token, '+77011234567', 'Иванова', 'u:p@h', 'Bearer abc', '+79001234567', 'maria"']) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('Алматы');
    expect(output).toContain('[redacted]');
  });
});
