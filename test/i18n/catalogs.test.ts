import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { format } from '../../src/i18n/catalog.js';
import { catalogs, t } from '../../src/i18n/index.js';

function keysOf(catalog: Record<string, Record<string, unknown>>): string[] {
  return Object.entries(catalog)
    .flatMap(([ns, messages]) => Object.keys(messages).map((k) => `${ns}.${k}`))
    .sort();
}

function placeholders(message: unknown): string[] {
  const text = typeof message === 'string' ? message : Object.values(message as Record<string, string>).join(' ');
  return [...new Set(text.match(/\{\w+\}/g) ?? [])].sort();
}

describe('locale catalogs', () => {
  it.each(['kk', 'en'] as const)('%s has every key of the Russian catalog and no other', (locale) => {
    expect(keysOf(catalogs[locale])).toEqual(keysOf(catalogs.ru));
  });

  it.each(['kk', 'en'] as const)('%s uses the same placeholders as Russian in every message', (locale) => {
    for (const [ns, messages] of Object.entries(catalogs.ru)) {
      for (const [key, message] of Object.entries(messages)) {
        expect(placeholders(catalogs[locale][ns]?.[key]), `${locale} ${ns}.${key}`).toEqual(placeholders(message));
      }
    }
  });

  it('has no empty Russian message', () => {
    for (const [ns, messages] of Object.entries(catalogs.ru)) {
      for (const [key, message] of Object.entries(messages)) {
        expect(typeof message === 'string' ? message.trim() : message.other.trim(), `${ns}.${key}`).not.toBe('');
      }
    }
  });

  it('translates with Russian plural forms', () => {
    const forms = {
      one: '{count} мероприятие',
      few: '{count} мероприятия',
      many: '{count} мероприятий',
      other: '{count} мероприятия',
    };
    expect([1, 2, 5, 21, 0].map((count) => format('ru', forms, { count }))).toEqual([
      '1 мероприятие',
      '2 мероприятия',
      '5 мероприятий',
      '21 мероприятие',
      '0 мероприятий',
    ]);
    expect(t('kk', 'common.yes')).toBe('Иә');
  });
});

/** Every .ts file under these folders of src/. */
function sources(...dirs: string[]): string[] {
  const root = new URL('../../src/', import.meta.url).pathname;
  return dirs.flatMap((dir) =>
    readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(join(root, dir, f), 'utf8')),
  );
}

describe('the content checks’ messages (questionnaires, support models, flows)', () => {
  // zod takes a schema's message as a plain string, so the compiler cannot check these keys.
  const used = new Set(
    sources('questionnaires', 'support-models', 'engine/flows', 'import').flatMap((text) =>
      [...text.matchAll(/'content\.(\w+)'/g)].map((m) => m[1]!),
    ),
  );

  it('every key the checks use is in the Russian, Kazakh and English catalogs', () => {
    expect(used.size).toBeGreaterThan(100);
    for (const locale of ['ru', 'kk', 'en'] as const) {
      const missing = [...used].filter((key) => !Object.hasOwn(catalogs[locale].content ?? {}, key));
      expect(missing, locale).toEqual([]);
    }
  });

  it('every message of the content namespace is used by a check', () => {
    expect(Object.keys(catalogs.ru.content ?? {}).filter((key) => !used.has(key))).toEqual([]);
  });
});
