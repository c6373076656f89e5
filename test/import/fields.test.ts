import { word } from '../../src/i18n/index.js';
import { describe, expect, it } from 'vitest';
import { buildJoinLinks } from '../../src/import/join-links.js';
import { deriveCohortCode, COHORT_CODE_ALPHABET } from '../../src/import/cohort-code.js';
import { startOfLocalDay } from '../../src/domain/sending-window.js';
import { localDate } from '../../src/domain/calendar.js';
import {
  defaultCountryFor,
  matchesTutorRef,
  readLanguage,
  readPhone,
  readSettlement,
  readTelegramUsername,
  readTutorRef,
} from '../../src/import/fields.js';

describe('phone numbers', () => {
  it.each([
    ['8 701 123 45 67', 'KZ', '+77011234567'],
    ['+7 (701) 123-45-67', 'KZ', '+77011234567'],
    ['87011234567', 'RU', '+77011234567'],
    ['8 (916) 123-45-67', 'RU', '+79161234567'],
    ['9161234567', 'RU', '+79161234567'],
    ['+375 29 123 45 67', 'RU', '+375291234567'],
  ] as const)('%s in %s → %s', (raw, country, e164) => {
    expect(readPhone(raw, country)).toEqual({ ok: true, value: e164 });
  });

  it.each(['12345', '555-12-34', 'не знаю', '+7 701'])('refuses %s', (raw) => {
    const result = readPhone(raw, 'KZ');
    expect(result.ok).toBe(false);
    expect(!result.ok && word('ru', result.error)).toBe(`«${raw}» — не похоже на номер телефона`);
  });

  it('reads numbers in the country of the cohort time zone', () => {
    expect(defaultCountryFor('Asia/Almaty')).toBe('KZ');
    expect(defaultCountryFor('Asia/Qostanay')).toBe('KZ');
    expect(defaultCountryFor('Asia/Novosibirsk')).toBe('RU');
    expect(defaultCountryFor('Europe/Moscow')).toBe('RU');
  });
});

describe('telegram usernames', () => {
  it.each(['@Aigul_S', 'aigul_s', 't.me/aigul_s', 'https://t.me/aigul_s/'])('%s → aigul_s', (raw) => {
    expect(readTelegramUsername(raw)).toEqual({ ok: true, value: 'aigul_s' });
  });
  it.each(['@ab', 'айгуль', '@1abcde', 'a b c d e'])('refuses %s', (raw) => {
    expect(readTelegramUsername(raw).ok).toBe(false);
  });
});

describe('settlement types', () => {
  it.each(['urban', 'Город', 'город', 'ГОРОДСКАЯ местность', 'қала', 'Қала', 'пгт'])('%s → urban', (raw) => {
    expect(readSettlement(raw)).toEqual({ ok: true, value: 'urban' });
  });
  it.each(['rural', 'село', 'Село', 'ауыл', 'аул', 'сельская местность', 'деревня'])('%s → rural', (raw) => {
    expect(readSettlement(raw)).toEqual({ ok: true, value: 'rural' });
  });
  it('names the accepted words when it cannot tell', () => {
    const result = readSettlement('хутор');
    expect(!result.ok && word('ru', result.error)).toBe(
      '«хутор» — укажите «город» или «село» (urban / rural, қала / ауыл)',
    );
  });
});

describe('languages', () => {
  it.each([
    ['ru', 'ru'],
    ['Русский', 'ru'],
    ['kk', 'kk'],
    ['KZ', 'kk'],
    ['казахский', 'kk'],
    ['қазақша', 'kk'],
    ['English', 'en'],
  ] as const)('%s → %s', (raw, locale) => {
    expect(readLanguage(raw)).toEqual({ ok: true, value: locale });
  });
  it('refuses an unknown language', () => {
    expect(readLanguage('uz').ok).toBe(false);
  });
});

describe('tutor references', () => {
  const tutor = { fullName: 'Ким Виктор Александрович', phone: '+77775552002', telegramUsername: 'viktor_kim' };
  it.each(['8 777 555 20 02', '@viktor_kim', 'https://t.me/Viktor_Kim', 'ким  виктор александрович'])(
    '%s finds the tutor',
    (raw) => {
      const ref = readTutorRef(raw, 'KZ');
      expect(ref && matchesTutorRef(ref, tutor)).toBe(true);
    },
  );
  it('does not match someone else', () => {
    const ref = readTutorRef('+7 701 555 11 22', 'KZ');
    expect(ref && matchesTutorRef(ref, tutor)).toBe(false);
    expect(readTutorRef('  ', 'KZ')).toBeUndefined();
  });
});

describe('derived cohort codes', () => {
  const input = { programmeCode: 'FG-72', title: 'Поток весна 2026', courseStart: '2026-03-02' };
  it('is the same for the same programme, title and start, however the title is spaced', () => {
    const code = deriveCohortCode(input);
    expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{7}$/);
    expect(deriveCohortCode({ ...input, programmeCode: ' fg-72', title: '  поток  ВЕСНА 2026 ' })).toBe(code);
  });
  it('differs when any of them differs', () => {
    const code = deriveCohortCode(input);
    expect(deriveCohortCode({ ...input, courseStart: '2026-03-03' })).not.toBe(code);
    expect(deriveCohortCode({ ...input, title: 'Поток осень 2026' })).not.toBe(code);
    expect(deriveCohortCode({ ...input, programmeCode: 'FG-36' })).not.toBe(code);
  });
  it('never uses characters that are read as others', () => {
    expect(COHORT_CODE_ALPHABET).not.toMatch(/[01OIL]/);
    for (let i = 0; i < 200; i += 1) {
      expect(deriveCohortCode({ ...input, title: `Поток ${i}` })).not.toMatch(/[01OIL]/);
    }
  });
});

describe('join links', () => {
  it('builds the Telegram and Max deep links and the WhatsApp link from the settings', () => {
    expect(
      buildJoinLinks({
        code: 'FG72-SPRING',
        telegramBotUsername: 'sputnik_bot',
        whatsappPhone: '+7 701 555-00-00',
        maxBotUsername: 'sputnik_max_bot',
      }),
    ).toEqual({
      telegram: { ok: true, url: 'https://t.me/sputnik_bot?start=FG72-SPRING' },
      whatsapp: { ok: true, url: 'https://wa.me/77015550000?text=FG72-SPRING' },
      max: { ok: true, url: 'https://max.ru/sputnik_max_bot?start=FG72-SPRING' },
    });
  });
  it('names the variable to set when one is missing', () => {
    expect(buildJoinLinks({ code: 'X7K', telegramBotUsername: undefined, whatsappPhone: undefined })).toEqual({
      telegram: { ok: false, missing: 'TELEGRAM_BOT_USERNAME' },
      whatsapp: { ok: false, missing: 'WHATSAPP_PHONE' },
      max: { ok: false, missing: 'MAX_BOT_USERNAME' },
    });
  });
});

describe('course dates', () => {
  it.each(['Asia/Almaty', 'Europe/Moscow', 'Asia/Kamchatka', 'America/New_York'])(
    'a day stored in %s reads back as the same day',
    (tz) => {
      const at = startOfLocalDay('2026-03-20', tz);
      expect(localDate(at, tz)).toBe('2026-03-20');
      expect(localDate(new Date(at.getTime() - 1), tz)).toBe('2026-03-19');
    },
  );
});
